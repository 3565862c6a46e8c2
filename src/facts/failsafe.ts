/**
 * What the live system's failsafe needs to know about this host, read just before planning: the
 * target disk's bytes outside its partitions, and the filesystem the outcome is written back to.
 * Both only read; a failure is recorded as a reason, and the plan says what the failsafe then does.
 */
import type { HostFs } from '../effects/hostfs.js';
import type { Runner } from '../effects/runner.js';
import { fingerprintDisk, type FingerprintResult } from './disk-fingerprint.js';
import { outcomeFilesystem, type OutcomeFsResult } from './outcome-fs.js';
import type { Disk } from './types.js';

export interface FailsafeFacts {
  disk: FingerprintResult;
  outcomeFs: OutcomeFsResult;
}

export async function gatherFailsafeFacts(host: { runner: Runner; fs: HostFs }, target: Disk, workDir: string): Promise<FailsafeFacts> {
  const [disk, outcomeFs] = await Promise.all([fingerprintDisk(host.fs, target), outcomeFilesystem(host, workDir)]);
  return { disk, outcomeFs };
}
