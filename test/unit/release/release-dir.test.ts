import { caught } from '../../support/caught.js';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { X2Error } from '../../../src/errors.js';
import { fetchArtifact, fetchRelease } from '../../../src/fetch/download.js';
import { readReleaseDir, releaseFromManifest, writeReleaseDir } from '../../../src/release/release-dir.js';
import type { ArtifactRole, ResolvedRelease } from '../../../src/model/artifacts.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const noHttp = { get: () => Promise.reject(new Error('no network in this test')) };
const ROLES: ArtifactRole[] = ['kernel', 'initramfs', 'rootfs'];
const files: Record<ArtifactRole, Buffer> = { kernel: randomBytes(1000), initramfs: randomBytes(5000), rootfs: randomBytes(20000) };

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'x2n-reldir-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A release from local source files, some pinned (verified), the rootfs not. */
async function sourceRelease(pinRootfs: boolean): Promise<ResolvedRelease> {
  const artifacts = {} as ResolvedRelease['artifacts'];
  for (const role of ROLES) {
    const location = path.join(tmp, `src-${role}`);
    await writeFile(location, files[role]);
    const pinned = role !== 'rootfs' || pinRootfs;
    artifacts[role] = {
      role,
      location,
      name: `${role}.img`,
      ...(pinned ? { sha256: sha(files[role]), sha256Source: 'user' as const } : {}),
    };
  }
  return { source: 'urls', origin: 'test', release: '24.03-LTS.20240625.0', arch: 'x86_64', artifacts };
}

describe('release directory round trip', () => {
  it('writes a versioned release.json that reads back with every hash, re-verified on use', async () => {
    const release = await sourceRelease(true);
    const dir = path.join(tmp, 'out');
    const local = await fetchRelease(release, dir, { http: noHttp });
    await writeReleaseDir(release, Object.values(local), dir);

    const manifest = JSON.parse(await readFile(path.join(dir, 'release.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      format: 'x2nestos-release',
      version: 1,
      release: '24.03-LTS.20240625.0',
      arch: 'x86_64',
      source: 'urls',
      artifacts: { rootfs: { name: 'rootfs.img', size: files.rootfs.length, sha256: sha(files.rootfs), source: 'user' } },
    });
    expect((await stat(path.join(dir, 'release.json'))).mode & 0o777).toBe(0o600);

    const back = await readReleaseDir(dir, 'x86_64');
    expect(back.artifacts.rootfs).toEqual({
      role: 'rootfs',
      location: path.join(dir, 'rootfs.img'),
      name: 'rootfs.img',
      sizeBytes: files.rootfs.length,
      sha256: sha(files.rootfs),
      sha256Source: 'release-dir',
      verifiedBy: 'local',
    });

    // Used in place (the release dir as work dir), then copied elsewhere: both verified.
    expect((await fetchArtifact(back.artifacts.kernel, dir, { http: noHttp })).verified).toBe(true);
    expect((await fetchArtifact(back.artifacts.kernel, path.join(tmp, 'work'), { http: noHttp })).verified).toBe(true);

    // A file changed after release.json was written is caught, naming release.json.
    const tampered = Buffer.from(files.initramfs);
    tampered[0] = tampered[0]! ^ 1;
    await writeFile(path.join(dir, 'initramfs.img'), tampered);
    const error = await caught(fetchArtifact(back.artifacts.initramfs, path.join(tmp, 'work'), { http: noHttp }));
    expect(error.kind).toBe('verification');
    expect(error.message).toContain('release.json');
    expect(error.remedy).toContain('x2nestos fetch --to');
  });

  it('records an unverified artifact as such, and reads it back without a hash', async () => {
    const release = await sourceRelease(false);
    const dir = path.join(tmp, 'out');
    const local = await fetchRelease(release, dir, { http: noHttp });
    expect(local.rootfs.verified).toBe(false);
    await writeReleaseDir(release, Object.values(local), dir);

    const manifest = JSON.parse(await readFile(path.join(dir, 'release.json'), 'utf8')) as { artifacts: { rootfs: { source: string } } };
    expect(manifest.artifacts.rootfs.source).toBe('unverified');
    const back = await readReleaseDir(dir, 'x86_64');
    expect(back.artifacts.rootfs.sha256).toBeUndefined();
    expect(back.artifacts.rootfs.verifiedBy).toBe('none');
    expect(back.artifacts.kernel.sha256).toBe(sha(files.kernel));
    expect(back.artifacts.kernel.verifiedBy).toBe('local');
  });

  it('locates artifacts under a base URL for --release-url', () => {
    const release = releaseFromManifest(
      {
        format: 'x2nestos-release',
        version: 1,
        arch: 'aarch64',
        source: 'stream',
        origin: 'https://m/streams/2403-LTS.json',
        artifacts: Object.fromEntries(ROLES.map((r) => [r, { name: `${r}+x.img`, size: 1, sha256: 'c'.repeat(64), source: 'stream' }])),
      },
      { url: 'http://mirror.local/nestos/' },
      { from: 'document', url: 'http://mirror.local/nestos/release.json' },
    );
    expect(release.artifacts.initramfs.location).toBe('http://mirror.local/nestos/initramfs%2Bx.img');
    expect(release.origin).toBe('http://mirror.local/nestos/');
    // Over plain HTTP the manifest vouches for nothing; pinned, it vouches for every entry.
    expect(release.artifacts.kernel.verifiedBy).toBe('none');
    const pinned = releaseFromManifest(
      {
        format: 'x2nestos-release',
        version: 1,
        arch: 'aarch64',
        source: 'stream',
        origin: 'o',
        artifacts: Object.fromEntries(ROLES.map((r) => [r, { name: `${r}.img`, size: 1, sha256: 'c'.repeat(64), source: 'stream' }])),
      },
      { url: 'http://mirror.local/nestos/' },
      { from: 'pinned-manifest' },
    );
    expect(ROLES.map((r) => pinned.artifacts[r].verifiedBy)).toEqual(['manifest', 'manifest', 'manifest']);
  });

  it('refuses unknown format versions, malformed manifests and names that leave the directory', async () => {
    const base = {
      format: 'x2nestos-release',
      version: 1,
      arch: 'x86_64',
      source: 'stream',
      origin: 'o',
      artifacts: Object.fromEntries(ROLES.map((r) => [r, { name: `${r}.img`, size: 1, sha256: 'c'.repeat(64), source: 'stream' }])),
    };
    const version = (() => {
      try {
        releaseFromManifest({ ...base, version: 2 }, { dir: tmp }, { from: 'local-file' });
      } catch (e) {
        return e as X2Error;
      }
    })();
    expect(version?.message).toContain('format version 2');

    const escape = {
      ...base,
      artifacts: { ...base.artifacts, kernel: { name: '../../etc/passwd', size: 1, sha256: 'c'.repeat(64), source: 'stream' } },
    };
    expect(() => releaseFromManifest(escape, { dir: tmp }, { from: 'local-file' })).toThrow(
      /names a file outside its directory \(kernel: "..\/..\/etc\/passwd"\)/,
    );

    await writeFile(path.join(tmp, 'release.json'), '{not json');
    expect((await caught(readReleaseDir(tmp, 'x86_64'))).message).toContain('not valid JSON');
  });

  it('refuses to describe files that are not in the directory', async () => {
    const release = await sourceRelease(true);
    const local = await fetchRelease(release, path.join(tmp, 'a'), { http: noHttp });
    const error = await caught(writeReleaseDir(release, Object.values(local), path.join(tmp, 'b')));
    expect(error.kind).toBe('internal');
  });
});
