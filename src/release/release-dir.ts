/**
 * A release directory: the three live artifacts plus `release.json`, as written by
 * `x2nestos fetch --to DIR`, read back by `--release-dir DIR` and, served over HTTP, by
 * `--release-url URL`. Every file is re-verified against release.json when it is used.
 *
 * release.json, format version 1:
 *   {
 *     "format": "x2nestos-release",        constant: identifies the file
 *     "version": 1,                         readers refuse versions they do not know
 *     "stream": "2403-LTS",                 optional: the stream it was resolved from
 *     "release": "24.03-LTS.20240625.0",    optional: the NestOS build
 *     "arch": "x86_64",                     x86_64 | aarch64
 *     "source": "stream",                   stream | iso | urls | release-dir: where it came from
 *     "origin": "https://…/2403-LTS.json",  that source, for people
 *     "artifacts": {                        kernel, initramfs, rootfs, each:
 *       "kernel": { "name": "nestos-…-live-kernel-x86_64",   file name in the directory
 *                   "size": 11534336, "sha256": "<64 hex>",   of the file as stored
 *                   "source": "stream",      where the hash came from when it was fetched:
 *                                            stream | user | release-dir | iso | unverified
 *                   "verifiedBy": "tls",     optional (added later): what vouched for it then,
 *                                            src/release/trust.ts; absent in older files
 *                   "location": "https://…" } }                where it was fetched from
 *   }
 * An artifact recorded as "unverified" (or verifiedBy "none") was never checked against a trusted
 * hash; its sha256 still catches later corruption, but it is read back as unverified and refused
 * unless --allow-unverified-artifacts. One exception: "unverified" with verifiedBy "local" is a file
 * the fetching machine took from its own disk with no hash to check (a local ISO): as trusted as that.
 *
 * The sha256 of release.json itself, printed by `x2nestos fetch`, is what lets hosts trust the
 * directory over plain HTTP: `--release-url http://… --release-manifest-sha256 <hex>`.
 *
 * A plain directory without release.json is accepted too, when it holds the three files under
 * the NestOS artifact names or as vmlinuz / initrd.img / rootfs.img (then nothing is verified).
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { X2Error } from '../errors.js';
import { writeFileAtomic } from '../effects/files.js';
import { verifiedBy, type HashEvidence } from './trust.js';
import type { ArtifactRef, ArtifactRole, LocalArtifact, ResolvedRelease } from '../model/artifacts.js';

export const MANIFEST_NAME = 'release.json';
export const MANIFEST_VERSION = 1;
export const ROLES: readonly ArtifactRole[] = ['kernel', 'initramfs', 'rootfs'];

/** The names NestOS publishes its live artifacts under (contract §1). */
export function contractArtifactNames(build: string, arch: string): Record<ArtifactRole, string> {
  return {
    kernel: `nestos-${build}-live-kernel-${arch}`,
    initramfs: `nestos-${build}-live-initramfs.${arch}.img`,
    rootfs: `nestos-${build}-live-rootfs.${arch}.img`,
  };
}

/** The names inside the live ISO's images/pxeboot/, also accepted in a plain directory. */
export const PXEBOOT_NAMES: Record<ArtifactRole, string> = { kernel: 'vmlinuz', initramfs: 'initrd.img', rootfs: 'rootfs.img' };

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const RESERVED = /\.(part|lock|sha256)$/;

/** `candidate` when it can be stored as-is in a directory of ours, else undefined. */
export function safeFileName(candidate: string): string | undefined {
  return SAFE_NAME.test(candidate) && !RESERVED.test(candidate) && candidate !== MANIFEST_NAME && candidate.length <= 200
    ? candidate
    : undefined;
}

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');
const manifestArtifact = z.object({
  name: z.string().refine((n) => safeFileName(n) !== undefined, 'must be a plain file name'),
  size: z.number().int().nonnegative(),
  sha256,
  source: z.enum(['stream', 'user', 'release-dir', 'iso', 'unverified']),
  verifiedBy: z.enum(['tls', 'user-hash', 'manifest', 'signature', 'local', 'none']).optional(),
  location: z.string().optional(),
});
const manifestSchema = z.object({
  format: z.literal('x2nestos-release'),
  version: z.number().int(),
  stream: z.string().optional(),
  release: z.string().optional(),
  arch: z.string().min(1),
  source: z.enum(['stream', 'iso', 'urls', 'release-dir']),
  origin: z.string(),
  artifacts: z.object({ kernel: manifestArtifact, initramfs: manifestArtifact, rootfs: manifestArtifact }),
});
export type ReleaseManifest = z.infer<typeof manifestSchema>;

/** Writes release.json; returns its sha256, which hosts pin with --release-manifest-sha256. */
export async function writeReleaseDir(release: ResolvedRelease, local: LocalArtifact[], dir: string): Promise<{ manifestSha256: string }> {
  const byRole = new Map(local.map((a) => [a.role, a]));
  const entry = (role: ArtifactRole) => {
    const artifact = byRole.get(role);
    if (!artifact) throw new X2Error('internal', `writeReleaseDir: no ${role} among the fetched artifacts`);
    if (path.resolve(artifact.path) !== path.resolve(dir, artifact.name)) {
      throw new X2Error('internal', `writeReleaseDir: ${artifact.path} is not ${artifact.name} in ${dir}`);
    }
    return {
      name: artifact.name,
      size: artifact.sizeBytes,
      sha256: artifact.sha256,
      source: artifact.verified ? recordedSource(artifact.sha256Source) : 'unverified',
      ...(artifact.verifiedBy ? { verifiedBy: artifact.verifiedBy } : {}),
      location: artifact.location,
    } satisfies ReleaseManifest['artifacts']['kernel'];
  };
  const manifest: ReleaseManifest = {
    format: 'x2nestos-release',
    version: MANIFEST_VERSION,
    ...(release.stream ? { stream: release.stream } : {}),
    ...(release.release ? { release: release.release } : {}),
    arch: release.arch,
    source: release.source,
    origin: release.origin,
    artifacts: { kernel: entry('kernel'), initramfs: entry('initramfs'), rootfs: entry('rootfs') },
  };
  const text = JSON.stringify(manifest, null, 2) + '\n';
  await writeFileAtomic(path.join(dir, MANIFEST_NAME), text);
  return { manifestSha256: manifestSha256(Buffer.from(text)) };
}

/** Older readers know these `source` values only: a checksum file was the user's word. */
function recordedSource(source: ArtifactRef['sha256Source']): ReleaseManifest['artifacts']['kernel']['source'] {
  return source === undefined ? 'unverified' : source === 'checksums' ? 'user' : source;
}

export function manifestSha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The user pinned release.json's sha256: anything else under that name is refused before any of
 * the files it names is fetched.
 */
export function checkManifestPin(bytes: Uint8Array, pinned: string | undefined, where: string): void {
  if (pinned === undefined) return;
  const got = manifestSha256(bytes);
  if (got !== pinned) {
    throw new X2Error('verification', `${where} has sha256 ${got}, but --release-manifest-sha256 says ${pinned}`, {
      remedy:
        'the directory was changed or replaced since `x2nestos fetch` printed that hash: fetch it again and pass the new hash, or check the server',
    });
  }
}

/**
 * The release a directory holds: from its release.json, or recognised by file names.
 * `arch` picks the files of a plain directory; a release.json's arch is checked by the caller.
 */
export async function readReleaseDir(dir: string, arch: string, pinnedManifest?: string): Promise<ResolvedRelease> {
  const absolute = path.resolve(dir);
  let names: string[];
  try {
    names = await readdir(absolute);
  } catch (error) {
    throw new X2Error('usage', `cannot read the release directory ${absolute}: ${(error as Error).message}`, {
      remedy: 'check --release-dir (a directory written by `x2nestos fetch --to DIR`)',
      cause: error,
    });
  }
  const where = path.join(absolute, MANIFEST_NAME);
  if (names.includes(MANIFEST_NAME)) {
    const bytes = await readFile(where);
    checkManifestPin(bytes, pinnedManifest, where);
    const vouch: HashEvidence = pinnedManifest ? { from: 'pinned-manifest' } : { from: 'local-file' };
    return releaseFromManifest(parseJson(bytes.toString('utf8'), where), { dir: absolute }, vouch);
  }
  if (pinnedManifest) {
    throw new X2Error('usage', `--release-manifest-sha256 was given but ${absolute} has no ${MANIFEST_NAME}`, {
      remedy: 'point --release-dir at the directory `x2nestos fetch --to DIR` wrote, or drop --release-manifest-sha256',
    });
  }
  return plainDirRelease(absolute, names, arch);
}

export function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new X2Error('verification', `${where} is not valid JSON (${(error as Error).message})`, {
      remedy: 'recreate the release directory with `x2nestos fetch --to DIR`',
      cause: error,
    });
  }
}

/**
 * A parsed release.json → the release, located in a directory or under a base URL. `vouch` is how
 * release.json itself reached us; it vouches for the entries that were verified when fetched.
 */
export function releaseFromManifest(doc: unknown, base: { dir: string } | { url: string }, vouch: HashEvidence): ResolvedRelease {
  const where = 'dir' in base ? path.join(base.dir, MANIFEST_NAME) : new URL(MANIFEST_NAME, base.url).href;
  refuseEscapingNames(doc, where);
  const parsed = manifestSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new X2Error(
      'verification',
      `${where} is not a release.json x2nestos can read (${issue ? `${issue.path.join('.') || 'top level'}: ${issue.message}` : 'invalid'})`,
      {
        remedy: 'recreate the release directory with `x2nestos fetch --to DIR`',
      },
    );
  }
  const manifest = parsed.data;
  if (manifest.version !== MANIFEST_VERSION) {
    throw new X2Error('usage', `${where} has format version ${manifest.version}; this x2nestos reads version ${MANIFEST_VERSION}`, {
      remedy: 'use the x2nestos version that wrote it, or recreate it with `x2nestos fetch --to DIR`',
    });
  }
  const locate = (name: string) => ('dir' in base ? path.join(base.dir, name) : new URL(encodeURIComponent(name), base.url).href);
  const ref = (role: ArtifactRole): ArtifactRef => {
    const a = manifest.artifacts[role];
    // An artifact never verified when it was fetched stays unverified: its hash came from us.
    const trusted = a.verifiedBy === undefined ? a.source !== 'unverified' : a.verifiedBy !== 'none';
    const ref: ArtifactRef = {
      role,
      location: locate(a.name),
      name: a.name,
      sizeBytes: a.size,
      ...(trusted ? { sha256: a.sha256, sha256Source: 'release-dir' as const } : {}),
    };
    return { ...ref, verifiedBy: verifiedBy(ref, trusted ? vouch : { from: 'unverified-record' }, { signingKey: false }) };
  };
  return {
    source: 'release-dir',
    origin: 'dir' in base ? base.dir : base.url,
    ...(manifest.stream ? { stream: manifest.stream } : {}),
    ...(manifest.release ? { release: manifest.release } : {}),
    arch: manifest.arch,
    artifacts: { kernel: ref('kernel'), initramfs: ref('initramfs'), rootfs: ref('rootfs') },
  };
}

/** A release.json naming `../x` or `/etc/x` would make us read or serve files outside the release. */
function refuseEscapingNames(doc: unknown, where: string): void {
  const artifacts = (doc as { artifacts?: Record<string, { name?: unknown }> } | null)?.artifacts;
  if (typeof artifacts !== 'object' || artifacts === null) return;
  for (const [role, entry] of Object.entries(artifacts)) {
    const name = entry?.name;
    if (typeof name === 'string' && (name.includes('/') || name.includes('\\') || name === '..' || name === '.')) {
      throw new X2Error('verification', `${where} names a file outside its directory (${role}: ${JSON.stringify(name)})`, {
        remedy: 'refusing it: release.json may only name files beside it; recreate the directory with `x2nestos fetch --to DIR`',
      });
    }
  }
}

const CONTRACT_PATTERNS: Record<ArtifactRole, RegExp> = {
  kernel: /^nestos-(.+)-live-kernel-(x86_64|aarch64)$/,
  initramfs: /^nestos-(.+)-live-initramfs\.(x86_64|aarch64)\.img$/,
  rootfs: /^nestos-(.+)-live-rootfs\.(x86_64|aarch64)\.img$/,
};

async function plainDirRelease(dir: string, names: string[], arch: string): Promise<ResolvedRelease> {
  const found = new Map<string, Partial<Record<ArtifactRole, string>>>(); // "<build> <arch>" → files
  for (const name of names) {
    for (const role of ROLES) {
      const match = CONTRACT_PATTERNS[role].exec(name);
      if (!match) continue;
      const key = `${match[1]} ${match[2]}`;
      found.set(key, { ...found.get(key), [role]: name });
    }
  }
  const complete = [...found].filter(([, files]) => ROLES.every((r) => files[r] !== undefined));
  const ours = complete.filter(([key]) => key.endsWith(` ${arch}`));
  const remedy = 'keep exactly one build in the directory, or pass --kernel, --initramfs and --rootfs';

  let build: string | undefined;
  let files: Record<ArtifactRole, string>;
  if (ours.length > 1) {
    throw new X2Error('usage', `${dir} holds several ${arch} builds (${ours.map(([k]) => k.split(' ')[0]).join(', ')})`, { remedy });
  } else if (ours.length === 1) {
    const [key, picked] = ours[0]!;
    build = key.split(' ')[0];
    files = picked as Record<ArtifactRole, string>;
  } else if (ROLES.every((r) => names.includes(PXEBOOT_NAMES[r]))) {
    files = PXEBOOT_NAMES;
  } else if (complete.length > 0) {
    throw new X2Error(
      'precondition',
      `${dir} holds NestOS artifacts for ${complete.map(([k]) => k.split(' ')[1]).join(', ')}, but this machine is ${arch}`,
      {
        remedy: `put the ${arch} artifacts there, or pass --arch if the machine was misdetected`,
      },
    );
  } else {
    const missing = ROLES.filter((r) => !names.includes(PXEBOOT_NAMES[r])).map((r) => PXEBOOT_NAMES[r]);
    throw new X2Error('usage', `${dir} has no ${MANIFEST_NAME} and no complete set of live artifacts (missing ${missing.join(', ')})`, {
      remedy: 'prepare it with `x2nestos fetch --to DIR`, or pass --kernel, --initramfs and --rootfs',
    });
  }

  const ref = async (role: ArtifactRole): Promise<ArtifactRef> => {
    const location = path.join(dir, files[role]);
    const found: ArtifactRef = { role, location, name: files[role], sizeBytes: (await stat(location)).size };
    return { ...found, verifiedBy: verifiedBy(found, { from: 'nothing' }, { signingKey: false }) };
  };
  return {
    source: 'release-dir',
    origin: dir,
    ...(build ? { release: build } : {}),
    arch,
    artifacts: { kernel: await ref('kernel'), initramfs: await ref('initramfs'), rootfs: await ref('rootfs') },
  };
}
