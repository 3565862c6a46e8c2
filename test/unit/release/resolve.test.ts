import { caught } from '../../support/caught.js';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nodeHttp } from '../../../src/effects/http-node.js';
import { fetchRelease } from '../../../src/fetch/download.js';
import { optionsSchema, type OptionsInput } from '../../../src/options/schema.js';
import { writeReleaseDir } from '../../../src/release/release-dir.js';
import { resolveRelease } from '../../../src/release/resolve.js';
import type { ArtifactRole } from '../../../src/model/artifacts.js';
import { rootCertificates } from 'node:tls';
import { throwawayCa } from '../../support/throwaway-ca.js';
import { startServer, type TestServer } from '../fetch/server.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
// The mirror is https with a CA of its own, as an internal mirror is: its hashes count (verifiedBy tls).
const ca = throwawayCa();
const http = nodeHttp({}, { ca: [...rootCertificates, ca.caPem], sources: ['test CA'] });
const build = '24.03-LTS.20240625.0';
const FAST = { attempts: 3, initialDelayMs: 10, maxDelayMs: 20, stallTimeoutMs: 2000, retryWindowMs: 10_000 };
const files: Record<ArtifactRole, Buffer> = {
  kernel: randomBytes(200_000),
  initramfs: randomBytes(700_000),
  rootfs: randomBytes(1_500_000),
};
const contractName: Record<ArtifactRole, string> = {
  kernel: `nestos-${build}-live-kernel-x86_64`,
  initramfs: `nestos-${build}-live-initramfs.x86_64.img`,
  rootfs: `nestos-${build}-live-rootfs.x86_64.img`,
};
const ROLES: ArtifactRole[] = ['kernel', 'initramfs', 'rootfs'];

let server: TestServer;
let tmp: string;

const options = (input: OptionsInput) => optionsSchema.parse({ streamBaseUrl: server.url('/streams/'), ...input });
const resolve = (input: OptionsInput, arch = 'x86_64') => resolveRelease(options(input), { http, arch, cwd: tmp });

/** A stream document in the published shape, with locations relative to the stream URL. */
function streamDoc(withPxe = true) {
  const artifact = (name: string, body: Buffer) => ({ location: `../2403-LTS/${build}/x86_64/${name}`, sha256: sha(body) });
  return {
    stream: '2403-LTS',
    metadata: { 'last-modified': '2024-06-25T08:12:43Z' },
    architectures: {
      x86_64: {
        artifacts: {
          metal: {
            release: build,
            formats: {
              ...(withPxe
                ? {
                    pxe: {
                      kernel: artifact(contractName.kernel, files.kernel),
                      initramfs: artifact(contractName.initramfs, files.initramfs),
                      rootfs: artifact(contractName.rootfs, files.rootfs),
                    },
                  }
                : {}),
              iso: { disk: { location: `../2403-LTS/${build}/x86_64/nestos-${build}-live.x86_64.iso`, sha256: 'a'.repeat(64) } },
            },
          },
        },
      },
    },
  };
}

function serveArtifacts(prefix: string) {
  for (const role of ROLES) server.set(`${prefix}${contractName[role]}`, files[role]);
}

/** A real ISO 9660 image (Rock Ridge + Joliet, as xorriso writes the live ISO) holding images/pxeboot/*. */
async function makeIso(name: string): Promise<{ path: string; bytes: Buffer }> {
  const root = path.join(tmp, `iso-root-${name}`);
  await mkdir(path.join(root, 'images/pxeboot'), { recursive: true });
  await writeFile(path.join(root, 'images/pxeboot/vmlinuz'), files.kernel);
  await writeFile(path.join(root, 'images/pxeboot/initrd.img'), files.initramfs);
  await writeFile(path.join(root, 'images/pxeboot/rootfs.img'), files.rootfs);
  await writeFile(path.join(root, 'README'), 'NestOS live\n');
  const out = path.join(tmp, name);
  execFileSync('xorriso', ['-as', 'mkisofs', '-R', '-J', '-V', `nestos-${build}`, '-o', out, root], { stdio: 'ignore' });
  return { path: out, bytes: await readFile(out) };
}

beforeAll(async () => {
  server = await startServer({ tls: { key: ca.serverKey, cert: ca.serverCert } });
});
afterAll(async () => {
  await server.close();
  ca.cleanup();
});
beforeEach(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'x2n-resolve-'));
  server.requests.length = 0;
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('resolveRelease from the stream', () => {
  it('fetches <base><stream>.json, and the artifacts it names verify; fetch --to output re-verifies as --release-dir and --release-url', async () => {
    server.set('/streams/2403-LTS.json', Buffer.from(JSON.stringify(streamDoc())));
    serveArtifacts(`/2403-LTS/${build}/x86_64/`);

    const release = await resolve({});
    expect(release).toMatchObject({ source: 'stream', stream: '2403-LTS', release: build, origin: server.url('/streams/2403-LTS.json') });
    expect(release.artifacts.rootfs).toMatchObject({
      location: server.url(`/2403-LTS/${build}/x86_64/${contractName.rootfs}`),
      sha256: sha(files.rootfs),
      sha256Source: 'stream',
      verifiedBy: 'tls',
    });

    const dir = path.join(tmp, 'release');
    const local = await fetchRelease(release, dir, { http, policy: FAST });
    expect(ROLES.map((r) => local[r].verified)).toEqual([true, true, true]);
    await writeReleaseDir(release, Object.values(local), dir);

    const fromDir = await resolve({ releaseDir: 'release' });
    expect(fromDir).toMatchObject({ source: 'release-dir', release: build, stream: '2403-LTS', arch: 'x86_64' });
    expect(fromDir.artifacts.initramfs).toMatchObject({
      location: path.join(dir, contractName.initramfs),
      sha256: sha(files.initramfs),
      sha256Source: 'release-dir',
    });

    for (const name of await readdir(dir)) server.set(`/mirror/${name}`, await readFile(path.join(dir, name)));
    const fromUrl = await resolve({ releaseUrl: server.url('/mirror') });
    expect(fromUrl.artifacts.kernel).toMatchObject({
      location: server.url(`/mirror/${contractName.kernel}`),
      sha256Source: 'release-dir',
      verifiedBy: 'tls',
    });
    expect(fromDir.artifacts.kernel.verifiedBy).toBe('local');
    const again = await fetchRelease(fromUrl, path.join(tmp, 'again'), { http, policy: FAST });
    expect(again.rootfs).toMatchObject({ verified: true, sha256: sha(files.rootfs) });
  });

  it('a missing stream is a network error naming --stream and --stream-base-url, and is not retried', async () => {
    const error = await caught(resolve({ stream: 'nope' }));
    expect(error.kind).toBe('network');
    expect(error.message).toContain('HTTP 404');
    expect(error.message).toContain('/streams/nope.json');
    expect(error.remedy).toMatch(/--stream-base-url.*--release-dir/);
    expect(server.requestsFor('/streams/nope.json')).toHaveLength(1);
  });

  it('an unreachable mirror fails after bounded retries, naming the way out', async () => {
    const closed = await startServer();
    const base = closed.url('/streams/');
    await closed.close();
    const started = Date.now();
    const error = await caught(resolveRelease(optionsSchema.parse({ streamBaseUrl: base }), { http, arch: 'x86_64' }));
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/failed after 3 attempts \(.*ECONNREFUSED/);
    expect(error.remedy).toContain('--stream-base-url');
    expect(error.remedy).toContain('--release-dir');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('an answer that is not JSON (a captive portal) is reported as such', async () => {
    server.set('/streams/2403-LTS.json', Buffer.from('<html>login</html>'));
    const error = await caught(resolve({}));
    expect(error.kind).toBe('network');
    expect(error.message).toContain('not JSON');
  });

  it('a stream without pxe entries is refused with the ISO flags to use instead', async () => {
    server.set('/streams/2403-LTS.json', Buffer.from(JSON.stringify(streamDoc(false))));
    const error = await caught(resolve({}));
    expect(error.remedy).toContain(
      `--iso ${server.url(`/2403-LTS/${build}/x86_64/nestos-${build}-live.x86_64.iso`)} --iso-sha256 ${'a'.repeat(64)}`,
    );
  });
});

describe('resolveRelease: choosing exactly one source', () => {
  it('refuses conflicting sources', async () => {
    const error = await caught(resolve({ iso: '/x.iso', releaseDir: '/d' }));
    expect(error.kind).toBe('usage');
    expect(error.message).toContain('--release-dir and --iso');
    expect((await caught(resolve({ kernel: '/k', initramfs: '/i', rootfs: '/r', releaseUrl: 'http://h/' }))).kind).toBe('usage');
  });

  it('requires --kernel, --initramfs and --rootfs together, naming the missing ones', async () => {
    const error = await caught(resolve({ kernel: 'http://h/k' }));
    expect(error.kind).toBe('usage');
    expect(error.message).toContain('--initramfs and --rootfs are missing');
  });

  it('refuses a hash pin without its file', async () => {
    expect((await caught(resolve({ rootfsSha256: 'a'.repeat(64) }))).message).toContain('--rootfs-sha256 pins');
    expect((await caught(resolve({ isoSha256: 'a'.repeat(64) }))).message).toContain('--iso-sha256 pins');
  });
});

describe('resolveRelease from explicit files', () => {
  const urls = () => ({ kernel: server.url('/k/vmlinuz'), initramfs: server.url('/k/initrd.img'), rootfs: server.url('/k/rootfs.img') });

  it('refuses remote files without a sha256 unless told to accept them', async () => {
    const error = await caught(resolve(urls()));
    expect(error.kind).toBe('verification');
    expect(error.message).toContain('--kernel, --initramfs, --rootfs have no sha256');
    expect(error.remedy).toContain('--kernel-sha256, --initramfs-sha256, --rootfs-sha256');
    expect(error.remedy).toContain('--allow-unverified-artifacts');

    const partly = await caught(resolve({ ...urls(), kernelSha256: sha(files.kernel), initramfsSha256: sha(files.initramfs) }));
    expect(partly.message).toMatch(/^--rootfs has no sha256/);

    const accepted = await resolve({ ...urls(), allowUnverifiedArtifacts: true });
    expect(accepted.artifacts.rootfs.sha256).toBeUndefined();
  });

  it('pins remote files with --*-sha256 (source "user")', async () => {
    const release = await resolve({
      ...urls(),
      kernelSha256: sha(files.kernel),
      initramfsSha256: sha(files.initramfs),
      rootfsSha256: sha(files.rootfs).toUpperCase(),
    });
    expect(release).toMatchObject({ source: 'urls', arch: 'x86_64' });
    expect(release.artifacts.rootfs).toMatchObject({ name: 'rootfs.img', sha256: sha(files.rootfs), sha256Source: 'user' });
  });

  it('accepts local files without a hash (relative to cwd), unverified, and keeps their names distinct', async () => {
    for (const sub of ['a', 'b', 'c']) await mkdir(path.join(tmp, sub));
    await writeFile(path.join(tmp, 'a/file'), files.kernel);
    await writeFile(path.join(tmp, 'b/file'), files.initramfs);
    await writeFile(path.join(tmp, 'c/file'), files.rootfs);
    const release = await resolve({ kernel: 'a/file', initramfs: 'b/file', rootfs: `file://${path.join(tmp, 'c/file')}` });
    expect(release.artifacts.kernel).toMatchObject({
      location: path.join(tmp, 'a/file'),
      name: 'kernel-file',
      sizeBytes: files.kernel.length,
    });
    expect(release.artifacts.rootfs).toMatchObject({ location: path.join(tmp, 'c/file'), name: 'rootfs-file' });
    expect(release.artifacts.rootfs.sha256).toBeUndefined();

    const local = await fetchRelease(release, path.join(tmp, 'work'), { http });
    expect(local.rootfs).toMatchObject({ verified: false, sha256: sha(files.rootfs) });
  });

  it('reports a missing local file, and unsupported URL schemes, as usage errors', async () => {
    const missing = await caught(resolve({ kernel: 'nope', initramfs: 'nope', rootfs: 'nope' }));
    expect(missing).toMatchObject({ kind: 'usage', message: expect.stringContaining('no such file') });
    expect((await caught(resolve({ kernel: 'ftp://h/k', initramfs: 'ftp://h/i', rootfs: 'ftp://h/r' }))).message).toContain('only http://');
  });

  it('recognises the published names and keeps them', async () => {
    const release = await resolve({
      kernel: server.url(`/x/${contractName.kernel}`),
      initramfs: server.url(`/x/${contractName.initramfs}`),
      rootfs: server.url(`/x/${contractName.rootfs}`),
      allowUnverifiedArtifacts: true,
    });
    expect(release.release).toBe(build);
    expect(release.artifacts.initramfs.name).toBe(contractName.initramfs);
  });
});

describe('resolveRelease from a plain release directory', () => {
  it('finds the three files by their published names, unverified', async () => {
    const dir = path.join(tmp, 'plain');
    await mkdir(dir);
    for (const role of ROLES) await writeFile(path.join(dir, contractName[role]), files[role]);
    await writeFile(path.join(dir, `nestos-${build}-live-kernel-aarch64`), 'other arch');
    const release = await resolve({ releaseDir: dir });
    expect(release).toMatchObject({ source: 'release-dir', release: build, arch: 'x86_64' });
    expect(release.artifacts.rootfs).toMatchObject({ name: contractName.rootfs, sizeBytes: files.rootfs.length });
    expect(release.artifacts.rootfs.sha256).toBeUndefined();
  });

  it('accepts vmlinuz / initrd.img / rootfs.img', async () => {
    const dir = path.join(tmp, 'pxeboot');
    await mkdir(dir);
    for (const [role, name] of [
      ['kernel', 'vmlinuz'],
      ['initramfs', 'initrd.img'],
      ['rootfs', 'rootfs.img'],
    ] as const) {
      await writeFile(path.join(dir, name), files[role]);
    }
    const release = await resolve({ releaseDir: dir });
    expect(release.artifacts.initramfs.location).toBe(path.join(dir, 'initrd.img'));
    expect(release.release).toBeUndefined();
  });

  it('refuses ambiguous, foreign-arch and incomplete directories', async () => {
    const dir = path.join(tmp, 'many');
    await mkdir(dir);
    for (const b of [build, '24.03-LTS.20240901.0']) {
      for (const role of ROLES) await writeFile(path.join(dir, contractName[role].replace(build, b)), 'x');
    }
    const several = await caught(resolve({ releaseDir: dir }));
    expect(several).toMatchObject({ kind: 'usage', message: expect.stringContaining('several x86_64 builds') });

    const foreign = await caught(resolve({ releaseDir: dir }, 'aarch64'));
    expect(foreign).toMatchObject({ kind: 'precondition', message: expect.stringContaining('this machine is aarch64') });

    const partial = path.join(tmp, 'partial');
    await mkdir(partial);
    await writeFile(path.join(partial, 'vmlinuz'), 'k');
    const incomplete = await caught(resolve({ releaseDir: partial }));
    expect(incomplete).toMatchObject({ kind: 'usage', message: expect.stringContaining('missing initrd.img, rootfs.img') });

    expect((await caught(resolve({ releaseDir: path.join(tmp, 'absent') }))).kind).toBe('usage');
  });
});

describe('resolveRelease from the live ISO', () => {
  it('reads only the ISO directory of a local ISO; fetching cuts the artifacts out byte for byte', async () => {
    const iso = await makeIso(`nestos-${build}-live.x86_64.iso`);
    const release = await resolve({ iso: iso.path });
    expect(release).toMatchObject({ source: 'iso', release: build, origin: iso.path });
    const rootfs = release.artifacts.rootfs;
    expect(rootfs).toMatchObject({ name: contractName.rootfs, sizeBytes: files.rootfs.length });
    expect(rootfs.sha256).toBeUndefined();
    expect(iso.bytes.subarray(rootfs.isoExtent!.offset, rootfs.isoExtent!.offset + rootfs.isoExtent!.length).equals(files.rootfs)).toBe(
      true,
    );

    const local = await fetchRelease(release, path.join(tmp, 'work'), { http });
    for (const role of ROLES) expect(local[role]).toMatchObject({ sha256: sha(files[role]), verified: false });
  });

  it('with --iso-sha256, verifies the whole ISO first and marks the artifacts verified', async () => {
    const iso = await makeIso('renamed.iso');
    const release = await resolve({ iso: iso.path, isoSha256: sha(iso.bytes) });
    expect(release.release).toBe(build); // from the volume id
    expect(release.artifacts.kernel).toMatchObject({ sha256: sha(iso.bytes), sha256Source: 'iso', name: contractName.kernel });

    const work = path.join(tmp, 'work');
    const local = await fetchRelease(release, work, { http });
    for (const role of ROLES) expect(local[role]).toMatchObject({ sha256: sha(files[role]), verified: true, sha256Source: 'iso' });
    expect(await readdir(tmp)).toContain('renamed.iso'); // nothing written beside the user's ISO
    expect((await readdir(tmp)).filter((n) => n.startsWith('renamed.iso'))).toEqual(['renamed.iso']);

    const bad = await resolve({ iso: iso.path, isoSha256: 'b'.repeat(64) });
    const error = await caught(fetchRelease(bad, path.join(tmp, 'bad'), { http }));
    expect(error.kind).toBe('verification');
    expect(error.message).toContain('--iso-sha256');
  });

  it("with --checksums, the ISO's entry is its hash (and must agree with --iso-sha256); without one it is refused", async () => {
    const iso = await makeIso('nestos-live.iso');
    await writeFile(path.join(tmp, 'SUMS'), `${sha(iso.bytes)}  nestos-live.iso\n`);
    const release = await resolve({ iso: iso.path, checksums: 'SUMS' });
    expect(release.artifacts.rootfs).toMatchObject({ sha256: sha(iso.bytes), sha256Source: 'iso', verifiedBy: 'user-hash' });
    const conflict = await caught(resolve({ iso: iso.path, checksums: 'SUMS', isoSha256: 'c'.repeat(64) }));
    expect(conflict).toMatchObject({ kind: 'verification', message: expect.stringContaining('--checksums') });
    await writeFile(path.join(tmp, 'OTHER'), `${'d'.repeat(64)}  other.iso\n`);
    const missing = await caught(resolve({ iso: iso.path, checksums: 'OTHER' }));
    expect(missing).toMatchObject({ kind: 'verification', message: expect.stringContaining('has no entry for nestos-live.iso (the ISO)') });
  });

  it('reads a remote ISO directory with Range requests; with a hash the ISO is downloaded, verified and removed after extraction', async () => {
    const iso = await makeIso('live.iso');
    server.set(`/iso/nestos-${build}-live.x86_64.iso`, iso.bytes);
    const url = server.url(`/iso/nestos-${build}-live.x86_64.iso`);

    const refused = await caught(resolve({ iso: url }));
    expect(refused).toMatchObject({ kind: 'verification', remedy: expect.stringContaining('--iso-sha256') });
    expect(server.requests.every((r) => r.range !== undefined)).toBe(true);

    const release = await resolve({ iso: url, isoSha256: sha(iso.bytes) });
    const work = path.join(tmp, 'work');
    const local = await fetchRelease(release, work, { http, policy: FAST });
    for (const role of ROLES) expect(local[role]).toMatchObject({ sha256: sha(files[role]), verified: true });
    expect((await readdir(work)).sort()).toEqual(ROLES.flatMap((r) => [contractName[r], `${contractName[r]}.sha256`]).sort());

    // A re-run reuses the extracted files without downloading the ISO again.
    server.requests.length = 0;
    await fetchRelease(release, work, { http, policy: FAST });
    expect(server.requests).toEqual([]);
  });

  it('without a hash and with --allow-unverified-artifacts, fetches only the extents by Range', async () => {
    const iso = await makeIso('live.iso');
    server.set('/iso/plain.iso', iso.bytes);
    const release = await resolve({ iso: server.url('/iso/plain.iso'), allowUnverifiedArtifacts: true });
    server.requests.length = 0;
    const local = await fetchRelease(release, path.join(tmp, 'work'), { http, policy: FAST });
    expect(local.initramfs).toMatchObject({ sha256: sha(files.initramfs), verified: false });
    expect(server.requests.map((r) => r.range)).toEqual(
      ROLES.map((r) => `bytes=${release.artifacts[r].isoExtent!.offset}-${release.artifacts[r].isoExtent!.offset + files[r].length - 1}`),
    );
  });

  it('explains a server that ignores Range, and an ISO for another architecture', async () => {
    const iso = await makeIso('live.iso');
    server.set('/iso/norange.iso', iso.bytes, { ignoreRange: true });
    const error = await caught(resolve({ iso: server.url('/iso/norange.iso'), allowUnverifiedArtifacts: true }));
    expect(error).toMatchObject({ kind: 'network', remedy: expect.stringContaining('local path to --iso') });

    const foreign = await caught(resolve({ iso: server.url(`/iso/nestos-${build}-live.aarch64.iso`) }));
    expect(foreign).toMatchObject({ kind: 'precondition', message: expect.stringContaining('aarch64 ISO') });
  });

  it('refuses an ISO that is not a NestOS live ISO', async () => {
    const root = path.join(tmp, 'other');
    await mkdir(root);
    await writeFile(path.join(root, 'hello'), 'hi');
    execFileSync('xorriso', ['-as', 'mkisofs', '-R', '-o', path.join(tmp, 'other.iso'), root], { stdio: 'ignore' });
    const error = await caught(resolve({ iso: path.join(tmp, 'other.iso') }));
    expect(error).toMatchObject({ kind: 'precondition', message: expect.stringContaining('images/pxeboot/vmlinuz') });
  });
});
