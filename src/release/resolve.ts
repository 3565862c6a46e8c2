/**
 * Decide where the live artifacts come from, from exactly one source:
 *   --kernel/--initramfs/--rootfs   explicit files or URLs (optionally pinned with --*-sha256)
 *   --release-dir DIR               a directory written by `x2nestos fetch --to`, or a plain one
 *   --release-url URL               the same directory served over HTTP
 *   --iso PATH|URL                  the live ISO (artifacts are byte ranges inside it)
 *   otherwise                       the stream document <stream-base-url><stream>.json
 * Nothing large is downloaded here: at most the stream document, a release.json, a checksum file,
 * or the ISO's directory. Each source states how its hashes reached us, trust.ts decides what that
 * is worth (`verifiedBy`), and what nothing vouches for is refused here, before any download starts.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { X2Error } from '../errors.js';
import type { Http } from '../effects/http.js';
import type { Options } from '../options/schema.js';
import { fetchDocumentFrom } from '../transport/document.js';
import { httpRangeReader } from '../transport/range-reader.js';
import { fileRangeReader } from '../effects/file-source.js';
import { openIso } from '../formats/iso9660.js';
import { checksumFor, loadChecksums, type Checksums } from './checksums.js';
import { isRemote } from '../model/location.js';
import {
  PXEBOOT_NAMES,
  ROLES,
  checkManifestPin,
  contractArtifactNames,
  parseJson,
  readReleaseDir,
  releaseFromManifest,
  safeFileName,
  MANIFEST_NAME,
} from './release-dir.js';
import { releaseFromStream } from './stream.js';
import { refuseUnverified, verifiedBy, withTrust, type HashEvidence, type TrustContext } from './trust.js';
import type { ArtifactRef, ArtifactRole, ResolvedRelease } from '../model/artifacts.js';

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
  const checksums = options.checksums === undefined ? undefined : await loadChecksums(options.checksums, deps);
  const trust: TrustContext = { signingKey: options.signingKey !== undefined };
  let release: ResolvedRelease;
  switch (kind) {
    case 'urls':
      release = await fromExplicit(options, trust, deps);
      break;
    case 'release-dir':
      release = await fromReleaseDir(options.releaseDir!, options.releaseManifestSha256, deps);
      break;
    case 'release-url':
      release = await fromReleaseUrl(options.releaseUrl!, options.releaseManifestSha256, deps);
      break;
    case 'iso':
      release = await fromIso(options.iso!, isoHash(options, checksums), trust, deps);
      break;
    default:
      release = await fromStream(options, trust, deps);
  }
  if (checksums && kind !== 'iso') release = pinnedByChecksums(release, checksums, trust);
  refuseUnverified(release, options.allowUnverifiedArtifacts);
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
    throw new X2Error(
      'usage',
      `--kernel, --initramfs and --rootfs go together: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing`,
      {
        remedy: `pass ${missing.join(' and ')} too, or use --release-dir, --iso or the stream instead`,
      },
    );
  }
  return chosen[0]?.kind;
}

// --- explicit files or URLs ----------------------------------------------------------------

async function fromExplicit(options: Options, trust: TrustContext, deps: ResolveDeps): Promise<ResolvedRelease> {
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
  const release: ResolvedRelease = {
    source: 'urls',
    origin: refs.map((r) => r.location).join(' '),
    ...(build ? { release: build } : {}),
    arch: deps.arch,
    artifacts,
  };
  return withTrust(release, (ref) => (ref.sha256 === undefined ? { from: 'nothing' } : { from: 'user' }), trust);
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

async function fromReleaseDir(dir: string, pinnedManifest: string | undefined, deps: ResolveDeps): Promise<ResolvedRelease> {
  const release = await readReleaseDir(path.resolve(deps.cwd ?? '.', dir), deps.arch, pinnedManifest);
  checkArch(release, deps.arch, '--release-dir');
  return release;
}

async function fromReleaseUrl(url: string, pinnedManifest: string | undefined, deps: ResolveDeps): Promise<ResolvedRelease> {
  const base = url.endsWith('/') ? url : `${url}/`;
  const manifestUrl = new URL(MANIFEST_NAME, base).href;
  const fetched = await fetchDocumentFrom(deps.http, manifestUrl, {
    what: MANIFEST_NAME,
    remedy:
      'check --release-url (a directory written by `x2nestos fetch --to DIR`, served with its release.json), or copy that directory here and use --release-dir',
    signal: deps.signal,
  });
  checkManifestPin(fetched.bytes, pinnedManifest, manifestUrl);
  const vouch: HashEvidence = pinnedManifest ? { from: 'pinned-manifest' } : { from: 'document', url: fetched.url };
  const release = releaseFromManifest(parseJson(fetched.text, manifestUrl), { url: base }, vouch);
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

async function fromIso(given: string, isoSha256: string | undefined, trust: TrustContext, deps: ResolveDeps): Promise<ResolvedRelease> {
  const location = await normaliseLocation(given, '--iso', deps);
  const fileName = isRemote(location) ? decodeURIComponent(new URL(location).pathname.split('/').pop() ?? '') : path.basename(location);
  const named = /^nestos-(.+)-live\.(x86_64|aarch64)\.iso$/.exec(fileName);
  if (named?.[2] !== undefined && named[2] !== deps.arch) {
    throw new X2Error('precondition', `--iso ${given} is a ${named[2]} ISO, but this machine is ${deps.arch}`, {
      remedy: `pass the ${deps.arch} live ISO, or --arch if the machine was misdetected`,
    });
  }

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
    const release: ResolvedRelease = {
      source: 'iso',
      origin: location,
      ...(build ? { release: build } : {}),
      arch: deps.arch,
      artifacts: { kernel: await ref('kernel'), initramfs: await ref('initramfs'), rootfs: await ref('rootfs') },
    };
    // The ISO's hash, when known, is always the user's (--iso-sha256 or --checksums).
    return withTrust(release, () => (isoSha256 ? { from: 'user' } : { from: 'nothing' }), trust);
  } finally {
    await local?.close();
  }
}

// --- stream --------------------------------------------------------------------------------

async function fromStream(options: Options, trust: TrustContext, deps: ResolveDeps): Promise<ResolvedRelease> {
  const base = options.streamBaseUrl.endsWith('/') ? options.streamBaseUrl : `${options.streamBaseUrl}/`;
  const streamUrl = new URL(`${options.stream}.json`, base).href;
  const { text, url: finalUrl } = await fetchDocumentFrom(deps.http, streamUrl, {
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
  const release = releaseFromStream(doc, { stream: options.stream, arch: deps.arch, streamUrl });
  // What the stream says is worth what the connection it came over was worth (after redirects).
  return withTrust(release, () => ({ from: 'document', url: finalUrl }), trust);
}

// --- checksum file -------------------------------------------------------------------------

/** The ISO's sha256: from --iso-sha256, or its entry in --checksums (which must agree). */
function isoHash(options: Options, checksums: Checksums | undefined): string | undefined {
  if (!checksums || options.iso === undefined) return options.isoSha256;
  const name = isRemote(options.iso)
    ? decodeURIComponent(new URL(options.iso).pathname.split('/').pop() ?? '')
    : path.basename(options.iso);
  const listed = checksumFor(checksums, name, 'the ISO');
  if (options.isoSha256 !== undefined && options.isoSha256 !== listed) {
    throw new X2Error(
      'verification',
      `--iso-sha256 says ${options.isoSha256} but --checksums ${checksums.origin} says ${listed} for ${name}`,
      {
        remedy: 'drop the wrong one',
      },
    );
  }
  return listed;
}

/** Every artifact takes its expected sha256 from the user's checksum file, by its published name. */
function pinnedByChecksums(release: ResolvedRelease, checksums: Checksums, trust: TrustContext): ResolvedRelease {
  const pin = (role: ArtifactRole): ArtifactRef => {
    const ref = release.artifacts[role];
    const name = baseName(ref.location) ?? ref.name;
    const listed = checksumFor(checksums, name, `the ${role}`);
    if (ref.sha256 !== undefined && ref.sha256 !== listed) {
      throw new X2Error(
        'verification',
        `the ${role} ${name}: ${ref.sha256Source === 'user' ? `the value of --${role}-sha256` : release.origin} says sha256 ${ref.sha256} but --checksums ${checksums.origin} says ${listed}`,
        {
          remedy: 'the release and the checksum file disagree: check which one is right before converting',
        },
      );
    }
    const pinned: ArtifactRef = { ...ref, sha256: listed, sha256Source: 'checksums' };
    return { ...pinned, verifiedBy: verifiedBy(pinned, { from: 'user' }, trust) };
  };
  return { ...release, artifacts: { kernel: pin('kernel'), initramfs: pin('initramfs'), rootfs: pin('rootfs') } };
}
