/**
 * Free space where artifacts will be staged. The work directory may not exist yet: measure the
 * nearest existing parent, which is where it will be created.
 */
import path from 'node:path';
import type { HostFs } from '../effects/hostfs.js';
import type { Runner } from '../effects/runner.js';

export const DF_ARGV = ['df', '-B1', '--output=avail,fstype'] as const;

export interface WorkDirSpace {
  /** The directory measured. */
  dir: string;
  freeBytes: number | undefined;
  fsType: string | undefined;
  unknown?: string;
}

export async function nearestExistingDir(fs: HostFs, dir: string): Promise<string> {
  let current = path.posix.resolve('/', dir);
  while (current !== '/' && !(await fs.exists(current))) current = path.posix.dirname(current);
  return current;
}

/** "     Avail Type\n83140485120 ext4\n" → the second line's two fields. */
export function parseDf(output: string): { freeBytes: number; fsType: string } | undefined {
  const line = output.trim().split('\n')[1];
  const m = line === undefined ? null : /^\s*(\d+)\s+(\S+)\s*$/.exec(line);
  if (m?.[1] === undefined || m[2] === undefined) return undefined;
  return { freeBytes: Number(m[1]), fsType: m[2] };
}

export async function measureWorkDir(runner: Runner, fs: HostFs, workDir: string): Promise<WorkDirSpace> {
  const dir = await nearestExistingDir(fs, workDir);
  const argv = [...DF_ARGV, dir];
  const result = await runner.probe(argv, { allowFailure: true });
  const parsed = result.exitCode === 0 ? parseDf(result.stdout) : undefined;
  if (parsed !== undefined) return { dir, ...parsed };
  return {
    dir,
    freeBytes: undefined,
    fsType: undefined,
    unknown: result.notFound ? 'df is not installed' : `\`${argv.join(' ')}\` failed: ${result.stderr.trim() || result.stdout.trim()}`,
  };
}
