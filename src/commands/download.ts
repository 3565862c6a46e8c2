/** Download and verify the three live artifacts (shared by `convert` and `fetch`). */
import { ensurePrivateDir } from '../effects/files.js';
import { discardArtifact, fetchArtifact, removeFetchedIso } from '../fetch/download.js';
import { checkBuildIds } from '../fetch/verify.js';
import { verifySignatures } from '../fetch/signature.js';
import { formatBytes } from '../plan/memory.js';
import type { LocalArtifact, ResolvedRelease } from '../model/artifacts.js';
import type { Context } from './context.js';

export type LocalRelease = { kernel: LocalArtifact; initramfs: LocalArtifact; rootfs: LocalArtifact };

export async function downloadRelease(ctx: Context, release: ResolvedRelease, dir: string): Promise<LocalRelease> {
  await ensurePrivateDir(dir);
  const local: Partial<LocalRelease> = {};
  for (const role of ['kernel', 'initramfs', 'rootfs'] as const) {
    const ref = release.artifacts[role];
    local[role] = await ctx.reporter.step(`Downloading the live ${role}`, (update) =>
      fetchArtifact(ref, dir, {
        http: ctx.effects.http,
        signal: ctx.signal,
        onProgress: (p) => update(progressLine(p), { bytes: p.bytes, ...(p.total !== undefined ? { total: p.total } : {}) }),
      }),
    );
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

/** "77 MiB of 323 MiB at 15 MiB/s, 17s left"; speed and time only once they are measured. */
function progressLine(p: { bytes: number; total?: number; bytesPerSecond: number }): string {
  const of = p.total ? ` of ${formatBytes(p.total)}` : '';
  if (p.bytesPerSecond <= 0) return `${formatBytes(p.bytes)}${of}`;
  const left = p.total ? `, ${Math.ceil((p.total - p.bytes) / p.bytesPerSecond)}s left` : '';
  return `${formatBytes(p.bytes)}${of} at ${formatBytes(p.bytesPerSecond)}/s${left}`;
}
