/**
 * /proc/self/mountinfo (every kernel since 2.6.26) and /proc/swaps: which block device is mounted
 * where, keyed by the device number the kernel itself reports. This is what findmnt and lsblk read;
 * reading it directly works the same on util-linux 2.23 and 2.40.
 */
import type { HostFs } from '../effects/hostfs.js';

export interface MountEntry {
  /** "8:3" — the st_dev of the mounted filesystem (for btrfs a per-filesystem anonymous number). */
  majMin: string;
  target: string;
  fsType: string;
  /** The mount source as the kernel prints it: /dev/sda3, /dev/mapper/vg-root, tmpfs, server:/export. */
  source: string;
}

/** Octal escapes (\040 for a space, \011 tab, \012 newline, \134 backslash) as the kernel writes them. */
export const unescapeMountField = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/**
 * `36 25 8:3 / /home rw,relatime shared:1 - ext4 /dev/sda3 rw`: ID, parent, major:minor, root,
 * mount point, options, optional fields up to the lone `-`, then type, source, super options.
 */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const dash = fields.indexOf('-', 6);
    if (fields.length < 7 || dash < 0 || fields[2] === undefined || fields[4] === undefined) continue;
    const fsType = fields[dash + 1];
    const source = fields[dash + 2];
    if (fsType === undefined || source === undefined) continue;
    out.push({ majMin: fields[2], target: unescapeMountField(fields[4]), fsType, source: unescapeMountField(source) });
  }
  return out;
}

/** Active swap areas by the path /proc/swaps prints (/dev/dm-1, /dev/sda2, /swapfile). */
export function parseSwaps(text: string): string[] {
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.split(/\s+/)[0] ?? '')
    .filter((name) => name.startsWith('/dev/'))
    .map(unescapeMountField);
}

export async function readMountinfo(fs: HostFs): Promise<MountEntry[] | undefined> {
  const text = (await fs.read('/proc/self/mountinfo')) ?? (await fs.read('/proc/1/mountinfo'));
  return text === undefined ? undefined : parseMountinfo(text);
}

export async function readSwaps(fs: HostFs): Promise<string[]> {
  return parseSwaps((await fs.read('/proc/swaps')) ?? '');
}
