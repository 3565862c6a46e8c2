/** Minimal lsblk -J -b -O device objects for tests: only the columns x2nestos reads. */
export interface RawDevice {
  name: string;
  kname?: string;
  path?: string;
  type: string;
  size: number | string;
  mountpoints?: (string | null)[];
  mountpoint?: string | null;
  children?: RawDevice[];
  [column: string]: unknown;
}

export const raw = (name: string, type: string, extra: Partial<RawDevice> = {}, children: RawDevice[] = []): RawDevice => ({
  name,
  kname: name,
  path: `/dev/${name}`,
  type,
  size: 10 * 1024 ** 3,
  mountpoints: [null],
  ...extra,
  ...(children.length > 0 ? { children } : {}),
});

export const lvm = (name: string, kname: string, extra: Partial<RawDevice> = {}, children: RawDevice[] = []) =>
  raw(name, 'lvm', { kname, path: `/dev/mapper/${name}`, ...extra }, children);

export const json = (devices: RawDevice[]) => JSON.stringify({ blockdevices: devices });
