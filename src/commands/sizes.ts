/**
 * Artifact sizes before downloading, so `plan` can do the memory arithmetic: local files are
 * stat'ed, remote ones asked for one byte (the Content-Range answer carries the total).
 */
import { stat } from 'node:fs/promises';
import type { Http } from '../effects/http.js';
import type { ArtifactRef, ResolvedRelease } from '../model/artifacts.js';
import { isRemote } from '../model/location.js';
import { parseContentRange } from '../transport/content-range.js';

export async function probeSizes(release: ResolvedRelease, http: Http, signal: AbortSignal): Promise<ResolvedRelease> {
  const roles = ['kernel', 'initramfs', 'rootfs'] as const;
  const sized = await Promise.all(roles.map((role) => sizeOf(release.artifacts[role], http, signal)));
  return { ...release, artifacts: { kernel: sized[0]!, initramfs: sized[1]!, rootfs: sized[2]! } };
}

async function sizeOf(ref: ArtifactRef, http: Http, signal: AbortSignal): Promise<ArtifactRef> {
  if (ref.sizeBytes !== undefined) return ref;
  if (ref.isoExtent) return { ...ref, sizeBytes: ref.isoExtent.length };
  try {
    if (!isRemote(ref.location)) return { ...ref, sizeBytes: (await stat(ref.location)).size };
    const res = await http.get(ref.location, { headers: { Range: 'bytes=0-0' }, signal });
    await res.cancel();
    const total = parseContentRange(res.header('content-range'))?.total ?? (res.status === 200 ? res.header('content-length') : undefined);
    return total ? { ...ref, sizeBytes: Number(total) } : ref;
  } catch {
    return ref; // unknown sizes only postpone the memory check until after the download
  }
}
