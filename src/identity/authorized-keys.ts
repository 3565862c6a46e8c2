/**
 * The SSH keys that let someone in as root or as a sudo-capable user today, found where the host's
 * own sshd finds them, so they can be given to the NestOS admin user `nest` (--inherit-ssh-keys).
 *
 * Files are read as their user (`runuser -u <user> -- cat`): a symlink from ~/.ssh/authorized_keys
 * to a file only root may read is not disclosed, as sshd would not read it either. Key material
 * only ever goes into the returned keys: notes name users, paths and fingerprints.
 */
import { Buffer } from 'node:buffer';
import type { HostFs } from '../effects/hostfs.js';
import type { Runner } from '../effects/runner.js';
import { fingerprint, parseAuthorizedKeyLine } from '../ignition/authorized-key.js';
import { AccountDb, isNoLoginShell, type Account } from './accounts.js';
import { restrictionOf, splitKeyLine } from './key-options.js';
import { authorizedKeysPath, keysCommandArgv, sshdRefusal, sshdViewFor, type SshdView } from './sshd-config.js';
import { insecurePath } from './strict-modes.js';
import { readSudoers, sudoGrants } from './sudoers.js';

export interface InheritedKey {
  user: string;
  /** The file the key was read from, or 'AuthorizedKeysCommand'. */
  source: string;
  /** `type base64 [comment]`, options stripped. */
  key: string;
  type: string;
  /** As `ssh-keygen -l` prints it: `SHA256:<base64 without padding>`. */
  fingerprint: string;
}

export interface HostAccess {
  runner: Runner;
  fs: HostFs;
}

/** The groups whose members may use sudo on the distributions we convert from. */
export const SUDO_GROUPS = ['wheel', 'sudo', 'admin'];

// sshd kills a slow AuthorizedKeysCommand too; a hung directory lookup must not hang the plan.
const KEYS_COMMAND_TIMEOUT_MS = 30_000;

export async function hostName(fs: HostFs): Promise<string> {
  const name = (await fs.read('/proc/sys/kernel/hostname')) ?? (await fs.read('/etc/hostname')) ?? '';
  return name.trim() || 'localhost';
}

/** Root first, then everyone sudo lets run everything as root, by name. */
async function sudoCapableUsers(host: HostAccess, db: AccountDb, hostname: string): Promise<{ users: Account[]; notes: string[] }> {
  const grants = sudoGrants(await readSudoers(host.fs), hostname);
  const groups = await db.groupsNamed([...new Set([...SUDO_GROUPS, ...grants.groups])]);
  const gids = new Set(groups.map((g) => g.gid));
  const names = new Set<string>(['root', ...groups.flatMap((g) => g.members), ...grants.users]);
  for (const a of db.allAccounts()) if (gids.has(a.gid)) names.add(a.name);
  const accounts = await db.accounts([...names]);
  const notes = [...grants.notes];
  const users: Account[] = [];
  for (const name of [...names].sort((a, b) => (a === 'root' ? -1 : b === 'root' ? 1 : a.localeCompare(b)))) {
    const account = accounts.get(name);
    if (account === undefined) notes.push(`${name} may use sudo but has no account here`);
    else if (isNoLoginShell(account.shell)) notes.push(`${name}: skipped, login shell is ${account.shell}`);
    else users.push(account);
  }
  return { users, notes };
}

interface Collector {
  keys: InheritedKey[];
  notes: string[];
}

function collect(out: Collector, text: string, user: string, source: string): void {
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `${user}'s ${source} line ${index + 1}`;
    const split = splitKeyLine(line);
    if ('problem' in split) {
      out.notes.push(`${where}: not carried: ${split.problem}`);
      continue;
    }
    const parsed = parseAuthorizedKeyLine(split.keyText);
    if (!('key' in parsed)) {
      if ('problem' in parsed) out.notes.push(`${where}: not carried: ${parsed.problem}`);
      continue;
    }
    const fp = fingerprint(parsed.key.blob);
    const restriction = restrictionOf(split.options);
    if (restriction !== undefined) {
      out.notes.push(`${where}: not carried: ${fp} is ${restriction}`);
      continue;
    }
    if (out.keys.some((k) => k.fingerprint === fp)) continue;
    const base64 = Buffer.from(parsed.key.blob).toString('base64');
    const key = [parsed.key.type, base64, ...(parsed.key.comment === undefined ? [] : [parsed.key.comment])].join(' ');
    out.keys.push({ user, source, key, type: parsed.key.type, fingerprint: fp });
  }
}

async function readAsUser(host: HostAccess, out: Collector, account: Account, file: string, view: SshdView): Promise<void> {
  const r = await host.runner.probe(['runuser', '-u', account.name, '--', 'cat', '--', file], { allowFailure: true });
  if (r.notFound) {
    out.notes.push(`${account.name}: ${file} not read: runuser is not installed`);
    return;
  }
  if (r.exitCode !== 0) {
    // A missing file is the common case (authorized_keys2, users without keys): nothing to say.
    if (/No such file or directory/i.test(r.stderr)) return;
    const why = /Permission denied/i.test(r.stderr)
      ? `${account.name} may not read it`
      : (r.stderr.trim().split('\n').pop() ?? `exit ${r.exitCode}`);
    out.notes.push(`${account.name}: ${file} not read: ${why}`);
    return;
  }
  if (view.strictModes) {
    const insecure = await insecurePath(host.runner, file, account);
    if (insecure !== undefined) {
      out.notes.push(`${account.name}: ${file} not carried: sshd ignores it (StrictModes: ${insecure})`);
      return;
    }
  }
  collect(out, r.stdout, account.name, file);
}

async function runKeysCommand(host: HostAccess, out: Collector, account: Account, view: SshdView): Promise<void> {
  const command = view.authorizedKeysCommand;
  if (command === undefined) return;
  if (view.authorizedKeysCommandUser === undefined) {
    out.notes.push(`${account.name}: AuthorizedKeysCommand not run: no AuthorizedKeysCommandUser, so sshd does not run it either`);
    return;
  }
  const argv = keysCommandArgv(command, account);
  if ('problem' in argv) {
    out.notes.push(`${account.name}: ${argv.problem}`);
    return;
  }
  const r = await host.runner.probe(['runuser', '-u', view.authorizedKeysCommandUser, '--', ...argv.argv], {
    allowFailure: true,
    timeoutMs: KEYS_COMMAND_TIMEOUT_MS,
  });
  if (r.exitCode !== 0) {
    // sshd rejects every key of a command that fails, whatever it printed.
    out.notes.push(`${account.name}: AuthorizedKeysCommand ${argv.argv[0]} failed (exit ${r.exitCode}); its keys are not carried`);
    return;
  }
  collect(out, r.stdout, account.name, 'AuthorizedKeysCommand');
}

export async function inheritableKeys(host: HostAccess): Promise<{ keys: InheritedKey[]; notes: string[] }> {
  const hostname = await hostName(host.fs);
  const db = await AccountDb.load(host);
  const { users, notes } = await sudoCapableUsers(host, db, hostname);
  const out: Collector = { keys: [], notes };
  let fallbackNoted = false;
  for (const account of users) {
    const answer = await sshdViewFor(host.runner, account.name, hostname);
    if ('fallback' in answer && !fallbackNoted) {
      out.notes.push(`${answer.fallback}: looking for keys in sshd's default places (~/.ssh/authorized_keys, ~/.ssh/authorized_keys2)`);
      fallbackNoted = true;
    }
    const { view } = answer;
    const needsGroups = view.allowGroups.length > 0 || view.denyGroups.length > 0;
    const refusal = sshdRefusal(view, account.name, needsGroups ? await db.groupsOf(account.name) : []);
    if (refusal !== undefined) {
      out.notes.push(`${account.name}: keys not carried: ${refusal}`);
      continue;
    }
    const files = new Set<string>();
    for (const entry of view.authorizedKeysFiles) {
      const p = authorizedKeysPath(entry, account);
      if ('problem' in p) out.notes.push(`${account.name}: ${p.problem}`);
      else files.add(p.path);
    }
    for (const file of files) await readAsUser(host, out, account, file, view);
    await runKeysCommand(host, out, account, view);
  }
  return out;
}
