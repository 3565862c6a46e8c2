/** A NestOS release resolved to the three live PXE artifacts, before anything is downloaded. */
export type ArtifactRole = 'kernel' | 'initramfs' | 'rootfs';

export interface ArtifactRef {
  role: ArtifactRole;
  /** http(s) URL or absolute local path. */
  location: string;
  /** File name used in the work dir / release dir. */
  name: string;
  /** Expected sha256 of the file as served (lower-case hex), when known. */
  sha256?: string;
  /** Where the sha256 came from: stream metadata, the user (--kernel-sha256 ...), or a release dir's metadata. */
  sha256Source?: 'stream' | 'user' | 'release-dir' | 'iso' | 'checksums';
  /** What vouches for that sha256 (src/release/trust.ts decides it, for every source alike). */
  verifiedBy?: VerifiedBy;
  /** Size in bytes when known before download (HEAD / local stat / ISO directory). */
  sizeBytes?: number;
  /** Detached signature URL from the stream, when published. */
  signature?: string;
  /** For artifacts inside an ISO: the byte range of the file within the ISO. */
  isoExtent?: { offset: number; length: number };
}

/**
 * tls: the hash came in an https document whose certificate was checked; user-hash: from the user
 * (--*-sha256, --iso-sha256, --checksums); manifest: from a release.json matching
 * --release-manifest-sha256; local: from (or the file itself is) on this machine's disk;
 * signature: a detached signature checked with --signing-key; none: nothing vouches for it.
 */
export type VerifiedBy = 'tls' | 'user-hash' | 'manifest' | 'signature' | 'local' | 'none';

export interface ResolvedRelease {
  source: 'stream' | 'iso' | 'release-dir' | 'urls';
  /** Human description: stream URL, ISO path, directory. */
  origin: string;
  stream?: string;
  /** Build id / release name as published (e.g. 24.03-LTS.20240625.0), when known. */
  release?: string;
  arch: string;
  artifacts: Record<ArtifactRole, ArtifactRef>;
}

/** An artifact on local disk, verified. */
export interface LocalArtifact extends ArtifactRef {
  path: string;
  sizeBytes: number;
  sha256: string;
  /** True when the hash matched an expected value that something vouches for (verifiedBy is not none). */
  verified: boolean;
}
