/**
 * The one trust rule, source by source, against real loopback servers: a plain-HTTP one (what an
 * attacker on the path controls) and an https one with a CA made for this run (a company mirror).
 */
import { caught } from '../../support/caught.js';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nodeHttp } from '../../../src/effects/http-node.js';
import { fetchRelease } from '../../../src/fetch/download.js';
import { optionsSchema, type OptionsInput } from '../../../src/options/schema.js';
import { parseChecksums } from '../../../src/release/checksums.js';
import { writeReleaseDir } from '../../../src/release/release-dir.js';
import { resolveRelease } from '../../../src/release/resolve.js';
import { verifiedBy } from '../../../src/release/trust.js';
import type { ArtifactRole } from '../../../src/model/artifacts.js';
import { throwawayCa } from '../../support/throwaway-ca.js';
import { startServer, type TestServer } from '../fetch/server.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const ROLES: ArtifactRole[] = ['kernel', 'initramfs', 'rootfs'];
const build = '24.03-LTS.20241110.0';
const files: Record<ArtifactRole, Buffer> = { kernel: randomBytes(3000), initramfs: randomBytes(7000), rootfs: randomBytes(20000) };
const names: Record<ArtifactRole, string> = {
  kernel: `nestos-${build}-live-kernel-x86_64`,
  initramfs: `nestos-${build}-live-initramfs.x86_64.img`,
  rootfs: `nestos-${build}-live-rootfs.x86_64.img`,
};
const FAST = { attempts: 2, initialDelayMs: 10, maxDelayMs: 20, stallTimeoutMs: 2000, retryWindowMs: 5000 };
const ca = throwawayCa();
const http = nodeHttp({}, { ca: [...rootCertificates, ca.caPem], sources: ['test CA'] });

let plain: TestServer;
let secure: TestServer;
let tmp: string;

/** A stream document on `server` whose hashes match what it serves (an attacker makes both agree). */
function publish(server: TestServer, body: Record<ArtifactRole, Buffer> = files, signature = false) {
  const pxe = Object.fromEntries(
    ROLES.map((r) => {
      server.set(`/a/${names[r]}`, body[r]);
      return [r, { location: `../a/${names[r]}`, sha256: sha(body[r]), ...(signature ? { signature: `../a/${names[r]}.sig` } : {}) }];
    }),
  );
  const doc = {
    stream: '2403-LTS',
    metadata: { 'last-modified': '2026-11-01T00:00:00Z' },
    architectures: { x86_64: { artifacts: { metal: { release: build, formats: { pxe } } } } },
  };
  server.set('/streams/2403-LTS.json', Buffer.from(JSON.stringify(doc)));
}

const resolve = (input: OptionsInput) => resolveRelease(optionsSchema.parse(input), { http, arch: 'x86_64', cwd: tmp });

beforeAll(async () => {
  plain = await startServer();
  secure = await startServer({ tls: { key: ca.serverKey, cert: ca.serverCert } });
});
afterAll(async () => {
  await plain.close();
  await secure.close();
  ca.cleanup();
});
beforeEach(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'x2n-trust-'));
  plain.requests.length = 0;
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('verifiedBy: one decision for every source', () => {
  const remote = { location: 'http://m/a' };
  const local = { location: '/srv/a' };
  it.each([
    [remote, { from: 'user' }, false, 'user-hash'],
    [remote, { from: 'document', url: 'https://m/s.json' }, false, 'tls'],
    [remote, { from: 'document', url: 'http://m/s.json' }, false, 'none'],
    [remote, { from: 'document', url: 'http://m/s.json' }, true, 'none'],
    [{ ...remote, signature: 'http://m/a.sig' }, { from: 'document', url: 'http://m/s.json' }, true, 'signature'],
    [{ ...remote, signature: 'http://m/a.sig' }, { from: 'document', url: 'http://m/s.json' }, false, 'none'],
    [remote, { from: 'pinned-manifest' }, false, 'manifest'],
    [remote, { from: 'local-file' }, false, 'local'],
    [remote, { from: 'nothing' }, false, 'none'],
    [local, { from: 'nothing' }, false, 'local'],
    [local, { from: 'unverified-record' }, false, 'none'],
  ] as const)('%j with %j (signing key %s) → %s', (artifact, evidence, signingKey, expected) => {
    expect(verifiedBy(artifact, evidence, { signingKey })).toBe(expected);
  });
});

describe('the stream', () => {
  it('over plain HTTP with a tampered kernel and matching hashes is refused before any artifact is requested', async () => {
    const evil = { ...files, kernel: Buffer.from('MZ not the NestOS kernel') };
    publish(plain, evil);
    const error = await caught(resolve({ streamBaseUrl: plain.url('/streams/') }));
    expect(error.kind).toBe('verification');
    expect(error.message).toContain('came over plain HTTP');
    expect(error.remedy).toMatch(/--stream-base-url.*--checksums.*--release-manifest-sha256.*--allow-unverified-artifacts/);
    expect(plain.requests.map((r) => r.path)).toEqual(['/streams/2403-LTS.json']);
  });

  it('over plain HTTP with --allow-unverified-artifacts: fetched, checked for transfer errors, but not verified, and recorded so', async () => {
    publish(plain);
    const release = await resolve({ streamBaseUrl: plain.url('/streams/'), allowUnverifiedArtifacts: true });
    expect(ROLES.map((r) => release.artifacts[r].verifiedBy)).toEqual(['none', 'none', 'none']);
    const dir = path.join(tmp, 'out');
    const local = await fetchRelease(release, dir, { http, policy: FAST });
    expect(ROLES.map((r) => local[r].verified)).toEqual([false, false, false]);
    await writeReleaseDir(release, Object.values(local), dir);
    // Re-served, even with its own hash pinned, it stays unverified: the pin cannot launder it.
    const manifest = await readFile(path.join(dir, 'release.json'));
    for (const name of await readdir(dir)) plain.set(`/fleet/${name}`, await readFile(path.join(dir, name)));
    const error = await caught(resolve({ releaseUrl: plain.url('/fleet/'), releaseManifestSha256: sha(manifest) }));
    expect(error.kind).toBe('verification');
    expect(error.message).toContain('never verified');
  });

  it('over https with a certificate the CA store trusts is verified by tls', async () => {
    publish(secure);
    const release = await resolve({ streamBaseUrl: secure.url('/streams/') });
    expect(ROLES.map((r) => release.artifacts[r].verifiedBy)).toEqual(['tls', 'tls', 'tls']);
  });

  it('an https URL redirected to plain HTTP counts as plain HTTP', async () => {
    publish(plain);
    secure.set('/moved/2403-LTS.json', Buffer.alloc(0), { redirectTo: plain.url('/streams/2403-LTS.json') });
    const error = await caught(resolve({ streamBaseUrl: secure.url('/moved/') }));
    expect(error.kind).toBe('verification');
    expect(error.message).toContain('plain HTTP');
  });

  it('over https with a certificate from an unknown CA is refused at once, naming the server and the CA files tried', async () => {
    publish(secure);
    const untrusting = nodeHttp({}, { ca: [...rootCertificates], sources: ["Node's bundled CAs", '/etc/ssl/certs/ca-certificates.crt'] });
    const started = Date.now();
    const error = await caught(
      resolveRelease(optionsSchema.parse({ streamBaseUrl: secure.url('/streams/') }), { http: untrusting, arch: 'x86_64' }),
    );
    expect(error.kind).toBe('verification');
    expect(error.message).toContain(`the https certificate of ${new URL(secure.base).host} is not signed by a trusted CA`);
    expect(error.message).toContain('/etc/ssl/certs/ca-certificates.crt');
    expect(error.remedy).toContain('--ca-file');
    expect(Date.now() - started).toBeLessThan(2000); // not retried as if the network were down
  });
});

describe('--release-url with --release-manifest-sha256 (the fleet flow)', () => {
  async function fetchedDir(): Promise<{ dir: string; manifestSha256: string }> {
    publish(secure);
    const release = await resolve({ streamBaseUrl: secure.url('/streams/') });
    const dir = path.join(tmp, 'fetched');
    const local = await fetchRelease(release, dir, { http, policy: FAST });
    const { manifestSha256 } = await writeReleaseDir(release, Object.values(local), dir);
    expect(manifestSha256).toBe(sha(await readFile(path.join(dir, 'release.json'))));
    for (const name of await readdir(dir)) plain.set(`/fleet/${name}`, await readFile(path.join(dir, name)));
    return { dir, manifestSha256 };
  }

  it('verifies every artifact over plain HTTP through the pinned release.json', async () => {
    const { manifestSha256 } = await fetchedDir();
    const release = await resolve({ releaseUrl: plain.url('/fleet/'), releaseManifestSha256: manifestSha256 });
    expect(ROLES.map((r) => release.artifacts[r].verifiedBy)).toEqual(['manifest', 'manifest', 'manifest']);
    const local = await fetchRelease(release, path.join(tmp, 'host'), { http, policy: FAST });
    expect(ROLES.map((r) => local[r].verified)).toEqual([true, true, true]);
  });

  it('without the pin over plain HTTP it is refused, naming the flag', async () => {
    await fetchedDir();
    const error = await caught(resolve({ releaseUrl: plain.url('/fleet/') }));
    expect(error.kind).toBe('verification');
    expect(error.message).toContain('came over plain HTTP');
    expect(error.remedy).toContain('--release-manifest-sha256');
  });

  it('a release.json whose hash does not match is refused before any artifact is requested', async () => {
    await fetchedDir();
    plain.requests.length = 0;
    const error = await caught(resolve({ releaseUrl: plain.url('/fleet/'), releaseManifestSha256: 'b'.repeat(64) }));
    expect(error.kind).toBe('verification');
    expect(error.message).toMatch(/release\.json has sha256 [0-9a-f]{64}, but --release-manifest-sha256 says b{64}/);
    expect(plain.requests.map((r) => r.path)).toEqual(['/fleet/release.json']);
  });

  it('a pinned release.json naming a file outside its directory is refused', async () => {
    const { dir } = await fetchedDir();
    const manifest = JSON.parse(await readFile(path.join(dir, 'release.json'), 'utf8')) as { artifacts: { kernel: { name: string } } };
    manifest.artifacts.kernel.name = '../../etc/shadow';
    const bytes = Buffer.from(JSON.stringify(manifest));
    plain.set('/fleet/release.json', bytes);
    const error = await caught(resolve({ releaseUrl: plain.url('/fleet/'), releaseManifestSha256: sha(bytes) }));
    expect(error.kind).toBe('verification');
    expect(error.message).toContain('names a file outside its directory (kernel: "../../etc/shadow")');
  });

  it('works for --release-dir too, and refuses a pin on a directory without release.json', async () => {
    const { dir, manifestSha256 } = await fetchedDir();
    const release = await resolve({ releaseDir: dir, releaseManifestSha256: manifestSha256 });
    expect(release.artifacts.rootfs.verifiedBy).toBe('manifest');
    const bare = path.join(tmp, 'bare');
    await fetchRelease({ ...release, artifacts: release.artifacts }, bare, { http, policy: FAST });
    const error = await caught(resolve({ releaseDir: bare, releaseManifestSha256: manifestSha256 }));
    expect(error.kind).toBe('usage');
  });
});

describe('--checksums', () => {
  const sums = () => ROLES.map((r) => `${sha(files[r])}  ${names[r]}`).join('\n') + '\n';

  it('parses sha256sum and BSD lines, keyed by file name', () => {
    const parsed = parseChecksums(`# comment\n${'A'.repeat(64)} *dir/x.img\nSHA256 (y.img) = ${'b'.repeat(64)}\n`, 'f');
    expect(Object.fromEntries(parsed.byName)).toEqual({ 'x.img': 'a'.repeat(64), 'y.img': 'b'.repeat(64) });
    expect(() => parseChecksums('not a line\n', 'f')).toThrow(/line 1/);
  });

  it('a local checksum file makes a plain-HTTP stream verified (user-hash)', async () => {
    publish(plain);
    await writeFile(path.join(tmp, 'SHA256SUMS'), sums());
    const release = await resolve({ streamBaseUrl: plain.url('/streams/'), checksums: 'SHA256SUMS' });
    expect(ROLES.map((r) => release.artifacts[r].verifiedBy)).toEqual(['user-hash', 'user-hash', 'user-hash']);
    expect(release.artifacts.kernel.sha256Source).toBe('checksums');
  });

  it('an https checksum file counts, a plain-HTTP one is refused as proving nothing', async () => {
    publish(plain);
    secure.set('/SHA256SUMS', Buffer.from(sums()));
    const release = await resolve({ streamBaseUrl: plain.url('/streams/'), checksums: secure.url('/SHA256SUMS') });
    expect(release.artifacts.rootfs.verifiedBy).toBe('user-hash');
    plain.set('/SHA256SUMS', Buffer.from(sums()));
    const error = await caught(resolve({ streamBaseUrl: plain.url('/streams/'), checksums: plain.url('/SHA256SUMS') }));
    expect(error.kind).toBe('usage');
    expect(error.message).toContain('plain HTTP');
  });

  it('a checksum file with no entry for an artifact, or another hash than the stream, is refused before any download', async () => {
    const evil = { ...files, kernel: Buffer.from('MZ evil') };
    publish(plain, evil);
    await writeFile(path.join(tmp, 'partial'), `${sha(evil.kernel)}  ${names.kernel}\n`);
    const missing = await caught(resolve({ streamBaseUrl: plain.url('/streams/'), checksums: 'partial' }));
    expect(missing.kind).toBe('verification');
    expect(missing.message).toContain(`has no entry for ${names.initramfs}`);
    await writeFile(path.join(tmp, 'SHA256SUMS'), sums());
    const conflict = await caught(resolve({ streamBaseUrl: plain.url('/streams/'), checksums: 'SHA256SUMS' }));
    expect(conflict.kind).toBe('verification');
    expect(conflict.message).toContain('--checksums');
    expect(plain.requests.map((r) => r.path)).toEqual(['/streams/2403-LTS.json', '/streams/2403-LTS.json']);
  });

  it('an unreadable checksum file is a usage error', async () => {
    const error = await caught(resolve({ streamBaseUrl: plain.url('/streams/'), checksums: 'nope' }));
    expect(error.kind).toBe('usage');
    expect(error.message).toContain('ENOENT');
  });
});

describe('explicit files', () => {
  it("remote ones are verified only when pinned; local ones are the user's own", async () => {
    for (const r of ROLES) plain.set(`/x/${names[r]}`, files[r]);
    const urls = Object.fromEntries(ROLES.map((r) => [r, plain.url(`/x/${names[r]}`)]));
    expect((await caught(resolve(urls))).kind).toBe('verification');
    const pinned = await resolve({
      ...urls,
      kernelSha256: sha(files.kernel),
      initramfsSha256: sha(files.initramfs),
      rootfsSha256: sha(files.rootfs),
    });
    expect(pinned.artifacts.kernel.verifiedBy).toBe('user-hash');
    for (const r of ROLES) await writeFile(path.join(tmp, names[r]), files[r]);
    const local = await resolve(Object.fromEntries(ROLES.map((r) => [r, names[r]])));
    expect(ROLES.map((r) => local.artifacts[r].verifiedBy)).toEqual(['local', 'local', 'local']);
    expect(existsSync(path.join(tmp, 'x'))).toBe(false);
  });
});
