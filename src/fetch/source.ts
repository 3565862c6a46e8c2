/**
 * Where an artifact's bytes come from, behind one shape: a URL, a local file, or a byte range of
 * an ISO (local or remote). A source can be opened at an offset, so every kind resumes the same way.
 */
import { stat } from 'node:fs/promises';
import { X2Error } from '../errors.js';
import type { Http, HttpResponse } from '../effects/http.js';
import { fileByteSource } from '../effects/file-source.js';
import { chunksOf } from '../formats/byte-source.js';
import { parseContentRange } from '../transport/content-range.js';
import { TransientError, messageOf } from '../transport/retry.js';

export interface OpenedSource {
  /** Offset the bytes start at: the one asked for, or 0 when the source cannot resume. */
  start: number;
  /** Size of the whole artifact, when the source says. */
  total?: number;
  chunks: AsyncIterable<Uint8Array>;
  close(): Promise<void>;
}

export interface ArtifactSource {
  /** URL or path, for messages. */
  location: string;
  open(offset: number, signal: AbortSignal): Promise<OpenedSource>;
}

export interface Extent {
  offset: number;
  length: number;
}

const READ_CHUNK = 1024 * 1024;

/** A whole file over HTTP, or one extent of it (which needs a server that honours Range). */
export function httpArtifactSource(http: Http, url: string, extent?: Extent): ArtifactSource {
  const open = async (offset: number, signal: AbortSignal): Promise<OpenedSource> => {
    const from = (extent?.offset ?? 0) + offset;
    const to = extent ? String(extent.offset + extent.length - 1) : '';
    const ranged = extent !== undefined || offset > 0;
    let response: HttpResponse;
    try {
      response = await http.get(url, { signal, headers: ranged ? { range: `bytes=${from}-${to}` } : {} });
    } catch (error) {
      // A refusal (an untrusted certificate) is final; anything else may pass.
      throw signal.aborted || error instanceof X2Error ? error : new TransientError(messageOf(error), { cause: error });
    }
    const { status } = response;

    if (status === 206) {
      const range = parseContentRange(response.header('content-range'));
      if (!range || range.start !== from) {
        await response.cancel();
        throw new TransientError(
          `${url} answered a different byte range (${response.header('content-range') ?? 'none'}) than asked (${from}-)`,
        );
      }
      const total = extent ? extent.length : range.total;
      return { start: offset, total, chunks: response.body, close: () => response.cancel() };
    }
    if (status === 200) {
      if (extent) {
        await response.cancel();
        throw new X2Error('network', `${url} ignores HTTP Range requests, which reading files inside a remote ISO needs`, {
          remedy: 'download the ISO first and pass its local path to --iso',
        });
      }
      // A server that ignores Range sends the whole file: start over cleanly.
      return { start: 0, total: contentLength(response), chunks: response.body, close: () => response.cancel() };
    }
    await response.cancel();
    if (status === 416 && !extent) {
      const total = parseContentRange(response.header('content-range'))?.total;
      // The partial file is already complete; anything else means it is not a prefix of this file.
      if (total === offset) return { start: offset, total, chunks: nothing(), close: async () => {} };
      return open(0, signal);
    }
    if (status === 408 || status === 429 || status >= 500) throw new TransientError(`HTTP ${status} from ${url}`);
    throw new X2Error('network', `${url} answered HTTP ${status}${status === 404 ? ' (not found)' : ''}`, {
      remedy: 'check the URL (or the mirror given with --stream-base-url / --release-url)',
    });
  };
  return { location: url, open };
}

/** A local file, or one extent of it (a file inside a local ISO). */
export function fileArtifactSource(file: string, extent?: Extent): ArtifactSource {
  return {
    location: file,
    async open(offset, signal) {
      let size: number;
      try {
        size = (await stat(file)).size;
      } catch (error) {
        throw new X2Error('usage', `cannot read ${file}: ${messageOf(error)}`, {
          remedy: 'check the path given with --kernel/--initramfs/--rootfs, --iso or --release-dir',
          cause: error,
        });
      }
      const base = extent?.offset ?? 0;
      const total = extent ? extent.length : size;
      if (base + total > size) {
        throw new X2Error('verification', `${file} is truncated: it ends at byte ${size} but holds data up to ${base + total}`, {
          remedy: 'copy the ISO again (compare its sha256 with the published one) and pass it with --iso',
        });
      }
      const start = offset <= total ? offset : 0;
      if (start === total) return { start, total, chunks: nothing(), close: async () => {} };
      const bytes = await fileByteSource(file, { offset: base + start, length: total - start }, READ_CHUNK);
      return { start, total, chunks: chunksOf(bytes, signal), close: () => bytes.close() };
    },
  };
}

async function* nothing(): AsyncIterable<Uint8Array> {}

function contentLength(response: HttpResponse): number | undefined {
  const value = response.header('content-length');
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}
