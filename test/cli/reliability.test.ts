/**
 * Issue 13's defects 1-11, each as the built binary shows it to a user on a sandboxed host: the
 * exit code, the one line on stderr, and what is left in the work directory and the kernel.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUILD,
  changes,
  fakeRelease,
  ignitionWithKey,
  invocations,
  mirror,
  mirrorFixture,
  run,
  sandboxHost,
  slowKexecLoad,
  start,
  waitFor,
} from './harness.js';

const HOST = 'openeuler-22.03-lts-sp3';

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => /^x2nestos: (error|internal error)/.test(l));
const loaded = (sandbox: string) => readFileSync(path.join(sandbox, 'root/sys/kernel/kexec_loaded'), 'utf8').trim() === '1';
const work = (sandbox: string, ...p: string[]) => path.join(sandbox, 'work', ...p);

describe('issue 13 defects (built binary, sandboxed host)', () => {
  const release = fakeRelease(BUILD);
  const env = mirrorFixture('reliability', [{ stream: '2403-LTS', build: BUILD, release }]);
  const { ign, tmp } = env;
  const base = () => ['--stream-base-url', env.server.streamBase, '--ignition', ign];
  const artifactRequests = () => env.server.requests.filter((q) => q.path.includes(BUILD)).length;

  describe('1, 8: a closed or full stdout', () => {
    it('1: the --events reader going away while "Loading" does not abort the conversion half-way', async () => {
      const sandbox = sandboxHost(HOST);
      slowKexecLoad(sandbox, 1500);
      const child = start([...base(), '--yes', '--no-reboot', '--events', 'jsonl'], { sandbox });
      await waitFor(() => child.stdoutText().includes('"stage":"Loading the live kernel"'));
      child.closeStdout();
      const r = await child.done;
      expect(r.stderr).not.toMatch(/internal error|EPIPE|\n\s+at /);
      expect(r.code).toBe(0);
      // It finished what it was asked to do: staged and loaded, with the state status reads.
      expect(loaded(sandbox)).toBe(true);
      expect(existsSync(work(sandbox, 'state.json'))).toBe(true);
      expect(existsSync(work(sandbox, 'lock'))).toBe(false);
      expect(readFileSync(work(sandbox, 'x2nestos.log'), 'utf8')).toMatch(/stdout failed \(EPIPE\): its reader went away/);
    });

    it('1: with the reader gone and the load failing, everything is undone', async () => {
      const sandbox = sandboxHost(HOST, { kexecStderr: 'kexec_load failed: Cannot allocate memory\n' });
      slowKexecLoad(sandbox, 1500);
      const child = start([...base(), '--yes', '--events', 'jsonl'], { sandbox });
      await waitFor(() => child.stdoutText().includes('"stage":"Loading the live kernel"'));
      child.closeStdout();
      const r = await child.done;
      expect(r.code).toBe(7);
      expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/^x2nestos: error: loading the live kernel failed: not enough memory/)]);
      expect(existsSync(work(sandbox, 'staged'))).toBe(false);
      expect(existsSync(work(sandbox, 'lock'))).toBe(false);
    });

    it('8: `plan --help` into a closed pipe exits 0 quietly', async () => {
      const child = start(['plan', '--help']);
      child.closeStdout();
      const r = await child.done;
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    });

    it('8: --json into a full disk says so and exits with the output code (10)', async () => {
      const sandbox = sandboxHost(HOST);
      const full = openSync('/dev/full', 'w');
      try {
        const r = await run(['status', '--json'], { sandbox, stdoutFd: full });
        expect(r.code).toBe(10);
        expect(errorLines(r.stderr)).toEqual([
          'x2nestos: error: could not write the JSON output to stdout (ENOSPC): send it to a file on a filesystem with free space, or to a pipe',
        ]);
      } finally {
        closeSync(full);
      }
    });
  });

  describe('2: no staged secret left on any failure; status and abort look at the work dir', () => {
    it('a failed kexec load removes the staged kernel and initrd, and status agrees', async () => {
      const sandbox = sandboxHost(HOST, { kexecStderr: 'kexec_file_load failed: Operation not permitted\n' });
      const r = await run([...base(), '--yes', '--no-reboot'], { sandbox });
      expect(r.code).toBe(7);
      expect(existsSync(work(sandbox, 'staged'))).toBe(false);
      expect(readdirSync(work(sandbox, 'cache')).filter((f) => f.endsWith('.part'))).toEqual([]);
      const status = await run(['status', '--json'], { sandbox });
      expect(status.json).toMatchObject({ status: { staged: null, kernelLoaded: false, leftovers: [], stateCorrupt: null } });
    });

    it('SIGTERM while loading unloads and removes what was staged (130)', async () => {
      const sandbox = sandboxHost(HOST);
      slowKexecLoad(sandbox, 1500);
      const child = start([...base(), '--yes'], { sandbox });
      await waitFor(() => invocations(sandbox).some((i) => i.argv[0] === 'kexec' && i.argv[1] === '-l'));
      child.kill('SIGTERM');
      const r = await child.done;
      expect(r.code).toBe(130);
      expect(changes(sandbox).at(-1)).toEqual(['kexec', '-u']);
      expect(loaded(sandbox)).toBe(false);
      expect(existsSync(work(sandbox, 'staged'))).toBe(false);
      expect(existsSync(work(sandbox, 'state.json'))).toBe(false);
      expect(existsSync(work(sandbox, 'lock'))).toBe(false);
    });

    it('status reports leftovers and a corrupt state.json; abort removes them', async () => {
      const sandbox = sandboxHost(HOST);
      mkdirSync(work(sandbox, 'staged'), { recursive: true });
      writeFileSync(work(sandbox, 'staged/initrd.img'), 'secret-bearing initrd');
      writeFileSync(work(sandbox, 'staged/vmlinuz.part'), '');
      writeFileSync(work(sandbox, 'state.json'), '{"version": 1, "kern');
      const status = await run(['status', '--json'], { sandbox });
      expect(status.code).toBe(0);
      expect(status.json).toMatchObject({
        status: {
          staged: null,
          stateCorrupt: 'is not valid JSON',
          leftovers: [{ path: work(sandbox, 'staged/initrd.img') }, { path: work(sandbox, 'staged/vmlinuz.part') }],
        },
      });
      const text = await run(['status'], { sandbox });
      expect(text.stderr + text.stdout).toMatch(/Corrupt .*state\.json is not valid JSON/);
      expect(text.stderr + text.stdout).toMatch(/Leftovers +initrd\.img .*vmlinuz\.part .*`x2nestos abort` removes them/);
      const abort = await run(['abort', '--json'], { sandbox });
      expect(abort.json).toMatchObject({ ok: true, aborted: { removedStaged: true, removedCorruptState: true } });
      expect(existsSync(work(sandbox, 'staged'))).toBe(false);
      expect(existsSync(work(sandbox, 'state.json'))).toBe(false);
    });

    it('reboot reports a corrupt state.json as status does, never as "nothing staged" (3)', async () => {
      const sandbox = sandboxHost(HOST);
      mkdirSync(work(sandbox, 'staged'), { recursive: true });
      writeFileSync(work(sandbox, 'staged/initrd.img'), 'secret-bearing initrd');
      writeFileSync(work(sandbox, 'state.json'), '{"version": 1, "kern');
      const r = await run(['reboot', '--yes'], { sandbox });
      expect(r.code).toBe(3);
      expect(errorLines(r.stderr)).toEqual([
        `x2nestos: error: ${work(sandbox, 'state.json')} is not valid JSON: what is staged is unknown: \`x2nestos abort\` unloads and removes anything staged; then run the conversion again`,
      ]);
      expect(changes(sandbox)).toEqual([]);
      // Nothing was touched: status still sees the same corrupt file and the leftover.
      const status = await run(['status', '--json'], { sandbox });
      expect(status.json).toMatchObject({
        status: { stateCorrupt: 'is not valid JSON', leftovers: [{ path: work(sandbox, 'staged/initrd.img') }] },
      });
    });

    it('interrupted before the first byte of a download: no empty .part is left in the cache (130)', async () => {
      // A mirror that answers with headers and then nothing: the run waits for the first bytes.
      const silent = await mirror([{ stream: '2403-LTS', build: BUILD, release }]);
      try {
        for (const role of ['kernel', 'initramfs', 'rootfs'] as const) {
          silent.behave(`/${BUILD}/${release.names[role]}`, { stallAfter: 0, stallTimes: 1000, spareProbes: true });
        }
        const sandbox = sandboxHost(HOST);
        const child = start(['--stream-base-url', silent.streamBase, '--ignition', ign, '--yes'], { sandbox });
        await waitFor(() => silent.requests.some((q) => q.path.includes(BUILD) && q.range !== 'bytes=0-0'));
        await new Promise((resolve) => setTimeout(resolve, 300));
        child.kill('SIGINT');
        const r = await child.done;
        expect(r.code).toBe(130);
        // The downloads start before the confirmation (--yes: at once); which side of it the signal
        // lands on decides the wording, never the outcome: nothing loaded or staged, no empty .part.
        expect(r.stderr).toMatch(/^x2nestos: interrupted by SIGINT(; nothing was changed|: run the same command again to resume)$/m);
        expect(existsSync(work(sandbox, 'staged'))).toBe(false);
        expect(existsSync(work(sandbox, 'cache'))).toBe(true);
        expect(readdirSync(work(sandbox, 'cache')).filter((f) => f.endsWith('.part'))).toEqual([]);
        expect(changes(sandbox)).toEqual([]);
      } finally {
        await silent.close();
      }
    });
  });

  describe('3: proxy variables', () => {
    it('status and abort never read them', async () => {
      const sandbox = sandboxHost(HOST);
      for (const cmd of ['status', 'abort']) {
        const r = await run([cmd], { sandbox, env: { https_proxy: '10.0.0.1:3128', http_proxy: 'http://[broken' } });
        expect(r.stderr).not.toMatch(/error/);
        expect(r.code).toBe(0);
      }
    });

    it('an unusable one is a usage error naming the variable', async () => {
      const r = await run(['plan', ...base()], { sandbox: sandboxHost(HOST), env: { http_proxy: 'http://[broken' } });
      expect(r.code).toBe(2);
      expect(errorLines(r.stderr)).toEqual([
        expect.stringMatching(
          /^x2nestos: error: http_proxy="http:\/\/\[broken" is not a usable proxy: .*: set http_proxy to http:\/\/HOST:PORT/,
        ),
      ]);
    });

    it('plan from local files needs no proxy', async () => {
      const files = Object.fromEntries(
        (['kernel', 'initramfs', 'rootfs'] as const).map((role) => {
          const p = path.join(tmp.dir, release.names[role]);
          writeFileSync(p, release[role]);
          return [role, p];
        }),
      );
      const r = await run(
        ['plan', '--kernel', files.kernel!, '--initramfs', files.initramfs!, '--rootfs', files.rootfs!, '--ignition', ign],
        { sandbox: sandboxHost(HOST), env: { https_proxy: 'socks5://x' } },
      );
      expect(r.stderr).not.toMatch(/proxy/);
      expect(r.code).toBe(0);
    });
  });

  describe('4, 5, 6, 9: usage errors before anything is fetched', () => {
    const refusedEarly = async (args: string[], code: number, line: RegExp, sandbox = sandboxHost(HOST)) => {
      const before = env.server.requests.length;
      const r = await run(args, { sandbox });
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      expect({ code: r.code, lines: errorLines(r.stderr) }).toEqual({ code, lines: [expect.stringMatching(line)] });
      expect(env.server.requests.length).toBe(before);
      expect(changes(sandbox)).toEqual([]);
    };
    it('4: a console carrying another argument', () =>
      refusedEarly([...base(), '--yes', '--console', 'ttyS0 init=/bin/sh'], 2, /--console "ttyS0 init=\/bin\/sh" is not a single console/));
    it('4: a console that is a kernel argument', () =>
      refusedEarly(
        [...base(), '--yes', '--console', 'root=/dev/sda'],
        2,
        /--console root=\/dev\/sda is not a console: expected name\[,options\]/,
      ));
    it('4: a real console is taken', async () => {
      const r = await run(['plan', ...base(), '--console', 'ttyS0,115200n8', '--json'], { sandbox: sandboxHost(HOST) });
      expect(r.code).toBe(0);
      expect((r.json!.plan as { live: { kernelArgs: string[] } }).live.kernelArgs).toContain('console=ttyS0,115200n8');
    });
    it('5: a work dir under a file', () =>
      refusedEarly([...base(), '--yes', '--work-dir', '/etc/passwd/x'], 3, /the work directory \/etc\/passwd\/x is not a directory/));
    it('5: a work dir path too long', () =>
      refusedEarly(['abort', '--work-dir', '/' + 'a'.repeat(300)], 2, /the work directory \/a+ is too long a path/));
    it('5: a work dir under /proc neither hangs nor crashes', () =>
      refusedEarly(
        ['abort', '--work-dir', '/proc/x2nestos-test/w'],
        3,
        /the work directory \/proc\/x2nestos-test\/w cannot be used \(ENOENT\)/,
      ));
    it('6: an invalid glob', () =>
      refusedEarly([...base(), '--yes', '--save-partlabel', '['], 2, /--save-partlabel \[ is not a valid glob: a \[ is not closed by \]/));
    it('9: an option given as the value of another', () =>
      refusedEarly(['--ignition', '--yes'], 2, /^x2nestos: error: --ignition needs a value; got the option --yes: /));
  });

  describe('7: the Ignition config is read with a bound', () => {
    it('refuses a character device without reading it', async () => {
      const r = await run(['plan', '--stream-base-url', env.server.streamBase, '--ignition', '/dev/zero'], { sandbox: sandboxHost(HOST) });
      expect(r.code).toBe(2);
      expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/the Ignition config \/dev\/zero is a character device, not a file/)]);
    });
    it('refuses a file over the cap by its size', async () => {
      const big = path.join(tmp.dir, 'big.ign');
      spawnSync('truncate', ['-s', '11M', big]);
      const r = await run(['plan', '--stream-base-url', env.server.streamBase, '--ignition', big], { sandbox: sandboxHost(HOST) });
      expect(r.code).toBe(4);
      expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/is larger than 10 MiB/)]);
    });
    it('reads a FIFO (process substitution)', async () => {
      const fifo = path.join(tmp.dir, 'config.fifo');
      spawnSync('mkfifo', [fifo]);
      const child = start(['plan', ...base().slice(0, 2), '--ignition', fifo], { sandbox: sandboxHost(HOST) });
      // Opening a FIFO for writing waits for its reader: in libuv's pool, not on the test's own thread.
      const [r] = await Promise.all([child.done, writeFile(fifo, ignitionWithKey())]);
      expect(r.stderr).not.toMatch(/error/);
      expect(r.code).toBe(0);
    });
  });

  it('10: a malformed SSH key: the reason is on the terminal', async () => {
    const bad = path.join(tmp.dir, 'badkey.ign');
    writeFileSync(
      bad,
      JSON.stringify({
        ignition: { version: '3.3.0' },
        passwd: { users: [{ name: 'nest', sshAuthorizedKeys: ['ssh-dss AAAAB3NzaC1kc3MAAACBAP admin'] }] },
      }),
    );
    const r = await run(['plan', '--stream-base-url', env.server.streamBase, '--ignition', bad], { sandbox: sandboxHost(HOST) });
    expect(r.code).toBe(4);
    expect(errorLines(r.stderr)).toEqual([
      expect.stringMatching(
        /no user a usable SSH key \(user "nest", sshAuthorizedKeys\[0\]: DSA keys are refused by the OpenSSH in NestOS\)/,
      ),
    ]);
  });

  describe('11: the smaller ones', () => {
    it('an invalid hostname is not carried, and the plan says why', async () => {
      const sandbox = sandboxHost(HOST);
      writeFileSync(path.join(sandbox, 'root/proc/sys/kernel/hostname'), 'web_01!\n');
      const r = await run(['plan', ...base(), '--json'], { sandbox });
      expect(r.code).toBe(0);
      const ignition = (r.json!.plan as { ignition: { identityNotes: string[]; additions: string[] } }).ignition;
      expect(ignition.identityNotes).toContain(
        'the hostname "web_01!" is not a valid hostname, so it is not carried (set /etc/hostname in your config)',
      );
      expect(ignition.additions.join()).not.toMatch(/hostname/);
      expect(r.stderr).toMatch(/not a valid hostname/);
    });
    it('a plain-text passwordHash is warned about', async () => {
      const pw = path.join(tmp.dir, 'pw.ign');
      writeFileSync(
        pw,
        ignitionWithKey({
          passwd: {
            users: [
              {
                name: 'nest',
                passwordHash: 'hunter2',
                sshAuthorizedKeys: [JSON.parse(ignitionWithKey()).passwd.users[0].sshAuthorizedKeys[0]],
              },
            ],
          },
        }),
      );
      const r = await run(['plan', '--stream-base-url', env.server.streamBase, '--ignition', pw], { sandbox: sandboxHost(HOST) });
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/user "nest": passwordHash is not a crypt\(3\) hash/);
    });
    it('--signing-key is checked before any download', async () => {
      const junk = path.join(tmp.dir, 'junk.asc');
      writeFileSync(junk, 'not a key at all\n');
      const before = artifactRequests();
      for (const [key, line] of [
        [path.join(tmp.dir, 'missing.asc'), /cannot read --signing-key/],
        [junk, /--signing-key .* is not an OpenPGP public key/],
      ] as const) {
        const r = await run([...base(), '--yes', '--signing-key', key], { sandbox: sandboxHost(HOST) });
        expect(r.code).toBe(2);
        expect(errorLines(r.stderr)).toEqual([expect.stringMatching(line)]);
      }
      expect(artifactRequests()).toBe(before);
    });
    it('an unwritable --log-file is said', async () => {
      const r = await run(['status', '--log-file', '/etc/passwd/x.log'], { sandbox: sandboxHost(HOST) });
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/cannot write the log file \/etc\/passwd\/x\.log \(ENOTDIR\); carrying on without a log/);
    });
    it('a lock file holding "0" is stale, not a running x2nestos', async () => {
      const sandbox = sandboxHost(HOST);
      mkdirSync(work(sandbox), { recursive: true });
      writeFileSync(work(sandbox, 'lock'), '0\n');
      const r = await run([...base(), '--yes', '--no-reboot'], { sandbox });
      expect(r.stderr).not.toMatch(/in use/);
      expect(r.code).toBe(0);
    });
    it('the Ignition URL fetch has an overall deadline (--ignition-timeout)', async () => {
      env.server.set('/trickle.ign', Buffer.from(ignitionWithKey()), { stallAfter: 10, stallTimes: 100 });
      const t0 = Date.now();
      const r = await run(
        [
          'plan',
          '--stream-base-url',
          env.server.streamBase,
          '--ignition',
          env.server.url('/trickle.ign'),
          '--allow-http-ignition',
          '--ignition-timeout',
          '2',
        ],
        { sandbox: sandboxHost(HOST) },
      );
      expect(r.code).toBe(6);
      expect(errorLines(r.stderr)).toEqual([
        expect.stringMatching(/could not fetch the Ignition config from .*trickle\.ign: not complete after 2 s: .*--ignition-timeout/),
      ]);
      expect(Date.now() - t0).toBeLessThan(15_000);
    });
    it('a live command line longer than the kernel takes is refused before loading, with its length', async () => {
      const sandbox = sandboxHost(HOST);
      const kargs = Array.from({ length: 30 }, (_, i) => ['--live-karg', `x2nestos.test${i}=${'v'.repeat(70)}`]).flat();
      const r = await run([...base(), '--yes', ...kargs], { sandbox });
      expect(r.code).toBe(2);
      expect(errorLines(r.stderr)).toEqual([
        expect.stringMatching(/the live kernel command line is \d{4} bytes, more than the x86_64 kernel accepts \(2047\)/),
      ]);
      expect(changes(sandbox)).toEqual([]);
    });
  });
});
