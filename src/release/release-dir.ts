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
 *                   "source": "stream",      what vouched for the hash when it was fetched:
 *                                            stream | user | release-dir | iso | unverified
 *                   "location": "https://…" } }                where it was fetched from
 *   }
 * An artifact recorded as "unverified" was never checked against a published hash; its sha256
 * still catches later corruption, but it is read back as unverified (remote: refused unless
 * --allow-unverified-artifacts).
 *
 * A plain directory without release.json is accepted too, when it holds the three files under
 * the NestOS artifact names or as vmlinuz / initrd.img / rootfs.img (then nothing is verified).
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { X2Error } from '../errors.js';
import { writeFileAtomic } from '../effects/files.js';
import type { ArtifactRef, ArtifactRole, LocalArtifact, ResolvedRelease } from './types.js';

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

export async function writeReleaseDir(release: ResolvedRelease, local: LocalArtifact[], dir: string): Promise<void> {
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
      source: artifact.verified ? (artifact.sha256Source ?? 'unverified') : 'unverified',
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
  await writeFileAtomic(path.join(dir, MANIFEST_NAME), JSON.stringify(manifest, null, 2) + '\n');
}

/**
 * The release a directory holds: from its release.json, or recognised by file names.
 * `arch` picks the files of a plain directory; a release.json's arch is checked by the caller.
 */
export async function readReleaseDir(dir: string, arch: string): Promise<ResolvedRelease> {
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
  if (names.includes(MANIFEST_NAME)) {
    const text = await readFile(path.join(absolute, MANIFEST_NAME), 'utf8');
    return releaseFromManifest(parseJson(text, path.join(absolute, MANIFEST_NAME)), { dir: absolute });
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

/** A parsed release.json → the release, located in a directory or under a base URL. */
export function releaseFromManifest(doc: unknown, base: { dir: string } | { url: string }): ResolvedRelease {
  const where = 'dir' in base ? path.join(base.dir, MANIFEST_NAME) : new URL(MANIFEST_NAME, base.url).href;
  const parsed = manifestSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new X2Error('verification', `${where} is not a release.json x2nestos can read (${issue ? `${issue.path.join('.') || 'top level'}: ${issue.message}` : 'invalid'})`, {
      remedy: 'recreate the release directory with `x2nestos fetch --to DIR`',
    });
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
    return {
      role,
      location: locate(a.name),
      name: a.name,
      sizeBytes: a.size,
      // An artifact never verified when it was fetched stays unverified: its hash came from us.
      ...(a.source === 'unverified' ? {} : { sha256: a.sha256, sha256Source: 'release-dir' as const }),
    };
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
    throw new X2Error('precondition', `${dir} holds NestOS artifacts for ${complete.map(([k]) => k.split(' ')[1]).join(', ')}, but this machine is ${arch}`, {
      remedy: `put the ${arch} artifacts there, or pass --arch if the machine was misdetected`,
    });
  } else {
    const missing = ROLES.filter((r) => !names.includes(PXEBOOT_NAMES[r])).map((r) => PXEBOOT_NAMES[r]);
    throw new X2Error('usage', `${dir} has no ${MANIFEST_NAME} and no complete set of live artifacts (missing ${missing.join(', ')})`, {
      remedy: 'prepare it with `x2nestos fetch --to DIR`, or pass --kernel, --initramfs and --rootfs',
    });
  }

  const ref = async (role: ArtifactRole): Promise<ArtifactRef> => {
    const location = path.join(dir, files[role]);
    return { role, location, name: files[role], sizeBytes: (await stat(location)).size };
  };
  return {
    source: 'release-dir',
    origin: dir,
    ...(build ? { release: build } : {}),
    arch,
    artifacts: { kernel: await ref('kernel'), initramfs: await ref('initramfs'), rootfs: await ref('rootfs') },
  };
}
