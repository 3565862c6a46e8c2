/**
 * Where initrd bytes come from: any stream of chunks (a download, a file stream), or a local file
 * that can jump over a body instead of reading it (src/effects/file-source.ts).
 */
import type { ByteWalker } from './byte-walk.js';

export interface ByteSource {
  /** The next chunk; undefined at the end. Chunks are never reused by the source. */
  next(): Promise<Uint8Array | undefined>;
  /** Give back the unused tail of the last chunk; the next call to `next` returns it first. */
  unread(chunk: Uint8Array): void;
  /** Drop up to `n` bytes (seeking when possible); returns how many were dropped. */
  skip(n: number): Promise<number>;
  close(): Promise<void>;
}

export function iterableSource(iterable: AsyncIterable<Uint8Array>): ByteSource {
  const iterator = iterable[Symbol.asyncIterator]();
  const pushedBack: Uint8Array[] = [];
  let ended = false;
  const source: ByteSource = {
    async next() {
      const back = pushedBack.pop();
      if (back) return back;
      if (ended) return undefined;
      for (;;) {
        const result = await iterator.next();
        if (result.done) {
          ended = true;
          return undefined;
        }
        if (result.value.length > 0) return result.value;
      }
    },
    unread(chunk) {
      if (chunk.length > 0) pushedBack.push(chunk);
    },
    async skip(n) {
      let dropped = 0;
      while (dropped < n) {
        const chunk = await source.next();
        if (!chunk) break;
        const take = Math.min(chunk.length, n - dropped);
        source.unread(chunk.subarray(take));
        dropped += take;
      }
      return dropped;
    },
    async close() {
      if (!ended) {
        ended = true;
        await iterator.return?.();
      }
    },
  };
  return source;
}

/** Skips this large go through `source.skip`, which a file-backed source turns into a seek. */
const SEEK_THRESHOLD = 256 * 1024;

/**
 * Feed a walker from the source until it is done, handing every consumed byte to `consumed`.
 * Large skips go through `source.skip`, so a file source seeks over them.
 */
export async function drive(
  source: ByteSource,
  walker: ByteWalker,
  consumed?: (bytes: Uint8Array) => void | Promise<void>,
  stop: () => boolean = () => false,
): Promise<void> {
  while (!walker.done && !stop()) {
    const pending = walker.pendingSkip;
    if (pending >= SEEK_THRESHOLD && !consumed) {
      const dropped = await source.skip(pending);
      if (dropped === 0) walker.end();
      walker.skipped(dropped);
      continue;
    }
    const chunk = await source.next();
    if (!chunk) {
      walker.end();
      return;
    }
    const used = walker.write(chunk);
    source.unread(chunk.subarray(used));
    if (consumed && used > 0) await consumed(chunk.subarray(0, used));
  }
}

/** The chunks of a source as an async iterable, for readers that only stream; closing stays the caller's. */
export async function* chunksOf(source: ByteSource, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  for (;;) {
    signal?.throwIfAborted();
    const chunk = await source.next();
    if (!chunk) return;
    yield chunk;
  }
}
