/**
 * The built binary, end to end, on sandboxed hosts: what a user sees (exit code, stdout, stderr)
 * and what the host would have had done to it (the sandbox records every command).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Plan } from '../../src/plan/types.js';
import {
  BUILD,
  changes,
  fakeRelease,
  mirrorFixture,
  NEST_KEY_FINGERPRINT,
  run,
  sandboxHost,
  start,
  waitFor,
  extractCpio,
} from './harness.js';

const HOST = 'openeuler-22.03-lts-sp3';
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
/** What the tampering mirror serves (harness.ts `mirror`): the last byte flipped. */
const flipLastByte = (b: Buffer) => Buffer.concat([b.subarray(0, -1), Buffer.from([b[b.length - 1]! ^ 1])]);

describe('x2nestos convert (built binary, sandboxed host)', () => {
  const release = fakeRelease(BUILD);
  const slow = fakeRelease('slow');
  const tampered = fakeRelease('tampered');
  // Big enough that its download is written to disk in several batches before the mirror pauses.
  const paused = fakeRelease('paused', { rootfsBytes: 3 * 1024 * 1024 });
  const env = mirrorFixture('cli', [
    { stream: 'paused', build: 'paused', release: paused },
    { stream: '2403-LTS', build: BUILD, release },
    { stream: 'mixed', build: 'mixed', release: fakeRelease('mixed', { rootfsBuild: 'other' }) },
    { stream: 'tampered', build: 'tampered', release: tampered, tamper: 'rootfs' },
    { stream: 'slow', build: 'slow', release: slow },
  ]);
  const { ign, tmp } = env;
  // The rootfs download stalls, so an interrupt arrives mid-download.
  beforeAll(() => env.server.behave(`/slow/${slow.names.rootfs}`, { stallAfter: 4096, stallTimes: 100 }));
  // The mirror holds the rest of this rootfs for a moment: the steps after the downloads can be seen overlapping them.
  const pauseRootfs = () => env.server.behave(`/paused/${paused.names.rootfs}`, { pauseAfter: 1536 * 1024, pauseMs: 2000 });

  /** The error lines of a run, with its paths and port written as <sandbox>, <tmp> and <mirror>. */
  const errorLines = (stderr: string, sandbox: string) =>
    stderr
      .split('\n')
      .filter((l) => l.startsWith('x2nestos: error:'))
      .map((l) =>
        l.replaceAll(sandbox, '<sandbox>').replaceAll(tmp.dir, '<tmp>').replaceAll(new URL(env.server.streamBase).origin, '<mirror>'),
      );

  const base = () => ['--stream-base-url', env.server.streamBase, '--ignition', ign, '--allow-http-ignition'];

  it('plans without changing anything, and says so in JSON', async () => {
    const sandbox = sandboxHost(HOST);
    const r = await run(['plan', ...base(), '--json'], { sandbox });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const plan = r.json!.plan as Plan;
    expect(r.json).toMatchObject({ schemaVersion: 1, command: 'plan', ok: true, exitCode: 0, result: 'planned' });
    expect(plan.target!.installerName).toMatch(/^\/dev\/disk\/by-(id|path)\//);
    expect(plan.live.kernelArgs.slice(0, 3)).toEqual(['ignition.firstboot', 'ignition.platform.id=metal', 'mitigations=auto,nosmt']);
    expect(plan.installer.config).toMatchObject({
      'dest-device': plan.target!.installerName,
      'ignition-file': '/etc/nestos/dest.ign',
      offline: true,
    });
    expect(plan.ignition!.sshKeys.map((k) => k.fingerprint)).toContain(NEST_KEY_FINGERPRINT);
    expect(plan.release.artifacts.rootfs.sha256).toHaveLength(64);
    expect(changes(sandbox)).toEqual([]);
    expect(r.stderr).toMatch(/EVERYTHING ON IT WILL BE ERASED/);
  });

  it('stages a verified live system and loads it, with --no-reboot', async () => {
    const sandbox = sandboxHost(HOST);
    const r = await run([...base(), '--yes', '--no-reboot', '--json'], { sandbox });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ ok: true, result: 'staged' });
    const ch = changes(sandbox);
    const load = ch.find((a) => a[0] === 'kexec' && a[1] === '-l');
    expect(load).toBeDefined();
    expect(ch.some((a) => a[0] === 'systemctl')).toBe(false);
    const staged = r.json!.staged as { initrd: string; kernel: string };
    expect(readFileSync(staged.kernel)).toEqual(release.kernel);
    // The initrd is initramfs + rootfs + payload, each starting on a 4-byte boundary.
    const initrd = readFileSync(staged.initrd);
    const pad = (n: number) => (4 - (n % 4)) % 4;
    expect(initrd.subarray(0, release.initramfs.length)).toEqual(release.initramfs);
    const rootfsAt = release.initramfs.length + pad(release.initramfs.length);
    expect(initrd.subarray(rootfsAt, rootfsAt + release.rootfs.length)).toEqual(release.rootfs);
    const payloadAt = rootfsAt + release.rootfs.length + pad(release.rootfs.length);
    const out = path.join(tmp.dir, 'payload-' + path.basename(sandbox));
    extractCpio(Buffer.from(spawnSync('gzip', ['-dc'], { input: initrd.subarray(payloadAt) }).stdout), out);
    const live = JSON.parse(readFileSync(path.join(out, 'config.ign'), 'utf8')) as {
      ignition: { version: string };
      storage: { files: { path: string; mode: number; contents: { source: string } }[] };
    };
    expect(live.ignition.version).toBe('3.2.0');
    const byPath = Object.fromEntries(live.storage.files.map((f) => [f.path, f]));
    const decode = (src: string) => Buffer.from(src.slice(src.indexOf(',') + 1), src.includes(';base64,') ? 'base64' : 'utf8').toString();
    const yaml = parseYaml(decode(byPath['/etc/nestos/installer.d/0000-x2nestos.yaml']!.contents.source)) as Record<string, unknown>;
    expect(yaml).toMatchObject({ 'ignition-file': '/etc/nestos/dest.ign', offline: true });
    expect(String(yaml['dest-device'])).toMatch(/^\/dev\/disk\/by-/);
    expect(byPath['/etc/nestos/dest.ign']!.mode).toBe(0o600);
    expect(JSON.parse(decode(byPath['/etc/nestos/dest.ign']!.contents.source))).toBeTypeOf('object');
    // NestOS's first boot logs how it was installed: the unit in the destination config, fed by
    // the post-install hook of the live system (src/payload/install-record.ts).
    const dest = JSON.parse(decode(byPath['/etc/nestos/dest.ign']!.contents.source)) as { systemd?: { units?: unknown[] } };
    expect(dest.systemd?.units).toEqual([expect.objectContaining({ name: 'x2nestos-install-journal.service', enabled: true })]);
    expect(byPath['/etc/x2nestos/install-record']!.mode).toBe(0o700);
    // The cmdline handed to kexec is the plan's.
    const plan = r.json!.plan as { live: { kernelArgs: string[] } };
    expect(load!.at(-1)).toBe(`--command-line=${plan.live.kernelArgs.join(' ')}`);

    const status = await run(['status', '--json'], { sandbox });
    expect(status.json).toMatchObject({ ok: true, status: { kernelLoaded: true, stagedThisBoot: true } });
    const abort = await run(['abort', '--json'], { sandbox });
    expect(abort.code).toBe(0);
    expect(changes(sandbox).at(-1)).toEqual(['kexec', '-u']);
    expect(existsSync(staged.initrd)).toBe(false);
    const after = await run(['status', '--json'], { sandbox });
    expect(after.json).toMatchObject({ status: { kernelLoaded: false, staged: null } });
  });

  it('stages while the rootfs is still downloading, into the same initrd staging from the files gives', async () => {
    pauseRootfs();
    const sandbox = sandboxHost(HOST);
    const child = start(
      ['--stream-base-url', env.server.streamBase, '--stream', 'paused', '--ignition', ign, '--yes', '--no-reboot', '--json'],
      {
        sandbox,
      },
    );
    const initrdPart = path.join(sandbox, 'work/staged/initrd.img.part');
    const rootfsPart = path.join(sandbox, 'work/cache', `${paused.names.rootfs}.part`);
    // Both at once: the initrd is being written (past the initramfs) while the rootfs is not yet complete.
    await waitFor(() => existsSync(rootfsPart) && existsSync(initrdPart) && statSync(initrdPart).size > paused.initramfs.length + 4);
    const r = await child.done;
    expect(r.code).toBe(0);
    const initrd = readFileSync((r.json!.staged as { initrd: string }).initrd);
    const pad = (n: number) => (4 - (n % 4)) % 4;
    const rootfsAt = paused.initramfs.length + pad(paused.initramfs.length);
    expect(initrd.subarray(0, paused.initramfs.length)).toEqual(paused.initramfs);
    expect(initrd.subarray(rootfsAt, rootfsAt + paused.rootfs.length).equals(paused.rootfs)).toBe(true);
    expect(readFileSync(path.join(sandbox, 'work/x2nestos.log'), 'utf8')).not.toContain('staging from the downloaded files');
  });

  it('downloads while it checks the Ignition config, and removes what it fetched when the config is refused', async () => {
    pauseRootfs();
    const lockout = path.join(tmp.dir, 'slow-lockout.ign');
    writeFileSync(lockout, JSON.stringify({ ignition: { version: '3.3.0' } }));
    env.server.set('/slow-lockout.ign', readFileSync(lockout), { delayMs: 2500 });
    const sandbox = sandboxHost(HOST);
    const rootfsGets = () => env.server.requestsFor(`/paused/${paused.names.rootfs}`).filter((q) => q.range !== 'bytes=0-0').length;
    const before = rootfsGets();
    const r = await run(
      [
        '--stream-base-url',
        env.server.streamBase,
        '--stream',
        'paused',
        '--ignition',
        env.server.url('/slow-lockout.ign'),
        '--allow-http-ignition',
        '--yes',
      ],
      { sandbox },
    );
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^x2nestos: error: the Ignition config gives no user a usable SSH key/m);
    // The rootfs was being fetched while the config was (it comes later in the pipeline)...
    expect(rootfsGets()).toBeGreaterThan(before);
    // ...and nothing of it, nor of the kernel and initramfs before it, stays.
    expect(existsSync(path.join(sandbox, 'work/cache'))).toBe(false);
    expect(readFileSync(path.join(sandbox, 'work/x2nestos.log'), 'utf8')).toMatch(/removed what this run had downloaded/);
    expect(changes(sandbox)).toEqual([]);
  });

  it('switches with systemctl kexec after staging when --yes is given', async () => {
    const sandbox = sandboxHost(HOST);
    const r = await run([...base(), '--yes', '--json'], { sandbox });
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ result: 'switching' });
    expect(changes(sandbox).slice(-2)).toEqual([['sync'], ['systemctl', 'kexec']]);
  });

  it('switches later with `x2nestos reboot`, the way the plan said', async () => {
    const sandbox = sandboxHost(HOST);
    expect((await run([...base(), '--yes', '--no-reboot'], { sandbox })).code).toBe(0);
    const r = await run(['reboot', '--yes', '--json'], { sandbox });
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ result: 'switching' });
    expect(changes(sandbox).slice(-2)).toEqual([['sync'], ['systemctl', 'kexec']]);
  });

  it('re-runs reuse the verified downloads', async () => {
    const sandbox = sandboxHost(HOST);
    await run([...base(), '--yes', '--no-reboot'], { sandbox });
    const before = env.server.requests.filter((q) => q.path.includes(BUILD) && q.range === undefined).length;
    const again = await run([...base(), '--yes', '--no-reboot'], { sandbox });
    expect(again.code).toBe(0);
    const after = env.server.requests.filter((q) => q.path.includes(BUILD) && q.range === undefined).length;
    expect(after).toBe(before);
  });

  describe('refusals leave the host as it was', () => {
    const config = (name: string, doc: unknown) => {
      const file = path.join(tmp.dir, name);
      writeFileSync(file, JSON.stringify(doc));
      return file;
    };
    const mirrorArgs = (...more: string[]) => ['--stream-base-url', env.server.streamBase, ...more];

    /** A refused download is deleted, not kept as if verified. */
    const noRootfsKept = (sandbox: string) => {
      const cache = path.join(sandbox, 'work/cache');
      expect(existsSync(cache) ? readdirSync(cache).filter((f) => f.includes('rootfs') && !f.endsWith('.part')) : []).toEqual([]);
    };

    // [what is wrong, exit code, the arguments, the one error line exactly as printed, what else holds after]
    const REFUSALS: [string, number, () => string[], string, ((sandbox: string) => void)?][] = [
      [
        'without an Ignition config',
        2,
        () => ['plan', ...mirrorArgs()],
        'x2nestos: error: no Ignition config given: pass --ignition URL|FILE (the config NestOS will boot with)',
      ],
      [
        'without a terminal and without --yes',
        2,
        () => base(),
        'x2nestos: error: no terminal to ask for confirmation on: pass --yes to convert without asking (or `x2nestos plan` to only look)',
      ],
      ['on an unknown flag', 2, () => ['--frobnicate'], "x2nestos: error: unknown option '--frobnicate': see `x2nestos --help`"],
      [
        'on an invalid Ignition config',
        4,
        () => mirrorArgs('--ignition', config('bad.ign', { ignition: { version: '2.2.0' } }), '--yes'),
        'x2nestos: error: the Ignition config <tmp>/bad.ign is invalid: $.ignition.version: unsupported config version: fix the config (`ignition-validate` reports the same errors) and run again (details: <sandbox>/work/x2nestos.log)',
      ],
      [
        'on a config nobody could log in with',
        4,
        () => mirrorArgs('--ignition', config('lockout.ign', { ignition: { version: '3.3.0' } }), '--yes'),
        'x2nestos: error: the Ignition config gives no user a usable SSH key, so nobody could log in to NestOS over SSH: add passwd.users[].sshAuthorizedKeys for user "nest", use --inherit-ssh-keys, or pass --allow-no-ssh-key',
      ],
      [
        'on a checksum mismatch from a tampered mirror',
        5,
        () => mirrorArgs('--stream', 'tampered', '--ignition', ign, '--yes'),
        `x2nestos: error: the rootfs ${tampered.names.rootfs} from <mirror>/tampered/${tampered.names.rootfs} has sha256 ${sha256(flipLastByte(tampered.rootfs))}, but the stream metadata says ${sha256(tampered.rootfs)}: the mirror serves a damaged or different file: check the mirror, or choose another with --stream-base-url (the bad download was deleted) (details: <sandbox>/work/x2nestos.log)`,
        noRootfsKept,
      ],
      [
        'on initramfs and rootfs from different builds',
        5,
        () => mirrorArgs('--stream', 'mixed', '--ignition', ign, '--yes'),
        'x2nestos: error: initramfs is build mixed but rootfs is build other: they must come from the same NestOS build: fetch the initramfs and rootfs of one release (e.g. both from the same stream, ISO or release directory) (details: <sandbox>/work/x2nestos.log)',
      ],
      [
        'when the mirror is unreachable',
        6,
        () => ['--stream-base-url', 'http://127.0.0.1:9/streams/', '--ignition', ign, '--yes'],
        'x2nestos: error: fetching the stream metadata of 2403-LTS from http://127.0.0.1:9/streams/2403-LTS.json failed after 3 attempts (connect ECONNREFUSED 127.0.0.1:9): check the network and proxy (HTTPS_PROXY) and --stream, point --stream-base-url at a reachable mirror, or use --release-dir DIR with files fetched elsewhere by `x2nestos fetch --to DIR` (details: <sandbox>/work/x2nestos.log)',
      ],
    ];

    it.each(REFUSALS)('%s → exit %i, nothing changed', async (_, code, args, line, after) => {
      const sandbox = sandboxHost(HOST);
      const r = await run([...args(), '--json'], { sandbox });
      expect(r.stderr).not.toMatch(/internal error/);
      expect({ code: r.code, lines: errorLines(r.stderr, sandbox) }).toEqual({ code, lines: [line] });
      expect(r.json).toMatchObject({ ok: false, exitCode: code });
      expect(changes(sandbox)).toEqual([]);
      const work = path.join(sandbox, 'work');
      expect(existsSync(path.join(work, 'staged'))).toBe(false);
      expect(existsSync(path.join(work, 'state.json'))).toBe(false);
      after?.(sandbox);
    });
    it('when the kernel refuses the load, explaining why (7)', async () => {
      const sandbox = sandboxHost(HOST, { kexecStderr: 'kexec_file_load failed: Operation not permitted\n' });
      const r = await run([...base(), '--yes', '--json'], { sandbox });
      expect(r.code).toBe(7);
      expect(errorLines(r.stderr, sandbox)).toEqual([
        'x2nestos: error: loading the live kernel failed: the kernel does not permit kexec now (lockdown, kexec_load_disabled, or a security module): check /sys/kernel/security/lockdown and /proc/sys/kernel/kexec_load_disabled; disable Secure Boot or reboot without the sysctl (details: <sandbox>/work/x2nestos.log)',
      ]);
      expect(changes(sandbox).some((a) => a[0] === 'systemctl')).toBe(false);
      expect(existsSync(path.join(sandbox, 'work/state.json'))).toBe(false);
    });
    describe("when Secure Boot lockdown refuses the live kernel's signature (7), before anything irreversible", () => {
      for (const stderr of ['Key was rejected by service', 'Operation not permitted', 'Bad message']) {
        it(stderr, async () => {
          const sandbox = sandboxHost(HOST, { kexecStderr: `kexec_file_load failed: ${stderr}\n` });
          const efivars = path.join(sandbox, 'root/sys/firmware/efi/efivars');
          mkdirSync(efivars, { recursive: true });
          writeFileSync(path.join(efivars, 'SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c'), Buffer.from([6, 0, 0, 0, 1]));
          writeFileSync(path.join(sandbox, 'root/sys/kernel/security/lockdown'), 'none [integrity] confidentiality\n');
          const r = await run([...base(), '--yes', '--json'], { sandbox });
          expect(r.code).toBe(7);
          expect(errorLines(r.stderr, sandbox)).toEqual([
            "x2nestos: error: loading the live kernel failed: this kernel (lockdown=integrity, Secure Boot on) only loads kernels signed with a key it trusts, and it refused the NestOS live kernel's signature; nothing was loaded: enrol the certificate that signed the NestOS kernel with `mokutil --import <cert.der>` and confirm it at the next boot, or disable Secure Boot in the firmware setup, or boot the NestOS live ISO from virtual media instead of converting in place (details: <sandbox>/work/x2nestos.log)",
          ]);
          expect(r.stderr).not.toMatch(/\n\s+at /);
          expect(r.json).toMatchObject({ ok: false, exitCode: 7, error: { kind: 'kexec' } });
          // Only kexec_file_load is tried under lockdown; nothing stays loaded or staged.
          const loads = changes(sandbox).filter((a) => a[0] === 'kexec' && a[1] === '-l');
          expect(loads.map((a) => a[2])).toEqual(['-s']);
          expect(changes(sandbox).some((a) => a[0] === 'systemctl')).toBe(false);
          expect(readFileSync(path.join(sandbox, 'root/sys/kernel/kexec_loaded'), 'utf8')).toBe('0\n');
          expect(existsSync(path.join(sandbox, 'work/staged'))).toBe(false);
          expect(existsSync(path.join(sandbox, 'work/state.json'))).toBe(false);
        });
      }
    });
    it('when interrupted mid-download (130), keeping only a resumable .part', async () => {
      const sandbox = sandboxHost(HOST);
      const child = start(['--stream-base-url', env.server.streamBase, '--stream', 'slow', '--ignition', ign, '--yes'], { sandbox });
      const part = path.join(sandbox, 'work/cache', `${slow.names.rootfs}.part`);
      await waitFor(() => existsSync(part));
      child.kill('SIGINT');
      const r = await child.done;
      expect(r.code).toBe(130);
      // Staging may have begun beside the download: it was undone, and the interrupt is what is reported.
      expect(r.stderr).toMatch(/^x2nestos: interrupted by SIGINT: run the same command again to resume$/m);
      expect(changes(sandbox)).toEqual([]);
      const cache = readdirSync(path.join(sandbox, 'work/cache'));
      expect(cache).toContain(`${slow.names.rootfs}.part`);
      expect(cache).not.toContain(slow.names.rootfs);
      // The next run carries on: the stale per-file lock of the killed run is taken over.
      env.server.behave(`/slow/${slow.names.rootfs}`, {});
      const again = await run(['--stream-base-url', env.server.streamBase, '--stream', 'slow', '--ignition', ign, '--yes', '--no-reboot'], {
        sandbox,
      });
      expect(errorLines(again.stderr, sandbox)).toEqual([]);
      expect(again.code).toBe(0);
      expect(readdirSync(path.join(sandbox, 'work/cache'))).toContain(slow.names.rootfs);
    });
    it('when another x2nestos holds the work directory (3)', async () => {
      const sandbox = sandboxHost(HOST);
      const work = path.join(sandbox, 'work');
      spawnSync('mkdir', ['-p', work]);
      writeFileSync(path.join(work, 'lock'), `${process.pid}\n`);
      const r = await run([...base(), '--yes'], { sandbox });
      expect(r.code).toBe(3);
      expect(errorLines(r.stderr, sandbox)).toEqual([
        `x2nestos: error: the work directory <sandbox>/work is in use by another x2nestos (pid ${process.pid}): wait for it to finish, or stop it (delete <sandbox>/work/lock if no x2nestos is running)`,
      ]);
    });
    it('on a yum-family host without dnf or yum, naming what is missing (3)', async () => {
      const sandbox = sandboxHost(HOST);
      const specPath = path.join(sandbox, 'commands.json');
      const spec = JSON.parse(readFileSync(specPath, 'utf8')) as { programs: Record<string, string> };
      delete spec.programs.dnf;
      delete spec.programs.yum;
      writeFileSync(specPath, JSON.stringify(spec));
      const r = await run([...base(), '--yes'], { sandbox });
      expect(r.code).toBe(3);
      expect(errorLines(r.stderr, sandbox)).toEqual([
        'x2nestos: error: openEuler 22.03 (LTS-SP3) (ID=openeuler) is a yum-family system but neither dnf nor yum is installed: x2nestos supports yum/dnf and apt hosts (openEuler, CentOS/RHEL family, Kylin, Debian, Ubuntu, ...)',
      ]);
      expect(changes(sandbox)).toEqual([]);
    });
  });
});
