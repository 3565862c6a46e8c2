/**
 * Hashing, always streamed (a 1 GB rootfs is never held in memory), and the build-id check that
 * stops a kernel + initramfs of one NestOS build from being booted with the rootfs of another.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { X2Error } from '../errors.js';
import { reclaimer } from './memory.js';

const READ_CHUNK = 1024 * 1024;

/** sha256 (lower-case hex) of a whole file. */
export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  return (await hashRange(file, 0, undefined, signal)).digest('hex');
}

/**
 * A running sha256 over the first `length` bytes of a file (or all of it), left open so the
 * caller can keep feeding it: that is how a resumed download ends with the hash of the whole file.
 */
export async function hashRange(file: string, start: number, length: number | undefined, signal?: AbortSignal): Promise<Hash> {
  const hash = createHash('sha256');
  if (length === 0) return hash;
  const end = length === undefined ? undefined : start + length - 1;
  const reclaim = reclaimer();
  for await (const chunk of createReadStream(file, { start, end, highWaterMark: READ_CHUNK, signal })) {
    hash.update(chunk as Buffer);
    reclaim((chunk as Buffer).byteLength);
  }
  return hash;
}

export function isSha256(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}

/**
 * The live system refuses to boot when the initramfs and the appended rootfs come from different
 * builds ("Please fix your PXE configuration", contract §2). Check it here, before the kexec,
 * while the fix is still a re-download. Both ids must be present: an image without one is not a
 * NestOS live artifact, and booting it would fail the same way or worse.
 */
export async function checkBuildIds(initramfsPath: string, rootfsPath: string): Promise<{ buildId: string }> {
  // Loaded on demand: the initrd reader brings decompressors that plain downloads never need.
  const { liveBuildId } = await import('./build-id.js');
  const [initramfs, rootfs] = await Promise.all([liveBuildId(initramfsPath, 'initramfs'), liveBuildId(rootfsPath, 'rootfs')]);
  const missing = [
    ...(initramfs ? [] : [`${initramfsPath} has no etc/nestos-live-initramfs`]),
    ...(rootfs ? [] : [`${rootfsPath} has no etc/nestos-live-rootfs`]),
  ];
  if (missing.length > 0 || !initramfs || !rootfs) {
    throw new X2Error('verification', `cannot tell which NestOS build the live images are: ${missing.join('; ')}`, {
      remedy:
        'these files may not be NestOS live artifacts: use the live-initramfs and live-rootfs of one NestOS release (from the stream, --iso, or --release-dir)',
    });
  }
  if (initramfs !== rootfs) {
    throw new X2Error(
      'verification',
      `initramfs is build ${initramfs} but rootfs is build ${rootfs}: they must come from the same NestOS build`,
      {
        remedy: 'fetch the initramfs and rootfs of one release (e.g. both from the same stream, ISO or release directory)',
        details: [`initramfs ${initramfsPath}: ${initramfs}`, `rootfs    ${rootfsPath}: ${rootfs}`],
      },
    );
  }
  return { buildId: initramfs };
}
