/**
 * One line of an OpenSSH authorized_keys file (what Ignition writes from sshAuthorizedKeys):
 * `[options] type base64-blob [comment]`. The blob is checked the way sshd would load it, so a key
 * that could never let anyone in is not counted as a way in.
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';

export interface AuthorizedKey {
  type: string;
  blob: Uint8Array;
  comment?: string;
}

export type ParsedLine = { key: AuthorizedKey } | { problem: string } | { blank: true };

const ECDSA_POINT_BYTES: Record<string, number> = { nistp256: 65, nistp384: 97, nistp521: 133 };
const KEY_TYPES = [
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
];
const REFUSED_TYPES: Record<string, string> = {
  'ssh-dss': 'DSA keys are refused by the OpenSSH in NestOS',
};
// OpenSSH refuses RSA moduli below this (SSH_RSA_MINIMUM_MODULUS_SIZE).
const RSA_MIN_BITS = 1024;

/** `SHA256:<base64 without padding>` of the key blob, as `ssh-keygen -l` prints it. */
export function fingerprint(blob: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export function parseAuthorizedKeyLine(line: string): ParsedLine {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return { blank: true };
  let rest = text;
  const isType = (t: string): boolean => KEY_TYPES.includes(t) || t in REFUSED_TYPES || t.endsWith('-cert-v01@openssh.com');
  if (!isType(firstToken(rest))) {
    const options = optionsLength(rest);
    if (options === undefined) return { problem: 'unterminated quote in the key options' };
    rest = rest.slice(options).trimStart();
  }
  const type = firstToken(rest);
  if (type.endsWith('-cert-v01@openssh.com'))
    return { problem: 'a certificate does not authorize a login here (use cert-authority with the CA key)' };
  const refused = REFUSED_TYPES[type];
  if (refused !== undefined) return { problem: refused };
  if (!KEY_TYPES.includes(type)) return { problem: 'not an OpenSSH public key (unknown key type)' };
  rest = rest.slice(type.length).trimStart();
  const encoded = firstToken(rest);
  const comment = rest.slice(encoded.length).trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 === 1) return { problem: `the ${type} key data is not base64` };
  const blob = new Uint8Array(Buffer.from(encoded, 'base64'));
  const problem = blobProblem(type, blob);
  if (problem !== undefined) return { problem };
  return { key: comment === '' ? { type, blob } : { type, blob, comment } };
}

function firstToken(s: string): string {
  const m = /^\S+/.exec(s);
  return m === null ? '' : m[0];
}

/** Length of the options field: up to the first unquoted blank (sshd's auth_parse_options). */
function optionsLength(s: string): number | undefined {
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && quoted && s[i + 1] === '"') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && (c === ' ' || c === '\t')) return i;
  }
  return quoted ? undefined : s.length;
}

/** The wire-format key must hold exactly what its type requires (sshkey_from_blob). */
function blobProblem(type: string, blob: Uint8Array): string | undefined {
  const reader = new BlobReader(blob);
  try {
    if (reader.string().toString('latin1') !== type) return `the key data is not a ${type} key`;
    if (type === 'ssh-ed25519' || type === 'sk-ssh-ed25519@openssh.com') {
      if (reader.string().length !== 32) return 'the ed25519 public key is not 32 bytes';
      if (type.startsWith('sk-')) reader.string();
    } else if (type === 'ssh-rsa') {
      reader.string(); // public exponent
      const modulus = reader.string();
      const bits = bitLength(modulus);
      if (bits < RSA_MIN_BITS) return `the RSA key has ${bits} bits, OpenSSH requires at least ${RSA_MIN_BITS}`;
    } else {
      const curve = type.replace(/^(sk-)?ecdsa-sha2-/, '').replace(/@openssh\.com$/, '');
      if (reader.string().toString('latin1') !== curve) return `the key data is not a ${type} key`;
      const point = reader.string();
      if (point.length !== ECDSA_POINT_BYTES[curve] || point[0] !== 0x04) return `the ${curve} public point is malformed`;
      if (type.startsWith('sk-')) reader.string();
    }
  } catch {
    return `the ${type} key data is truncated`;
  }
  return reader.done() ? undefined : `the ${type} key data has trailing bytes`;
}

function bitLength(mpint: Buffer): number {
  let i = 0;
  while (i < mpint.length && mpint[i] === 0) i++;
  if (i === mpint.length) return 0;
  return (mpint.length - i - 1) * 8 + Math.floor(Math.log2(mpint[i]!)) + 1;
}

class BlobReader {
  private pos = 0;
  private readonly buf: Buffer;

  constructor(blob: Uint8Array) {
    this.buf = Buffer.from(blob);
  }

  string(): Buffer {
    if (this.pos + 4 > this.buf.length) throw new RangeError('truncated');
    const length = this.buf.readUInt32BE(this.pos);
    const start = this.pos + 4;
    if (start + length > this.buf.length) throw new RangeError('truncated');
    this.pos = start + length;
    return this.buf.subarray(start, start + length);
  }

  done(): boolean {
    return this.pos === this.buf.length;
  }
}
