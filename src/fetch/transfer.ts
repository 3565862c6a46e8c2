/**
 * Moving one artifact's bytes into `<target>.part`: resume what is there, retry within the policy,
 * hash on the way, then check size and sha256. Committing the verified file is the caller's.
 */
import { chmod, open, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { X2Error } from '../errors.js';
import type { Http } from '../effects/http.js';
import type { ArtifactRef } from '../model/artifacts.js';
import {
  DEFAULT_RETRY_POLICY,
  TransientError,
  messageOf,
  stallGuard,
  throwIfInterrupted,
  withRetries,
  type RetryPolicy,
} from '../transport/retry.js';
import { describe, mismatch, mismatchRemedy, networkRemedy } from './artifact-errors.js';
import { reclaimer } from './memory.js';
import { PartWriter } from './part-writer.js';
import type { ArtifactSource } from './source.js';
import { hashRange } from './verify.js';

export interface FetchProgress {
  role: string;
  /** Bytes of the file on disk so far, a resumed prefix included. */
  bytes: number;
  total?: number;
  /** Over the bytes transferred by this run. */
  bytesPerSecond: number;
}

export interface FetchDeps {
  http: Http;
  onProgress?: (p: FetchProgress) => void;
  /** The length of the `.part` on disk whenever it changes; smaller than before when it starts over. */
  onWritten?: (bytesOnDisk: number) => void;
  signal?: AbortSignal;
  policy?: Partial<RetryPolicy>;
}

const PROGRESS_INTERVAL_MS = 250;

export interface Transferred {
  sha256: string;
  size: number;
  /** Part of the file came from an earlier connection or run. */
  resumed: boolean;
}

/**
 * Transfer into `<target>.part` and check size and hash. A mismatch deletes the .part; it is
 * retried once, from scratch, only when the file was stitched together from several transfers
 * (the old prefix may be what is wrong). A clean single transfer that mismatches is reported.
 */
export async function transferVerified(
  ref: ArtifactRef,
  source: ArtifactSource,
  target: string,
  deps: FetchDeps,
  progressRole: string,
  expect: { sha256?: string; size?: number },
): Promise<Transferred> {
  const part = `${target}.part`;
  for (let retriedMismatch = false; ; retriedMismatch = true) {
    const got = await transfer(source, part, deps, progressRole, expect.size, ref).catch(async (error: unknown) => {
      // A file the source itself shows to be wrong is not worth resuming.
      if (error instanceof X2Error && error.kind === 'verification') await rm(part, { force: true });
      // Nothing to resume from an empty .part: it would only clutter the cache.
      else if ((await stat(part).catch(() => undefined))?.size === 0) await rm(part, { force: true });
      throw error;
    });
    const problem =
      expect.size !== undefined && got.size !== expect.size
        ? new X2Error('verification', `${describe(ref)} has ${got.size} bytes, expected ${expect.size}`, {
            remedy: mismatchRemedy(ref),
          })
        : expect.sha256 !== undefined && got.sha256 !== expect.sha256
          ? mismatch(ref, expect.sha256, got.sha256)
          : undefined;
    if (!problem) {
      await chmod(part, 0o600);
      return got;
    }
    await rm(part, { force: true });
    if (!got.resumed || retriedMismatch) throw problem;
  }
}

/** Stream the source into the .part (resuming it), hashing on the way. Size/hash unchecked. */
async function transfer(
  source: ArtifactSource,
  part: string,
  deps: FetchDeps,
  role: string,
  expectedSize: number | undefined,
  ref: ArtifactRef,
): Promise<Transferred> {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...deps.policy };
  const what = `download of the ${role} from ${source.location}`;

  let have = (await stat(part).catch(() => undefined))?.size ?? 0;
  if (expectedSize !== undefined && have > expectedSize) have = 0;
  // A fresh .part is created only when the first bytes arrive: outside a critical section an
  // interrupt ends the process at once, and an empty .part left then would resume nothing.
  let handle: FileHandle | undefined;
  const partFile = async (): Promise<FileHandle> => {
    if (handle) return handle;
    handle = await open(part, have > 0 ? 'r+' : 'w', 0o600);
    await handle.chmod(0o600);
    return handle;
  };
  if (have > 0) await partFile();
  deps.onWritten?.(have);
  let resumed = false;
  try {
    let hash = await hashRange(part, 0, have, deps.signal);
    const progress = progressReporter(role, deps.onProgress);

    await withRetries(policy, { what, remedy: networkRemedy(ref, path.dirname(part)), signal: deps.signal }, async () => {
      const guard = stallGuard(policy.stallTimeoutMs, deps.signal);
      let opened: Awaited<ReturnType<ArtifactSource['open']>> | undefined;
      try {
        opened = await source.open(have, guard.signal);
        if (opened.start === 0 && have > 0) {
          await (await partFile()).truncate(0);
          hash = await hashRange(part, 0, 0);
          have = 0;
          deps.onWritten?.(0);
        } else if (have > 0) {
          resumed = true;
        }
        if (expectedSize !== undefined && opened.total !== undefined && opened.total !== expectedSize) {
          throw new X2Error('verification', `${describe(ref)} is ${opened.total} bytes at ${source.location}, expected ${expectedSize}`, {
            remedy: mismatchRemedy(ref),
          });
        }
        const total = opened.total ?? expectedSize;
        const writer = new PartWriter(partFile, have, deps.onWritten);
        const reclaim = reclaimer();
        try {
          for await (const chunk of opened.chunks) {
            guard.touch();
            hash.update(chunk);
            await writer.push(chunk);
            progress(writer.length, total);
            reclaim(chunk.byteLength);
          }
        } finally {
          // Bytes already hashed must reach the file, or hash and .part would disagree on resume.
          have = await writer.drain();
        }
        progress(have, total, true);
        if (total !== undefined && have < total) throw new TransientError(`connection closed after ${have} of ${total} bytes`);
      } catch (error) {
        throwIfInterrupted(deps.signal, what);
        if (guard.stalled) throw guard.reason();
        if (error instanceof X2Error || error instanceof TransientError) throw error;
        throw new TransientError(messageOf(error), { cause: error });
      } finally {
        guard.dispose();
        await opened?.close().catch(() => {});
      }
    });
    await partFile(); // an empty artifact still gets its (empty) file
    return { sha256: hash.digest('hex'), size: have, resumed };
  } finally {
    await handle?.close();
  }
}

function progressReporter(role: string, onProgress: FetchDeps['onProgress']) {
  const started = Date.now();
  let firstBytes: number | undefined;
  let last = 0;
  return (bytes: number, total: number | undefined, final = false) => {
    if (!onProgress) return;
    firstBytes ??= bytes;
    const now = Date.now();
    if (!final && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    const seconds = Math.max((now - started) / 1000, 0.001);
    onProgress({ role, bytes, total, bytesPerSecond: Math.round((bytes - firstBytes) / seconds) });
  };
}
