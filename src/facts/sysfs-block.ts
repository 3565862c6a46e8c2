/**
 * The block device tree read from the kernel itself, the same tree `lsblk -J -b -O` prints, for
 * hosts whose lsblk has no JSON (util-linux < 2.27: CentOS 7's 2.23 says "invalid option -- 'J'"):
 *
 *   /sys/class/block/<kname>          every block device; a link into /sys/devices whose path says
 *                                     the transport (…/ata1/…, …/usb2/…, …/nvme/…, …/session3/…)
 *     dev, size (512-byte sectors), ro, removable, partition + start (partitions),
 *     holders/ (what is stacked on it), slaves/ (what it stands on), dm/name, dm/uuid, md/level
 *   /proc/self/mountinfo, /proc/swaps where each device is in use, by device number
 *   /run/udev/data/b<maj>:<min>       filesystem type/label, partition name, model, serial, WWN
 *                                     (blkid -o export where udev keeps no database)
 *
 * Every attribute used exists in Linux 3.10.
 */
import path from 'node:path';
import type { HostFs } from '../effects/hostfs.js';
import type { Runner } from '../effects/runner.js';
import type { BlockDevice, BlockDevicesReading } from './block-devices.js';
import { readMountinfo, readSwaps, type MountEntry } from './mountinfo.js';
import { deviceProperties, property, type PropertySource } from './udev-properties.js';

const CLASS = '/sys/class/block';
const SECTOR = 512;

/** Major 1: RAM disks, which lsblk leaves out too. */
const RAM_MAJOR = '1';

interface Node {
  kname: string;
  majMin: string;
  /** The disk a partition belongs to. */
  partOf: string | undefined;
  holders: string[];
  slaves: string[];
  device: BlockDevice;
}

const num = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s.trim()) ? Number(s.trim()) : undefined);

/** lsblk's TYPE for device-mapper devices comes from the prefix of the uuid their creator set. */
function dmType(uuid: string | undefined): string {
  const prefix = /^([A-Za-z]+)-/.exec(uuid ?? '')?.[1]?.toLowerCase();
  if (prefix === undefined) return 'dm';
  if (prefix.startsWith('part')) return 'part';
  return prefix;
}

/** What lsblk's TRAN shows, from where the device sits in the device tree. */
export function transportOf(devicePath: string | undefined, nvmeTransport: string | undefined): string | undefined {
  if (devicePath === undefined) return undefined;
  if (/\/usb\d+\//.test(devicePath)) return 'usb';
  if (/\/(fw\d+|firewire)\//.test(devicePath)) return 'ieee1394';
  if (/\/session\d+\//.test(devicePath)) return 'iscsi';
  if (/\/rport-/.test(devicePath)) return 'fc';
  if (/\/end_device-/.test(devicePath)) return 'sas';
  if (/\/ata\d+\//.test(devicePath)) return 'sata';
  if (/\/nvme\//.test(devicePath) || /\/nvme-subsystem\//.test(devicePath)) {
    if (nvmeTransport === 'tcp' || nvmeTransport === 'rdma' || nvmeTransport === 'fc') return `nvme-${nvmeTransport}`;
    return 'nvme';
  }
  return undefined;
}

/** SCSI WWIDs read `naa.5000c500…`; lsblk (through udev) prints `0x5000c500…`. */
const wwnFromWwid = (wwid: string | undefined) => {
  const w = wwid?.trim();
  if (w === undefined || w === '') return undefined;
  return w.startsWith('naa.') ? `0x${w.slice(4)}` : w;
};

async function readNode(
  fs: HostFs,
  kname: string,
  props: PropertySource,
  mounts: MountEntry[],
  swaps: string[],
): Promise<Node | undefined> {
  const sys = `${CLASS}/${kname}`;
  const majMin = (await fs.read(`${sys}/dev`))?.trim();
  if (majMin === undefined || majMin.split(':')[0] === RAM_MAJOR) return undefined;
  const sizeBytes = (num(await fs.read(`${sys}/size`)) ?? 0) * SECTOR;
  const isPartition = await fs.exists(`${sys}/partition`);
  const devicePath = await fs.link(sys);
  let partOf: string | undefined;
  if (isPartition) {
    partOf = devicePath === undefined ? undefined : path.posix.basename(path.posix.dirname(devicePath));
    if (partOf === undefined) {
      // Not a link (some container /sys): find the disk directory holding this partition.
      for (const disk of await fs.list('/sys/block')) if (await fs.exists(`/sys/block/${disk}/${kname}`)) partOf = disk;
    }
  }
  if (kname.startsWith('loop') && !(await fs.exists(`${sys}/loop/backing_file`))) return undefined;

  const dmName = (await fs.read(`${sys}/dm/name`))?.trim();
  const mdLevel = (await fs.read(`${sys}/md/level`))?.trim();
  let type = 'disk';
  if (isPartition) type = 'part';
  else if (dmName !== undefined) type = dmType((await fs.read(`${sys}/dm/uuid`))?.trim());
  else if (mdLevel !== undefined && mdLevel !== '') type = mdLevel;
  else if (kname.startsWith('loop')) type = 'loop';
  else if ((await fs.read(`${sys}/device/type`))?.trim() === '5') type = 'rom';

  const name = dmName ?? kname;
  const devPath = dmName !== undefined ? `/dev/mapper/${dmName}` : `/dev/${kname}`;
  const p = await props.of(majMin, [devPath, `/dev/${kname}`]);
  const attr = async (rel: string) => (await fs.read(`${sys}/${rel}`))?.trim() || undefined;

  const mountpoints = new Set(mounts.filter((m) => m.majMin === majMin).map((m) => m.target));
  if (swaps.some((s) => s === devPath || s === `/dev/${kname}`)) mountpoints.add('[SWAP]');

  const nvmeCtrl = /\/nvme\/(nvme\d+)\//.exec(devicePath ?? '')?.[1];
  const nvmeTransport = nvmeCtrl === undefined ? undefined : (await fs.read(`/sys/class/nvme/${nvmeCtrl}/transport`))?.trim();

  const device: BlockDevice = {
    name,
    kname,
    path: devPath,
    type,
    sizeBytes,
    startSectors: isPartition ? num(await fs.read(`${sys}/start`)) : undefined,
    partn: isPartition ? num(await fs.read(`${sys}/partition`)) : undefined,
    fsType: property(p, 'ID_FS_TYPE'),
    label: property(p, 'ID_FS_LABEL_ENC', 'ID_FS_LABEL'),
    partLabel: property(p, 'ID_PART_ENTRY_NAME'),
    ptType: property(p, 'ID_PART_TABLE_TYPE', 'ID_PART_ENTRY_SCHEME'),
    model: isPartition ? undefined : (property(p, 'ID_MODEL_ENC', 'ID_MODEL') ?? (await attr('device/model'))),
    serial: isPartition ? undefined : (property(p, 'ID_SCSI_SERIAL', 'ID_SERIAL_SHORT') ?? (await attr('device/serial'))),
    wwn: isPartition
      ? undefined
      : (property(p, 'ID_WWN_WITH_EXTENSION', 'ID_WWN') ?? wwnFromWwid(await attr('device/wwid')) ?? wwnFromWwid(await attr('wwid'))),
    transport: transportOf(devicePath, nvmeTransport),
    removable: (await attr('removable')) === '1',
    hotplug: false,
    readOnly: (await attr('ro')) === '1',
    mountpoints: [...mountpoints].sort(),
    children: [],
  };
  return { kname, majMin, partOf, holders: await fs.list(`${sys}/holders`), slaves: await fs.list(`${sys}/slaves`), device };
}

const byDeviceNumber = (a: Node, b: Node) => {
  const [am, an] = a.majMin.split(':').map(Number);
  const [bm, bn] = b.majMin.split(':').map(Number);
  return am! - bm! || an! - bn!;
};

/** The tree lsblk prints: disks at the top, partitions below them, then whatever is stacked (under each device it stands on). */
export async function readKernelBlockDevices(fs: HostFs, runner: Runner): Promise<BlockDevicesReading> {
  const knames = await fs.list(CLASS);
  if (knames.length === 0) return { ok: false, reason: `${CLASS} lists no block devices (is /sys mounted?)` };
  const mounts = await readMountinfo(fs);
  if (mounts === undefined) return { ok: false, reason: '/proc/self/mountinfo is not readable (is /proc mounted?)' };
  const props = await deviceProperties(fs, runner);
  const swaps = await readSwaps(fs);

  const nodes = new Map<string, Node>();
  for (const kname of knames) {
    const node = await readNode(fs, kname, props, mounts, swaps);
    if (node !== undefined) nodes.set(kname, node);
  }
  // A partition takes the removable flag of its disk, as lsblk shows it.
  for (const node of nodes.values()) {
    const disk = node.partOf === undefined ? undefined : nodes.get(node.partOf);
    if (disk !== undefined) node.device.removable = disk.device.removable;
  }

  const build = (node: Node, seen: Set<string>): BlockDevice => {
    const partitions = [...nodes.values()]
      .filter((n) => n.partOf === node.kname)
      .sort((a, b) => (a.device.partn ?? 0) - (b.device.partn ?? 0));
    const holders = node.holders
      .map((h) => nodes.get(h))
      .filter((n): n is Node => n !== undefined)
      .sort(byDeviceNumber);
    const next = new Set(seen).add(node.kname);
    const children = [...partitions, ...holders].filter((c) => !next.has(c.kname)).map((c) => build(c, next));
    return { ...node.device, children };
  };
  const roots = [...nodes.values()].filter((n) => n.partOf === undefined && n.slaves.every((s) => !nodes.has(s))).sort(byDeviceNumber);
  return { ok: true, devices: roots.map((r) => build(r, new Set())) };
}
