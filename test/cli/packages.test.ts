/**
 * The rpm and deb packages build.sh leaves in dist/, handled by the real package managers the way
 * an admin would, but into scratch roots (`rpm --root`, `dpkg --root`): nothing on this machine is
 * installed or changed. Installed binary runs; a later version upgrades it; the wrong architecture
 * is refused naming it; rpmlint and lintian have nothing to say.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The harness fails the file when dist/ is not built.
import './harness.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIST = path.join(ROOT, 'dist');
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
// A later version, built by the test with the same script build.sh uses.
const NEXT = VERSION.replace(/(\d+)$/, (n) => String(Number(n) + 1));

const rpmFile = (version: string, arch: string) => `x2nestos-${version}-1.${arch}.rpm`;
const debFile = (version: string, arch: string) => `x2nestos_${version}_${arch}.deb`;

function sh(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeout?: number } = {}): SpawnSyncReturns<string> {
  const result = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C', ...opts.env },
    timeout: opts.timeout ?? 120_000,
  });
  if (result.error) throw new Error(`${cmd} could not run: ${result.error.message}`);
  return result;
}

function ok(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeout?: number } = {}): string {
  const result = sh(cmd, args, opts);
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${result.status}: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** An empty dpkg database under `root`, as dpkg --root expects it. */
function dpkgRoot(root: string): void {
  for (const dir of ['var/lib/dpkg/info', 'var/lib/dpkg/updates', 'var/lib/dpkg/triggers'])
    mkdirSync(path.join(root, dir), { recursive: true });
  writeFileSync(path.join(root, 'var/lib/dpkg/status'), '');
  writeFileSync(path.join(root, 'var/lib/dpkg/available'), '');
}

describe('rpm and deb packages (dist/, scratch roots)', () => {
  let scratch = '';
  let next = '';
  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'x2nestos-packages-'));
    next = path.join(scratch, 'next');
    // --fast: the test's throwaway packages need no good compression.
    ok(
      path.join(ROOT, 'scripts/build/packages.sh'),
      ['--out', next, '--version', NEXT, '--arch', 'x64', '--formats', 'rpm,deb', '--fast'],
      { timeout: 600_000 },
    );
  }, 600_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('are all in dist/SHA256SUMS with their real sha256', () => {
    const sums = readFileSync(path.join(DIST, 'SHA256SUMS'), 'utf8');
    for (const file of [rpmFile(VERSION, 'x86_64'), rpmFile(VERSION, 'aarch64'), debFile(VERSION, 'amd64'), debFile(VERSION, 'arm64')]) {
      const digest = createHash('sha256')
        .update(readFileSync(path.join(DIST, file)))
        .digest('hex');
      expect(sums).toContain(`${digest}  ${file}\n`);
    }
  });

  it('rpm: metadata, and nothing rpm 4.11 (CentOS 7) cannot read', () => {
    for (const arch of ['x86_64', 'aarch64']) {
      const rpm = path.join(DIST, rpmFile(VERSION, arch));
      const info = ok('rpm', ['-qp', '--qf', '%{NAME} %{VERSION} %{ARCH} %{LICENSE} %{URL} %{PAYLOADCOMPRESSOR}\\n%{SUMMARY}\\n', rpm]);
      expect(info).toMatch(new RegExp(`^x2nestos ${VERSION} ${arch} MulanPSL-2\\.0 https://\\S+ gzip\\n\\S`));
      expect(ok('rpm', ['-qp', '--changelog', rpm])).toContain(`- ${VERSION}-1`);
      // rpmlib features rpm 4.11 has; a zstd payload or rich dependencies would add others.
      const features = ok('rpm', ['-qp', '--requires', rpm])
        .split('\n')
        .filter((l) => l.startsWith('rpmlib('));
      const known = ['rpmlib(CompressedFileNames) <= 3.0.4-1', 'rpmlib(FileDigests) <= 4.6.0-1', 'rpmlib(PayloadFilesHavePrefix) <= 4.0-1'];
      expect(features.filter((f) => !known.includes(f))).toEqual([]);
      expect(ok('rpm', ['-qpl', rpm]).split('\n')).toEqual(
        expect.arrayContaining([
          '/usr/bin/x2nestos',
          '/usr/share/man/man8/x2nestos.8.gz',
          '/usr/share/bash-completion/completions/x2nestos',
          '/usr/share/zsh/site-functions/_x2nestos',
          '/usr/share/licenses/x2nestos/LICENSE',
        ]),
      );
    }
  });

  it('rpm: installs into a scratch root, runs, upgrades to a later version, refuses the wrong arch', () => {
    const root = path.join(scratch, 'rpm-root');
    mkdirSync(root);
    // --nodeps: the scratch root has no glibc package; --noscripts: the package has none anyway.
    const rpm = (...args: string[]) => sh('rpm', ['--root', root, '--nodeps', '--noscripts', ...args]);
    let step = rpm('-i', path.join(DIST, rpmFile(VERSION, 'x86_64')));
    expect(step.status, step.stderr).toBe(0);
    expect(ok(path.join(root, 'usr/bin/x2nestos'), ['--version']).trim()).toBe(`x2nestos ${VERSION}`);
    expect(gunzipSync(readFileSync(path.join(root, 'usr/share/man/man8/x2nestos.8.gz'))).toString()).toMatch(/^\.TH X2NESTOS 8 /m);

    step = rpm('-U', path.join(next, rpmFile(NEXT, 'x86_64')));
    expect(step.status, step.stderr).toBe(0);
    expect(ok('rpm', ['--root', root, '-q', 'x2nestos']).trim().split('\n')).toEqual([`x2nestos-${NEXT}-1.x86_64`]);
    expect(ok(path.join(root, 'usr/bin/x2nestos'), ['--version']).trim()).toMatch(/^x2nestos \S+$/);

    const wrong = sh('rpm', ['--root', path.join(scratch, 'rpm-root-arm'), '--nodeps', '-i', path.join(DIST, rpmFile(VERSION, 'aarch64'))]);
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toMatch(/aarch64.*intended for a different architecture/);
  });

  it('deb: metadata, installs into a scratch root, runs, upgrades to a later version, refuses the wrong arch', () => {
    for (const arch of ['amd64', 'arm64']) {
      const deb = path.join(DIST, debFile(VERSION, arch));
      const fields = ok('dpkg-deb', ['-f', deb, 'Package', 'Version', 'Architecture', 'Homepage', 'Depends']);
      expect(fields).toContain(`Version: ${VERSION}\n`);
      expect(fields).toContain(`Architecture: ${arch}\n`);
      const listing = ok('dpkg-deb', ['-c', deb]);
      for (const file of [
        './usr/bin/x2nestos',
        './usr/share/man/man8/x2nestos.8.gz',
        './usr/share/bash-completion/completions/x2nestos',
        './usr/share/zsh/vendor-completions/_x2nestos',
        './usr/share/doc/x2nestos/copyright',
        './usr/share/doc/x2nestos/changelog.gz',
      ]) {
        expect(listing).toMatch(new RegExp(`^-\\S+ root/root .* ${file.replace(/\./g, '\\.')}$`, 'm'));
      }
    }
    const root = path.join(scratch, 'deb-root');
    dpkgRoot(root);
    // Dependencies are this machine's business, not the scratch root's (it has no libc6 package).
    const dpkg = (...args: string[]) => sh('dpkg', ['--root', root, '--force-depends', '--force-not-root', ...args]);
    let step = dpkg('-i', path.join(DIST, debFile(VERSION, 'amd64')));
    expect(step.status, step.stderr).toBe(0);
    expect(ok(path.join(root, 'usr/bin/x2nestos'), ['--version']).trim()).toBe(`x2nestos ${VERSION}`);

    step = dpkg('-i', path.join(next, debFile(NEXT, 'amd64')));
    expect(step.status, step.stderr).toBe(0);
    expect(ok('dpkg-query', ['--admindir', path.join(root, 'var/lib/dpkg'), '-W', '-f', '${Version} ${Status}', 'x2nestos'])).toBe(
      `${NEXT} install ok installed`,
    );

    const wrongRoot = path.join(scratch, 'deb-root-arm');
    dpkgRoot(wrongRoot);
    const wrong = sh('dpkg', ['--root', wrongRoot, '--force-depends', '-i', path.join(DIST, debFile(VERSION, 'arm64'))]);
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toMatch(/package architecture \(arm64\) does not match system \(amd64\)/);
  });

  it('rpmlint and lintian report nothing (each filter is explained in assets/packaging/README.md)', () => {
    const rpmlint = sh('rpmlint', ['-c', path.join(ROOT, 'assets/packaging/rpmlint.toml'), path.join(DIST, rpmFile(VERSION, 'x86_64'))], {
      timeout: 600_000,
    });
    expect(rpmlint.stdout).toMatch(/ 0 errors, 0 warnings/);
    expect(rpmlint.status, rpmlint.stdout).toBe(0);
    const lintian = sh('lintian', ['-I', '--pedantic', path.join(DIST, debFile(VERSION, 'amd64'))], { timeout: 900_000 });
    expect(lintian.stdout, lintian.stderr).toBe('');
    expect(lintian.status, lintian.stderr).toBe(0);
  }, 1_500_000);
});
