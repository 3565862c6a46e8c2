// Cached inputs of the suite: host images, package repositories and stand-in releases. Each cache
// entry is a directory named after a hash of the script that builds it, so editing a build script
// rebuilds exactly what it makes, and an interrupted build never leaves a directory that looks done.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOk } from './qemu.mjs';
import { GUEST_BASE_URL } from './server.mjs';

export const E2E_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_DIR = path.resolve(E2E_DIR, '../..');
/** Same variable the stand-in scripts read, so one setting moves every cache (CI keeps it outside the clone). */
export const WORK_DIR = path.resolve(process.env.X2NESTOS_E2E_WORK ?? path.join(E2E_DIR, '.work'));

const IMAGE_SCRIPT = path.join(E2E_DIR, 'images/build-image.sh');
/** Sourced by both debootstrap scripts (the debootstrap itself and the guest set-up): in both keys. */
const IMAGE_LIB = path.join(E2E_DIR, 'images/lib.sh');
const UEFI_IMAGE_SCRIPT = path.join(E2E_DIR, 'images/build-uefi-image.sh');
const ARM64_IMAGE_SCRIPT = path.join(E2E_DIR, 'images/build-arm64-image.sh');
const REPOS_SCRIPT = path.join(E2E_DIR, 'images/build-repos.sh');
const RELEASE_SCRIPT = path.join(E2E_DIR, 'standin/build-release.sh');

async function keyOf(files, extra = '') {
  const hash = createHash('sha256');
  for (const file of files) hash.update(await readFile(file));
  hash.update(extra);
  return hash.digest('hex').slice(0, 12);
}

/**
 * Builds `<parent>/<name>-<key>` with build(outDir) unless it exists; drops older keys of the same
 * name. A lock file keeps two runs (a developer's and CI's, say) from building into the same place.
 */
async function cachedDir(parent, name, key, build) {
  const dir = path.join(parent, `${name}-${key}`);
  if (existsSync(path.join(dir, '.done'))) return { dir, built: false, seconds: 0 };
  await mkdir(parent, { recursive: true });
  const release = await lock(`${dir}.lock`);
  try {
    if (existsSync(path.join(dir, '.done'))) return { dir, built: false, seconds: 0 };
    return await buildInto(parent, name, key, dir, build);
  } finally {
    await release();
  }
}

async function lock(file) {
  for (;;) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const holder = Number(await readFile(file, 'utf8').catch(() => '0'));
      if (!holder || !isAlive(holder)) {
        await rm(file, { force: true });
        continue;
      }
      await new Promise((ok) => setTimeout(ok, 2000));
    }
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * A build killed on its timeout (SIGKILL skips build-image.sh's own trap) leaves debootstrap's /proc
 * mounted in its scratch directory, and every later build then fails removing it. We hold the lock,
 * so whatever is mounted there belongs to a dead build: unmount it, deepest first.
 */
async function unmountStale(scratch) {
  const mounts = (await readFile('/proc/mounts', 'utf8'))
    .split('\n')
    .map((line) => line.split(' ')[1])
    .filter(Boolean);
  const stale = mounts
    .filter((m) => m === scratch || m.startsWith(scratch + '/'))
    .sort()
    .reverse();
  for (const m of stale) await runOk('umount', ['-l', m]).catch(() => {});
}

async function buildInto(parent, name, key, dir, build) {
  const started = Date.now();
  await unmountStale(`${dir}.tmp`);
  await rm(dir, { recursive: true, force: true });
  await build(dir);
  await runOk('touch', [path.join(dir, '.done')]);
  // Only this name's other keys: `debian12-<key>` must never take `debian12-uefi-<key>` with it.
  const olderKey = (entry) => entry.startsWith(`${name}-`) && /^[0-9a-f]{12}$/.test(entry.slice(name.length + 1));
  for (const entry of await readdir(parent).catch(() => [])) {
    if (entry !== `${name}-${key}` && olderKey(entry)) {
      await rm(path.join(parent, entry), { recursive: true, force: true });
    }
  }
  return { dir, built: true, seconds: (Date.now() - started) / 1000 };
}

/**
 * @typedef {{ name: string, dir: string, disk: string, kernel: string, initrd: string, cmdline: string,
 *   key: string, built: boolean, seconds: number }} HostImage
 */

/**
 * The root filesystem debian12 and openeuler2203 share (build-image.sh --name base): one debootstrap
 * for both. Concurrent callers wait on the same build (the cache lock).
 */
async function ensureBase() {
  const key = await keyOf([IMAGE_SCRIPT, IMAGE_LIB], 'base');
  return cachedDir(path.join(WORK_DIR, 'images'), 'bookworm-base', key, (out) =>
    runOk('bash', [IMAGE_SCRIPT, '--name', 'base', '--out', out, '--deb-cache', path.join(WORK_DIR, 'cache/debs')], {
      // ~5 min alone; eight engineers' runs on two cores have taken a whole debootstrap past 20.
      timeoutMs: 45 * 60_000,
    }),
  );
}

/** A host image (debian12, openeuler2203) or the data disk (datadisk); built once per script version. */
export async function ensureImage(name) {
  const key = await keyOf([IMAGE_SCRIPT, IMAGE_LIB], name);
  const parent = path.join(WORK_DIR, 'images');
  // The base is needed only to build a host image, never when the image is cached.
  const { dir, built, seconds } = await cachedDir(parent, name, key, async (out) => {
    const base = name === 'datadisk' ? [] : ['--base', (await ensureBase()).dir];
    return runOk('bash', [IMAGE_SCRIPT, '--name', name, '--out', out, ...base], { timeoutMs: 20 * 60_000 });
  });
  const image = { name, dir, disk: path.join(dir, 'disk.qcow2'), built, seconds };
  if (name === 'datadisk') return image;
  return {
    ...image,
    kernel: path.join(dir, 'vmlinuz'),
    initrd: path.join(dir, 'initrd.img'),
    cmdline: (await readFile(path.join(dir, 'cmdline'), 'utf8')).trim(),
    key: path.join(dir, 'id_ed25519'),
  };
}

/**
 * debian12-uefi: the debian12 image plus an ESP with Debian's signed shim → GRUB chain
 * (images/build-uefi-image.sh), booted through OVMF. Keyed by that script and the base image's key.
 * @param {HostImage} base
 */
export async function ensureUefiImage(base) {
  const key = await keyOf([UEFI_IMAGE_SCRIPT], path.basename(base.dir));
  const { dir, built, seconds } = await cachedDir(path.join(WORK_DIR, 'images'), 'debian12-uefi', key, (out) =>
    runOk('bash', [UEFI_IMAGE_SCRIPT, '--base', base.dir, '--out', out], { timeoutMs: 10 * 60_000 }),
  );
  return {
    name: 'debian12-uefi',
    dir,
    disk: path.join(dir, 'disk.qcow2'),
    cmdline: (await readFile(path.join(dir, 'cmdline'), 'utf8')).trim(),
    key: path.join(dir, 'id_ed25519'),
    firmware: 'uefi',
    built,
    seconds,
  };
}

/**
 * debian12-arm64: a Debian 12 arm64 host booted through AAVMF and GRUB on its ESP
 * (images/build-arm64-image.sh, debootstrap under qemu-user-static). Keyed by that script and lib.sh.
 */
export async function ensureArm64Image() {
  const key = await keyOf([ARM64_IMAGE_SCRIPT, IMAGE_LIB]);
  const { dir, built, seconds } = await cachedDir(path.join(WORK_DIR, 'images'), 'debian12-arm64', key, (out) =>
    runOk('bash', [ARM64_IMAGE_SCRIPT, '--out', out, '--deb-cache', path.join(WORK_DIR, 'cache/debs-arm64')], { timeoutMs: 45 * 60_000 }),
  );
  return {
    name: 'debian12-arm64',
    dir,
    disk: path.join(dir, 'disk.qcow2'),
    cmdline: (await readFile(path.join(dir, 'cmdline'), 'utf8')).trim(),
    key: path.join(dir, 'id_ed25519'),
    firmware: 'uefi',
    arch: 'aarch64',
    built,
    seconds,
  };
}

/** The apt and yum repositories with kexec-tools: `{ debian, rpms }` directories. */
export async function ensureRepos() {
  const key = await keyOf([REPOS_SCRIPT]);
  const { dir, built, seconds } = await cachedDir(path.join(WORK_DIR, 'repos'), 'repos', key, (out) =>
    runOk('bash', [REPOS_SCRIPT, '--out', out], { timeoutMs: 10 * 60_000 }),
  );
  return { dir, debian: path.join(dir, 'debian'), rpms: path.join(dir, 'rpms'), built, seconds };
}

/**
 * @typedef {{ id: string, build: string, installer: '0.16' | '0.20', stream: string, padMiB?: number, arch?: 'x86_64' | 'aarch64' }} ReleaseSpec
 * @typedef {ReleaseSpec & { dir: string, urlPath: string, baseUrl: string, streamBaseUrl: string,
 *   artifacts: Record<'kernel'|'initramfs'|'rootfs'|'iso'|'metal', { file: string, url: string, sha256: string, size: number }>,
 *   seconds: number }} Release
 */

/**
 * A stand-in release served at /releases/<id>/. build-release.sh caches by its inputs itself; the
 * published copy lives in WORK_DIR/served/<id>-<hash of the stand-in scripts>.
 * @param {ReleaseSpec} spec
 * @returns {Promise<Release>}
 */
export async function ensureRelease(spec) {
  const started = Date.now();
  const urlPath = `/releases/${spec.id}`;
  const baseUrl = `${GUEST_BASE_URL}${urlPath}`;
  // Per stand-in version: WORK_DIR is shared by every worktree on the machine, and a run with other
  // stand-in scripts must not republish /releases/<id> under a run that is converting from it.
  const standin = path.join(E2E_DIR, 'standin');
  const scripts = [RELEASE_SCRIPT, ...(await readdir(path.join(standin, 'live'))).sort().map((f) => path.join(standin, 'live', f))];
  const dir = path.join(WORK_DIR, 'served', `${spec.id}-${await keyOf(scripts)}`);
  const args = [
    RELEASE_SCRIPT,
    '--out',
    dir,
    '--build',
    spec.build,
    '--installer',
    spec.installer,
    '--base-url',
    baseUrl,
    '--stream',
    spec.stream,
  ];
  if (spec.padMiB) args.push('--rootfs-pad-mib', String(spec.padMiB));
  if (spec.arch && spec.arch !== 'x86_64') args.push('--arch', spec.arch);
  await runOk('bash', args, { timeoutMs: 15 * 60_000 });
  const stream = JSON.parse(await readFile(path.join(dir, 'streams', `${spec.stream}.json`), 'utf8'));
  const formats = stream.architectures[spec.arch ?? 'x86_64'].artifacts.metal.formats;
  const pick = (ref) => {
    const file = path.join(dir, path.posix.basename(new URL(ref.location).pathname));
    return { file, url: ref.location, sha256: ref.sha256 };
  };
  const artifacts = {
    kernel: pick(formats.pxe.kernel),
    initramfs: pick(formats.pxe.initramfs),
    rootfs: pick(formats.pxe.rootfs),
    iso: pick(formats.iso.disk),
    metal: pick(formats['raw.xz'].disk),
  };
  for (const artifact of Object.values(artifacts)) {
    artifact.size = (await stat(artifact.file)).size;
  }
  return {
    ...spec,
    dir,
    urlPath,
    baseUrl,
    streamBaseUrl: `${baseUrl}/streams/`,
    artifacts,
    seconds: (Date.now() - started) / 1000,
  };
}

/** The built binary under test; `placeholder` when it cannot convert yet (prints only its version). */
export async function inspectBinary(file = path.join(REPO_DIR, 'dist/x2nestos-linux-x64')) {
  if (!existsSync(file)) return { file, exists: false, placeholder: true, version: null };
  const version = await runOk(file, ['--version'], { timeoutMs: 60_000 }).then(
    (r) => r.stdout.trim(),
    (e) => String(e.message),
  );
  const help = await runOk(file, ['convert', '--help'], { timeoutMs: 60_000 }).then(
    (r) => r.stdout,
    () => '',
  );
  return { file, exists: true, placeholder: !/--ignition/.test(help), version };
}
