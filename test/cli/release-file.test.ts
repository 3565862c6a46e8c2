/**
 * The release files themselves (issue 12.1, 12.2, 12.6a and the launcher's faults): each starts and
 * plans inside an empty root (no /lib, no /usr, no shell: nothing from a host), and every fault of
 * the launcher is one line, a documented exit code, and nothing executed or left behind.
 * A missing build fails here; it is never skipped.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/types.js';
import { fakeRelease, ignitionWithKey, mirror, sandboxHost } from './harness.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const EMPTY_ROOT = path.join(ROOT, 'test/support/empty-root.sh');
const FILES = { x64: path.join(ROOT, 'dist/x2nestos-linux-x64'), arm64: path.join(ROOT, 'dist/x2nestos-linux-arm64') };
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const BUILD = '24.03-LTS.20241110.0';
const PATH_ENV = '/usr/sbin:/usr/bin:/sbin:/bin';

/** The captured host as if kexec-tools were not installed: rpm says so, kexec is not on PATH. */
function withoutKexecTools(sandbox: string): void {
  const specPath = path.join(sandbox, 'commands.json');
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as { commands: { argv: string[]; stdout?: string; exitCode?: number }[] };
  for (const c of spec.commands) {
    if (c.argv.join(' ') === 'rpm -q kexec-tools') Object.assign(c, { stdout: 'package kexec-tools is not installed\n', exitCode: 1 });
  }
  writeFileSync(specPath, JSON.stringify(spec, null, 2));
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function spawnCollect(argv: string[], env: Record<string, string>): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const tmp = mkdtempSync(path.join(tmpdir(), 'x2nestos-release-file-'));
chmodSync(tmp, 0o700);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the release files are built', () => {
  it.each(Object.entries(FILES))('%s exists and is at most 45 MB', (_arch, file) => {
    expect(existsSync(file), `${file} is missing: run ./build.sh`).toBe(true);
    expect(statSync(file).size).toBeLessThanOrEqual(45_000_000);
  });
});

describe.each(['x64', 'arm64'] as const)('x2nestos-linux-%s in an empty root', (arch) => {
  let server: Awaited<ReturnType<typeof mirror>>;
  let root: string;
  beforeAll(async () => {
    server = await mirror([{ stream: '2403-LTS', build: BUILD, release: fakeRelease(BUILD) }]);
    root = mkdtempSync(path.join(tmp, `root-${arch}-`));
    for (const dir of ['proc', 'dev', 'tmp', 'cache']) mkdirSync(path.join(root, dir));
    copyFileSync(FILES[arch], path.join(root, 'x2nestos'));
    chmodSync(path.join(root, 'x2nestos'), 0o755);
    cpSync(sandboxHost('openeuler-22.03-lts-sp3', { kexecInstalled: false }), path.join(root, 'host'), {
      recursive: true,
      verbatimSymlinks: true,
    });
    withoutKexecTools(path.join(root, 'host'));
    writeFileSync(path.join(root, 'node.ign'), ignitionWithKey());
  });
  afterAll(async () => {
    await server.close();
  });

  const inRoot = (args: string[]) =>
    spawnCollect([EMPTY_ROOT, root, arch, '/x2nestos', ...args], {
      PATH: PATH_ENV,
      HOME: '/tmp',
      X2NESTOS_SANDBOX: '/host',
      X2NESTOS_CACHE_DIR: '/cache',
      X2NESTOS_FORBID_HOST_CHANGES: '1',
      NO_COLOR: '1',
    });

  it('holds nothing but the file, the captured host and the mount points', () => {
    expect(readdirSync(root).sort()).toEqual(['cache', 'dev', 'host', 'node.ign', 'proc', 'tmp', 'x2nestos']);
  });

  it('prints its version, unpacking its runtime into the cache', async () => {
    const r = await inRoot(['--version']);
    expect(r.stderr).toBe('');
    expect(r).toMatchObject({ code: 0, stdout: `x2nestos ${VERSION}\n` });
    const [hash] = readdirSync(path.join(root, 'cache'));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(readdirSync(path.join(root, 'cache', hash!)).sort()).toEqual(['MANIFEST', 'bin', 'lib', 'runtime.json', 'x2nestos-sea']);
  }, 300_000);

  it('plans the captured host, with the kexec it carries (the host has none)', async () => {
    const r = await inRoot(['plan', '--json', '--stream-base-url', server.streamBase, '--ignition', '/node.ign', '--allow-http-ignition']);
    expect(r.stderr).not.toMatch(/internal error/);
    const doc = JSON.parse(r.stdout) as { ok: boolean; plan: Plan };
    expect(r.code, r.stderr).toBe(0);
    expect(doc.ok).toBe(true);
    const [hash] = readdirSync(path.join(root, 'cache'));
    expect(doc.plan.kexec).toMatchObject({
      source: 'carried',
      path: `/cache/${hash}/bin/kexec`,
      version: 'kexec-tools 1:2.0.25-3+deb12u3',
      toolInstalled: true,
      installArgv: [],
    });
    expect(doc.plan.kexec.loadArgv.slice(0, 5)).toEqual([
      `/cache/${hash}/lib/${arch === 'x64' ? 'ld-linux-x86-64.so.2' : 'ld-linux-aarch64.so.1'}`,
      '--library-path',
      `/cache/${hash}/lib`,
      `/cache/${hash}/bin/kexec`,
      '-l',
    ]);
    expect(doc.plan.steps.some((s) => s.startsWith('use the kexec carried in x2nestos'))).toBe(true);
  }, 300_000);
});

describe('launcher faults (x2nestos-linux-x64)', () => {
  const file = FILES.x64;
  const launch = (cache: string, args = ['--version'], env: Record<string, string> = {}) =>
    spawnCollect([file, ...args], { PATH: PATH_ENV, HOME: tmp, X2NESTOS_CACHE_DIR: cache, X2NESTOS_FORBID_HOST_CHANGES: '1', ...env });
  const fresh = (name: string) => {
    const dir = path.join(tmp, name);
    mkdirSync(dir, { mode: 0o700 });
    return dir;
  };
  /** Runs the file in a user + mount namespace where `dir` is a fresh tmpfs mounted with `opts`. */
  const onMount = (opts: string, dir: string) =>
    spawnCollect(
      [
        'unshare',
        '--user',
        '--map-root-user',
        '--mount',
        'sh',
        '-c',
        'mount -t tmpfs -o "$1" tmpfs "$2" && exec "$3" --version',
        'on-mount',
        opts,
        dir,
        file,
      ],
      {
        PATH: PATH_ENV,
        X2NESTOS_CACHE_DIR: dir,
        X2NESTOS_FORBID_HOST_CHANGES: '1',
      },
    );

  it('unpacks once, then starts from the cache', async () => {
    const cache = fresh('once');
    expect((await launch(cache)).code).toBe(0);
    const [hash] = readdirSync(cache);
    const sea = path.join(cache, hash!, 'x2nestos-sea');
    const before = statSync(sea).mtimeMs;
    expect(await launch(cache)).toMatchObject({ code: 0, stdout: `x2nestos ${VERSION}\n` });
    expect(statSync(sea).mtimeMs).toBe(before);
  });

  it('refuses a cache directory that is a symbolic link, executing nothing from it', async () => {
    const real = fresh('link-target');
    const link = path.join(tmp, 'link');
    symlinkSync(real, link);
    const r = await launch(link);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      `x2nestos: error: refusing to run from the cache: ${link} is a symbolic link: remove the link (rm ${link}), or set X2NESTOS_CACHE_DIR to a directory only you can write\n`,
    );
    expect(readdirSync(real)).toEqual([]);
  });

  it('refuses a cache directory others can write', async () => {
    const cache = fresh('open');
    chmodSync(cache, 0o777);
    const r = await launch(cache);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      new RegExp(
        `^x2nestos: error: refusing to run from the cache: ${cache} is writable by other users \\(mode 0777\\): run chmod go-w ${cache}, or set X2NESTOS_CACHE_DIR`,
      ),
    );
    expect(readdirSync(cache)).toEqual([]);
  });

  it('refuses a cache directory owned by another user', async () => {
    const uid = process.getuid!();
    // As root a directory is handed to nobody; as a user, root's /usr is someone else's directory.
    const cache = uid === 0 ? fresh('foreign') : '/usr';
    if (uid === 0) chownSync(cache, 65534, 65534);
    const r = await launch(cache);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      new RegExp(
        `^x2nestos: error: refusing to run from the cache: ${cache} is owned by uid ${uid === 0 ? 65534 : 0}, not by ${uid === 0 ? 'root' : `uid ${uid} \\(you\\)`}: remove it or give it to`,
      ),
    );
  });

  it('with --json, still prints one JSON document for the refusal', async () => {
    const cache = fresh('open-json');
    chmodSync(cache, 0o777);
    const r = await launch(cache, ['plan', '--json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({
      schemaVersion: 1,
      ok: false,
      exitCode: 3,
      result: 'refused',
      error: { kind: 'precondition' },
    });
  });

  it('finds a truncated file by its own checksum before unpacking anything', async () => {
    const cache = fresh('truncated');
    const copy = path.join(tmp, 'truncated-x2nestos');
    copyFileSync(file, copy);
    truncateSync(copy, statSync(file).size - 4096);
    const r = await spawnCollect([copy, '--version'], { PATH: PATH_ENV, X2NESTOS_CACHE_DIR: cache });
    expect(r.code).toBe(5);
    expect(r.stderr).toBe(
      'x2nestos: error: the file is damaged (its end is not an x2nestos payload trailer; it is probably truncated): download it again\n',
    );
    expect(readdirSync(cache)).toEqual([]);
  });

  it('finds an altered file by its own checksum before unpacking anything', async () => {
    const cache = fresh('altered');
    const copy = path.join(tmp, 'altered-x2nestos');
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(copy, bytes, { mode: 0o755 });
    const r = await spawnCollect([copy, '--version'], { PATH: PATH_ENV, X2NESTOS_CACHE_DIR: cache });
    expect(r.code).toBe(5);
    expect(r.stderr).toBe('x2nestos: error: the file is damaged (its payload does not match its sha256): download it again\n');
    expect(readdirSync(cache)).toEqual([]);
  });

  it('unpacks a damaged cache again', async () => {
    const cache = fresh('damaged');
    expect((await launch(cache)).code).toBe(0);
    const [hash] = readdirSync(cache);
    const sea = path.join(cache, hash!, 'x2nestos-sea');
    const size = statSync(sea).size;
    truncateSync(sea, 1000);
    expect(await launch(cache)).toMatchObject({ code: 0, stdout: `x2nestos ${VERSION}\n` });
    expect(statSync(sea).size).toBe(size);
    expect(readdirSync(cache)).toEqual([hash]);
  });

  it('survives two first starts racing: both run, one copy remains, no temporary left', async () => {
    const cache = fresh('race');
    const [a, b] = await Promise.all([launch(cache), launch(cache)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(readdirSync(cache)).toHaveLength(1);
  });

  it.each([
    [
      'noexec',
      'noexec,mode=0700',
      /is mounted noexec, so programs cannot run from it: set X2NESTOS_CACHE_DIR to a directory on a writable, executable mount with \d+ MiB free/,
    ],
    [
      'read-only',
      'ro,mode=0700',
      /is mounted read-only: set X2NESTOS_CACHE_DIR to a directory on a writable, executable mount with \d+ MiB free/,
    ],
    ['full', 'size=1m,mode=0700', /has \d+ MiB free, \d+ MiB needed: set X2NESTOS_CACHE_DIR/],
  ])('on a %s mount, names the mount and the MiB needed', async (name, opts, message) => {
    const dir = fresh(`mount-${name}`);
    const r = await onMount(opts, dir);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`^x2nestos: error: cannot unpack the x2nestos runtime into ${dir}: the mount ${dir} `));
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a 32-bit personality, saying what the kernel reported', async () => {
    const cache = fresh('linux32');
    const r = spawnSync('setarch', ['i686', file, '--version'], { env: { PATH: PATH_ENV, X2NESTOS_CACHE_DIR: cache }, encoding: 'utf8' });
    expect(r.status).toBe(3);
    expect(r.stderr).toBe(
      "x2nestos: error: this x2nestos is for x86_64 but the kernel reports 'i686' (a 32-bit kernel or a 32-bit personality such as linux32): use the x2nestos release file for this machine's architecture (x86_64 or aarch64, 64-bit kernels only)\n",
    );
    expect(readdirSync(cache)).toEqual([]);
  });
});
