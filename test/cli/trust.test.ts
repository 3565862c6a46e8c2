/**
 * Trust, as a user meets it, with the built binary on sandboxed hosts: a company mirror over https
 * with its own CA (trusted through --ca-file, refused without), a plain-HTTP mirror serving a
 * tampered kernel with matching hashes (refused), and the fleet flow: `fetch --to DIR` once, serve
 * DIR over plain HTTP, convert hosts with --release-url and the printed release.json hash.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/types.js';
import { startServer, type TestServer } from '../unit/fetch/server.js';
import { changes, fakeRelease, ignitionWithKey, mirror, mirrorCa, run, sandboxHost, scratch, type RunResult } from './harness.js';

const HOST = 'openeuler-22.03-lts-sp3';
const BUILD = '24.03-LTS.20241110.0';
const ROLES = ['kernel', 'initramfs', 'rootfs'] as const;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Every file under a directory, recursively (relative names). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

/** The one-line refusal and what the host was left with. */
function expectRefusal(r: RunResult, sandbox: string, code: number, message: RegExp): void {
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('x2nestos: error:'));
  expect({ code: r.code, lines }).toMatchObject({ code, lines: [expect.stringMatching(message)] });
  expect(changes(sandbox)).toEqual([]);
}

describe('trust (built binary, sandboxed host)', () => {
  const release = fakeRelease(BUILD);
  const tmp = scratch('cli-trust');
  const ign = path.join(tmp.dir, 'node.ign');
  let company: Awaited<ReturnType<typeof mirror>>;
  let plain: Awaited<ReturnType<typeof mirror>>;
  let fleet: TestServer;

  beforeAll(async () => {
    company = await mirror([{ stream: '2403-LTS', build: BUILD, release }]);
    plain = await mirror(
      [
        { stream: '2403-LTS', build: BUILD, release },
        // What anyone on a plain-HTTP path can do: change the kernel and publish its hash.
        { stream: 'tampered', build: 'tampered', release: fakeRelease('tampered'), tamper: 'kernel', tamperHashes: true },
      ],
      { plainHttp: true },
    );
    fleet = await startServer();
    writeFileSync(ign, ignitionWithKey());
  });
  afterAll(async () => {
    await company.close();
    await plain.close();
    await fleet.close();
    tmp.cleanup();
  });

  describe('a company mirror over https with its own CA', () => {
    it('is refused when nothing trusts the CA, naming the server, the CA files tried and --ca-file', async () => {
      const sandbox = sandboxHost(HOST, { trustMirrorCa: false });
      const r = await run(['plan', '--stream-base-url', company.streamBase, '--ignition', ign, '--json'], { sandbox });
      const server = new URL(company.base).host;
      expectRefusal(
        r,
        sandbox,
        5,
        new RegExp(
          `the https certificate of ${server} is not signed by a trusted CA \\(.*tried Node's bundled CAs\\): pass the CA that signed it with --ca-file PATH`,
        ),
      );
      expect(r.json).toMatchObject({ ok: false, exitCode: 5, error: { kind: 'verification' } });
    });

    it('is trusted with --ca-file, and every artifact is verifiedBy tls', async () => {
      const sandbox = sandboxHost(HOST, { trustMirrorCa: false });
      const r = await run(['plan', '--stream-base-url', company.streamBase, '--ignition', ign, '--ca-file', mirrorCa().caFile, '--json'], {
        sandbox,
      });
      expect(r.stderr).not.toMatch(/error/);
      expect(r.code).toBe(0);
      const plan = r.json!.plan as Plan;
      expect(ROLES.map((role) => plan.release.artifacts[role].verifiedBy)).toEqual(['tls', 'tls', 'tls']);
      expect(ROLES.map((role) => plan.release.artifacts[role].sha256Source)).toEqual(['stream', 'stream', 'stream']);
    });

    it("is trusted through the host's own CA store (where update-ca-trust puts a company CA)", async () => {
      const sandbox = sandboxHost(HOST);
      const r = await run(['plan', '--stream-base-url', company.streamBase, '--ignition', ign, '--json'], { sandbox });
      expect(r.code).toBe(0);
      expect((r.json!.plan as Plan).release.artifacts.kernel.verifiedBy).toBe('tls');
      expect(r.stderr).toMatch(/verified: the hash came over https with a checked certificate/);
    });

    it('an unreadable --ca-file is a usage error (2), before anything is fetched', async () => {
      const sandbox = sandboxHost(HOST);
      const before = company.requests.length;
      const r = await run(
        ['plan', '--stream-base-url', company.streamBase, '--ignition', ign, '--ca-file', path.join(tmp.dir, 'missing.pem'), '--json'],
        { sandbox },
      );
      expectRefusal(r, sandbox, 2, /cannot read --ca-file .*missing\.pem \(ENOENT\): give the path of a readable PEM file/);
      expect(company.requests.length).toBe(before);
      const notPem = path.join(tmp.dir, 'not.pem');
      writeFileSync(notPem, 'hello\n');
      const r2 = await run(['plan', '--stream-base-url', company.streamBase, '--ignition', ign, '--ca-file', notPem], { sandbox });
      expectRefusal(r2, sandbox, 2, /--ca-file .*not\.pem holds no PEM certificate/);
    });
  });

  describe('a plain-HTTP mirror', () => {
    it('serving a tampered kernel with matching hashes is refused (5): nothing downloaded, nothing loaded', async () => {
      const sandbox = sandboxHost(HOST);
      const r = await run(['--stream-base-url', plain.streamBase, '--stream', 'tampered', '--ignition', ign, '--yes', '--json'], {
        sandbox,
      });
      expectRefusal(
        r,
        sandbox,
        5,
        /the sha256 of the kernel, initramfs, rootfs came over plain HTTP with the files .*--allow-unverified-artifacts/,
      );
      expect(plain.requestsFor(`/tampered/${fakeRelease('tampered').names.kernel}`)).toEqual([]);
      expect(filesUnder(path.join(sandbox, 'work')).filter((f) => !f.endsWith('.log'))).toEqual([]);
    });

    it('is accepted only with --allow-unverified-artifacts, and the plan says NOT VERIFIED', async () => {
      const sandbox = sandboxHost(HOST);
      const r = await run(['plan', '--stream-base-url', plain.streamBase, '--ignition', ign, '--allow-unverified-artifacts', '--json'], {
        sandbox,
      });
      expect(r.code).toBe(0);
      expect((r.json!.plan as Plan).release.artifacts.rootfs.verifiedBy).toBe('none');
      expect(r.stderr).toMatch(/NOT VERIFIED: nothing trusted vouches for this file/);

      // fetch keeps such files only as unverified, says so, and records it: no later trust.
      const dir = path.join(tmp.dir, 'unverified');
      const f = await run(['fetch', '--stream-base-url', plain.streamBase, '--allow-unverified-artifacts', '--to', dir], { sandbox });
      expect(f.code).toBe(0);
      expect(f.stderr).toMatch(
        /fetched into .*unverified, NOT verified \(kernel, initramfs, rootfs\): hosts refuse it unless --allow-unverified-artifacts/,
      );
      const manifest = JSON.parse(readFileSync(path.join(dir, 'release.json'), 'utf8')) as {
        artifacts: Record<string, { source: string; verifiedBy: string }>;
      };
      expect(ROLES.map((role) => [manifest.artifacts[role]!.source, manifest.artifacts[role]!.verifiedBy])).toEqual(
        ROLES.map(() => ['unverified', 'none']),
      );
    });

    it('is verified by a checksum file the user gives; one missing an entry is refused (5)', async () => {
      const sandbox = sandboxHost(HOST);
      const sums = path.join(tmp.dir, 'SHA256SUMS');
      writeFileSync(sums, ROLES.map((role) => `${sha(release[role])}  ${release.names[role]}\n`).join(''));
      const r = await run(['plan', '--stream-base-url', plain.streamBase, '--ignition', ign, '--checksums', sums, '--json'], { sandbox });
      expect(r.code).toBe(0);
      expect((r.json!.plan as Plan).release.artifacts.initramfs.verifiedBy).toBe('user-hash');

      const partial = path.join(tmp.dir, 'PARTIAL');
      writeFileSync(partial, `${sha(release.kernel)}  ${release.names.kernel}\n`);
      const r2 = await run(['--stream-base-url', plain.streamBase, '--ignition', ign, '--checksums', partial, '--yes'], { sandbox });
      expectRefusal(r2, sandbox, 5, new RegExp(`--checksums .*PARTIAL has no entry for ${release.names.initramfs.replace(/\./g, '\\.')}`));
      expect(filesUnder(path.join(sandbox, 'work/cache'))).toEqual([]);
    });
  });

  describe('the fleet flow: fetch once, serve over plain HTTP, pin release.json', () => {
    let manifestSha256: string;
    let dir: string;

    beforeAll(async () => {
      const sandbox = sandboxHost(HOST);
      dir = path.join(tmp.dir, 'release');
      const r = await run(['fetch', '--stream-base-url', company.streamBase, '--to', dir, '--json'], { sandbox });
      expect(r.stderr).not.toMatch(/error/);
      expect(r.code).toBe(0);
      manifestSha256 = (r.json as { manifestSha256: string }).manifestSha256;
      for (const name of readdirSync(dir)) fleet.set(`/nestos/${name}`, readFileSync(path.join(dir, name)));
    });

    it('fetch prints the sha256 of release.json, for people and in --json', async () => {
      expect(manifestSha256).toBe(sha(readFileSync(path.join(dir, 'release.json'))));
      const sandbox = sandboxHost(HOST);
      const again = await run(['fetch', '--stream-base-url', company.streamBase, '--to', dir], { sandbox });
      expect(again.code).toBe(0);
      expect(again.stderr).toContain(`release.json sha256 ${manifestSha256}`);
      expect(again.stderr).toContain(`--release-manifest-sha256 ${manifestSha256}`);
    });

    it('a host converts from the plain-HTTP copy with --release-manifest-sha256, every artifact verifiedBy manifest', async () => {
      const sandbox = sandboxHost(HOST, { trustMirrorCa: false });
      const r = await run(
        [
          '--release-url',
          fleet.url('/nestos/'),
          '--release-manifest-sha256',
          manifestSha256,
          '--ignition',
          ign,
          '--yes',
          '--no-reboot',
          '--json',
        ],
        { sandbox },
      );
      expect(r.stderr).not.toMatch(/error/);
      expect(r.code).toBe(0);
      expect(r.json).toMatchObject({ ok: true, result: 'staged' });
      const artifacts = r.json!.artifacts as { role: string; verified: boolean; verifiedBy: string }[];
      expect(artifacts.map((a) => [a.role, a.verified, a.verifiedBy])).toEqual(ROLES.map((role) => [role, true, 'manifest']));
      expect(changes(sandbox).some((a) => a[0] === 'kexec' && a[1] === '-l')).toBe(true);
    });

    it('without the hash the plain-HTTP copy is refused (5), naming the flag', async () => {
      const sandbox = sandboxHost(HOST);
      const r = await run(['--release-url', fleet.url('/nestos/'), '--ignition', ign, '--yes'], { sandbox });
      expectRefusal(r, sandbox, 5, /release\.json at .* came over plain HTTP.*--release-manifest-sha256/);
    });

    it('a release.json that does not match the hash is refused (5) and nothing is downloaded', async () => {
      const sandbox = sandboxHost(HOST);
      const r = await run(
        ['--release-url', fleet.url('/nestos/'), '--release-manifest-sha256', '0'.repeat(64), '--ignition', ign, '--yes'],
        { sandbox },
      );
      expectRefusal(r, sandbox, 5, /release\.json has sha256 [0-9a-f]{64}, but --release-manifest-sha256 says 0{64}/);
      expect(filesUnder(path.join(sandbox, 'work/cache'))).toEqual([]);
    });

    it('a release.json naming a file outside its directory is refused (5), even with its hash pinned', async () => {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'release.json'), 'utf8')) as { artifacts: { rootfs: { name: string } } };
      manifest.artifacts.rootfs.name = '../../etc/shadow';
      const bytes = Buffer.from(JSON.stringify(manifest));
      fleet.set('/evil/release.json', bytes);
      const sandbox = sandboxHost(HOST);
      const r = await run(['--release-url', fleet.url('/evil/'), '--release-manifest-sha256', sha(bytes), '--ignition', ign, '--yes'], {
        sandbox,
      });
      expectRefusal(r, sandbox, 5, /names a file outside its directory \(rootfs: "\.\.\/\.\.\/etc\/shadow"\)/);
      expect(filesUnder(path.join(sandbox, 'work/cache'))).toEqual([]);
    });
  });
});
