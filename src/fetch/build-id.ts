/** The build id a downloaded live image records, read from the file without unpacking it. */
import { X2Error } from '../errors.js';
import { fileByteSource } from '../effects/file-source.js';
import type { ByteSource } from '../formats/byte-source.js';
import { buildIdIn } from '../formats/initrd.js';

/** The build id recorded in a live initramfs or rootfs file, or undefined when it has none. */
export async function liveBuildId(path: string, role: 'initramfs' | 'rootfs'): Promise<string | undefined> {
  let source: ByteSource;
  try {
    source = await fileByteSource(path);
  } catch (error) {
    throw new X2Error('precondition', `cannot read the live ${role} ${path}: ${(error as Error).message}`, {
      remedy: 'run again to fetch the release artifacts anew',
      cause: error,
    });
  }
  return buildIdIn(source, role, `the live ${role} ${path}`);
}
