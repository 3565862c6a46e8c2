/**
 * Compressed members of an initrd (gzip, zstd, xz), decoded as a stream. Like the kernel, we need
 * to know where each member ends, because more archives may follow it (`nestos-installer pxe
 * customize` appends an xz member; we append a gzip one). zlib reports how much input it used; for
 * zstd and xz the frame structure is walked alongside the decoder (block and chunk headers carry
 * their sizes), so exactly the member's bytes go to the decoder and the rest stays in the source.
 */
import { createInflateRaw, crc32, type InflateRaw } from 'node:zlib';
import { Decompress as ZstdDecoder } from 'fzstd';
import xzDecompress from 'xz-decompress';
import { ByteWalker, FormatError, need, skip, type Walk } from './byte-walk.js';
import { drive, type ByteSource } from './byte-source.js';

export type Compression = 'gzip' | 'zstd' | 'xz';

/** Decoded output goes here, synchronously, chunk by chunk. */
export type Sink = (chunk: Uint8Array) => void;

/** Small slices keep decoded output per step bounded even for data that compresses 1000:1. */
const SLICE = 64 * 1024;

const MAGICS: { name: string; bytes: number[]; kind?: Compression }[] = [
  { name: 'gzip', bytes: [0x1f, 0x8b], kind: 'gzip' },
  { name: 'zstd', bytes: [0x28, 0xb5, 0x2f, 0xfd], kind: 'zstd' },
  { name: 'xz', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], kind: 'xz' },
  { name: 'bzip2', bytes: [0x42, 0x5a, 0x68] },
  { name: 'lz4', bytes: [0x02, 0x21, 0x4c, 0x18] },
  { name: 'lz4 (frame)', bytes: [0x04, 0x22, 0x4d, 0x18] },
  { name: 'lzo', bytes: [0x89, 0x4c, 0x5a, 0x4f] },
  { name: 'lzma', bytes: [0x5d, 0x00, 0x00] },
];

/** Bytes needed to tell the formats apart. */
export const MAGIC_BYTES = 6;

export function detectCompression(head: Uint8Array): Compression | { unsupported: string } {
  for (const magic of MAGICS) {
    if (magic.bytes.every((byte, i) => head[i] === byte)) return magic.kind ?? { unsupported: magic.name };
  }
  const hex = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return { unsupported: `unknown format, first bytes ${hex}` };
}

export async function readCompressedMember(kind: Compression, source: ByteSource, sink: Sink, stop: () => boolean): Promise<void> {
  if (kind === 'gzip') return gunzipMember(source, sink, stop);
  if (kind === 'zstd') return unzstdMember(source, sink, stop);
  return unxzMember(source, sink, stop);
}

// --- gzip (RFC 1952) -------------------------------------------------------------------------------

async function gunzipMember(source: ByteSource, sink: Sink, stop: () => boolean): Promise<void> {
  await drive(source, new ByteWalker(gzipHeader()));
  const inflate = createInflateRaw();
  let crc = 0;
  let size = 0;
  let ended = false;
  inflate.on('data', (chunk: Buffer) => {
    crc = crc32(chunk, crc);
    size += chunk.length;
    sink(chunk);
  });
  inflate.on('end', () => (ended = true));
  // Failures reach us through the write callbacks; without a listener they would also crash the process.
  inflate.on('error', () => undefined);
  try {
    let fed = 0;
    while (!ended) {
      const chunk = await source.next();
      if (!chunk) throw new FormatError('its gzip member is truncated');
      for (let pos = 0; pos < chunk.length; pos += SLICE) {
        if (stop()) return;
        const slice = chunk.subarray(pos, pos + SLICE);
        if (!ended) {
          await write(inflate, slice);
          fed += slice.length;
        }
        // zlib stops taking input at the end of the deflate stream: what it left belongs to the trailer.
        if (ended || inflate.bytesWritten < fed) {
          source.unread(chunk.subarray(pos + slice.length - (fed - inflate.bytesWritten)));
          ended = true;
          break;
        }
      }
    }
  } finally {
    inflate.destroy();
  }
  const trailer = { crc: 0, size: 0 };
  await drive(source, new ByteWalker(gzipTrailer(trailer)));
  if (trailer.crc !== crc || trailer.size !== size % 2 ** 32) throw new FormatError('its gzip member is corrupt (CRC or size mismatch)');
}

function write(inflate: InflateRaw, data: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) =>
    inflate.write(data, (error) => (error ? reject(new FormatError(`its gzip member is corrupt (${error.message})`)) : resolve())),
  );
}

function* gzipHeader(): Walk {
  const header = yield* need(10);
  if (header[2] !== 8) throw new FormatError(`its gzip member uses compression method ${header[2]}, not deflate`);
  const flags = header[3]!;
  if (flags & 0x04) {
    const extra = yield* need(2);
    yield* skip(extra[0]! | (extra[1]! << 8));
  }
  if (flags & 0x08) yield* zeroTerminated();
  if (flags & 0x10) yield* zeroTerminated();
  if (flags & 0x02) yield* skip(2);
}

function* zeroTerminated(): Walk {
  while ((yield* need(1))[0] !== 0);
}

function* gzipTrailer(into: { crc: number; size: number }): Walk {
  const bytes = Buffer.from(yield* need(8));
  into.crc = bytes.readUInt32LE(0);
  into.size = bytes.readUInt32LE(4);
}

// --- zstd (RFC 8878) -------------------------------------------------------------------------------

async function unzstdMember(source: ByteSource, sink: Sink, stop: () => boolean): Promise<void> {
  const decoder = new ZstdDecoder((chunk) => sink(chunk));
  const push = (bytes: Uint8Array, final: boolean): void => {
    try {
      decoder.push(bytes, final);
    } catch (error) {
      throw new FormatError(`its zstd member is corrupt (${(error as Error).message})`);
    }
  };
  const feed = (bytes: Uint8Array): void => {
    for (let pos = 0; pos < bytes.length && !stop(); pos += SLICE) push(bytes.subarray(pos, pos + SLICE), false);
  };
  await drive(source, new ByteWalker(zstdFrame()), feed, stop);
  // The decoder waits for 18 bytes before it starts: a whole frame can be shorter than that.
  if (!stop()) push(new Uint8Array(0), true);
}

/** One zstd frame, walked by its block headers without decoding. */
function* zstdFrame(): Walk {
  const head = yield* need(5);
  const descriptor = head[4]!;
  if (descriptor & 0x08) throw new FormatError('its zstd member is corrupt (reserved frame header bit set)');
  const contentSizeFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const hasChecksum = (descriptor >> 2) & 1;
  const dictionaryIdBytes = [0, 1, 2, 4][descriptor & 3]!;
  const contentSizeBytes = contentSizeFlag === 0 ? singleSegment : 1 << contentSizeFlag;
  yield* skip((singleSegment ? 0 : 1) + dictionaryIdBytes + contentSizeBytes);
  for (;;) {
    const b = yield* need(3);
    const blockHeader = b[0]! | (b[1]! << 8) | (b[2]! << 16);
    const type = (blockHeader >> 1) & 3;
    if (type === 3) throw new FormatError('its zstd member is corrupt (reserved block type)');
    // Raw and compressed blocks carry `size` bytes; an RLE block carries one byte repeated `size` times.
    yield* skip(type === 1 ? 1 : blockHeader >>> 3);
    if (blockHeader & 1) break;
  }
  if (hasChecksum) yield* skip(4);
}

// --- xz (tukaani.org xz-file-format 1.1.0) ----------------------------------------------------------

/** Bytes of the block check for each check id (0 none, 1 CRC32, 4 CRC64, 10 SHA-256, others reserved). */
const XZ_CHECK_SIZES = [0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64];

async function unxzMember(source: ByteSource, sink: Sink, stop: () => boolean): Promise<void> {
  const stream = new ByteWalker(xzStream());
  let failure: unknown;
  // The decoder pulls compressed input; each pull hands it the next bytes of this stream only.
  const input = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const chunk = stream.done ? undefined : await source.next();
          if (!chunk) {
            stream.end();
            controller.close();
            return;
          }
          const used = stream.write(chunk);
          source.unread(chunk.subarray(used));
          controller.enqueue(chunk.subarray(0, used));
          if (stream.done) controller.close();
        } catch (error) {
          failure = error;
          controller.error(error);
        }
      },
    },
    { highWaterMark: 0 },
  );
  const reader = new xzDecompress.XzReadableStream(input).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      sink(value);
      if (stop()) return;
    }
  } catch (error) {
    if (failure instanceof FormatError) throw failure;
    if (error instanceof FormatError) throw error;
    throw new FormatError(`its xz member is corrupt (${(error as Error).message})`);
  } finally {
    // Releases the decoder (it serialises all xz streams of the process) when we stop early.
    await reader.cancel().catch(() => undefined);
  }
  if (!stream.done) throw new FormatError('its xz member is corrupt (the decoder stopped before the end of the stream)');
}

/** One xz stream: header, blocks (walked by their LZMA2 chunk headers), index, footer. */
function* xzStream(): Walk {
  const header = yield* need(12);
  const flags = header[7]!;
  if (header[6] !== 0 || flags > 0x0f) throw new FormatError('its xz member is corrupt (bad stream flags)');
  const checkSize = XZ_CHECK_SIZES[flags]!;
  for (;;) {
    const first = (yield* need(1))[0]!;
    if (first === 0) break; // index indicator
    const blockHeader = yield* need((first + 1) * 4 - 1);
    const blockFlags = blockHeader[0]!;
    let dataSize: number;
    if (blockFlags & 0x40) {
      dataSize = decodeVli(blockHeader, 1).value;
      yield* skip(dataSize);
    } else {
      dataSize = yield* lzma2Chunks();
    }
    yield* skip(((4 - (dataSize % 4)) % 4) + checkSize);
  }
  let indexSize = 1;
  const records = yield* readVli();
  indexSize += records.length;
  for (let i = 0; i < records.value * 2; i++) indexSize += (yield* readVli()).length;
  yield* skip(((4 - (indexSize % 4)) % 4) + 4);
  const footer = yield* need(12);
  if (footer[10] !== 0x59 || footer[11] !== 0x5a) throw new FormatError('its xz member is corrupt (bad stream footer)');
}

/** LZMA2 data: chunks that state their own sizes, up to the end marker. Returns the byte count. */
function* lzma2Chunks(): Walk<number> {
  let size = 0;
  for (;;) {
    const control = (yield* need(1))[0]!;
    size += 1;
    if (control === 0x00) return size;
    if (control === 0x01 || control === 0x02) {
      const s = yield* need(2);
      const length = ((s[0]! << 8) | s[1]!) + 1;
      yield* skip(length);
      size += 2 + length;
    } else if (control >= 0x80) {
      const h = yield* need(control >= 0xc0 ? 5 : 4);
      const packed = ((h[2]! << 8) | h[3]!) + 1;
      yield* skip(packed);
      size += h.length + packed;
    } else {
      throw new FormatError(`its xz member is corrupt (bad LZMA2 control byte 0x${control.toString(16)})`);
    }
  }
}

function* readVli(): Walk<{ value: number; length: number }> {
  const bytes: number[] = [];
  do {
    bytes.push((yield* need(1))[0]!);
    if (bytes.length > 9) throw new FormatError('its xz member is corrupt (bad index)');
  } while (bytes[bytes.length - 1]! & 0x80);
  return decodeVli(Uint8Array.from(bytes), 0);
}

function decodeVli(bytes: Uint8Array, offset: number): { value: number; length: number } {
  let value = 0;
  for (let i = 0; i < 9 && offset + i < bytes.length; i++) {
    const byte = bytes[offset + i]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return { value, length: i + 1 };
  }
  throw new FormatError('its xz member is corrupt (bad variable-length integer)');
}
