/**
 * Puts the host's identity into the destination Ignition config: inherited SSH keys for the NestOS
 * admin user `nest`, /etc/hostname, SSH host keys. Whatever the user's config already says wins:
 * files it defines are left alone, keys it already gives `nest` are not repeated. The additions
 * are plan lines and never hold key material.
 */
import { sshKeysOf } from '../ignition/access.js';
import { withFiles, withSshKeys } from '../ignition/augment.js';
import { validateIgnition } from '../ignition/validate.js';
import type { InheritedKey } from './authorized-keys.js';
import type { HostKeyFile } from './host-keys.js';

export const NEST_USER = 'nest';

export interface IdentityOptions {
  keys: InheritedKey[];
  hostKeyFiles: HostKeyFile[];
  hostname?: string;
}

function nestFingerprints(text: string): Set<string> {
  const config = validateIgnition(text).config;
  return new Set(
    config === undefined
      ? []
      : sshKeysOf(config)
          .filter((k) => k.user === NEST_USER)
          .map((k) => k.fingerprint),
  );
}

/** Does the config already define something at this path (a file, directory or link of its own)? */
function defines(text: string, p: string): boolean {
  return withFiles(text, [{ path: p, mode: 0o644, contents: '' }], { skipExisting: true }) === text;
}

const hostKeyType = (p: string): string => /ssh_host_(.+)_key$/.exec(p)?.[1] ?? p;

export function applyIdentity(destText: string, opts: IdentityOptions): { text: string; additions: string[] } {
  let text = destText;
  const additions: string[] = [];

  const present = nestFingerprints(text);
  const fresh = opts.keys.filter((k) => !present.has(k.fingerprint));
  if (fresh.length > 0) {
    text = withSshKeys(
      text,
      NEST_USER,
      fresh.map((k) => k.key),
    );
    for (const k of fresh) additions.push(`ssh key for ${NEST_USER}: ${k.fingerprint} (${k.type}, from ${k.user}'s ${k.source})`);
  }

  if (opts.hostname !== undefined && opts.hostname !== '' && !defines(text, '/etc/hostname')) {
    text = withFiles(text, [{ path: '/etc/hostname', mode: 0o644, contents: `${opts.hostname}\n` }], { skipExisting: true });
    additions.push(`/etc/hostname = ${opts.hostname}`);
  }

  // A private key and its .pub go together or not at all: half of the user's pair and half of
  // ours would leave a .pub that does not match the key sshd serves.
  const privates = opts.hostKeyFiles.filter((f) => !f.path.endsWith('.pub'));
  const carried: string[] = [];
  const kept: string[] = [];
  const toAdd: HostKeyFile[] = [];
  for (const key of privates) {
    const pair = opts.hostKeyFiles.filter((f) => f.path === key.path || f.path === `${key.path}.pub`);
    if ([key.path, `${key.path}.pub`].some((p) => defines(text, p))) {
      kept.push(hostKeyType(key.path));
      continue;
    }
    toAdd.push(...pair);
    carried.push(hostKeyType(key.path));
  }
  if (toAdd.length > 0) {
    text = withFiles(text, toAdd, { skipExisting: true });
    additions.push(`SSH host keys: ${carried.join(', ')}`);
  }
  if (kept.length > 0) additions.push(`SSH host keys not carried, the config writes its own: ${kept.join(', ')}`);
  return { text, additions };
}
