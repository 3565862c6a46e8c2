/** The machine's disks: what NestOS could be installed on, each with its stable names. */
import { descendants, type BlockDevice } from './block-devices.js';
import type { Disk, FilesystemLabel, Partition } from './types.js';

const SECTOR = 512;

/** Kernel names of block devices that are not disks one could install to. */
const NOT_A_DISK = /^(zram|ram|loop|nbd|fd)\d*/;

export function isInstallableDisk(device: BlockDevice): boolean {
  return device.type === 'disk' && device.sizeBytes > 0 && !NOT_A_DISK.test(device.kname);
}

/** Partition number: PARTN (lsblk ≥ 2.39), else the trailing digits of the kernel name (sda3, nvme0n1p3). */
function partitionNumber(part: BlockDevice): number {
  return part.partn ?? Number(/(\d+)$/.exec(part.kname)?.[1] ?? 0);
}

function toPartition(part: BlockDevice): Partition {
  const mountpoints = [...new Set([...descendants(part)].flatMap((d) => d.mountpoints))];
  return {
    path: part.path,
    number: partitionNumber(part),
    startBytes: (part.startSectors ?? 0) * SECTOR,
    sizeBytes: part.sizeBytes,
    label: part.partLabel,
    fsType: part.fsType,
    fsLabel: part.label,
    mountpoints,
  };
}

export function toDisks(devices: BlockDevice[], stableNames: Map<string, string[]>): Disk[] {
  return devices.filter(isInstallableDisk).map((d) => ({
    path: `/dev/${d.kname}`,
    sizeBytes: d.sizeBytes,
    model: d.model,
    serial: d.serial,
    wwn: d.wwn,
    transport: d.transport,
    // HOTPLUG is also set for hot-swap server bays; the transport tells a USB stick apart.
    removable: d.removable || d.transport === 'usb' || d.transport === 'ieee1394',
    readOnly: d.readOnly,
    stableNames: stableNames.get(d.kname) ?? [],
    partitions: d.children.filter((c) => c.type === 'part').map(toPartition),
    mountpoints: [...new Set([...descendants(d)].flatMap((x) => x.mountpoints))],
    ptType: d.ptType,
  }));
}

/** Every labelled filesystem, once each, with the disks and partitions below it (a RAID member's label is the array's name, not a filesystem's). */
export function toLabels(devices: BlockDevice[]): FilesystemLabel[] {
  const found = new Map<string, FilesystemLabel>();
  const walk = (device: BlockDevice, disks: string[], partitions: string[]) => {
    const own = `/dev/${device.kname}`;
    const d = device.type === 'disk' ? [...disks, own] : disks;
    const p = device.type === 'part' ? [...partitions, own] : partitions;
    if (device.label !== undefined && !isContainerFormat(device.fsType)) {
      const known = found.get(device.path);
      if (known === undefined)
        found.set(device.path, {
          device: device.path,
          label: device.label,
          ...(device.fsType ? { fsType: device.fsType } : {}),
          disks: d,
          partitions: p,
        });
      else {
        known.disks = [...new Set([...known.disks, ...d])];
        known.partitions = [...new Set([...known.partitions, ...p])];
      }
    }
    for (const child of device.children) walk(child, d, p);
  };
  for (const d of devices) walk(d, [], []);
  return [...found.values()];
}

/** Labels of these formats name an array or a volume group member, never a mountable filesystem. */
function isContainerFormat(fsType: string | undefined): boolean {
  return (
    fsType === 'linux_raid_member' ||
    fsType === 'LVM2_member' ||
    fsType === 'crypto_LUKS' ||
    fsType === 'ddf_raid_member' ||
    fsType === 'isw_raid_member'
  );
}
