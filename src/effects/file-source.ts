/**
 * Local files as the byte formats read them: a ByteSource that seeks over what it skips, and a
 * RangeReader for random access (the ISO directory). The formats themselves never open files.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { X2Error } from '../errors.js';
import type { ByteSource } from '../formats/byte-source.js';
import type { RangeReader } from '../formats/iso9660.js';

const FILE_CHUNK = 256 * 1024;

/**
 * A local file (or the `length` bytes at `offset` of it) read with positional reads; `skip` moves
 * the position without reading. Throws when the file cannot be opened.
 */
export async function fileByteSource(
  path: string,
  extent?: { offset: number; length: number },
  chunkBytes = FILE_CHUNK,
): Promise<ByteSource> {
  const handle = await open(path, 'r');
  let end: number;
  try {
    const { size } = await handle.stat();
    end = extent ? Math.min(size, extent.offset + extent.length) : size;
  } catch (error) {
    await handle.close();
    throw error;
  }
  const pushedBack: Uint8Array[] = [];
  let position = extent?.offset ?? 0;
  return {
    async next() {
      const back = pushedBack.pop();
      if (back) return back;
      if (position >= end) return undefined;
      // A fresh buffer each time: decoders may still hold the previous chunk.
      const buffer = Buffer.allocUnsafe(Math.min(chunkBytes, end - position));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      position += bytesRead;
      return bytesRead === 0 ? undefined : buffer.subarray(0, bytesRead);
    },
    unread(chunk) {
      if (chunk.length > 0) pushedBack.push(chunk);
    },
    async skip(n) {
      let dropped = 0;
      while (dropped < n && pushedBack.length > 0) {
        const chunk = pushedBack.pop()!;
        const take = Math.min(chunk.length, n - dropped);
        if (take < chunk.length) pushedBack.push(chunk.subarray(take));
        dropped += take;
      }
      const jump = Math.max(0, Math.min(n - dropped, end - position));
      position += jump;
      return dropped + jump;
    },
    close: () => handle.close(),
  };
}

/** A RangeReader over a local ISO, read with positional reads; opened on the first read. */
export function fileRangeReader(path: string): RangeReader & { close(): Promise<void> } {
  let handle: Promise<FileHandle> | undefined;
  const opened = (): Promise<FileHandle> =>
    (handle ??= open(path, 'r').catch((error: unknown) => {
      throw new X2Error('usage', `cannot open the ISO ${path}: ${(error as Error).message}`, {
        remedy: 'check the path given with --iso',
        cause: error,
      });
    }));
  return {
    async read(offset: number, length: number): Promise<Uint8Array> {
      const file = await opened();
      const buffer = Buffer.alloc(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await file.read(buffer, filled, length - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
    },
    async close(): Promise<void> {
      const current = handle;
      handle = undefined;
      const file = await current?.catch(() => undefined);
      await file?.close();
    },
  };
}
