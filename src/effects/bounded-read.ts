/** Reading a file the user named without trusting its size: an Ignition config may be a pipe or /dev/zero. */
import { open } from 'node:fs/promises';

/** Errors readFileBounded throws besides the file system's own. */
export class NotAFileError extends Error {
  override name = 'NotAFileError';
  constructor(readonly what: string) {
    super(`is ${what}`);
  }
}

/**
 * Reads at most `maxBytes` + 1 bytes of a regular file or a FIFO (`<(...)`, /dev/stdin from a
 * pipe), so `--ignition /dev/zero` or a huge file is refused without being read whole. The size
 * of a regular file is checked before reading, and the count while reading (it may grow).
 */
export async function readFileBounded(path: string, maxBytes: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
    if (!st.isFile() && !st.isFIFO()) {
      throw new NotAFileError(
        st.isCharacterDevice()
          ? 'a character device'
          : st.isBlockDevice()
            ? 'a block device'
            : st.isSocket()
              ? 'a socket'
              : 'a special file',
      );
    }
    if (st.isFile() && st.size > maxBytes) return new Uint8Array(st.size);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) break;
    }
    return Buffer.concat(chunks);
  } finally {
    await handle.close();
  }
}
