/**
 * Fetch one artifact into a directory: stream it to `<name>.part` while hashing it, resume a
 * partial file with HTTP Range, retry within a bounded policy, verify size and sha256, and only
 * then rename it into place (0600). A verified file already there is reused. Whatever goes wrong,
 * the final name never holds a partial or unverified file; an interrupted `.part` resumes next run.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { X2Error } from '../errors.js';
import { commitFile } from '../effects/files.js';
import type { ArtifactRef, ArtifactRole, LocalArtifact, ResolvedRelease } from '../model/artifacts.js';
import { pidLock } from '../effects/pid-lock.js';
import { knownHash, removeSidecar, trustedSidecar, writeSidecar, sidecarPath, type Sidecar } from './sidecar.js';
import { isRemote } from '../model/location.js';
import { fileArtifactSource, httpArtifactSource, type Extent } from './source.js';
import { mismatch } from './artifact-errors.js';
import { transferVerified, type FetchDeps } from './transfer.js';

const WRITER_REMEDY = 'wait for it to finish, or give this run its own --work-dir';

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
  const source = isRemote(ref.location) ? httpArtifactSource(deps.http, ref.location, extent) : fileArtifactSource(ref.location, extent);
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
      // The ISO's own .part is not the artifact a reader may be following.
      const { onWritten: _notTheArtifact, ...isoDeps } = deps;
      isoPath = (await fetchWhole(isoRef, isoTarget, isoDeps, 'iso')).path;
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

  const got = await transferVerified({ ...ref, sha256: undefined }, fileArtifactSource(isoPath, extent), target, deps, ref.role, {
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
