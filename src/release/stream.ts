/**
 * The stream document (Fedora CoreOS stream format, contract §1) → the live PXE artifacts of one
 * architecture. Only the branch we use is validated, so a stream that publishes odd entries for
 * other platforms still works; within that branch every field is checked, hashes included.
 *
 *   architectures.<arch>.artifacts.metal.{release, formats.pxe.{kernel, initramfs, rootfs},
 *   formats.iso.disk}, each artifact {location, sha256, signature?}
 */
import { z } from 'zod';
import { X2Error } from '../errors.js';
import { contractArtifactNames, safeFileName } from './release-dir.js';
import type { ArtifactRef, ArtifactRole, ResolvedRelease } from '../model/artifacts.js';

export interface StreamOptions {
  stream: string;
  arch: string;
  /** The URL the document was fetched from: relative locations are resolved against it. */
  streamUrl: string;
}

/** The live ISO a stream publishes, for users whose stream has no pxe entries. */
export interface StreamIso {
  location: string;
  sha256: string;
  signature?: string;
  release: string;
}

const artifactSchema = z.object({
  location: z.string().min(1, 'must not be empty'),
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits'),
  signature: z.string().min(1).optional(),
});
type StreamArtifact = z.infer<typeof artifactSchema>;

const topSchema = z.object({
  stream: z.string().optional(),
  architectures: z.record(z.string(), z.unknown()),
});
const metalSchema = z.object({
  artifacts: z.object({
    metal: z.object({
      release: z.string().min(1),
      formats: z.record(z.string(), z.unknown()),
    }),
  }),
});
const pxeSchema = z.object({ kernel: artifactSchema, initramfs: artifactSchema, rootfs: artifactSchema });
const isoSchema = z.object({ disk: artifactSchema });

export function releaseFromStream(doc: unknown, opts: StreamOptions): ResolvedRelease {
  const metal = metalOf(doc, opts);
  const pxe = metal.formats.pxe;
  if (pxe === undefined) {
    const iso = isoOf(metal.formats.iso, metal.release, opts);
    const isoHint = iso ? `pass --iso ${iso.location} --iso-sha256 ${iso.sha256}` : 'pass --iso with the live ISO of this release';
    throw new X2Error('precondition', `stream ${opts.stream} at ${opts.streamUrl} publishes no live PXE artifacts for ${opts.arch}`, {
      remedy: `${isoHint}, or use --release-dir DIR, or --kernel, --initramfs and --rootfs`,
    });
  }
  const parsed = parse(pxeSchema, pxe, `${metalPath(opts)}.formats.pxe`, opts);
  const names = contractArtifactNames(metal.release, opts.arch);
  const ref = (role: ArtifactRole): ArtifactRef => artifactRef(role, parsed[role], names[role], opts);
  return {
    source: 'stream',
    origin: opts.streamUrl,
    stream: opts.stream,
    release: metal.release,
    arch: opts.arch,
    artifacts: { kernel: ref('kernel'), initramfs: ref('initramfs'), rootfs: ref('rootfs') },
  };
}

/** The stream's live ISO for this architecture, when it publishes one. */
export function streamIsoArtifact(doc: unknown, opts: StreamOptions): StreamIso | undefined {
  const metal = metalOf(doc, opts);
  return isoOf(metal.formats.iso, metal.release, opts);
}

function metalOf(doc: unknown, opts: StreamOptions) {
  const top = parse(topSchema, doc, '', opts);
  const arch = top.architectures[opts.arch];
  if (arch === undefined) {
    const published = Object.keys(top.architectures);
    throw new X2Error(
      'precondition',
      `stream ${opts.stream} at ${opts.streamUrl} has no ${opts.arch} build (it has ${published.join(', ') || 'none'})`,
      {
        remedy: `choose a stream that publishes ${opts.arch} with --stream, or bring the artifacts yourself with --release-dir or --iso`,
      },
    );
  }
  return parse(metalSchema, arch, `architectures.${opts.arch}`, opts).artifacts.metal;
}

function isoOf(value: unknown, release: string, opts: StreamOptions): StreamIso | undefined {
  const parsed = isoSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const disk = parsed.data.disk;
  return {
    location: absolute(disk.location, opts.streamUrl),
    sha256: disk.sha256.toLowerCase(),
    ...(disk.signature ? { signature: absolute(disk.signature, opts.streamUrl) } : {}),
    release,
  };
}

function artifactRef(role: ArtifactRole, artifact: StreamArtifact, fallbackName: string, opts: StreamOptions): ArtifactRef {
  const location = absolute(artifact.location, opts.streamUrl);
  const published = decodeURIComponent(new URL(location).pathname.split('/').pop() ?? '');
  return {
    role,
    location,
    name: safeFileName(published) ?? fallbackName,
    sha256: artifact.sha256.toLowerCase(),
    sha256Source: 'stream',
    ...(artifact.signature ? { signature: absolute(artifact.signature, opts.streamUrl) } : {}),
  };
}

function absolute(location: string, base: string): string {
  const url = new URL(location, base);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new X2Error('verification', `stream document at ${base} points to ${location}, which is not an http(s) URL`, {
      remedy: 'check the mirror given with --stream-base-url',
    });
  }
  return url.href;
}

function metalPath(opts: StreamOptions): string {
  return `architectures.${opts.arch}.artifacts.metal`;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string, opts: StreamOptions): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = (i: z.core.$ZodIssue | undefined) => [where, ...(i?.path ?? []).map(String)].filter(Boolean).join('.') || 'the document';
  throw new X2Error(
    'verification',
    `stream document at ${opts.streamUrl} is malformed: ${field(issue)} ${issue?.message ?? 'is invalid'}`,
    {
      remedy: 'the mirror serves a damaged or unexpected document: check it, or choose another with --stream-base-url',
      details: result.error.issues.slice(0, 5).map((i) => `${field(i)}: ${i.message}`),
    },
  );
}
