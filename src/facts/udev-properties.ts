/**
 * What the kernel does not know about a block device: filesystem type and label, GPT partition
 * name, model/serial/WWN as the storage reports them. udev probes every device once (blkid's
 * library) and keeps the answer in /run/udev/data/b<major>:<minor> (`E:ID_FS_LABEL_ENC=boot`);
 * lsblk reads the same file. Where udev keeps no database (no udev in a chroot, a minimal container),
 * `blkid -o export` probes the devices itself: read-only, present since util-linux 2.15.
 *
 * /dev/disk/by-label is not used: it only names labels, not types, and is written by the same
 * udev rules from the same probe.
 */
import type { HostFs } from '../effects/hostfs.js';
import type { Runner } from '../effects/runner.js';

export type DeviceProperties = Map<string, string>;

export const BLKID_EXPORT_ARGV = ['blkid', '-o', 'export'] as const;

/** `\x20` escapes as udev's *_ENC properties and blkid's export format write them. */
export const decodeHexEscapes = (s: string) => s.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

export function parseUdevData(text: string): DeviceProperties {
  const props: DeviceProperties = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith('E:')) continue;
    const eq = line.indexOf('=');
    if (eq > 2) props.set(line.slice(2, eq), line.slice(eq + 1));
  }
  return props;
}

/** `blkid -o export`: KEY=value lines, one blank-line separated block per device, DEVNAME first. */
export function parseBlkidExport(text: string): Map<string, DeviceProperties> {
  const byDev = new Map<string, DeviceProperties>();
  for (const block of text.split(/\n\s*\n/)) {
    const props: DeviceProperties = new Map();
    for (const line of block.split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) props.set(line.slice(0, eq), line.slice(eq + 1).replace(/\\(.)/g, '$1'));
    }
    const dev = props.get('DEVNAME');
    if (dev === undefined) continue;
    // Same vocabulary as udev's database, so one reader serves both.
    const udev: DeviceProperties = new Map();
    const copy = (from: string, to: string) => {
      const v = props.get(from);
      if (v !== undefined) udev.set(to, v);
    };
    copy('TYPE', 'ID_FS_TYPE');
    copy('LABEL', 'ID_FS_LABEL');
    copy('PARTLABEL', 'ID_PART_ENTRY_NAME');
    copy('PTTYPE', 'ID_PART_TABLE_TYPE');
    byDev.set(dev, udev);
  }
  return byDev;
}

export interface PropertySource {
  /** Properties of the device with this number and these /dev names; empty when nothing is known. */
  of(majMin: string, devNames: string[]): Promise<DeviceProperties>;
  /** Where the properties came from, for the facts' record. */
  readonly origin: 'udev' | 'blkid' | 'none';
}

export async function deviceProperties(fs: HostFs, runner: Runner): Promise<PropertySource> {
  if ((await fs.list('/run/udev/data')).some((n) => n.startsWith('b'))) {
    return {
      origin: 'udev',
      async of(majMin) {
        return parseUdevData((await fs.read(`/run/udev/data/b${majMin}`)) ?? '');
      },
    };
  }
  const blkid = await runner.probe(BLKID_EXPORT_ARGV, { allowFailure: true });
  // blkid exits 2 when it found nothing to report.
  if (!blkid.notFound && (blkid.exitCode === 0 || blkid.exitCode === 2)) {
    const byDev = parseBlkidExport(blkid.stdout);
    return {
      origin: 'blkid',
      async of(_majMin, devNames) {
        for (const name of devNames) {
          const found = byDev.get(name);
          if (found !== undefined) return found;
        }
        return new Map();
      },
    };
  }
  return { origin: 'none', of: async () => new Map() };
}

/** Properties udev stores \x-escaped: the *_ENC ones and the GPT partition name (blkid's safe encoding). */
const ESCAPED = (key: string) => key.endsWith('_ENC') || key === 'ID_PART_ENTRY_NAME';

/** A property value as a person would read it: escapes decoded, empty as absent. */
export function property(props: DeviceProperties, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const raw = props.get(key);
    if (raw === undefined) continue;
    const value = (ESCAPED(key) ? decodeHexEscapes(raw) : raw).trim();
    if (value !== '') return value;
  }
  return undefined;
}
