/**
 * How much RAM the switch needs, from the real artifact sizes (contract §2).
 *
 * Live system, rootfs appended: the kernel keeps the whole initrd in memory while it unpacks it into
 * the tmpfs root, so the rootfs counts twice (buffer + unpacked); the initramfs counts three times
 * (compressed buffer, unpacked, and the working set of the tools in it). Rootfs by URL: the live
 * initramfs streams it into the tmpfs once. Both add a fixed allowance for the live system's own
 * processes (systemd, NetworkManager, Ignition, the installer and its write buffers).
 *
 * Old system: `kexec -l` reads every segment into its own memory before the kernel copies it, so the
 * load needs the combined initrd twice; `kexec -s` (kexec_file_load) lets the kernel read the files
 * itself, so once. A 2 GiB guest was measured OOM-killing `kexec -l` with a ~1 GB initrd.
 */
const MiB = 1024 * 1024;
export const LIVE_SYSTEM_ALLOWANCE = 512 * MiB;
export const LOAD_ALLOWANCE = 64 * MiB;

export interface ArtifactSizes {
  kernel: number;
  initramfs: number;
  rootfs: number;
  /** The appended x2nestos payload. */
  payload: number;
}

export function liveNeeds(sizes: ArtifactSizes, mode: 'append' | 'url'): number {
  const base = sizes.kernel + 3 * (sizes.initramfs + sizes.payload) + LIVE_SYSTEM_ALLOWANCE;
  return base + (mode === 'append' ? 2 : 1) * sizes.rootfs;
}

export function loadNeeds(sizes: ArtifactSizes, mode: 'append' | 'url', method: 'file' | 'syscall'): number {
  const initrd = sizes.initramfs + sizes.payload + (mode === 'append' ? sizes.rootfs : 0);
  const segments = sizes.kernel + initrd;
  return (method === 'syscall' ? 2 : 1) * segments + LOAD_ALLOWANCE;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * MiB) return `${(n / (1024 * MiB)).toFixed(1)} GiB`;
  if (n >= MiB) return `${Math.round(n / MiB)} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} B`;
}
