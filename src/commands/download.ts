/**
 * Download and verify the three live artifacts (shared by `convert` and `fetch`). `convert` starts
 * them the moment the release is resolved, so they run while the Ignition config is checked, the
 * plan is made and the user confirms (issue 20); their steps are still shown, and their failures
 * reported, where the pipeline puts them: after the confirmation, in order.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { ensurePrivateDir } from '../effects/files.js';
import { discardArtifact, fetchArtifact, removeFetchedIso } from '../fetch/download.js';
import { checkBuildIds } from '../fetch/verify.js';
import { verifySignatures } from '../fetch/signature.js';
import type { FetchProgress } from '../fetch/transfer.js';
import { formatBytes } from '../plan/memory.js';
import { FollowedDownload } from '../stage/follow.js';
import type { Downloading } from '../stage/stage.js';
import type { ArtifactRole, LocalArtifact, ResolvedRelease } from '../model/artifacts.js';
import type { Progress } from '../output/reporter.js';
import type { Context } from './context.js';

export type LocalRelease = { kernel: LocalArtifact; initramfs: LocalArtifact; rootfs: LocalArtifact };

export interface Downloads extends Downloading {
  /** Shows the download steps (live if still running) and the checks after them; the verified set. */
  finish(): Promise<LocalRelease>;
  /** Before the confirmation: stop, and remove what this run added to the directory. */
  abandon(): Promise<void>;
}

const ROLES = ['kernel', 'initramfs', 'rootfs'] as const;

export async function downloadRelease(ctx: Context, release: ResolvedRelease, dir: string): Promise<LocalRelease> {
  return (await startDownloads(ctx, release, dir)).finish();
}

/** Starts the downloads, one after the other (they share one link; a remote ISO is fetched once). */
export async function startDownloads(ctx: Context, release: ResolvedRelease, dir: string): Promise<Downloads> {
  const before = await readdir(dir).then(
    (names) => new Set(names),
    () => undefined,
  );
  await ensurePrivateDir(dir);
  const controller = new AbortController();
  const signal = AbortSignal.any([ctx.signal, controller.signal]);
  const rootfs = new FollowedDownload(path.join(dir, `${release.artifacts.rootfs.name}.part`));
  const feeds = { kernel: new ProgressFeed(), initramfs: new ProgressFeed(), rootfs: new ProgressFeed() };
  const get = (role: ArtifactRole) =>
    fetchArtifact(release.artifacts[role], dir, {
      http: ctx.effects.http,
      signal,
      onProgress: (p) => feeds[role].report(p),
      ...(role === 'rootfs' ? { onWritten: (bytes: number) => rootfs.wrote(bytes) } : {}),
    });
  const kernel = get('kernel');
  const initramfs = kernel.then(() => get('initramfs'));
  const rootfsDone = initramfs.then(() => get('rootfs'));
  rootfs.settle(rootfsDone);
  const fetched = { kernel, initramfs, rootfs: rootfsDone };
  // Each is awaited at its turn; a failure before then must not count as unhandled.
  for (const p of Object.values(fetched)) p.catch(() => undefined);

  return {
    kernel,
    initramfs,
    rootfs,
    rootfsSizeHint: release.artifacts.rootfs.sizeBytes,
    finish: () => finishDownloads(ctx, release, dir, fetched, feeds),
    async abandon() {
      controller.abort(new Error('the conversion did not go ahead'));
      await Promise.allSettled(Object.values(fetched));
      const added = (await readdir(dir).catch(() => [])).filter((name) => !before?.has(name));
      if (before) await Promise.all(added.map((name) => rm(path.join(dir, name), { recursive: true, force: true })));
      else await rm(dir, { recursive: true, force: true });
      if (added.length > 0) ctx.log.write(`removed what this run had downloaded: ${added.join(', ')}`);
    },
  };
}

async function finishDownloads(
  ctx: Context,
  release: ResolvedRelease,
  dir: string,
  fetched: Record<ArtifactRole, Promise<LocalArtifact>>,
  feeds: Record<ArtifactRole, ProgressFeed>,
): Promise<LocalRelease> {
  const local: Partial<LocalRelease> = {};
  for (const role of ROLES) {
    const ref = release.artifacts[role];
    local[role] = await ctx.reporter.step(`Downloading the live ${role}`, (update) => feeds[role].follow(update, fetched[role]));
    ctx.log.write(
      `${role}: ${local[role]!.path} ${local[role]!.sizeBytes} bytes sha256 ${local[role]!.sha256} (${local[role]!.verified ? `verified against ${ref.sha256Source}` : 'not verified'}, verifiedBy ${ref.verifiedBy ?? 'none'})`,
    );
  }
  // A remote ISO was downloaded whole to check its sha256; the three artifacts are cut out now.
  await removeFetchedIso(release, dir);
  const done = local as LocalRelease;
  const keyFile = ctx.options.signingKey;
  if (keyFile) {
    await ctx.reporter.step('Checking the signatures', async () => {
      try {
        await verifySignatures(Object.values(done), keyFile, {
          http: ctx.effects.http,
          runner: ctx.effects.runner,
          workDir: dir,
          signal: ctx.signal,
        });
      } catch (error) {
        // Files only the signature could vouch for must not stay under their final names.
        await Promise.all(
          Object.values(done)
            .filter((a) => a.verifiedBy === 'signature')
            .map((a) => discardArtifact(a.path)),
        );
        throw error;
      }
    });
  }
  await ctx.reporter.step('Checking that initramfs and rootfs come from the same build', () =>
    checkBuildIds(done.initramfs.path, done.rootfs.path),
  );
  ctx.doc.artifacts = Object.values(done).map((a) => ({
    role: a.role,
    name: a.name,
    path: a.path,
    sizeBytes: a.sizeBytes,
    sha256: a.sha256,
    verified: a.verified,
    sha256Source: a.sha256Source ?? null,
    verifiedBy: a.verifiedBy ?? 'none',
  }));
  return done;
}

/** The release with each artifact's size as downloaded. */
export function withLocalSizes(release: ResolvedRelease, local: LocalRelease): ResolvedRelease {
  const sized = (role: keyof LocalRelease) => ({ ...release.artifacts[role], sizeBytes: local[role].sizeBytes });
  return { ...release, artifacts: { kernel: sized('kernel'), initramfs: sized('initramfs'), rootfs: sized('rootfs') } };
}

/** The latest progress of one download, passed on to its step once that is shown. */
class ProgressFeed {
  private last: FetchProgress | undefined;
  private update: ((detail: string, progress?: Progress) => void) | undefined;

  report(p: FetchProgress): void {
    this.last = p;
    this.update?.(progressLine(p), { bytes: p.bytes, ...(p.total !== undefined ? { total: p.total } : {}) });
  }

  /** Shows where the download stands now and from here on, until it is over. */
  async follow<T>(update: (detail: string, progress?: Progress) => void, done: Promise<T>): Promise<T> {
    this.update = update;
    if (this.last) this.report(this.last);
    try {
      return await done;
    } finally {
      this.update = undefined;
    }
  }
}

/** "77 MiB of 323 MiB at 15 MiB/s, 17s left"; speed and time only once they are measured. */
function progressLine(p: { bytes: number; total?: number; bytesPerSecond: number }): string {
  const of = p.total ? ` of ${formatBytes(p.total)}` : '';
  if (p.bytesPerSecond <= 0) return `${formatBytes(p.bytes)}${of}`;
  const left = p.total ? `, ${Math.ceil((p.total - p.bytes) / p.bytesPerSecond)}s left` : '';
  return `${formatBytes(p.bytes)}${of} at ${formatBytes(p.bytesPerSecond)}/s${left}`;
}
