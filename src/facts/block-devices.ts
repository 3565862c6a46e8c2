/**
 * The block device tree as `lsblk -J -b -O` prints it (the JSON reading; src/facts/sysfs-block.ts
 * is the kernel reading of the same tree, for lsblk < 2.27), normalised across util-linux versions:
 * booleans were "0"/"1" strings before 2.33, MOUNTPOINTS appeared in 2.37, START in 2.38, PARTN
 * in 2.39. A device stacked on several parents (md, LVM spanning PVs, multipath) appears under
 * each of them.
 */
import type { Runner } from '../effects/runner.js';

export const LSBLK_ARGV = ['lsblk', '-J', '-b', '-O'] as const;

export interface BlockDevice {
  name: string;
  kname: string;
  /** /dev/sda, /dev/mapper/vg-root, /dev/md0 */
  path: string;
  /** disk, part, lvm, crypt, raid1, mpath, loop, rom, ... */
  type: string;
  sizeBytes: number;
  /** Partition start in 512-byte sectors (START), when lsblk prints it. */
  startSectors: number | undefined;
  partn: number | undefined;
  fsType: string | undefined;
  label: string | undefined;
  partLabel: string | undefined;
  ptType: string | undefined;
  model: string | undefined;
  serial: string | undefined;
  wwn: string | undefined;
  transport: string | undefined;
  removable: boolean;
  hotplug: boolean;
  readOnly: boolean;
  mountpoints: string[];
  children: BlockDevice[];
}

type Json = Record<string, unknown>;

const str = (v: unknown): string | undefined => {
  if (typeof v === 'string') {
    const t = v.trim();
    return t === '' ? undefined : t;
  }
  return typeof v === 'number' ? String(v) : undefined;
};

const num = (v: unknown): number | undefined => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
};

const bool = (v: unknown): boolean => v === true || v === 1 || v === '1';

function toDevice(raw: Json): BlockDevice {
  const name = str(raw.name) ?? '';
  const kname = str(raw.kname) ?? name;
  const mountpoints = new Set<string>();
  const mp = str(raw.mountpoint);
  if (mp !== undefined) mountpoints.add(mp);
  if (Array.isArray(raw.mountpoints)) {
    for (const m of raw.mountpoints) {
      const s = str(m);
      if (s !== undefined) mountpoints.add(s);
    }
  }
  const children = Array.isArray(raw.children) ? raw.children.filter(isObject).map(toDevice) : [];
  return {
    name,
    kname,
    path: str(raw.path) ?? `/dev/${name}`,
    type: str(raw.type) ?? 'disk',
    sizeBytes: num(raw.size) ?? 0,
    startSectors: num(raw.start),
    partn: num(raw.partn),
    fsType: str(raw.fstype),
    label: str(raw.label),
    partLabel: str(raw.partlabel),
    ptType: str(raw.pttype),
    model: str(raw.model),
    serial: str(raw.serial),
    wwn: str(raw.wwn),
    transport: str(raw.tran),
    removable: bool(raw.rm),
    hotplug: bool(raw.hotplug),
    readOnly: bool(raw.ro),
    mountpoints: [...mountpoints].sort(),
    children,
  };
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Throws on output that is not lsblk's JSON. */
export function parseLsblk(json: string): BlockDevice[] {
  const parsed: unknown = JSON.parse(json);
  if (!isObject(parsed) || !Array.isArray(parsed.blockdevices)) {
    throw new Error('lsblk output has no "blockdevices" array');
  }
  return parsed.blockdevices.filter(isObject).map(toDevice);
}

export type BlockDevicesReading = { ok: true; devices: BlockDevice[] } | { ok: false; reason: string };

/** The JSON reading: util-linux ≥ 2.27 (`-J`), which CentOS 7's 2.23 refuses with "invalid option -- 'J'". */
export async function readBlockDevices(runner: Runner): Promise<BlockDevicesReading> {
  const result = await runner.probe(LSBLK_ARGV, { allowFailure: true });
  if (result.notFound) return { ok: false, reason: 'lsblk is not installed (util-linux)' };
  if (result.exitCode !== 0) {
    return { ok: false, reason: `\`${LSBLK_ARGV.join(' ')}\` exited with ${result.exitCode}: ${result.stderr.trim()}` };
  }
  try {
    return { ok: true, devices: parseLsblk(result.stdout) };
  } catch (e) {
    return { ok: false, reason: `cannot read the output of \`${LSBLK_ARGV.join(' ')}\`: ${(e as Error).message}` };
  }
}

/** Every device below (and including) `device`, depth first. */
export function* descendants(device: BlockDevice): Generator<BlockDevice> {
  yield device;
  for (const child of device.children) yield* descendants(child);
}
