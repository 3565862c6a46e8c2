/**
 * Runs the BUILT binary as a user would, against a sandboxed host (X2NESTOS_SANDBOX: a captured
 * machine in a temp directory, see src/effects/sandbox.ts) and a loopback mirror. Nothing is
 * spawned on this machine by the binary under test, and the host guard is set on top of that.
 *
 * The mirror is https, with a certificate from a CA made for this test run, and each sandbox has
 * that CA in its system trust store, as a company's hosts have their internal CA: so the stream's
 * hashes are trusted (verifiedBy tls) the way they are on a real, well-configured host.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll } from 'vitest';
import { cpioArchive } from '../../src/formats/cpio.js';
import { copyTree } from '../support/copy-tree.js';
import { machineOutputProblems } from '../support/machine-output.js';
import { startServer, type TestServer } from '../unit/fetch/server.js';
import { throwawayCa, type ThrowawayCa } from '../support/throwaway-ca.js';

let ca: ThrowawayCa | undefined;
/** The CA the test mirrors' certificates come from (made once per test file). */
export function mirrorCa(): ThrowawayCa {
  if (!ca) {
    ca = throwawayCa('x2nestos test company CA');
    process.once('exit', () => ca?.cleanup());
  }
  return ca;
}

const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = process.env.X2NESTOS_BIN ?? path.join(ROOT, 'dist/x2nestos-linux-x64');
/** Where the release file under test unpacks its private runtime (shared by the CLI tests). */
export const CLI_CACHE = path.join(ROOT, '.cache/cli-runtime');

// A missing build fails every CLI test file at once with this message; it is never a reason to skip.
if (!existsSync(BIN)) throw new Error(`${BIN} is not built: run ./build.sh (npm test does) before the CLI tests`);

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  json: Record<string, unknown> | undefined;
}

type RunOptions = {
  sandbox?: string;
  env?: Record<string, string>;
  cwd?: string;
  /** stdout goes to this file descriptor (e.g. /dev/full) instead of a pipe the test reads. */
  stdoutFd?: number;
  /** Files may grow to this many KiB (RLIMIT_FSIZE, SIGXFSZ ignored): writes past it fail with EFBIG, like a full disk. */
  fileSizeLimitKiB?: number;
};

export function run(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return start(args, opts).done;
}

/** Starts the binary; `done` settles when it exits (for tests that signal it meanwhile). */
export function start(
  args: string[],
  opts: RunOptions = {},
): { kill: (signal: NodeJS.Signals) => void; done: Promise<RunResult>; closeStdout: () => void; stdoutText: () => string } {
  let kill: (signal: NodeJS.Signals) => void = () => undefined;
  let closeStdout: () => void = () => undefined;
  let stdout = '';
  const [program, argv] =
    opts.fileSizeLimitKiB === undefined
      ? [BIN, args]
      : ['bash', ['-c', `trap '' XFSZ; ulimit -f ${opts.fileSizeLimitKiB}; exec "$0" "$@"`, BIN, ...args]];
  const done = new Promise<RunResult>((resolve, reject) => {
    const child = spawn(program, argv, {
      cwd: opts.cwd ?? ROOT,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/root',
        X2NESTOS_FORBID_HOST_CHANGES: '1',
        // The release file unpacks its runtime here, never into this machine's /var/cache.
        X2NESTOS_CACHE_DIR: CLI_CACHE,
        NO_COLOR: '1',
        ...(opts.sandbox ? { X2NESTOS_SANDBOX: opts.sandbox } : {}),
        ...opts.env,
      },
      stdio: ['ignore', opts.stdoutFd ?? 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    kill = (signal) => child.kill(signal);
    // The reader goes away, as `| head -3` does: the binary's next writes to stdout fail with EPIPE.
    closeStdout = () => child.stdout?.destroy();
    child.on('error', reject);
    child.on('close', (code) => {
      let json: Record<string, unknown> | undefined;
      try {
        json = stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : undefined;
      } catch {
        json = undefined;
      }
      // Whatever the test asserts, what the binary printed for programs must fit the published schema.
      const problems = machineOutputProblems(args, stdout);
      if (problems.length > 0) {
        reject(new Error(`x2nestos ${args.join(' ')} printed output off its schema:\n${problems.join('\n')}\n${stdout.slice(0, 4000)}`));
        return;
      }
      resolve({ code: code ?? -1, stdout, stderr, json });
    });
  });
  return { kill: (signal) => kill(signal), done, closeStdout: () => closeStdout(), stdoutText: () => stdout };
}

export async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A sandboxed copy of a captured host from test/fixtures/hosts/<name>. `kexec` loads succeed and set
 * /sys/kernel/kexec_loaded unless `kexecStderr` makes them fail like the real tool does.
 */
export function sandboxHost(
  fixture: string,
  opts: { kexecStderr?: string; kexecInstalled?: boolean; trustMirrorCa?: boolean } = {},
): string {
  const dir = mkdtempSync(path.join(tmpdir(), `x2nestos-cli-${fixture}-`));
  copyTree(path.join(ROOT, 'test/fixtures/hosts', fixture), dir);
  if (opts.trustMirrorCa !== false) {
    // Where the family's own tools read their CA bundle (update-ca-certificates / update-ca-trust).
    const bundle = existsSync(path.join(dir, 'root/etc/debian_version'))
      ? 'etc/ssl/certs/ca-certificates.crt'
      : 'etc/pki/tls/certs/ca-bundle.crt';
    mkdirSync(path.join(dir, 'root', path.dirname(bundle)), { recursive: true });
    writeFileSync(path.join(dir, 'root', bundle), mirrorCa().caPem);
  }
  const specPath = path.join(dir, 'commands.json');
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as { programs?: Record<string, string>; commands?: unknown[] };
  spec.programs = { ...spec.programs, kexec: '/usr/sbin/kexec', systemctl: '/usr/bin/systemctl', sync: '/usr/bin/sync' };
  if (opts.kexecInstalled === false) delete spec.programs.kexec;
  const load = opts.kexecStderr
    ? { argv: ['kexec', '-l'], prefix: true, exitCode: 1, stderr: opts.kexecStderr }
    : { argv: ['kexec', '-l'], prefix: true, writes: { '/sys/kernel/kexec_loaded': '1\n' } };
  spec.commands = [load, { argv: ['kexec', '-u'], writes: { '/sys/kernel/kexec_loaded': '0\n' } }, ...(spec.commands ?? [])];
  writeFileSync(specPath, JSON.stringify(spec, null, 2));
  mkdirSync(path.join(dir, 'root/sys/kernel'), { recursive: true });
  writeFileSync(path.join(dir, 'root/sys/kernel/kexec_loaded'), '0\n');
  mkdirSync(path.join(dir, 'root/proc/sys/kernel/random'), { recursive: true });
  writeFileSync(path.join(dir, 'root/proc/sys/kernel/random/boot_id'), 'f3b9a8c2-0d1e-4c55-9a7e-1b2c3d4e5f60\n');
  return dir;
}

/** Makes the sandbox's `kexec -l` take `ms` (so a test can act while x2nestos loads). */
export function slowKexecLoad(sandbox: string, ms: number): void {
  const specPath = path.join(sandbox, 'commands.json');
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as { commands: { argv: string[]; delayMs?: number }[] };
  for (const c of spec.commands) if (c.argv[0] === 'kexec' && c.argv[1] === '-l') c.delayMs = ms;
  writeFileSync(specPath, JSON.stringify(spec));
}

export function invocations(sandbox: string): { kind: 'probe' | 'change'; argv: string[] }[] {
  const file = path.join(sandbox, 'invocations.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { kind: 'probe' | 'change'; argv: string[] });
}

export function changes(sandbox: string): string[][] {
  return invocations(sandbox)
    .filter((i) => i.kind === 'change')
    .map((i) => i.argv);
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export interface FakeRelease {
  kernel: Buffer;
  initramfs: Buffer;
  rootfs: Buffer;
  names: { kernel: string; initramfs: string; rootfs: string };
}

/** A NestOS-shaped live set: the initramfs and rootfs carry their build ids where the contract says. */
export function fakeRelease(build: string, opts: { rootfsBuild?: string; arch?: string; rootfsBytes?: number } = {}): FakeRelease {
  const arch = opts.arch ?? 'x86_64';
  const kernel = Buffer.concat([Buffer.from('MZ fake live kernel '), createHash('sha512').update(build).digest()]);
  const initramfs = gzipSync(
    cpioArchive([
      { type: 'file', path: 'init', mode: 0o755, data: Buffer.from('#!/bin/sh\n') },
      { type: 'file', path: 'etc/nestos-live-initramfs', mode: 0o644, data: Buffer.from(`${build}\n`) },
    ]),
  );
  const rootfs = cpioArchive([
    { type: 'file', path: 'root.squashfs', mode: 0o644, data: Buffer.alloc(opts.rootfsBytes ?? 256 * 1024, 7) },
    { type: 'file', path: 'etc/nestos-live-rootfs', mode: 0o644, data: Buffer.from(`${opts.rootfsBuild ?? build}\n`) },
  ]);
  return {
    kernel,
    initramfs,
    rootfs,
    names: {
      kernel: `nestos-${build}-live-kernel-${arch}`,
      initramfs: `nestos-${build}-live-initramfs.${arch}.img`,
      rootfs: `nestos-${build}-live-rootfs.${arch}.img`,
    },
  };
}

/**
 * Serve a release the way the NestOS mirror does: stream document + artifacts, over https (the
 * sandboxes trust its CA) unless `plainHttp`. `tamper` serves a changed file; `tamperHashes` also
 * publishes that file's hash, as anyone on a plain-HTTP path could.
 */
export async function mirror(
  releases: { stream: string; build: string; release: FakeRelease; arch?: string; tamper?: 'rootfs' | 'kernel'; tamperHashes?: boolean }[],
  opts: { plainHttp?: boolean } = {},
): Promise<TestServer & { streamBase: string }> {
  const server = await startServer(opts.plainHttp ? {} : { tls: { key: mirrorCa().serverKey, cert: mirrorCa().serverCert } });
  for (const r of releases) {
    const arch = r.arch ?? 'x86_64';
    const art = (role: 'kernel' | 'initramfs' | 'rootfs') => {
      const body = r.release[role];
      const p = `/${r.build}/${r.release.names[role]}`;
      const served = r.tamper === role ? Buffer.concat([body.subarray(0, -1), Buffer.from([body[body.length - 1]! ^ 1])]) : body;
      server.set(p, served);
      return { location: server.url(p), sha256: sha256(r.tamperHashes ? served : body) };
    };
    const doc = {
      stream: r.stream,
      metadata: { 'last-modified': '2026-11-01T00:00:00Z' },
      architectures: {
        [arch]: {
          artifacts: {
            metal: { release: r.build, formats: { pxe: { kernel: art('kernel'), initramfs: art('initramfs'), rootfs: art('rootfs') } } },
          },
        },
      },
    };
    server.set(`/streams/${r.stream}.json`, Buffer.from(JSON.stringify(doc)));
  }
  return Object.assign(server, { streamBase: server.url('/streams/') });
}

/** The release most CLI tests convert to, on stream 2403-LTS of the loopback mirror. */
export const BUILD = '24.03-LTS.20241110.0';

type MirrorRelease = Parameters<typeof mirror>[0][number];

export interface MirrorFixture {
  /** The running mirror (set once the file's beforeAll ran). */
  readonly server: TestServer & { streamBase: string };
  /** An Ignition config with a login key for user nest, written before the tests. */
  readonly ign: string;
  /** A scratch directory for the file's own inputs, removed after its tests. */
  readonly tmp: { dir: string; cleanup: () => void };
}

/**
 * The opening CLI test files share: a loopback mirror serving `releases` (by default one release of
 * BUILD on stream 2403-LTS), a scratch directory with an Ignition config in it, both made before the
 * tests of the enclosing describe and gone after them. Call it at the top of that describe.
 */
export function mirrorFixture(
  prefix: string,
  releases: MirrorRelease[] = [{ stream: '2403-LTS', build: BUILD, release: fakeRelease(BUILD) }],
): MirrorFixture {
  const tmp = scratch(prefix);
  const ign = path.join(tmp.dir, 'node.ign');
  let server: (TestServer & { streamBase: string }) | undefined;
  beforeAll(async () => {
    server = await mirror(releases);
    writeFileSync(ign, ignitionWithKey());
  });
  afterAll(async () => {
    await server?.close();
    tmp.cleanup();
  });
  return {
    get server() {
      if (!server) throw new Error('the mirror is not up yet: use it inside a test or a later beforeAll');
      return server;
    },
    ign,
    tmp,
  };
}

export function scratch(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `x2nestos-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Members of a (possibly gzip'd) newc cpio, extracted by GNU cpio. */
export function extractCpio(archive: Uint8Array, into: string): void {
  mkdirSync(into, { recursive: true });
  const r = spawnSync('cpio', ['-idm', '--quiet', '--no-absolute-filenames'], { cwd: into, input: archive });
  if (r.status !== 0) throw new Error(`cpio failed: ${r.stderr.toString()}`);
}

export const NEST_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO+cZGxEZWNEQHNj2tHRpvh0+6KC7Q6j0DemPx26L/xR admin@example';
export const NEST_KEY_FINGERPRINT = 'SHA256:YlxyhWszlNhFAiVmjj1cn8frydWPHyHKE/1OHt1WtDk';

export function ignitionWithKey(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ignition: { version: '3.3.0' }, passwd: { users: [{ name: 'nest', sshAuthorizedKeys: [NEST_KEY] }] }, ...extra });
}
