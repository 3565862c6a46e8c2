/**
 * The combined initrd handed to kexec: initramfs, rootfs and our payload one after another (contract
 * §2). The rootfs alone is hundreds of MiB, so the parts stream through one reused buffer, hashed on
 * the way; nothing is ever held whole in memory. The kernel finds each appended archive only on a
 * 4-byte boundary, so every part is zero-padded to one.
 */
import { createHash } from 'node:crypto';
import { open, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { X2Error } from '../errors.js';
import { commitFile } from '../effects/files.js';

export type InitrdPart =
  | { path: string }
  | { data: Uint8Array }
  /** Bytes that arrive while the initrd is written (a download being followed, a payload built meanwhile); the hint is for progress. */
  | { stream: AsyncIterable<Uint8Array>; sizeHint?: number };

export interface CombineOptions {
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
  signal?: AbortSignal;
}

export interface CombinedInitrd {
  path: string;
  sizeBytes: number;
  sha256: string;
}

const BUFFER_SIZE = 512 * 1024;
const ZEROS = new Uint8Array(4);

export async function combineInitrd(parts: InitrdPart[], outPath: string, opts: CombineOptions = {}): Promise<CombinedInitrd> {
  const tempPath = `${outPath}.part`;
  try {
    const sizes = await Promise.all(parts.map(partSize));
    const sink = new HashingSink(
      opts,
      sizes.reduce((sum, size) => sum + size + padding(size), 0),
    );
    await rm(tempPath, { force: true });
    const out = await open(tempPath, 'w', 0o600);
    try {
      await out.chmod(0o600);
      for (const part of parts) {
        const written =
          'data' in part
            ? await sink.write(out, part.data)
            : 'stream' in part
              ? await copyStream(part.stream, out, sink)
              : await copyFile(part.path, out, sink);
        await sink.write(out, ZEROS.subarray(0, padding(written)));
      }
    } finally {
      await out.close();
    }
    throwIfAborted(opts.signal);
    await commitFile(tempPath, outPath);
    return { path: outPath, sizeBytes: sink.bytesDone, sha256: sink.digest() };
  } catch (error) {
    await rm(tempPath, { force: true });
    throw explain(error, outPath);
  }
}

/** Writes, hashes and counts everything that goes into the combined file. */
class HashingSink {
  bytesDone = 0;
  private readonly hash = createHash('sha256');

  constructor(
    private readonly opts: CombineOptions,
    private readonly bytesTotal: number,
  ) {}

  /** Hashing runs on this thread while the write runs in libuv's pool. */
  async write(out: FileHandle, data: Uint8Array): Promise<number> {
    throwIfAborted(this.opts.signal);
    if (data.length === 0) return 0;
    const written = writeAll(out, data);
    this.hash.update(data);
    await written;
    this.bytesDone += data.length;
    this.opts.onProgress?.(this.bytesDone, this.bytesTotal);
    return data.length;
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** Two buffers: the next chunk is read while the current one is written and hashed. */
async function copyFile(file: string, out: FileHandle, sink: HashingSink): Promise<number> {
  const input = await open(file, 'r');
  try {
    let current = Buffer.allocUnsafe(BUFFER_SIZE);
    let spare = Buffer.allocUnsafe(BUFFER_SIZE);
    let total = 0;
    let { bytesRead } = await input.read(current, 0, BUFFER_SIZE, null);
    while (bytesRead > 0) {
      const next = input.read(spare, 0, BUFFER_SIZE, null);
      try {
        total += await sink.write(out, current.subarray(0, bytesRead));
      } finally {
        // Never leave a read running into a buffer that is about to be dropped or reused.
        ({ bytesRead } = await next);
      }
      [current, spare] = [spare, current];
    }
    return total;
  } finally {
    await input.close();
  }
}

async function copyStream(chunks: AsyncIterable<Uint8Array>, out: FileHandle, sink: HashingSink): Promise<number> {
  let total = 0;
  for await (const chunk of chunks) total += await sink.write(out, chunk);
  return total;
}

async function writeAll(out: FileHandle, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await out.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

async function partSize(part: InitrdPart): Promise<number> {
  if ('stream' in part) return part.sizeHint ?? 0;
  return 'data' in part ? part.data.length : (await stat(part.path)).size;
}

function padding(length: number): number {
  return (4 - (length % 4)) % 4;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new X2Error('interrupted', 'combining the initrd was interrupted');
}

function explain(error: unknown, outPath: string): unknown {
  if (error instanceof X2Error) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const failedPath = (error as NodeJS.ErrnoException).path;
  // EFBIG: the file may grow no further (a quota on file size, RLIMIT_FSIZE): as full as a full disk.
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG') {
    return new X2Error('precondition', `not enough free space in ${path.dirname(outPath)} for the combined initrd`, {
      remedy: 'free some space there or choose another directory with --work-dir',
      cause: error,
    });
  }
  if (code === 'ENOENT' && failedPath !== undefined && failedPath !== `${outPath}.part`) {
    return new X2Error('precondition', `cannot combine the initrd: ${failedPath} is missing`, {
      remedy: 'run again to fetch the release artifacts anew',
      cause: error,
    });
  }
  return error;
}
