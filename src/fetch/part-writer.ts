/** The writing side of a download: batched positional writes into the .part, overlapped with receiving. */
import type { FileHandle } from 'node:fs/promises';
import { X2Error } from '../errors.js';
import { messageOf } from '../transport/retry.js';

/** Writes are gathered into batches this big: fewer syscalls, still bounded memory. */
const WRITE_BATCH = 1024 * 1024;

/**
 * Appends to the .part at explicit positions. Chunks are gathered into batches worth one writev,
 * and one batch is written while the next is being received, so the disk never stalls the socket
 * (at most two batches are held in memory).
 */
export class PartWriter {
  private chunks: Uint8Array[] = [];
  private pending = 0;
  private inFlight: Promise<void> = Promise.resolve();
  private failure: unknown;
  private handle: FileHandle | undefined;
  constructor(
    /** Opens the file written to; called when the first chunk arrives. */
    private readonly file: () => Promise<FileHandle>,
    /** End of everything handed to a write so far. */
    private position: number,
    /** Told the length of the file each time a write lands (for a reader following the download). */
    private readonly onWritten?: (bytesOnDisk: number) => void,
  ) {}

  /** Bytes received so far, written or about to be. */
  get length(): number {
    return this.position + this.pending;
  }

  async push(chunk: Uint8Array): Promise<void> {
    this.handle ??= await this.file();
    this.chunks.push(chunk);
    this.pending += chunk.byteLength;
    if (this.pending < WRITE_BATCH) return;
    await this.settled();
    this.start();
  }

  /** Writes everything received; resolves to the length of the file. */
  async drain(): Promise<number> {
    await this.settled();
    if (this.pending > 0) {
      this.start();
      await this.settled();
    }
    return this.position;
  }

  private start(): void {
    const chunks = this.chunks;
    const length = this.pending;
    const at = this.position;
    this.chunks = [];
    this.pending = 0;
    this.position += length;
    this.inFlight = this.handle!.writev(chunks, at).then(
      ({ bytesWritten }) => {
        if (bytesWritten !== length) this.failure = new Error(`short write (${bytesWritten} of ${length} bytes)`);
        else this.onWritten?.(at + length);
      },
      (error: unknown) => {
        this.failure = error;
      },
    );
  }

  private async settled(): Promise<void> {
    await this.inFlight;
    if (this.failure !== undefined) {
      throw new X2Error('precondition', `cannot write the download: ${messageOf(this.failure)}`, {
        remedy: 'free space in the work directory or choose another one with --work-dir',
        cause: this.failure,
      });
    }
  }
}
