/** How a download that failed verification or the network is explained: what was wrong, whose hash, what to do. */
import { X2Error } from '../errors.js';
import type { ArtifactRef } from '../model/artifacts.js';

export function describe(ref: ArtifactRef): string {
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

export function mismatch(ref: ArtifactRef, expected: string, got: string): X2Error {
  const subject = ref.sha256Source === 'iso' ? `the ISO ${ref.location}` : `${describe(ref)} from ${ref.location}`;
  return new X2Error('verification', `${subject} has sha256 ${got}, but ${hashOrigin(ref)} says ${expected}`, {
    remedy: mismatchRemedy(ref),
    details: [`expected ${expected} (from ${hashOrigin(ref)})`, `got      ${got}`, `source   ${ref.location}`],
  });
}

export function mismatchRemedy(ref: ArtifactRef): string {
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

export function networkRemedy(ref: ArtifactRef, dir: string): string {
  const mirror = ref.sha256Source === 'stream' ? ', or choose another mirror with --stream-base-url' : '';
  return `check the network and proxy (HTTPS_PROXY) and run again: the partial download in ${dir} resumes${mirror}; offline hosts can use --release-dir with files fetched elsewhere`;
}
