/**
 * The host's user and group database, asked the way the C library answers (`getent`, so LDAP/SSSD
 * users count), with /etc/passwd and /etc/group as the fallback when getent is missing.
 */
import type { HostFs } from '../effects/hostfs.js';
import type { Runner } from '../effects/runner.js';

export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export interface Group {
  name: string;
  gid: number;
  members: string[];
}

export function parsePasswd(text: string): Account[] {
  const out: Account[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 7 || f[0] === '' || line.startsWith('#') || line.startsWith('+') || line.startsWith('-')) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) continue;
    out.push({ name: f[0]!, uid, gid, home: f[5]!, shell: f[6]! });
  }
  return out;
}

export function parseGroup(text: string): Group[] {
  const out: Group[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || f[0] === '' || line.startsWith('#') || line.startsWith('+') || line.startsWith('-')) continue;
    const gid = Number(f[2]);
    if (!Number.isInteger(gid)) continue;
    out.push({
      name: f[0]!,
      gid,
      members: f[3]!
        .split(',')
        .map((m) => m.trim())
        .filter((m) => m !== ''),
    });
  }
  return out;
}

/** A shell that refuses interactive logins: sshd accepts the key but the session ends at once. */
export function isNoLoginShell(shell: string): boolean {
  const base = shell.slice(shell.lastIndexOf('/') + 1);
  return base === 'nologin' || base === 'false';
}

export class AccountDb {
  private readonly users = new Map<string, Account>();
  private readonly groups = new Map<string, Group>();

  private constructor(
    private readonly runner: Runner,
    private readonly fs: HostFs,
    private readonly useGetent: boolean,
  ) {}

  /** Loads every account that can be enumerated (needed to find primary-group members). */
  static async load(host: { runner: Runner; fs: HostFs }): Promise<AccountDb> {
    const r = await host.runner.probe(['getent', 'passwd'], { allowFailure: true });
    const db = new AccountDb(host.runner, host.fs, !r.notFound);
    const text = r.notFound || r.exitCode !== 0 ? await host.fs.read('/etc/passwd') : r.stdout;
    for (const a of parsePasswd(text ?? '')) if (!db.users.has(a.name)) db.users.set(a.name, a);
    return db;
  }

  /** Accounts by name; names the enumeration did not list (directory services) are asked one by one. */
  async accounts(names: readonly string[]): Promise<Map<string, Account>> {
    const missing = names.filter((n) => !this.users.has(n));
    if (missing.length > 0 && this.useGetent) {
      // getent exits 2 when some keys are unknown but still prints the ones it found.
      const r = await this.runner.probe(['getent', 'passwd', ...missing], { allowFailure: true });
      for (const a of parsePasswd(r.stdout)) this.users.set(a.name, a);
    }
    return new Map(names.flatMap((n) => (this.users.has(n) ? [[n, this.users.get(n)!] as const] : [])));
  }

  allAccounts(): Account[] {
    return [...this.users.values()];
  }

  async groupsNamed(names: readonly string[]): Promise<Group[]> {
    const missing = names.filter((n) => !this.groups.has(n));
    if (missing.length > 0) {
      const r = this.useGetent ? await this.runner.probe(['getent', 'group', ...missing], { allowFailure: true }) : undefined;
      const text = r === undefined || r.notFound ? await this.fs.read('/etc/group') : r.stdout;
      for (const g of parseGroup(text ?? '')) if (missing.includes(g.name)) this.groups.set(g.name, g);
    }
    return names.flatMap((n) => (this.groups.has(n) ? [this.groups.get(n)!] : []));
  }

  /** Every group the user is in, primary included, as sshd's AllowGroups/DenyGroups see them; undefined when unknown. */
  async groupsOf(user: string): Promise<string[] | undefined> {
    const r = await this.runner.probe(['id', '-Gn', '--', user], { allowFailure: true });
    if (r.exitCode !== 0) return undefined;
    return r.stdout
      .trim()
      .split(/\s+/)
      .filter((g) => g !== '');
  }
}
