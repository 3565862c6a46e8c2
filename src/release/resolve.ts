/**
 * Decide where the live artifacts come from, from exactly one source:
 *   --kernel/--initramfs/--rootfs   explicit files or URLs (optionally pinned with --*-sha256)
 *   --release-dir DIR               a directory written by `x2nestos fetch --to`, or a plain one
 *   --release-url URL               the same directory served over HTTP
 *   --iso PATH|URL                  the live ISO (artifacts are byte ranges inside it)
 *   otherwise                       the stream document <stream-base-url><stream>.json
 * Nothing large is downloaded here: at most the stream document, a release.json, or the ISO's
 * directory. What cannot be verified is refused here, before any download starts.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { X2Error } from '../errors.js';
import type { Http } from '../effects/http.js';
import type { Options } from '../options/schema.js';
import { fetchDocument } from '../fetch/document.js';
import { isRemote } from './location.js';
import { PXEBOOT_NAMES, ROLES, contractArtifactNames, parseJson, readReleaseDir, releaseFromManifest, safeFileName, MANIFEST_NAME } from './release-dir.js';
import { releaseFromStream } from './stream.js';
import type { ArtifactRef, ArtifactRole, ResolvedRelease } from './types.js';

export interface ResolveDeps {
  http: Http;
  arch: string;
  signal?: AbortSignal;
  /** Relative paths in the options are taken from here (the runtime's cwd). */
  cwd?: string;
}

type SourceKind = 'urls' | 'release-dir' | 'release-url' | 'iso';

const ISO_PXEBOOT = 'images/pxeboot';

export async function resolveRelease(options: Options, deps: ResolveDeps): Promise<ResolvedRelease> {
  const kind = chosenSource(options);
  let release: ResolvedRelease;
  switch (kind) {
    case 'urls':
      release = await fromExplicit(options, deps);
      break;
    case 'release-dir':
      release = await fromReleaseDir(options.releaseDir!, deps);
      break;
    case 'release-url':
      release = await fromReleaseUrl(options.releaseUrl!, deps);
      break;
    case 'iso':
      release = await fromIso(options.iso!, options.isoSha256, deps);
      break;
    default:
      release = await fromStream(options, deps);
  }
  refuseUnverifiedRemote(release, options.allowUnverifiedArtifacts);
  return release;
}

function chosenSource(options: Options): SourceKind | undefined {
  const chosen: { kind: SourceKind; flag: string }[] = [];
  const explicit = ROLES.filter((r) => options[r] !== undefined);
  if (explicit.length > 0) chosen.push({ kind: 'urls', flag: explicit.map((r) => `--${r}`).join('/') });
  if (options.releaseDir !== undefined) chosen.push({ kind: 'release-dir', flag: '--release-dir' });
  if (options.releaseUrl !== undefined) chosen.push({ kind: 'release-url', flag: '--release-url' });
  if (options.iso !== undefined) chosen.push({ kind: 'iso', flag: '--iso' });
  if (chosen.length > 1) {
    throw new X2Error('usage', `${chosen.map((c) => c.flag).join(' and ')} each say where the release comes from`, {
      remedy: 'pass only one of --kernel/--initramfs/--rootfs, --release-dir, --release-url, --iso',
    });
  }

  for (const role of ROLES) {
    if (options[`${role}Sha256`] !== undefined && options[role] === undefined) {
      throw new X2Error('usage', `--${role}-sha256 pins the file given with --${role}, which is missing`, {
        remedy: `pass --${role} with it, or drop --${role}-sha256`,
      });
    }
  }
  if (options.isoSha256 !== undefined && options.iso === undefined) {
    throw new X2Error('usage', '--iso-sha256 pins the ISO given with --iso, which is missing', {
      remedy: 'pass --iso with it, or drop --iso-sha256',
    });
  }
  if (explicit.length > 0 && explicit.length < ROLES.length) {
    const missing = ROLES.filter((r) => options[r] === undefined).map((r) => `--${r}`);
    throw new X2Error('usage', `--kernel, --initramfs and --rootfs go together: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing`, {
      remedy: `pass ${missing.join(' and ')} too, or use --release-dir, --iso or the stream instead`,
    });
  }
  return chosen[0]?.kind;
}

// --- explicit files or URLs ----------------------------------------------------------------

async function fromExplicit(options: Options, deps: ResolveDeps): Promise<ResolvedRelease> {
  const refs = await Promise.all(
    ROLES.map(async (role): Promise<ArtifactRef> => {
      const location = await normaliseLocation(options[role]!, `--${role}`, deps);
      const pinned = options[`${role}Sha256`];
      const size = isRemote(location) ? undefined : (await stat(location)).size;
      return {
        role,
        location,
        name: baseName(location) ?? PXEBOOT_NAMES[role],
        ...(pinned ? { sha256: pinned, sha256Source: 'user' as const } : {}),
        ...(size === undefined ? {} : { sizeBytes: size }),
      };
    }),
  );
  const artifacts = distinctNames(Object.fromEntries(refs.map((r) => [r.role, r])) as Record<ArtifactRole, ArtifactRef>);
  const build = buildFromNames(artifacts, deps.arch);
  return {
    source: 'urls',
    origin: refs.map((r) => r.location).join(' '),
    ...(build ? { release: build } : {}),
    arch: deps.arch,
    artifacts,
  };
}

/** A URL stays a URL; a path (or file: URL) becomes absolute and must exist. */
async function normaliseLocation(given: string, flag: string, deps: ResolveDeps): Promise<string> {
  if (isRemote(given)) return new URL(given).href;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(given) && !/^file:/i.test(given)) {
    throw new X2Error('usage', `${flag} ${given}: only http://, https:// URLs and local paths are supported`, {
      remedy: `give ${flag} an http(s) URL or a local path`,
    });
  }
  const file = /^file:/i.test(given) ? fileURLToPath(given) : path.resolve(deps.cwd ?? '.', given);
  const st = await stat(file).catch(() => undefined);
  if (!st?.isFile()) {
    throw new X2Error('usage', `${flag} ${file}: ${st ? 'not a regular file' : 'no such file'}`, {
      remedy: `check the path given with ${flag}`,
    });
  }
  return file;
}

function baseName(location: string): string | undefined {
  const base = isRemote(location) ? decodeURIComponent(new URL(location).pathname.split('/').pop() ?? '') : path.basename(location);
  return safeFileName(base);
}

/** Three different files must not share a name in the work directory. */
function distinctNames(artifacts: Record<ArtifactRole, ArtifactRef>): Record<ArtifactRole, ArtifactRef> {
  const names = ROLES.map((r) => artifacts[r].name);
  if (new Set(names).size === names.length) return artifacts;
  const renamed = (role: ArtifactRole) => ({ ...artifacts[role], name: `${role}-${artifacts[role].name}` });
  return { kernel: renamed('kernel'), initramfs: renamed('initramfs'), rootfs: renamed('rootfs') };
}

/** The build id, when the three files carry the published names of one build. */
function buildFromNames(artifacts: Record<ArtifactRole, ArtifactRef>, arch: string): string | undefined {
  const match = /^nestos-(.+)-live-kernel-/.exec(artifacts.kernel.name);
  if (!match?.[1]) return undefined;
  const expected = contractArtifactNames(match[1], arch);
  return ROLES.every((r) => artifacts[r].name === expected[r]) ? match[1] : undefined;
}

// --- release directory / URL ---------------------------------------------------------------

async function fromReleaseDir(dir: string, deps: ResolveDeps): Promise<ResolvedRelease> {
  const release = await readReleaseDir(path.resolve(deps.cwd ?? '.', dir), deps.arch);
  checkArch(release, deps.arch, '--release-dir');
  return release;
}

async function fromReleaseUrl(url: string, deps: ResolveDeps): Promise<ResolvedRelease> {
  const base = url.endsWith('/') ? url : `${url}/`;
  const manifestUrl = new URL(MANIFEST_NAME, base).href;
  const text = await fetchDocument(deps.http, manifestUrl, {
    what: MANIFEST_NAME,
    remedy: 'check --release-url (a directory written by `x2nestos fetch --to DIR`, served with its release.json), or copy that directory here and use --release-dir',
    signal: deps.signal,
  });
  const release = releaseFromManifest(parseJson(text, manifestUrl), { url: base });
  checkArch(release, deps.arch, '--release-url');
  return release;
}

function checkArch(release: ResolvedRelease, arch: string, flag: string): void {
  if (release.arch !== arch) {
    throw new X2Error('precondition', `${flag} ${release.origin} holds a ${release.arch} release, but this machine is ${arch}`, {
      remedy: `fetch the ${arch} artifacts (x2nestos fetch --arch ${arch} --to DIR), or pass --arch if the machine was misdetected`,
    });
  }
}

// --- live ISO ------------------------------------------------------------------------------

async function fromIso(given: string, isoSha256: string | undefined, deps: ResolveDeps): Promise<ResolvedRelease> {
  const location = await normaliseLocation(given, '--iso', deps);
  const fileName = isRemote(location) ? decodeURIComponent(new URL(location).pathname.split('/').pop() ?? '') : path.basename(location);
  const named = /^nestos-(.+)-live\.(x86_64|aarch64)\.iso$/.exec(fileName);
  if (named?.[2] !== undefined && named[2] !== deps.arch) {
    throw new X2Error('precondition', `--iso ${given} is a ${named[2]} ISO, but this machine is ${deps.arch}`, {
      remedy: `pass the ${deps.arch} live ISO, or --arch if the machine was misdetected`,
    });
  }

  const { openIso, fileRangeReader } = await import('./iso9660.js');
  const { httpRangeReader } = await import('../fetch/range-reader.js');
  const local = isRemote(location) ? undefined : fileRangeReader(location);
  const reader = local ?? (await httpRangeReader(deps.http, location, deps.signal));
  try {
    const image = await openIso(reader);
    // The volume id of a NestOS live ISO names the build when the file name does not (renamed files).
    const build = named?.[1] ?? /^nestos-(\d.+)$/i.exec(image.volumeId)?.[1];
    const names = build ? contractArtifactNames(build, deps.arch) : PXEBOOT_NAMES;
    const ref = async (role: ArtifactRole): Promise<ArtifactRef> => {
      const inside = `${ISO_PXEBOOT}/${PXEBOOT_NAMES[role]}`;
      const entry = await image.find(inside);
      if (!entry || entry.isDirectory) {
        throw new X2Error('precondition', `--iso ${given} has no ${inside}: it is not a NestOS live ISO`, {
          remedy: 'pass the NestOS live ISO (nestos-<build>-live.<arch>.iso), or --kernel, --initramfs and --rootfs',
        });
      }
      return {
        role,
        location,
        name: names[role],
        sizeBytes: entry.length,
        isoExtent: { offset: entry.offset, length: entry.length },
        ...(isoSha256 ? { sha256: isoSha256, sha256Source: 'iso' as const } : {}),
      };
    };
    return {
      source: 'iso',
      origin: location,
      ...(build ? { release: build } : {}),
      arch: deps.arch,
      artifacts: { kernel: await ref('kernel'), initramfs: await ref('initramfs'), rootfs: await ref('rootfs') },
    };
  } finally {
    await local?.close();
  }
}

// --- stream --------------------------------------------------------------------------------

async function fromStream(options: Options, deps: ResolveDeps): Promise<ResolvedRelease> {
  const base = options.streamBaseUrl.endsWith('/') ? options.streamBaseUrl : `${options.streamBaseUrl}/`;
  const streamUrl = new URL(`${options.stream}.json`, base).href;
  const text = await fetchDocument(deps.http, streamUrl, {
    what: `stream metadata of ${options.stream}`,
    remedy:
      'check the network and proxy (HTTPS_PROXY) and --stream, point --stream-base-url at a reachable mirror, or use --release-dir DIR with files fetched elsewhere by `x2nestos fetch --to DIR`',
    signal: deps.signal,
  });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new X2Error('network', `the stream metadata at ${streamUrl} is not JSON (${(error as Error).message})`, {
      remedy: 'a proxy or captive portal may have answered instead of the mirror: check the URL, or choose another with --stream-base-url',
      cause: error,
    });
  }
  return releaseFromStream(doc, { stream: options.stream, arch: deps.arch, streamUrl });
}

// --- verification policy -------------------------------------------------------------------

/** A remote file with no known hash could be anything: refuse it unless the user accepts that. */
function refuseUnverifiedRemote(release: ResolvedRelease, allowed: boolean): void {
  if (allowed) return;
  const unchecked = ROLES.map((r) => release.artifacts[r]).filter((a) => isRemote(a.location) && a.sha256 === undefined);
  if (unchecked.length === 0) return;
  const accept = 'or accept them unchecked with --allow-unverified-artifacts';
  switch (release.source) {
    case 'iso':
      throw new X2Error('verification', `the ISO ${release.origin} has no sha256 to check it against`, {
        remedy: `pass --iso-sha256 with the hash published beside the ISO, ${accept}`,
      });
    case 'urls':
      throw new X2Error('verification', `${unchecked.map((a) => `--${a.role}`).join(', ')} ${unchecked.length === 1 ? 'has' : 'have'} no sha256 to check against`, {
        remedy: `pin ${unchecked.length === 1 ? 'it' : 'them'} with ${unchecked.map((a) => `--${a.role}-sha256`).join(', ')}, ${accept}`,
      });
    default:
      throw new X2Error('verification', `${release.origin} holds ${unchecked.map((a) => a.role).join(', ')} that ${unchecked.length === 1 ? 'was' : 'were'} never verified against a published hash`, {
        remedy: `fetch them again from a verified source (x2nestos fetch --to DIR), ${accept}`,
      });
  }
}
