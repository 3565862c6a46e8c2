/**
 * What the target disk holds outside every partition, recorded before the switch so the live
 * system's failsafe can tell "the installer never wrote to this disk" from "it did" (issue 13).
 *
 * Only bytes no partition owns are hashed: the partition table and boot code in the first MiB, and
 * the GPT backup at the end. A filesystem's own blocks change with every write and every unmount,
 * so hashing them would call an untouched disk touched. The installer rewrites the first MiB
 * (it zeroes it before writing the image, and clears the table again on error), so any install
 * attempt changes the head region.
 */
import { createHash } from 'node:crypto';
import type { HostFs } from '../effects/hostfs.js';
import type { Disk } from './types.js';

export const SECTOR = 512;
const MIB = 1024 * 1024;

/** A byte range of the disk, in 512-byte sectors (what `dd bs=512 skip= count=` takes). */
export interface DiskRegion {
  startSector: number;
  sectors: number;
}

export interface DiskFingerprint {
  /** The host's kernel name of the disk, as read. */
  device: string;
  regions: (DiskRegion & { sha256: string })[];
}

export type FingerprintResult = { ok: true; fingerprint: DiskFingerprint } | { ok: false; device: string; reason: string };

/** The parts of the first and last MiB that no partition covers (head first, then tail). */
export function unownedRegions(disk: Pick<Disk, 'sizeBytes' | 'partitions'>): DiskRegion[] {
  const size = disk.sizeBytes - (disk.sizeBytes % SECTOR);
  const starts = disk.partitions.map((p) => p.startBytes);
  const ends = disk.partitions.map((p) => p.startBytes + p.sizeBytes);
  const headEnd = Math.min(MIB, size, ...starts);
  const tailStart = Math.max(size - MIB, headEnd, ...ends);
  const regions: DiskRegion[] = [];
  if (headEnd >= SECTOR) regions.push({ startSector: 0, sectors: Math.floor(headEnd / SECTOR) });
  const alignedTail = Math.ceil(tailStart / SECTOR) * SECTOR;
  if (size - alignedTail >= SECTOR) regions.push({ startSector: alignedTail / SECTOR, sectors: (size - alignedTail) / SECTOR });
  return regions;
}

/** Reads the unowned regions through the injected reader (read-only) and hashes each. */
export async function fingerprintDisk(fs: HostFs, disk: Pick<Disk, 'path' | 'sizeBytes' | 'partitions'>): Promise<FingerprintResult> {
  // The head (partition table, boot area) is what every install attempt rewrites: without it the
  // check could call a written disk untouched, so a disk whose head cannot be told apart is refused.
  if (disk.partitions.some((p) => p.startBytes < SECTOR))
    return { ok: false, device: disk.path, reason: 'lsblk did not report where its partitions start' };
  const regions = unownedRegions(disk);
  if (regions[0]?.startSector !== 0) return { ok: false, device: disk.path, reason: 'partitions cover the whole first MiB' };
  const hashed: DiskFingerprint['regions'] = [];
  for (const r of regions) {
    const bytes = await fs.readRange(disk.path, r.startSector * SECTOR, r.sectors * SECTOR);
    if (!bytes) return { ok: false, device: disk.path, reason: `cannot read ${disk.path}` };
    hashed.push({ ...r, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  return { ok: true, fingerprint: { device: disk.path, regions: hashed } };
}
