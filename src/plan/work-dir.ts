/**
 * Room for the download and the staged initrd. A work directory on tmpfs holds the artifacts in the
 * RAM the live system needs, so it is refused unless asked for explicitly.
 */
import type { HostFacts } from '../facts/types.js';
import type { ArtifactSizes } from './memory.js';
import { formatBytes } from './memory.js';
import type { Blocker } from '../model/blocker.js';

const RAM_FILESYSTEMS = ['tmpfs', 'ramfs'];

export function workDirBlockers(facts: HostFacts, workDir: string, sizes: ArtifactSizes | undefined, allowTmpfs: boolean): Blocker[] {
  const blockers: Blocker[] = [];
  if (facts.workDirFsType && RAM_FILESYSTEMS.includes(facts.workDirFsType) && !allowTmpfs) {
    blockers.push({
      kind: 'precondition',
      message: `the work directory ${workDir} is on ${facts.workDirFsType}, which keeps the downloads in the RAM the live system needs`,
      remedy: 'pass --work-dir on a disk-backed filesystem (the default is /var/lib/x2nestos), or --allow-tmpfs-work-dir',
    });
  }
  if (sizes && facts.workDirFreeBytes !== undefined) {
    // The artifacts, plus the staged copy of the kernel and the combined initrd (at most one extra copy).
    const needed = 2 * (sizes.kernel + sizes.initramfs + sizes.rootfs) + sizes.payload;
    if (needed > facts.workDirFreeBytes) {
      blockers.push({
        kind: 'precondition',
        message: `not enough space for ${workDir}: ${formatBytes(needed)} needed, ${formatBytes(facts.workDirFreeBytes)} free`,
        remedy: 'free space there or pass --work-dir on a filesystem with more room',
      });
    }
  }
  return blockers;
}
