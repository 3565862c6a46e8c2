/**
 * `x2nestos fetch --to DIR`: download and verify a release once, into a self-describing directory
 * that hosts convert from (`--release-dir DIR`, or served over HTTP for `--release-url`).
 */
import path from 'node:path';
import { X2Error } from '../errors.js';
import { readArch } from '../facts/arch.js';
import { writeReleaseDir } from '../release/release-dir.js';
import { resolveRelease } from '../release/resolve.js';
import { cacheDir, type Context } from './context.js';
import { downloadRelease } from './download.js';
import { checkSigningKey } from './preflight.js';

export async function fetch(ctx: Context): Promise<void> {
  const { options, effects, reporter } = ctx;
  if (options.signingKey) await checkSigningKey(options.signingKey, ctx);
  const arch = options.arch ?? (await readArch(effects.runner));
  if (arch === undefined) {
    throw new X2Error('precondition', "cannot tell this machine's architecture: `uname -m` gave no answer", {
      remedy: 'pass --arch x86_64 or --arch aarch64',
    });
  }
  const release = await reporter.step('Resolving the NestOS release', () =>
    resolveRelease(options, { http: effects.http, arch, signal: ctx.signal, cwd: ctx.runtime.cwd }),
  );
  ctx.doc.release = release;
  const dir = options.to ? path.resolve(ctx.runtime.cwd, options.to) : cacheDir(ctx);
  const local = await downloadRelease(ctx, release, dir);
  const { manifestSha256 } = await writeReleaseDir(release, [local.kernel, local.initramfs, local.rootfs], dir);
  ctx.doc.result = 'fetched';
  ctx.doc.directory = dir;
  ctx.doc.manifestSha256 = manifestSha256;
  const unverified = [local.kernel, local.initramfs, local.rootfs].filter((a) => a.verifiedBy === 'none').map((a) => a.role);
  if (unverified.length > 0) {
    // Accepted with --allow-unverified-artifacts: release.json says so, and hosts will refuse it too.
    reporter.info(
      `release ${release.release ?? ''} fetched into ${dir}, NOT verified (${unverified.join(', ')}): hosts refuse it unless --allow-unverified-artifacts`,
    );
  } else {
    reporter.info(`release ${release.release ?? ''} verified in ${dir}; convert from it with --release-dir ${dir}`);
  }
  // The one value a fleet needs: with it, hosts trust the directory even when served over plain HTTP.
  reporter.info(
    `release.json sha256 ${manifestSha256}: serve ${dir} and convert hosts with --release-url <url of ${dir}> --release-manifest-sha256 ${manifestSha256}`,
  );
}
