/**
 * The host's SSH host keys, to be written to NestOS under the names its sshd uses
 * (/etc/ssh/ssh_host_<type>_key), so the fleet's known_hosts entries stay valid (--keep-host-keys).
 * Private key contents never leave the returned files: notes name paths, types and fingerprints.
 */
import { Buffer } from 'node:buffer';
import path from 'node:path';
import { fingerprint } from '../ignition/authorized-key.js';
import { hostName, type HostAccess } from './authorized-keys.js';
import { sshdViewFor } from './sshd-config.js';

export interface HostKeyFile {
  path: string;
  mode: number;
  contents: string;
}

/** Key types NestOS's sshd generates and loads by default (sshd-keygen: rsa, ecdsa, ed25519). */
const NESTOS_TYPES: Record<string, string> = {
  'ssh-ed25519': 'ed25519',
  'ssh-rsa': 'rsa',
  'ecdsa-sha2-nistp256': 'ecdsa',
  'ecdsa-sha2-nistp384': 'ecdsa',
  'ecdsa-sha2-nistp521': 'ecdsa',
};
const PEM_TYPES: Record<string, string> = { RSA: 'ssh-rsa', EC: 'ecdsa-sha2-nistp256', DSA: 'ssh-dss' };

const PRIVATE_MODE = 0o600;
const PUBLIC_MODE = 0o644;

/** Type of a private key file, and its public half when the file is in OpenSSH's own format. */
function privateKeyInfo(text: string): { type: string; publicBlob?: Buffer } | undefined {
  const pem = /-----BEGIN (RSA|EC|DSA) PRIVATE KEY-----/.exec(text);
  if (pem !== null) return { type: PEM_TYPES[pem[1]!]! };
  const body = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text);
  if (body === null) return undefined;
  const raw = Buffer.from(body[1]!.replace(/\s+/g, ''), 'base64');
  const magic = 'openssh-key-v1\0';
  if (raw.subarray(0, magic.length).toString('latin1') !== magic) return undefined;
  try {
    let pos = magic.length;
    const str = (): Buffer => {
      const n = raw.readUInt32BE(pos);
      const s = raw.subarray(pos + 4, pos + 4 + n);
      pos += 4 + n;
      return s;
    };
    str(); // cipher
    str(); // kdf
    str(); // kdf options
    pos += 4; // number of keys
    const pub = Buffer.from(str());
    return { type: pub.subarray(4, 4 + pub.readUInt32BE(0)).toString('latin1'), publicBlob: pub };
  } catch {
    return undefined;
  }
}

async function readPublicHalf(host: HostAccess, source: string): Promise<{ type: string; blob: Buffer; text: string } | undefined> {
  const text = await host.fs.read(`${source}.pub`);
  const m = text === undefined ? null : /^(\S+)\s+([A-Za-z0-9+/]+={0,2})(\s.*)?$/.exec(text.trim());
  if (m === null) return undefined;
  return { type: m[1]!, blob: Buffer.from(m[2]!, 'base64'), text: `${text!.trim()}\n` };
}

/** Where sshd reads host keys: its `hostkey` lines, or the usual names in /etc/ssh when it cannot say. */
async function hostKeyPaths(host: HostAccess, notes: string[]): Promise<string[]> {
  const answer = await sshdViewFor(host.runner, 'root', await hostName(host.fs));
  if (!('fallback' in answer) && answer.view.hostKeys.length > 0) return answer.view.hostKeys;
  if ('fallback' in answer) notes.push(`${answer.fallback}: taking the host keys from /etc/ssh/ssh_host_*_key`);
  return (await host.fs.list('/etc/ssh')).filter((n) => /^ssh_host_.+_key$/.test(n)).map((n) => `/etc/ssh/${n}`);
}

export async function hostKeys(host: HostAccess): Promise<{ files: HostKeyFile[]; notes: string[] }> {
  const notes: string[] = [];
  const files: HostKeyFile[] = [];
  const taken = new Set<string>();
  for (const source of await hostKeyPaths(host, notes)) {
    const secret = await host.fs.read(source);
    if (secret === undefined || !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(secret)) {
      notes.push(`host key ${source} not carried: ${secret === undefined ? 'cannot be read' : 'not a private key file'}`);
      continue;
    }
    const info = privateKeyInfo(secret);
    let pub = await readPublicHalf(host, source);
    if (pub !== undefined && info?.publicBlob !== undefined && !info.publicBlob.equals(pub.blob)) {
      notes.push(`host key ${source}: its .pub belongs to another key and is left behind`);
      pub = undefined;
    }
    const type = pub?.type ?? info?.type;
    const short = type === undefined ? undefined : NESTOS_TYPES[type];
    if (short === undefined) {
      notes.push(
        `host key ${source} not carried: ${type === undefined ? 'unknown key type' : `NestOS's sshd does not use ${type} host keys`}`,
      );
      continue;
    }
    if (taken.has(short)) {
      notes.push(`host key ${source} not carried: an earlier ${short} host key takes its place`);
      continue;
    }
    taken.add(short);
    const dest = `/etc/ssh/ssh_host_${short}_key`;
    files.push({ path: dest, mode: PRIVATE_MODE, contents: secret.endsWith('\n') ? secret : `${secret}\n` });
    if (pub !== undefined) {
      files.push({ path: `${dest}.pub`, mode: PUBLIC_MODE, contents: pub.text });
      notes.push(`host key ${short} ${fingerprint(new Uint8Array(pub.blob))} from ${source}${source === dest ? '' : ` (as ${dest})`}`);
    } else {
      notes.push(
        `host key ${short} from ${source}: no ${path.basename(source)}.pub beside it; sshd reads the public half from the private key`,
      );
    }
  }
  return { files, notes };
}
