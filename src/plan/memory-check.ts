/** Picks the rootfs mode from the RAM this host has, and refuses with the numbers when nothing fits. */
import { formatBytes, liveNeeds, loadNeeds, type ArtifactSizes } from './memory.js';
import type { Blocker } from '../model/blocker.js';
import type { MemoryCheck } from './types.js';

export type { ArtifactSizes } from './memory.js';

export interface MemoryRequest {
  requested: 'auto' | 'append' | 'url';
  /** The rootfs as an http(s) URL the live system could fetch; undefined for local/ISO sources. */
  rootfsUrl: string | undefined;
  loadMethod: 'file' | 'syscall';
  skip: boolean;
}

export function checkMemory(
  memory: { totalBytes: number; availableBytes: number },
  sizes: ArtifactSizes | undefined,
  req: MemoryRequest,
): { check: MemoryCheck; blockers: Blocker[]; warnings: string[] } {
  const blockers: Blocker[] = [];
  const warnings: string[] = [];
  const base = { totalBytes: memory.totalBytes, availableBytes: memory.availableBytes };
  if (req.requested === 'url' && !req.rootfsUrl) {
    blockers.push({
      kind: 'usage',
      message: '--rootfs-mode url needs the rootfs at an http(s) URL the live system can fetch',
      remedy: 'use a stream, --release-url or --rootfs URL, or --rootfs-mode append',
    });
  }
  if (!sizes) {
    const mode = req.requested === 'url' ? 'url' : 'append';
    warnings.push('artifact sizes are not known yet: the memory check runs again after the download');
    return {
      check: {
        ...base,
        appendNeedsBytes: undefined,
        urlNeedsBytes: undefined,
        loadNeedsBytes: undefined,
        rootfsMode: mode,
        reason: 'sizes unknown before download',
      },
      blockers,
      warnings,
    };
  }
  const appendNeeds = liveNeeds(sizes, 'append');
  const urlNeeds = liveNeeds(sizes, 'url');
  const fits = (n: number) => n <= memory.totalBytes;
  let mode: 'append' | 'url';
  let reason: string;
  if (req.requested === 'append' || req.requested === 'url') {
    mode = req.requested;
    reason = `--rootfs-mode ${mode}`;
  } else if (fits(appendNeeds)) {
    mode = 'append';
    reason = `appended rootfs fits: needs ${formatBytes(appendNeeds)} of ${formatBytes(memory.totalBytes)}`;
  } else if (req.rootfsUrl && fits(urlNeeds)) {
    mode = 'url';
    reason = `appended rootfs needs ${formatBytes(appendNeeds)} but only ${formatBytes(memory.totalBytes)} is installed; fetching it by URL needs ${formatBytes(urlNeeds)}`;
  } else {
    mode = 'append';
    reason = 'nothing fits';
  }
  const liveNeed = mode === 'append' ? appendNeeds : urlNeeds;
  const loadNeed = loadNeeds(sizes, mode, req.loadMethod);
  if (!req.skip && !fits(liveNeed)) {
    const urlHint = req.rootfsUrl
      ? `even by URL it needs ${formatBytes(urlNeeds)}`
      : `by URL it would need ${formatBytes(urlNeeds)} but the rootfs is not at an http(s) URL`;
    blockers.push({
      kind: 'precondition',
      message: `not enough memory for the live installer: ${formatBytes(liveNeed)} needed with the rootfs ${mode === 'append' ? 'appended' : 'fetched by URL'}, ${formatBytes(memory.totalBytes)} installed (${urlHint})`,
      remedy:
        'add RAM, or use a stream/--release-url source so the rootfs can be fetched by URL, or pass --skip-memory-check at your own risk',
    });
  } else if (!req.skip && loadNeed > memory.availableBytes) {
    blockers.push({
      kind: 'precondition',
      message: `not enough free memory to load the live system: ${formatBytes(loadNeed)} needed, ${formatBytes(memory.availableBytes)} available`,
      remedy: 'stop memory-hungry services first, or pass --skip-memory-check at your own risk',
    });
  }
  if (req.skip) warnings.push('memory check skipped (--skip-memory-check)');
  return {
    check: { ...base, appendNeedsBytes: appendNeeds, urlNeedsBytes: urlNeeds, loadNeedsBytes: loadNeed, rootfsMode: mode, reason },
    blockers,
    warnings,
  };
}
