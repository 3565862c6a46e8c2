/**
 * The destination Ignition config guided mode writes when asked to "build one": user `nest` with
 * SSH keys and an optional console password hash, and the hostname. Spec 3.2.0, the newest that
 * every NestOS release reads (22.03 ships Ignition 2.9, which stops at 3.2.0); validated with
 * Ignition 2.14's rules before anyone uses it.
 */
import { X2Error } from '../errors.js';
import { NEST_USER } from '../identity/apply.js';
import { validateIgnition } from '../ignition/validate.js';

export const BUILT_SPEC_VERSION = '3.2.0';

export interface BuiltConfig {
  /** authorized_keys lines for `nest`. */
  sshKeys: string[];
  /** SHA-512 crypt hash ($6$...): a console login; SSH stays key-only. */
  passwordHash?: string;
  hostname?: string;
}

export function buildIgnition(c: BuiltConfig): string {
  const user: Record<string, unknown> = { name: NEST_USER };
  if (c.sshKeys.length > 0) user.sshAuthorizedKeys = c.sshKeys;
  if (c.passwordHash) user.passwordHash = c.passwordHash;
  const config: Record<string, unknown> = { ignition: { version: BUILT_SPEC_VERSION }, passwd: { users: [user] } };
  if (c.hostname) {
    config.storage = {
      files: [
        { path: '/etc/hostname', mode: 0o644, overwrite: true, contents: { source: `data:,${encodeURIComponent(`${c.hostname}\n`)}` } },
      ],
    };
  }
  const text = JSON.stringify(config, null, 2) + '\n';
  const report = validateIgnition(text);
  if (!report.ok) {
    throw new X2Error('internal', 'the Ignition config built by guided mode does not validate', {
      details: report.errors.map((e) => `${e.path}: ${e.message}`),
    });
  }
  return text;
}

/** RFC 1123 host names, as hostnamectl accepts them for the static name (at most 64 characters). */
export function hostnameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the hostname is empty';
  if (name.length > 64) return 'a hostname has at most 64 characters';
  const labels = name.split('.');
  if (labels.some((l) => !/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l))) {
    return 'use letters, digits and hyphens, in dot-separated parts that neither start nor end with a hyphen';
  }
  return undefined;
}
