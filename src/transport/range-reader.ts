/**
 * Random access to a remote file through HTTP Range requests, so the ISO directory can be read
 * without downloading the ISO. Reads are rounded to aligned blocks and the last few blocks are
 * kept, because a directory walk reads many small, neighbouring pieces.
 */
import { X2Error } from '../errors.js';
import type { Http } from '../effects/http.js';
import { parseContentRange } from './content-range.js';
import { TransientError, messageOf, stallGuard, withRetries } from './retry.js';
import { DOCUMENT_POLICY } from './document.js';

export interface HttpRangeReader {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

const BLOCK = 64 * 1024;
const CACHED_BLOCKS = 32;

export async function httpRangeReader(http: Http, url: string, signal?: AbortSignal): Promise<HttpRangeReader> {
  const cache = new Map<number, Uint8Array>();
  const remedy = 'download the ISO and pass its local path to --iso';

  const fetchBlock = (index: number): Promise<Uint8Array> =>
    withRetries(DOCUMENT_POLICY, { what: `reading ${url}`, remedy, signal }, async () => {
      const from = index * BLOCK;
      const guard = stallGuard(DOCUMENT_POLICY.stallTimeoutMs, signal);
      try {
        const response = await http.get(url, { signal: guard.signal, headers: { range: `bytes=${from}-${from + BLOCK - 1}` } });
        if (response.status !== 206) {
          await response.cancel();
          if (response.status >= 500 || response.status === 429 || response.status === 408)
            throw new TransientError(`HTTP ${response.status}`);
          throw new X2Error(
            'network',
            `${url} answered HTTP ${response.status} to a Range request${response.status === 200 ? ' (the server does not support them)' : ''}`,
            { remedy },
          );
        }
        const range = parseContentRange(response.header('content-range'));
        if (range?.start !== from || range.total === undefined) {
          await response.cancel();
          throw new X2Error(
            'network',
            `${url} answered a Range request with Content-Range ${response.header('content-range') ?? '(none)'}`,
            { remedy },
          );
        }
        const chunks: Uint8Array[] = [];
        for await (const chunk of response.body) chunks.push(chunk);
        return { bytes: Buffer.concat(chunks), total: range.total };
      } catch (error) {
        if (guard.stalled) throw new TransientError(`no answer within ${DOCUMENT_POLICY.stallTimeoutMs / 1000} s`);
        if (error instanceof X2Error || error instanceof TransientError || signal?.aborted) throw error;
        throw new TransientError(messageOf(error), { cause: error });
      } finally {
        guard.dispose();
      }
    }).then(({ bytes, total }) => {
      size = total;
      return bytes;
    });

  const block = async (index: number): Promise<Uint8Array> => {
    const hit = cache.get(index);
    if (hit) {
      cache.delete(index);
      cache.set(index, hit);
      return hit;
    }
    const bytes = await fetchBlock(index);
    cache.set(index, bytes);
    if (cache.size > CACHED_BLOCKS) cache.delete(cache.keys().next().value!);
    return bytes;
  };

  let size = 0;
  await block(0); // learns the size, and fails early when Range is not supported
  return {
    get size() {
      return size;
    },
    async read(offset, length) {
      const end = Math.min(offset + length, size);
      if (offset >= end) return new Uint8Array(0);
      const out = new Uint8Array(end - offset);
      for (let i = Math.floor(offset / BLOCK); i * BLOCK < end; i++) {
        const bytes = await block(i);
        const from = Math.max(offset, i * BLOCK);
        const to = Math.min(end, i * BLOCK + bytes.byteLength);
        out.set(bytes.subarray(from - i * BLOCK, to - i * BLOCK), from - offset);
      }
      return out;
    },
  };
}
