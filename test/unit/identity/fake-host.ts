/**
 * A small model of a Linux host for the identity tests: files with owners, modes and symlinks, a
 * user database, and a Runner that answers the commands x2nestos asks (getent, sshd -T, runuser,
 * realpath, stat, id) the way those programs behave, permissions included, so "read as that user"
 * is exercised rather than assumed. sshd -T answers come from real captured output
 * (test/fixtures/identity/sshd-T/, see capture-sshd-T.sh there).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { HostFs } from '../../../src/effects/hostfs.js';
import { CommandError, type RunOptions, type RunResult, type Runner } from '../../../src/effects/runner.js';
import { parseGroup, parsePasswd } from '../../../src/identity/accounts.js';

export const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/identity');

export const keyFixture = (name: string): string => readFileSync(path.join(FIXTURES, 'keys', `${name}.pub`), 'utf8').trim();

export interface FakeNode {
  kind?: 'file' | 'dir' | 'link';
  uid?: number;
  gid?: number;
  mode?: number;
  content?: string;
  target?: string;
}

export interface FakeHostSpec {
  hostname?: string;
  passwd: string;
  group: string;
  /** Accounts only a directory service knows: `getent passwd <name>` finds them, enumeration does not. */
  directoryPasswd?: string;
  /** false: getent is not installed. */
  getent?: boolean;
  /** Which captured sshd -T to answer with (`<name>-<user>.txt`, else `<name>-root.txt`), or 'missing'. */
  sshd: string;
  files: Record<string, FakeNode>;
  /** AuthorizedKeysCommand answers, keyed by `<runas user> <argv joined by spaces>`. */
  commands?: Record<string, { stdout: string; exitCode?: number }>;
}

export interface Call {
  argv: string[];
  options: RunOptions | undefined;
}

export interface FakeHost {
  runner: Runner & { calls: Call[] };
  fs: HostFs;
}

interface Node {
  kind: 'file' | 'dir' | 'link';
  uid: number;
  gid: number;
  mode: number;
  content: string;
  target: string;
}

export function fakeHost(spec: FakeHostSpec): FakeHost {
  const nodes = new Map<string, Node>();
  const put = (p: string, n: FakeNode): void => {
    const kind = n.kind ?? (n.target !== undefined ? 'link' : n.content !== undefined ? 'file' : 'dir');
    nodes.set(p, {
      kind,
      uid: n.uid ?? 0,
      gid: n.gid ?? n.uid ?? 0,
      mode: n.mode ?? (kind === 'dir' ? 0o755 : 0o644),
      content: n.content ?? '',
      target: n.target ?? '',
    });
  };
  put('/', { kind: 'dir' });
  for (const [p, n] of Object.entries({
    '/etc/passwd': { content: spec.passwd },
    '/etc/group': { content: spec.group },
    '/proc/sys/kernel/hostname': { content: `${spec.hostname ?? 'web-01'}\n` },
    ...spec.files,
  })) {
    for (let d = path.dirname(p); !nodes.has(d); d = path.dirname(d)) put(d, { kind: 'dir' });
    put(p, n);
  }
  const accounts = [...parsePasswd(spec.passwd), ...parsePasswd(spec.directoryPasswd ?? '')];
  const groups = parseGroup(spec.group);
  const account = (name: string) => accounts.find((a) => a.name === name);
  const gidsOf = (name: string): number[] => {
    const a = account(name);
    return [...(a ? [a.gid] : []), ...groups.filter((g) => g.members.includes(name)).map((g) => g.gid)];
  };

  type Resolved = { path: string; node: Node } | { error: 'ENOENT' | 'EACCES' };
  /** Follows symlinks like the kernel, checking search permission for `as` (undefined: root). */
  const resolve = (p: string, as?: string, depth = 0): Resolved => {
    if (depth > 40) return { error: 'ENOENT' };
    const parts = p.split('/').filter((x) => x !== '');
    let cur = '/';
    for (const [i, part] of parts.entries()) {
      const dir = nodes.get(cur)!;
      if (as !== undefined && !allowed(dir, as, 0o1)) return { error: 'EACCES' };
      const next = path.posix.join(cur, part);
      const node = nodes.get(next);
      if (node === undefined) return { error: 'ENOENT' };
      if (node.kind === 'link') {
        const target = path.posix.resolve(cur, node.target);
        const rest = parts.slice(i + 1).join('/');
        return resolve(rest === '' ? target : `${target}/${rest}`, as, depth + 1);
      }
      cur = next;
    }
    return { path: cur, node: nodes.get(cur)! };
  };
  const allowed = (node: Node, user: string, bit: number): boolean => {
    const a = account(user);
    if (a === undefined) return false;
    if (a.uid === 0) return true;
    if (node.uid === a.uid) return (node.mode & (bit << 6)) !== 0;
    if (gidsOf(user).includes(node.gid)) return (node.mode & (bit << 3)) !== 0;
    return (node.mode & bit) !== 0;
  };

  const ok = (argv: readonly string[], stdout: string, stderr = '', exitCode = 0): RunResult => ({
    argv,
    exitCode,
    stdout,
    stderr,
    notFound: false,
  });

  const sshdT = (argv: readonly string[]): RunResult => {
    const m = /^user=([^,]+),host=([^,]+),addr=127\.0\.0\.1$/.exec(argv[3] ?? '');
    if (argv[1] !== '-T' || argv[2] !== '-C' || m === null) throw new Error(`unexpected sshd call ${argv.join(' ')}`);
    if (m[2] !== (spec.hostname ?? 'web-01')) throw new Error(`sshd asked for host ${m[2]}`);
    const base = path.join(FIXTURES, 'sshd-T', spec.sshd);
    const file = existsSync(`${base}-${m[1]}.txt`) ? `${base}-${m[1]}` : `${base}-root`;
    const exit = existsSync(`${file}.exit`) ? Number(readFileSync(`${file}.exit`, 'utf8')) : 0;
    const stderr = existsSync(`${file}.stderr`) ? readFileSync(`${file}.stderr`, 'utf8') : '';
    return ok(argv, readFileSync(`${file}.txt`, 'utf8'), stderr, exit);
  };

  const run = (argv: readonly string[]): RunResult | undefined => {
    const [cmd, ...args] = argv;
    if (cmd === 'getent' && spec.getent !== false) {
      const db = args[0] === 'passwd' ? spec.passwd : spec.group;
      const dirDb = args[0] === 'passwd' ? (spec.directoryPasswd ?? '') : '';
      if (args.length === 1) return ok(argv, db);
      const lines = [...db.split('\n'), ...dirDb.split('\n')];
      const found = args.slice(1).map((name) => lines.find((l) => l.startsWith(`${name}:`)));
      return ok(
        argv,
        found
          .filter((l) => l !== undefined)
          .map((l) => `${l}\n`)
          .join(''),
        '',
        found.includes(undefined) ? 2 : 0,
      );
    }
    if (cmd === '/usr/sbin/sshd' && spec.sshd !== 'missing') return sshdT(argv);
    if (cmd === 'runuser' && args[0] === '-u' && args[2] === '--') {
      const user = args[1]!;
      if (account(user) === undefined) return ok(argv, '', `runuser: user ${user} does not exist\n`, 1);
      const inner = args.slice(3);
      if (inner[0] === 'cat' && inner[1] === '--' && inner.length === 3) {
        const r = resolve(inner[2]!, user);
        if ('error' in r)
          return ok(argv, '', `cat: ${inner[2]}: ${r.error === 'ENOENT' ? 'No such file or directory' : 'Permission denied'}\n`, 1);
        if (r.node.kind === 'dir') return ok(argv, '', `cat: ${inner[2]}: Is a directory\n`, 1);
        if (!allowed(r.node, user, 0o4)) return ok(argv, '', `cat: ${inner[2]}: Permission denied\n`, 1);
        return ok(argv, r.node.content);
      }
      const canned = spec.commands?.[`${user} ${inner.join(' ')}`];
      if (canned === undefined) throw new Error(`unexpected command as ${user}: ${inner.join(' ')}`);
      return ok(argv, canned.stdout, '', canned.exitCode ?? 0);
    }
    if (cmd === 'realpath' && args[0] === '-e' && args[1] === '--') {
      let out = '';
      let err = '';
      for (const p of args.slice(2)) {
        const r = resolve(p);
        if ('error' in r) err += `realpath: ${p}: No such file or directory\n`;
        else out += `${r.path}\n`;
      }
      return ok(argv, out, err, err === '' ? 0 : 1);
    }
    if (cmd === 'stat' && args[0] === '-c' && args[1] === '%u %a %F' && args[2] === '--') {
      const lines = args.slice(3).map((p) => {
        const n = nodes.get(p);
        if (n === undefined) return undefined;
        const type =
          n.kind === 'dir' ? 'directory' : n.kind === 'link' ? 'symbolic link' : n.content === '' ? 'regular empty file' : 'regular file';
        return `${n.uid} ${n.mode.toString(8)} ${type}\n`;
      });
      return ok(argv, lines.filter((l) => l !== undefined).join(''), '', lines.includes(undefined) ? 1 : 0);
    }
    if (cmd === 'id' && args[0] === '-Gn' && args[1] === '--') {
      const user = args[2]!;
      if (account(user) === undefined) return ok(argv, '', `id: '${user}': no such user\n`, 1);
      return ok(
        argv,
        `${gidsOf(user)
          .map((g) => groups.find((x) => x.gid === g)?.name ?? String(g))
          .join(' ')}\n`,
      );
    }
    return undefined;
  };

  const calls: Call[] = [];
  const runner = {
    calls,
    async probe(argv: readonly string[], options?: RunOptions): Promise<RunResult> {
      calls.push({ argv: [...argv], options });
      const r = run(argv) ?? { argv, exitCode: 127, stdout: '', stderr: `${argv[0]}: not found`, notFound: true };
      if (r.exitCode !== 0 && !options?.allowFailure) throw new CommandError(r);
      return r;
    },
    async change(argv: readonly string[]): Promise<RunResult> {
      throw new Error(`the identity code must not change the host: ${argv.join(' ')}`);
    },
    async which() {
      return undefined;
    },
  };

  const fileNode = (p: string): Node | undefined => {
    const r = resolve(p);
    return 'error' in r || r.node.kind !== 'file' ? undefined : r.node;
  };
  const fs: HostFs = {
    root: '/',
    async read(p) {
      return fileNode(p)?.content;
    },
    async readBytes(p) {
      const c = fileNode(p)?.content;
      return c === undefined ? undefined : Buffer.from(c);
    },
    async list(dir) {
      const prefix = dir.endsWith('/') ? dir : `${dir}/`;
      return [...nodes.keys()]
        .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
        .map((p) => p.slice(prefix.length))
        .sort();
    },
    async link(p) {
      const n = nodes.get(p);
      return n?.kind === 'link' ? n.target : undefined;
    },
    async exists(p) {
      return !('error' in resolve(p));
    },
    async size(p) {
      const c = fileNode(p)?.content;
      return c === undefined ? undefined : Buffer.byteLength(c);
    },
    async readRange(p, offset, length) {
      const c = fileNode(p)?.content;
      const bytes = c === undefined ? undefined : Buffer.from(c).subarray(offset, offset + length);
      return bytes?.length === length ? bytes : undefined;
    },
  };
  return { runner, fs };
}
