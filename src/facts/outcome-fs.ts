/**
 * The filesystem holding the work directory, named so that the live system can find it again:
 * when the installer never wrote to the disk, the live system's failsafe mounts it by UUID and
 * leaves `x2nestos-outcome.json` in the work directory, where `x2nestos status` reads it after the
 * old system booted again (issue 13).
 */
import path from 'node:path';
import type { HostFs } from '../effects/hostfs.js';
import type { Runner } from '../effects/runner.js';
import { nearestExistingDir } from './work-dir.js';

export interface OutcomeFilesystem {
  uuid: string;
  fsType: string;
  /** The work directory's path inside that filesystem (from its root, not from the mount point). */
  dir: string;
}

export type OutcomeFsResult = { ok: true; fs: OutcomeFilesystem } | { ok: false; reason: string };

/** Filesystems the NestOS live kernel mounts read-write without extra tooling (no LVM/LUKS/md assembly). */
const WRITABLE_IN_LIVE = new Set(['ext4', 'ext3', 'ext2', 'xfs', 'btrfs', 'vfat']);

export const FINDMNT_ARGV = ['findmnt', '-n', '-P', '-o', 'UUID,FSTYPE,TARGET,FSROOT,SOURCE', '-T'] as const;

/** `findmnt -P` lines: KEY="value" pairs, unsafe bytes escaped as \xHH. */
export function parsePairs(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of line.matchAll(/([A-Z_]+)="((?:[^"\\]|\\x[0-9a-fA-F]{2})*)"/g)) {
    const key = m[1] ?? '';
    out[key] = (m[2] ?? '').replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
  return out;
}

export async function outcomeFilesystem(host: { runner: Runner; fs: HostFs }, workDir: string): Promise<OutcomeFsResult> {
  const existing = await nearestExistingDir(host.fs, workDir);
  const result = await host.runner.probe([...FINDMNT_ARGV, existing], { allowFailure: true });
  const line = result.exitCode === 0 ? result.stdout.trim().split('\n')[0] : undefined;
  if (!line) return { ok: false, reason: result.notFound ? 'findmnt is not installed' : `cannot tell which filesystem holds ${workDir}` };
  const f = parsePairs(line);
  const uuid = f.UUID ?? '';
  const fsType = f.FSTYPE ?? '';
  if (!uuid) return { ok: false, reason: `the filesystem holding ${workDir} (${fsType || 'unknown type'}) has no UUID` };
  if (!WRITABLE_IN_LIVE.has(fsType)) return { ok: false, reason: `${workDir} is on ${fsType}, which the live system does not mount` };
  if ((f.SOURCE ?? '').startsWith('/dev/mapper/') || (f.SOURCE ?? '').startsWith('/dev/md')) {
    return { ok: false, reason: `${workDir} is on ${f.SOURCE}, which the live system does not assemble` };
  }
  const mountPoint = f.TARGET ?? '/';
  const inside = path.posix.relative(mountPoint, path.posix.resolve('/', workDir));
  const dir = path.posix.join('/', f.FSROOT ?? '/', inside);
  return { ok: true, fs: { uuid, fsType, dir } };
}
