/** Running the real peers (GNU cpio, gzip, xz, zstd, xorriso) from the format tests. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface RunOptions {
  cwd?: string;
  input?: Uint8Array | string;
}

/** Run a peer tool; its stdout, or an error carrying its stderr. */
export function run(command: string, args: string[], options: RunOptions = {}): Buffer {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    input: options.input,
    maxBuffer: 1 << 30,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr.toString()}`);
  }
  return result.stdout;
}

export function hasTool(command: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command]).status === 0;
}

export function scratchDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `x2nestos-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ListedMember {
  mode: string;
  nlink: number;
  uid: number;
  gid: number;
  size: number;
  name: string;
  target?: string;
}

/** Parse `cpio -t -v --numeric-uid-gid` output (ls -l style; the date takes three columns). */
export function parseCpioListing(listing: string): ListedMember[] {
  return listing
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const match = /^(\S{10})\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+\S+\s+\S+\s+\S+\s+(.*)$/.exec(line);
      if (!match) throw new Error(`unexpected cpio listing line: ${line}`);
      const [, mode, nlink, uid, gid, size, rest] = match as unknown as string[];
      const arrow = mode!.startsWith('l') ? rest!.indexOf(' -> ') : -1;
      return {
        mode: mode!,
        nlink: Number(nlink),
        uid: Number(uid),
        gid: Number(gid),
        size: Number(size),
        name: arrow < 0 ? rest! : rest!.slice(0, arrow),
        ...(arrow < 0 ? {} : { target: rest!.slice(arrow + 4) }),
      };
    });
}

/** `cpio -t -v --numeric-uid-gid` of one archive, parsed. */
export function listCpio(archive: Uint8Array): ListedMember[] {
  return parseCpioListing(run('cpio', ['-t', '-v', '--numeric-uid-gid', '--quiet'], { input: archive }).toString());
}
