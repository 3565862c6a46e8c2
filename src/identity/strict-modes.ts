/**
 * sshd's StrictModes check (auth_secure_path): a key file counts only when it is a regular file and
 * it and every directory above it, up to the home directory or `/`, belong to root or the user and
 * are writable by nobody else. A file sshd ignores must not become a way into NestOS.
 */
import path from 'node:path';
import type { Runner } from '../effects/runner.js';
import type { Account } from './accounts.js';

interface Stat {
  uid: number;
  mode: number;
  type: string;
}

async function stats(runner: Runner, paths: readonly string[]): Promise<Stat[] | undefined> {
  const r = await runner.probe(['stat', '-c', '%u %a %F', '--', ...paths], { allowFailure: true });
  if (r.exitCode !== 0) return undefined;
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  if (lines.length !== paths.length) return undefined;
  const out: Stat[] = [];
  for (const line of lines) {
    const m = /^(\d+) ([0-7]+) (.+)$/.exec(line);
    if (m === null) return undefined;
    out.push({ uid: Number(m[1]), mode: parseInt(m[2]!, 8), type: m[3]! });
  }
  return out;
}

/** Why sshd would ignore this key file, or undefined when it passes. */
export async function insecurePath(runner: Runner, file: string, account: Account): Promise<string | undefined> {
  const real = await runner.probe(['realpath', '-e', '--', file, account.home], { allowFailure: true });
  const [realFile, realHome] = real.stdout.split('\n');
  if (realFile === undefined || realFile === '') return `cannot resolve ${file} to check its ownership and modes`;
  // sshd stops at the home directory only when it can resolve it; otherwise it walks up to /.
  const home = real.exitCode === 0 ? realHome : undefined;
  const dirs: string[] = [];
  for (let d = path.dirname(realFile); ; d = path.dirname(d)) {
    dirs.push(d);
    if (d === home || d === '/') break;
  }
  const st = await stats(runner, [realFile, ...dirs]);
  if (st === undefined) return `cannot read the ownership and modes of ${realFile}`;
  const ok = (s: Stat) => (s.uid === 0 || s.uid === account.uid) && (s.mode & 0o022) === 0;
  if (st[0]!.type !== 'regular file' && st[0]!.type !== 'regular empty file') return `${realFile} is not a regular file`;
  if (!ok(st[0]!)) return `bad ownership or modes for file ${realFile}`;
  const bad = dirs.find((_, i) => !ok(st[i + 1]!));
  return bad === undefined ? undefined : `bad ownership or modes for directory ${bad}`;
}
