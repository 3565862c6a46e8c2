/**
 * An artifact read while it is still downloading, so staging can copy the rootfs into the initrd
 * while its last bytes arrive (issue 20) instead of after. The reader takes from the `.part` only
 * what the transfer reports written, and the rest from the same open file once it is committed
 * (a rename keeps the inode). Every byte read is hashed: unless the bytes are exactly the verified
 * artifact (a transfer that restarted from zero, a file replaced under it), the stream ends in
 * `FollowDiverged` and the caller stages from the finished file instead. Following is a head start,
 * never a second source of truth.
 */
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { LocalArtifact } from '../model/artifacts.js';

/** The followed bytes are not the verified artifact: stage from the file instead. */
export class FollowDiverged extends Error {}

const CHUNK = 512 * 1024;

export class FollowedDownload {
  private written = 0;
  private restarted = false;
  private wake: (() => void) | undefined;
  /** Counts reports, so a wait never misses one that came while the reader was busy. */
  private reports = 0;
  private settled: { artifact: LocalArtifact } | { error: unknown } | undefined;

  constructor(private readonly partPath: string) {}

  /** From the transfer: bytes of the `.part` on disk. Less than before means it started over. */
  wrote(bytes: number): void {
    if (bytes < this.written) this.restarted = true;
    this.written = bytes;
    this.notify();
  }

  /** The download is over: the verified file, or why there is none. */
  settle(outcome: Promise<LocalArtifact>): void {
    outcome.then(
      (artifact) => {
        this.settled = { artifact };
        this.notify();
      },
      (error: unknown) => {
        this.settled = { error };
        this.notify();
      },
    );
  }

  /**
   * The artifact's bytes in order. Ends with FollowDiverged unless they hash to the verified file;
   * rejects with the download's own error when it failed.
   */
  async *chunks(signal: AbortSignal): AsyncGenerator<Uint8Array> {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(CHUNK);
    let handle: FileHandle | undefined;
    let position = 0;
    try {
      for (;;) {
        signal.throwIfAborted();
        const seen = this.reports;
        if (this.restarted) throw new FollowDiverged('the download started over');
        const done = this.settled;
        if (done && 'error' in done) throw done.error;
        // Before the commit only what the transfer has written; after it, the whole file.
        const limit = done ? done.artifact.sizeBytes : this.written;
        if (position < limit) {
          handle ??= await this.openFile(done, position);
          if (!handle) {
            await this.nextReport(seen, signal); // committed between the report and the open: wait for the outcome
            continue;
          }
          const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK, limit - position), position);
          if (bytesRead === 0) throw new FollowDiverged('the file is shorter than the download reported');
          position += bytesRead;
          const chunk = buffer.subarray(0, bytesRead);
          hash.update(chunk);
          yield chunk; // the consumer is done with it before the buffer is refilled
          continue;
        }
        if (done) {
          if (hash.digest('hex') !== done.artifact.sha256) throw new FollowDiverged('the bytes read are not the verified file');
          return;
        }
        await this.nextReport(seen, signal);
      }
    } finally {
      await handle?.close();
    }
  }

  private async openFile(done: { artifact: LocalArtifact } | undefined, position: number): Promise<FileHandle | undefined> {
    if (done && position === 0) return open(done.artifact.path, 'r');
    return open(this.partPath, 'r').catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !done) return undefined;
      throw error;
    });
  }

  private nextReport(seen: number, signal: AbortSignal): Promise<void> {
    if (this.reports !== seen) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        signal.removeEventListener('abort', wake);
        resolve();
      };
      this.wake = wake;
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  private notify(): void {
    this.reports++;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
