/**
 * The one trust rule. A sha256 only proves something when the hash itself reached us through a
 * channel nobody on the path can rewrite: an https document whose certificate was checked, a file
 * on this machine, the user (flags, a checksum file), a release.json whose own sha256 the user
 * pinned, or a signature by the user's key. A hash that came over plain HTTP together with the file
 * it describes proves nothing: whoever can change the file can change the hash. Every source
 * (stream, release directory or URL, ISO, explicit files) states its evidence and this module alone
 * turns it into `verifiedBy`; nothing else decides what counts as verified.
 */
import { X2Error } from '../errors.js';
import { isRemote } from '../model/location.js';
import type { ArtifactRef, ArtifactRole, ResolvedRelease, VerifiedBy } from '../model/artifacts.js';

/** How an artifact's expected sha256 reached us. */
export type HashEvidence =
  /** --kernel-sha256 & co, --iso-sha256, or a --checksums file given by path or https URL. */
  | { from: 'user' }
  /** A document (stream metadata, release.json) as finally fetched, after redirects. */
  | { from: 'document'; url: string }
  /** A release.json read from this machine's disk. */
  | { from: 'local-file' }
  /** A release.json whose bytes matched --release-manifest-sha256. */
  | { from: 'pinned-manifest' }
  /** A release.json entry recorded as never verified when it was fetched: nothing can vouch for it now. */
  | { from: 'unverified-record' }
  /** No expected hash at all. */
  | { from: 'nothing' };

export interface TrustContext {
  /** --signing-key given: artifacts that publish a detached signature are checked against it. */
  signingKey: boolean;
}

/** What vouches for one artifact. */
export function verifiedBy(artifact: Pick<ArtifactRef, 'location' | 'signature'>, evidence: HashEvidence, ctx: TrustContext): VerifiedBy {
  switch (evidence.from) {
    case 'user':
      return 'user-hash';
    case 'pinned-manifest':
      return 'manifest';
    case 'local-file':
      return 'local';
    case 'document':
      if (new URL(evidence.url).protocol === 'https:') return 'tls';
      break;
    case 'nothing':
      // The user's own file on this machine: there is nothing further to check it against.
      if (!isRemote(artifact.location)) return 'local';
      break;
    case 'unverified-record':
      break;
  }
  return ctx.signingKey && artifact.signature !== undefined ? 'signature' : 'none';
}

/** Each artifact's verifiedBy, from the evidence its source gives for it. */
export function withTrust(release: ResolvedRelease, evidence: (ref: ArtifactRef) => HashEvidence, ctx: TrustContext): ResolvedRelease {
  const decide = (role: ArtifactRole): ArtifactRef => {
    const ref = release.artifacts[role];
    return { ...ref, verifiedBy: verifiedBy(ref, evidence(ref), ctx) };
  };
  return { ...release, artifacts: { kernel: decide('kernel'), initramfs: decide('initramfs'), rootfs: decide('rootfs') } };
}

const ROLES: readonly ArtifactRole[] = ['kernel', 'initramfs', 'rootfs'];

/**
 * Refuse a release any of whose artifacts nothing vouches for, before a byte of it is downloaded,
 * unless the user accepted exactly that with --allow-unverified-artifacts.
 */
export function refuseUnverified(release: ResolvedRelease, allowed: boolean): void {
  if (allowed) return;
  const unchecked = ROLES.map((r) => release.artifacts[r]).filter((a) => a.verifiedBy === 'none');
  if (unchecked.length === 0) return;
  const roles = unchecked.map((a) => a.role).join(', ');
  const accept = 'or accept the risk with --allow-unverified-artifacts';
  const overHttp = unchecked.some((a) => a.sha256 !== undefined);
  switch (release.source) {
    case 'iso':
      throw new X2Error('verification', `the ISO ${release.origin} has no sha256 to check it against`, {
        remedy: `pass --iso-sha256 with the hash published beside the ISO (or --checksums FILE), ${accept}`,
      });
    case 'urls':
      throw new X2Error(
        'verification',
        `${unchecked.map((a) => `--${a.role}`).join(', ')} ${unchecked.length === 1 ? 'has' : 'have'} no sha256 to check against`,
        {
          remedy: `pin ${unchecked.length === 1 ? 'it' : 'them'} with ${unchecked.map((a) => `--${a.role}-sha256`).join(', ')} or --checksums FILE, ${accept}`,
        },
      );
    case 'stream':
      throw new X2Error(
        'verification',
        `the sha256 of the ${roles} came over plain HTTP with the files (${release.origin}), so it proves nothing`,
        {
          remedy: `use an https mirror with --stream-base-url (--ca-file for a company CA), pin the files with --checksums FILE, or serve a fetched release with --release-url URL --release-manifest-sha256 HEX, ${accept}`,
        },
      );
    default:
      if (overHttp) {
        throw new X2Error(
          'verification',
          `the release.json at ${release.origin} came over plain HTTP, so its sha256 of the ${roles} proves nothing`,
          {
            remedy: `pass --release-manifest-sha256 with the hash \`x2nestos fetch --to DIR\` printed, or serve the directory over https, ${accept}`,
          },
        );
      }
      throw new X2Error(
        'verification',
        `${release.origin} holds ${roles} that ${unchecked.length === 1 ? 'was' : 'were'} never verified against a trusted hash`,
        {
          remedy: `fetch them again from a verified source (x2nestos fetch --to DIR), ${accept}`,
        },
      );
  }
}
