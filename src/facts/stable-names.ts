/**
 * Names of a disk that survive the switch to another kernel: /dev/sdX order can change under the
 * live kernel, udev's by-id and by-path links do not. Best first:
 *   1. wwn-*           the storage's own world-wide name
 *   2. <bus>-<serial>  virtio-*, ata-*, scsi-*, nvme-<model>_<serial>, usb-*, mmc-* ...
 *   3. other by-id     nvme-eui.* / nvme-nvme.* (namespace ids that duplicate the serial link)
 *   4. by-path         the slot it sits in: stable while nobody moves cards
 * Partition links (-partN) and links owned by a software layer (LVM, dm, md) are skipped.
 */
import path from 'node:path';
import type { HostFs } from '../effects/hostfs.js';

const BY_ID = '/dev/disk/by-id';
const BY_PATH = '/dev/disk/by-path';

/** Link names that name a software layer, not the hardware. */
const LAYER_LINK = /^(dm-|lvm-pv-uuid-|md-|lvm-)/;
const NAMESPACE_ID = /^nvme-(eui|nvme|uuid)\./;

function rank(dir: string, name: string): number {
  if (dir === BY_PATH) return 4;
  if (name.startsWith('wwn-')) return 1;
  if (NAMESPACE_ID.test(name)) return 3;
  return 2;
}

/** kname (vda, sda, nvme0n1) → stable paths, best first. */
export async function readStableNames(fs: HostFs): Promise<Map<string, string[]>> {
  const found: { kname: string; link: string; rank: number }[] = [];
  for (const dir of [BY_ID, BY_PATH]) {
    for (const name of await fs.list(dir)) {
      if (/-part\d+$/.test(name) || LAYER_LINK.test(name)) continue;
      const target = await fs.link(`${dir}/${name}`);
      if (target === undefined) continue;
      found.push({ kname: path.posix.basename(target), link: `${dir}/${name}`, rank: rank(dir, name) });
    }
  }
  // Within a rank, the shorter name first (nvme-X before its nvme-X_1 namespace twin), then by name.
  found.sort((a, b) => a.rank - b.rank || a.link.length - b.link.length || a.link.localeCompare(b.link));
  const byKname = new Map<string, string[]>();
  for (const f of found) byKname.set(f.kname, [...(byKname.get(f.kname) ?? []), f.link]);
  return byKname;
}
