/**
 * Fetch one artifact into a directory: stream it to `<name>.part` while hashing it, resume a
 * partial file with HTTP Range, retry within a bounded policy, verify size and sha256, and only
 * then rename it into place (0600). A verified file already there is reused. Whatever goes wrong,
 * the final name never holds a partial or unverified file; an interrupted `.part` resumes next run.
 */
import { chmod, mkdir, open, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { X2Error } from '../errors.js';
import { commitFile } from '../effects/files.js';
import type { Http } from '../effects/http.js';
import type { ArtifactRef, ArtifactRole, LocalArtifact, ResolvedRelease } from '../release/types.js';
import { pidLock } from '../effects/pid-lock.js';
import { reclaimer } from './memory.js';
import { DEFAULT_RETRY_POLICY, TransientError, stallGuard, throwIfInterrupted, withRetries, type RetryPolicy } from './retry.js';
import { knownHash, removeSidecar, trustedSidecar, writeSidecar, sidecarPath, type Sidecar } from './sidecar.js';
import { isRemote } from '../release/location.js';
import { fileSource, httpSource, messageOf, type ByteSource, type Extent } from './source.js';
import { hashRange } from './verify.js';

const WRITER_REMEDY = 'wait for it to finish, or give this run its own --work-dir';

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
  signal?: AbortSignal;
  policy?: Partial<RetryPolicy>;
}

/** Writes are gathered into batches this big: fewer syscalls, still bounded memory. */
const WRITE_BATCH = 1024 * 1024;
const PROGRESS_INTERVAL_MS = 250;
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const RESERVED_SUFFIXES = ['.part', '.lock', '.sha256'];

export async function fetchArtifact(ref: ArtifactRef, dir: string, deps: FetchDeps): Promise<LocalArtifact> {
  const target = path.join(dir, checkedName(ref.name));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const lock = await pidLock(`${target}.lock`, target, WRITER_REMEDY);
  try {
    if (ref.isoExtent && ref.sha256Source === 'iso' && ref.sha256) {
      return await fetchFromVerifiedIso(ref, ref.isoExtent, ref.sha256, target, deps);
    }
    return await fetchWhole(ref, target, deps, ref.role);
  } finally {
    await lock.release();
  }
}

/**
 * Fetch the three artifacts of a release, one after the other (they share one link, and a
 * remote ISO is downloaded once for all three). A remote ISO fetched only to cut the artifacts out
 * of it is deleted afterwards: the extracted files carry records that let a re-run reuse them.
 */
export async function fetchRelease(release: ResolvedRelease, dir: string, deps: FetchDeps): Promise<Record<ArtifactRole, LocalArtifact>> {
  const kernel = await fetchArtifact(release.artifacts.kernel, dir, deps);
  const initramfs = await fetchArtifact(release.artifacts.initramfs, dir, deps);
  const rootfs = await fetchArtifact(release.artifacts.rootfs, dir, deps);
  await removeFetchedIso(release, dir);
  return { kernel, initramfs, rootfs };
}

/**
 * Delete the copy of a remote ISO that fetching downloaded to verify it (needed only until all
 * three artifacts are cut out of it). Call after the last fetchArtifact of an ISO release.
 */
export async function removeFetchedIso(release: ResolvedRelease, dir: string): Promise<void> {
  const iso = release.artifacts.kernel;
  if (release.source !== 'iso' || !isRemote(iso.location) || iso.sha256Source !== 'iso') return;
  const downloaded = path.join(dir, isoFileName(iso.location));
  await rm(downloaded, { force: true });
  await rm(`${downloaded}.part`, { force: true });
  await removeSidecar(downloaded);
}

/** A file whose expected sha256 (if any) is the file's own: a URL, a local path, or an ISO extent. */
async function fetchWhole(ref: ArtifactRef, target: string, deps: FetchDeps, progressRole: string): Promise<LocalArtifact> {
  const expected = ref.sha256;
  const local = (sha256: string, size: number): LocalArtifact => ({
    ...ref,
    path: target,
    sizeBytes: size,
    sha256,
    // A hash that nothing trusted vouched for (accepted with --allow-unverified-artifacts) only
    // caught transfer errors: the file is not verified, and release.json will say so.
    verified: expected !== undefined && ref.verifiedBy !== 'none',
  });

  if (!isRemote(ref.location) && path.resolve(ref.location) === target && !ref.isoExtent) {
    // The source already is the destination (a release dir used as the work dir): check it in place.
    const { sha256, size } = await knownHash(target, { signal: deps.signal });
    if (expected !== undefined && sha256 !== expected) throw mismatch(ref, expected, sha256);
    return local(sha256, size);
  }
  if (expected !== undefined) {
    const reused = await reusable(target, expected, ref.sizeBytes, deps.signal);
    if (reused) return local(reused.sha256, reused.size);
  }

  const extent = ref.isoExtent;
  const source = isRemote(ref.location) ? httpSource(deps.http, ref.location, extent) : fileSource(ref.location, extent);
  const got = await transferVerified(ref, source, target, deps, progressRole, {
    sha256: expected,
    size: extent ? extent.length : ref.sizeBytes,
  });
  await commitFile(`${target}.part`, target);
  await writeSidecar(target, got.sha256);
  return local(got.sha256, got.size);
}

/**
 * An artifact inside an ISO whose sha256 the user gave: the hash covers the whole ISO, so the ISO is
 * verified first (a remote one is downloaded whole for that) and the artifact is cut out of the
 * verified copy. Its own sha256 is recorded beside it, with the ISO's, so re-runs can reuse it.
 */
async function fetchFromVerifiedIso(
  ref: ArtifactRef,
  extent: Extent,
  isoSha256: string,
  target: string,
  deps: FetchDeps,
): Promise<LocalArtifact> {
  const isoRecord = { sha256: isoSha256, offset: extent.offset, length: extent.length };
  const local = (sha256: string, size: number): LocalArtifact => ({ ...ref, path: target, sizeBytes: size, sha256, verified: true });

  const previous = await trustedSidecar(target);
  if (previous?.iso && sameIsoRecord(previous.iso, isoRecord)) return local(previous.sha256, previous.size);

  const dir = path.dirname(target);
  let isoPath: string;
  let recordAt: string;
  if (isRemote(ref.location)) {
    const isoRef: ArtifactRef = {
      role: ref.role,
      location: ref.location,
      name: isoFileName(ref.location),
      sha256: isoSha256,
      sha256Source: 'iso',
    };
    const isoTarget = path.join(dir, isoRef.name);
    const lock = await pidLock(`${isoTarget}.lock`, isoTarget, WRITER_REMEDY);
    try {
      isoPath = (await fetchWhole(isoRef, isoTarget, deps, 'iso')).path;
    } finally {
      await lock.release();
    }
    recordAt = sidecarPath(isoPath);
  } else {
    isoPath = path.resolve(ref.location);
    recordAt = path.join(dir, `${isoFileName(isoPath)}.sha256`);
    const { sha256 } = await knownHash(isoPath, { signal: deps.signal, recordAt });
    if (sha256 !== isoSha256) throw mismatch({ ...ref, location: isoPath }, isoSha256, sha256);
  }

  const got = await transferVerified({ ...ref, sha256: undefined }, fileSource(isoPath, extent), target, deps, ref.role, {
    size: extent.length,
  });
  if (!(await trustedSidecar(isoPath, recordAt))) {
    await rm(`${target}.part`, { force: true });
    throw new X2Error('verification', `${isoPath} changed while its ${ref.role} was being read out of it`, {
      remedy: 'leave the ISO untouched during the run and run again',
    });
  }
  await commitFile(`${target}.part`, target);
  await writeSidecar(target, got.sha256, { iso: isoRecord });
  return local(got.sha256, got.size);
}

function sameIsoRecord(a: NonNullable<Sidecar['iso']>, b: NonNullable<Sidecar['iso']>): boolean {
  return a.sha256 === b.sha256 && a.offset === b.offset && a.length === b.length;
}

/** Remove a committed artifact and its record (a later check refused it). */
export async function discardArtifact(file: string): Promise<void> {
  await rm(file, { force: true });
  await removeSidecar(file);
}

/** A verified file already in place, or undefined (a stale one is removed so it cannot be mistaken). */
async function reusable(target: string, expected: string, size: number | undefined, signal?: AbortSignal) {
  if (!(await stat(target).catch(() => undefined))) return undefined;
  const known = await knownHash(target, { signal });
  if (known.sha256 === expected && (size === undefined || known.size === size)) return known;
  await rm(target, { force: true });
  await removeSidecar(target);
  return undefined;
}

interface Transferred {
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
async function transferVerified(
  ref: ArtifactRef,
  source: ByteSource,
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
  source: ByteSource,
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
  let resumed = false;
  try {
    let hash = await hashRange(part, 0, have, deps.signal);
    const progress = progressReporter(role, deps.onProgress);

    await withRetries(policy, { what, remedy: networkRemedy(ref, path.dirname(part)), signal: deps.signal }, async () => {
      const guard = stallGuard(policy.stallTimeoutMs, deps.signal);
      let opened: Awaited<ReturnType<ByteSource['open']>> | undefined;
      try {
        opened = await source.open(have, guard.signal);
        if (opened.start === 0 && have > 0) {
          await (await partFile()).truncate(0);
          hash = await hashRange(part, 0, 0);
          have = 0;
        } else if (have > 0) {
          resumed = true;
        }
        if (expectedSize !== undefined && opened.total !== undefined && opened.total !== expectedSize) {
          throw new X2Error('verification', `${describe(ref)} is ${opened.total} bytes at ${source.location}, expected ${expectedSize}`, {
            remedy: mismatchRemedy(ref),
          });
        }
        const total = opened.total ?? expectedSize;
        const writer = new PartWriter(partFile, have);
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

/**
 * Appends to the .part at explicit positions. Chunks are gathered into batches worth one writev,
 * and one batch is written while the next is being received, so the disk never stalls the socket
 * (at most two batches are held in memory).
 */
class PartWriter {
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

function checkedName(name: string): string {
  if (!SAFE_NAME.test(name) || RESERVED_SUFFIXES.some((s) => name.endsWith(s)) || name === 'release.json') {
    throw new X2Error('internal', `refusing to store an artifact under the name ${JSON.stringify(name)}`);
  }
  return name;
}

/** The file name a downloaded ISO is kept under. */
export function isoFileName(location: string): string {
  const base = isRemote(location) ? decodeURIComponent(new URL(location).pathname.split('/').pop() ?? '') : path.basename(location);
  const safe = base.replace(/[^A-Za-z0-9._+-]/g, '_').replace(/^[^A-Za-z0-9]+/, '');
  return safe && !RESERVED_SUFFIXES.some((s) => safe.endsWith(s)) ? safe : 'live.iso';
}

function describe(ref: ArtifactRef): string {
  return `the ${ref.role} ${ref.name}`;
}

function hashOrigin(ref: ArtifactRef): string {
  switch (ref.sha256Source) {
    case 'stream':
      return 'the stream metadata';
    case 'user':
      return `--${ref.role}-sha256`;
    case 'release-dir':
      return 'release.json of the release directory';
    case 'iso':
      return '--iso-sha256';
    case 'checksums':
      return '--checksums';
    default:
      return 'the expected value';
  }
}

function mismatch(ref: ArtifactRef, expected: string, got: string): X2Error {
  const subject = ref.sha256Source === 'iso' ? `the ISO ${ref.location}` : `${describe(ref)} from ${ref.location}`;
  return new X2Error('verification', `${subject} has sha256 ${got}, but ${hashOrigin(ref)} says ${expected}`, {
    remedy: mismatchRemedy(ref),
    details: [`expected ${expected} (from ${hashOrigin(ref)})`, `got      ${got}`, `source   ${ref.location}`],
  });
}

function mismatchRemedy(ref: ArtifactRef): string {
  switch (ref.sha256Source) {
    case 'stream':
      return 'the mirror serves a damaged or different file: check the mirror, or choose another with --stream-base-url (the bad download was deleted)';
    case 'user':
      return `check the file and the hash given with --${ref.role}-sha256`;
    case 'release-dir':
      return 'the release directory is damaged or was changed: recreate it with `x2nestos fetch --to DIR`';
    case 'iso':
      return 'check the ISO file and the hash given with --iso-sha256';
    case 'checksums':
      return 'the file differs from the one the checksum file describes: check the mirror and the file given with --checksums (the bad download was deleted)';
    default:
      return 'check the source of the file';
  }
}

function networkRemedy(ref: ArtifactRef, dir: string): string {
  const mirror = ref.sha256Source === 'stream' ? ', or choose another mirror with --stream-base-url' : '';
  return `check the network and proxy (HTTPS_PROXY) and run again: the partial download in ${dir} resumes${mirror}; offline hosts can use --release-dir with files fetched elsewhere`;
}
