/**
 * Who will be able to log in to the installed NestOS. Password login over SSH is off there, so
 * without a usable key in `passwd.users[].sshAuthorizedKeys` the machine is only reachable on a
 * console: refuse that unless the user says it is intended.
 *
 * Takes the config as validateIgnition decodes it (report.config), and follows configs embedded
 * as data: URLs the way Ignition renders them (references.ts).
 */
import { X2Error } from '../errors.js';
import { fingerprint, parseAuthorizedKeyLine } from './authorized-key.js';
import { array, record, renderVisible, type RenderedView } from './references.js';

export interface SshKey {
  user: string;
  type: string;
  /** As `ssh-keygen -l` prints it: `SHA256:<base64 without padding>`. */
  fingerprint: string;
  comment?: string;
}

/** A key that cannot let anyone in; never carries the key itself. */
export interface SshKeyProblem {
  user: string;
  /** Position of the entry in that user's sshAuthorizedKeys. */
  index: number;
  reason: string;
}

interface EffectiveUser {
  name: string;
  keys: string[];
  passwordHash?: string;
  shouldExist?: boolean;
}

/** Ignition merges users by name: key lists accumulate, later scalars win. */
function effectiveUsers(view: RenderedView): EffectiveUser[] {
  const users = new Map<string, EffectiveUser>();
  for (const config of view.configs) {
    for (const u of array(record(record(config)['passwd'])['users'])) {
      const user = record(u);
      const name = typeof user['name'] === 'string' ? user['name'] : '';
      const current = users.get(name) ?? { name, keys: [] };
      for (const k of array(user['sshAuthorizedKeys'])) {
        if (typeof k === 'string' && !current.keys.includes(k)) current.keys.push(k);
      }
      if (typeof user['passwordHash'] === 'string') current.passwordHash = user['passwordHash'];
      if (typeof user['shouldExist'] === 'boolean') current.shouldExist = user['shouldExist'];
      users.set(name, current);
    }
  }
  // shouldExist: false deletes the user, keys and all.
  return [...users.values()].filter((u) => u.shouldExist !== false);
}

function scanKeys(config: Record<string, unknown>): { keys: SshKey[]; problems: SshKeyProblem[]; hidden: string[] } {
  const view = renderVisible(config);
  const keys: SshKey[] = [];
  const problems: SshKeyProblem[] = [];
  for (const user of effectiveUsers(view)) {
    user.keys.forEach((entry, index) => {
      // One entry may hold several authorized_keys lines; Ignition writes it as is.
      for (const line of entry.split(/\r?\n/)) {
        const parsed = parseAuthorizedKeyLine(line);
        if ('problem' in parsed) problems.push({ user: user.name, index, reason: parsed.problem });
        if (!('key' in parsed)) continue;
        const key: SshKey = { user: user.name, type: parsed.key.type, fingerprint: fingerprint(parsed.key.blob) };
        if (parsed.key.comment !== undefined) key.comment = parsed.key.comment;
        if (!keys.some((k) => k.user === key.user && k.fingerprint === key.fingerprint)) keys.push(key);
      }
    });
  }
  return { keys, problems, hidden: view.hidden };
}

/** Usable SSH keys per user, after Ignition's merge; unusable entries are left out (see sshKeyProblemsOf). */
export function sshKeysOf(config: Record<string, unknown>): SshKey[] {
  return scanKeys(config).keys;
}

/** Entries in sshAuthorizedKeys that sshd could never accept, with the reason. */
export function sshKeyProblemsOf(config: Record<string, unknown>): SshKeyProblem[] {
  return scanKeys(config).problems;
}

/** Users that get a password hash (useful on a console only: SSH password login is off). */
export function passwordUsers(config: Record<string, unknown>): string[] {
  return effectiveUsers(renderVisible(config))
    .filter((u) => u.passwordHash !== undefined && u.passwordHash !== '')
    .map((u) => u.name);
}

/**
 * The keys that will let someone in; throws when there are none, unless `allowNoSshKey` or
 * `extraKeys` (keys x2nestos adds itself, e.g. --inherit-ssh-keys) says otherwise.
 */
export function assertNotLockedOut(config: Record<string, unknown>, opts: { allowNoSshKey: boolean; extraKeys?: number }): SshKey[] {
  const { keys, problems, hidden } = scanKeys(config);
  if (keys.length > 0 || (opts.extraKeys ?? 0) > 0 || opts.allowNoSshKey) return keys;
  const details = problems.map((p) => `user "${p.user}", sshAuthorizedKeys[${p.index}]: ${p.reason}`);
  if (hidden.length > 0) {
    throw new X2Error(
      'ignition',
      `the Ignition config gives no user an SSH key that can be checked; keys may come from ${hidden.join(', ')}, which is only read at first boot`,
      {
        remedy:
          'put the key for user "nest" in the config itself, use --inherit-ssh-keys, or pass --allow-no-ssh-key if that config does provide one',
        details: [...details, ...hidden.map((h) => `not checked: ${h}`)],
      },
    );
  }
  // The reason a key was refused belongs on the terminal, not only in the log.
  const first = problems[0];
  const remedy = 'add passwd.users[].sshAuthorizedKeys for user "nest", use --inherit-ssh-keys, or pass --allow-no-ssh-key';
  if (first) {
    throw new X2Error(
      'ignition',
      `the Ignition config gives no user a usable SSH key (user "${first.user}", sshAuthorizedKeys[${first.index}]: ${first.reason})`,
      { remedy, details },
    );
  }
  throw new X2Error('ignition', 'the Ignition config gives no user a usable SSH key, so nobody could log in to NestOS over SSH', {
    remedy,
    details,
  });
}

/**
 * A crypt(3) hash as shadow(5) holds it: `$id$...` (yescrypt, SHA-512, bcrypt, ...), the old
 * 13-character DES form, or a locked/empty marker. Anything else is most likely a plain password
 * typed into passwordHash: NestOS would take it as a hash no password matches.
 */
const CRYPT_HASH = /^(\$[0-9a-z]+\$\S+|[./0-9A-Za-z]{13}|[!*].*)$/;

export function plainTextPasswordUsers(config: Record<string, unknown>): string[] {
  return effectiveUsers(renderVisible(config))
    .filter((u) => u.passwordHash !== undefined && u.passwordHash !== '' && !CRYPT_HASH.test(u.passwordHash))
    .map((u) => u.name);
}
