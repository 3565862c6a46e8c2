/**
 * The fault matrix (README "Fault matrix"): every stage of a conversion × the faults that can hit
 * it, run as the built binary on a sandboxed host (its fake runner answers kexec and the probes,
 * a loopback mirror serves the release). Each applicable cell asserts the exit code, the one line
 * on stderr, and the host afterwards: nothing loaded, no staged secret, no lock, `status` saying
 * the same. Cells that cannot occur are listed in NOT_APPLICABLE with the reason.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  changes,
  fakeRelease,
  ignitionWithKey,
  invocations,
  mirror,
  mirrorFixture,
  NEST_KEY,
  run,
  type RunResult,
  sandboxHost,
  slowKexecLoad,
  start,
  waitFor,
} from './harness.js';

const HOST = 'openeuler-22.03-lts-sp3';
type Stage = 'facts' | 'resolve' | 'fetch' | 'verify' | 'validate' | 'payload' | 'load' | 'switch';
type Fault =
  | 'network drop'
  | 'tampered artifact'
  | 'disk full'
  | 'SIGINT'
  | 'SIGTERM'
  | 'SIGHUP'
  | 'closed stdout/events'
  | 'kexec failure'
  | 'lock held'
  | 'second run';
/** What the host holds afterwards: nothing of ours, or a staged-and-loaded live system (asked for with --no-reboot). */
type After = 'untouched' | 'staged';

interface Env {
  sandbox: string;
  /** Requests the mirror had served before this cell began. */
  baseline: number;
  args: (...extra: string[]) => string[];
  server: Awaited<ReturnType<typeof mirror>>;
}

interface Cell {
  stage: Stage;
  fault: Fault;
  /** Prepares the host or the mirror; returns the arguments of the run. */
  setup?: (env: Env) => void;
  args: (env: Env) => string[];
  /** Applies the fault while the run is going (a signal, a reader closing stdout). */
  during?: (env: Env, child: ReturnType<typeof start>) => Promise<void>;
  runOpts?: Parameters<typeof start>[1];
  code: number;
  line: RegExp;
  after: After;
}

const BUILD = 'matrix.1';
const signalAt =
  (ready: (env: Env, child: ReturnType<typeof start>) => boolean, signal: NodeJS.Signals) =>
  async (env: Env, child: ReturnType<typeof start>) => {
    await waitFor(() => ready(env, child));
    child.kill(signal);
  };
const ran = (argv0: string, argv1?: string) => (env: Env) =>
  invocations(env.sandbox).some((i) => i.argv[0] === argv0 && (argv1 === undefined || i.argv[1] === argv1));
const requested = (fragment: string) => (env: Env) => env.server.requests.slice(env.baseline).some((q) => q.path.includes(fragment));
const partExists = (env: Env) =>
  existsSync(path.join(env.sandbox, 'work/cache')) &&
  readdirSync(path.join(env.sandbox, 'work/cache')).some((f) => f.includes('rootfs') && f.endsWith('.part'));
const interrupted = (sig: string) => new RegExp(`^x2nestos: interrupted by ${sig}; nothing was changed$`);
/** Interrupted inside the critical section: the step undid itself first. */
const undone = (sig: string) => new RegExp(`^x2nestos: interrupted by ${sig}: run the same command again`);

function delayProbe(sandbox: string, program: string, ms: number): void {
  const specPath = path.join(sandbox, 'commands.json');
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as { commands: { argv: string[]; delayMs?: number }[] };
  const matching = spec.commands.filter((c) => c.argv[0] === program);
  // A probe the host does not answer would make the delay (and the cell) silently meaningless.
  if (matching.length === 0) throw new Error(`the sandbox host answers no ${program} command`);
  for (const c of matching) c.delayMs = ms;
  writeFileSync(specPath, JSON.stringify(spec));
}

function failSwitch(sandbox: string): void {
  const specPath = path.join(sandbox, 'commands.json');
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as { commands: unknown[] };
  // The manager answers and queued nothing: a refusal, not a switch under way (src/switch/switch.ts).
  spec.commands.unshift(
    {
      argv: ['systemctl', 'kexec'],
      exitCode: 1,
      stderr: 'Failed to start kexec.target: Transaction for kexec.target/start is destructive.',
    },
    { argv: ['systemctl', 'is-system-running'], stdout: 'running\n' },
    { argv: ['systemctl', 'list-jobs', '--no-legend', '--no-pager'], stdout: '' },
  );
  writeFileSync(specPath, JSON.stringify(spec));
}

/** A config big enough (1 MiB of incompressible data) that the staged initrd outgrows a file-size limit the downloads fit in. */
function bigIgnition(): string {
  const data = randomBytes(768 * 1024).toString('base64');
  return ignitionWithKey({ storage: { files: [{ path: '/var/lib/blob', contents: { source: `data:;base64,${data}` } }] } });
}

const CELLS: Cell[] = [
  // --- facts: inspecting the host (block devices come from /sys; systemd-detect-virt is a probe every run makes) ---
  {
    stage: 'facts',
    fault: 'lock held',
    setup: ({ sandbox }) => {
      mkdirSync(path.join(sandbox, 'work'), { recursive: true });
      writeFileSync(path.join(sandbox, 'work/lock'), `${process.pid}\n`);
    },
    args: ({ args }) => args('--yes'),
    code: 3,
    line: /^x2nestos: error: the work directory .* is in use by another x2nestos \(pid \d+\)/,
    after: 'untouched',
  },
  ...(['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((sig): Cell => ({
    stage: 'facts',
    fault: sig,
    setup: ({ sandbox }) => delayProbe(sandbox, 'systemd-detect-virt', 3000),
    args: ({ args }) => args('--yes'),
    during: signalAt(ran('systemd-detect-virt'), sig),
    code: 130,
    line: interrupted(sig),
    after: 'untouched',
  })),
  {
    stage: 'facts',
    fault: 'closed stdout/events',
    args: ({ args }) => args('--yes', '--no-reboot', '--events', 'jsonl'),
    during: async (_, child) => child.closeStdout(),
    code: 0,
    line: /^$/,
    after: 'staged',
  },
  // --- resolve: the stream document ------------------------------------------------------------
  {
    stage: 'resolve',
    fault: 'network drop',
    args: ({ args }) => [...args('--yes'), '--stream-base-url', 'http://127.0.0.1:9/streams/'],
    code: 6,
    line: /^x2nestos: error: fetching the stream metadata .* failed after \d attempts/,
    after: 'untouched',
  },
  {
    stage: 'resolve',
    fault: 'tampered artifact',
    setup: ({ server }) => server.set('/streams/garbled.json', Buffer.from('{"stream": "garbled", "architectures": ')),
    args: ({ args }) => args('--yes', '--stream', 'garbled'),
    code: 6,
    line: /^x2nestos: error: .*stream/,
    after: 'untouched',
  },
  ...(['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((sig): Cell => ({
    stage: 'resolve',
    fault: sig,
    setup: ({ server }) => server.behave('/streams/slowdoc.json', { delayMs: 5000 }),
    args: ({ args }) => args('--yes', '--stream', 'slowdoc'),
    during: signalAt((env) => requested('/streams/slowdoc.json')(env), sig),
    code: 130,
    line: interrupted(sig),
    after: 'untouched',
  })),
  // --- fetch: the artifacts ---------------------------------------------------------------------
  {
    stage: 'fetch',
    fault: 'network drop',
    setup: ({ server }) => server.behave(`/${BUILD}/${release.names.rootfs}`, { dropAfter: 4096, dropTimes: 1000 }),
    args: ({ args }) => args('--yes'),
    code: 6,
    line: /^x2nestos: error: download of the rootfs .* failed after \d+ attempts/,
    after: 'untouched',
  },
  ...(['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((sig): Cell => ({
    stage: 'fetch',
    fault: sig,
    setup: ({ server }) => server.behave(`/${BUILD}/${release.names.rootfs}`, { stallAfter: 4096, stallTimes: 1000 }),
    args: ({ args }) => args('--yes'),
    during: signalAt(partExists, sig),
    code: 130,
    // After the confirmation: staging may be under way beside the download, so it is undone first.
    line: undone(sig),
    after: 'untouched',
  })),
  {
    stage: 'fetch',
    fault: 'disk full',
    args: ({ args }) => args('--yes'),
    runOpts: { fileSizeLimitKiB: 64 },
    code: 3,
    line: /^x2nestos: error: cannot write the download: /,
    after: 'untouched',
  },
  {
    stage: 'fetch',
    fault: 'closed stdout/events',
    setup: ({ server }) => server.behave(`/${BUILD}/${release.names.rootfs}`, { delayMs: 800 }),
    args: ({ args }) => args('--yes', '--no-reboot', '--events', 'jsonl'),
    during: async (env, child) => {
      await waitFor(() => child.stdoutText().includes('Downloading the live rootfs'));
      child.closeStdout();
    },
    code: 0,
    line: /^$/,
    after: 'staged',
  },
  // --- verify: sha256 and build ids ------------------------------------------------------------
  {
    stage: 'verify',
    fault: 'tampered artifact',
    args: ({ args }) => args('--yes', '--stream', 'tampered'),
    code: 5,
    line: /^x2nestos: error: .*sha256/,
    after: 'untouched',
  },
  {
    stage: 'verify',
    fault: 'tampered artifact',
    args: ({ args }) => args('--yes', '--stream', 'mixed'),
    code: 5,
    line: /^x2nestos: error: .*same NestOS build|build/,
    after: 'untouched',
  },
  // --- validate: the Ignition config ----------------------------------------------------------
  {
    stage: 'validate',
    fault: 'network drop',
    args: ({ args }) => [...args('--yes'), '--ignition', 'http://127.0.0.1:9/missing.ign', '--allow-http-ignition'],
    code: 6,
    line: /^x2nestos: error: could not fetch the Ignition config from /,
    after: 'untouched',
  },
  {
    stage: 'validate',
    fault: 'network drop',
    setup: ({ server }) => server.set('/stall.ign', Buffer.from(ignitionWithKey()), { stallAfter: 10, stallTimes: 1000 }),
    args: ({ args, server }) => [
      ...args('--yes'),
      '--ignition',
      server.url('/stall.ign'),
      '--allow-http-ignition',
      '--ignition-timeout',
      '2',
    ],
    code: 6,
    line: /not complete after 2 s/,
    after: 'untouched',
  },
  {
    stage: 'validate',
    fault: 'tampered artifact',
    setup: ({ server }) =>
      server.set(
        '/tampered.ign',
        Buffer.from(
          '{"ignition": {"version": "3.3.0"}, "passwd": {"users": [{"name": "nest", "sshAuthorizedKeys": ["ssh-ed25519 AAAAtampered"]}]}}',
        ),
      ),
    args: ({ args, server }) => [...args('--yes'), '--ignition', server.url('/tampered.ign'), '--allow-http-ignition'],
    code: 4,
    line: /^x2nestos: error: the Ignition config gives no user a usable SSH key \(user "nest"/,
    after: 'untouched',
  },
  ...(['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((sig): Cell => ({
    stage: 'validate',
    fault: sig,
    setup: ({ server }) => server.set('/slow.ign', Buffer.from(ignitionWithKey()), { delayMs: 5000 }),
    args: ({ args, server }) => [...args('--yes'), '--ignition', server.url('/slow.ign'), '--allow-http-ignition'],
    during: signalAt(requested('/slow.ign'), sig),
    code: 130,
    line: interrupted(sig),
    after: 'untouched',
  })),
  // --- payload: building and staging the initrd ------------------------------------------------
  {
    stage: 'payload',
    fault: 'disk full',
    setup: ({ sandbox }) => writeFileSync(path.join(sandbox, 'big.ign'), bigIgnition()),
    args: ({ args, sandbox }) => [...args('--yes'), '--ignition', path.join(sandbox, 'big.ign')],
    runOpts: { fileSizeLimitKiB: 900 },
    code: 3,
    line: /^x2nestos: error: not enough free space in .*staged for the combined initrd/,
    after: 'untouched',
  },
  // --- load: kexec -l ---------------------------------------------------------------------------
  {
    stage: 'load',
    fault: 'kexec failure',
    setup: ({ sandbox }) => kexecFails(sandbox),
    args: ({ args }) => args('--yes'),
    code: 7,
    line: /^x2nestos: error: loading the live kernel failed: /,
    after: 'untouched',
  },
  ...(['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((sig): Cell => ({
    stage: 'load',
    fault: sig,
    setup: ({ sandbox }) => slowKexecLoad(sandbox, 2000),
    args: ({ args }) => args('--yes'),
    during: signalAt(ran('kexec', '-l'), sig),
    code: 130,
    line: undone(sig),
    after: 'untouched',
  })),
  {
    stage: 'load',
    fault: 'closed stdout/events',
    setup: ({ sandbox }) => slowKexecLoad(sandbox, 1000),
    args: ({ args }) => args('--yes', '--no-reboot', '--events', 'jsonl'),
    during: async (_, child) => {
      await waitFor(() => child.stdoutText().includes('"stage":"Loading the live kernel"'));
      child.closeStdout();
    },
    code: 0,
    line: /^$/,
    after: 'staged',
  },
  {
    stage: 'load',
    fault: 'lock held',
    setup: ({ sandbox }) => slowKexecLoad(sandbox, 10000),
    args: ({ args }) => args('--yes', '--no-reboot'),
    during: async (env) => {
      await waitFor(() => ran('kexec', '-l')(env));
      const second = await run(env.args('--yes', '--no-reboot'), { sandbox: env.sandbox });
      expect(second.code).toBe(3);
      expect(second.stderr).toMatch(/is in use by another x2nestos/);
    },
    code: 0,
    line: /^$/,
    after: 'staged',
  },
  // --- switch: systemctl kexec ------------------------------------------------------------------
  {
    stage: 'switch',
    fault: 'kexec failure',
    setup: ({ sandbox }) => failSwitch(sandbox),
    args: ({ args }) => args('--yes'),
    code: 7,
    line: /^x2nestos: error: systemd refused the switch: `systemctl kexec` said "Failed to start kexec.target: Transaction for kexec.target\/start is destructive.": /,
    after: 'untouched',
  },
  ...(['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((sig): Cell => ({
    stage: 'switch',
    fault: sig,
    args: ({ args }) => args('--yes', '--reboot-delay', '30'),
    during: signalAt((env) => existsSync(path.join(env.sandbox, 'work/state.json')), sig),
    code: 130,
    line: undone(sig),
    after: 'untouched',
  })),
  // Switched: what was staged stays (the machine is going down into it), and systemctl kexec ran.
  {
    stage: 'switch',
    fault: 'closed stdout/events',
    args: ({ args }) => args('--yes', '--events', 'jsonl', '--reboot-delay', '1'),
    during: async (_, child) => {
      await waitFor(() => child.stdoutText().includes('switching to the live installer in'));
      child.closeStdout();
    },
    code: 0,
    line: /^$/,
    after: 'staged',
  },
  // --- a second run -----------------------------------------------------------------------------
  {
    stage: 'load',
    fault: 'second run',
    setup: ({ sandbox }) => kexecFails(sandbox),
    args: ({ args }) => args('--yes', '--no-reboot'),
    code: 7,
    line: /loading the live kernel failed/,
    after: 'untouched',
  },
  { stage: 'load', fault: 'second run', args: ({ args }) => args('--yes', '--no-reboot'), code: 0, line: /^$/, after: 'staged' },
];

/** Cells of the stage × fault table that cannot happen, and why (README "Fault matrix"). */
export const NOT_APPLICABLE: { stage: Stage | '*'; fault: Fault; why: string }[] = [
  { stage: 'facts', fault: 'network drop', why: 'inspecting the host reads only local files and commands' },
  { stage: 'facts', fault: 'tampered artifact', why: 'nothing is downloaded yet' },
  { stage: 'facts', fault: 'disk full', why: 'nothing is written but the log, which never fails a run' },
  { stage: '*', fault: 'kexec failure', why: 'only the load and the switch run kexec' },
  { stage: 'payload', fault: 'network drop', why: 'the payload is built from what is already downloaded and verified' },
  {
    stage: 'payload',
    fault: 'SIGINT',
    why: 'same critical section as the load, covered there (the interrupt is taken at the next checkpoint)',
  },
];

const release = fakeRelease(BUILD);

function kexecFails(sandbox: string): void {
  const specPath = path.join(sandbox, 'commands.json');
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as {
    commands: { argv: string[]; exitCode?: number; stderr?: string; writes?: unknown }[];
  };
  for (const c of spec.commands) {
    if (c.argv[0] === 'kexec' && c.argv[1] === '-l') {
      c.exitCode = 1;
      c.stderr = 'kexec_file_load failed: Operation not permitted\n';
      delete c.writes;
    }
  }
  writeFileSync(specPath, JSON.stringify(spec));
}

function readLog(env: Env): string {
  const log = path.join(env.sandbox, 'work/x2nestos.log');
  return existsSync(log) ? readFileSync(log, 'utf8') : '';
}

/** Every file under the work directory but the downloads and the log. */
function ourFiles(sandbox: string): string[] {
  const workDir = path.join(sandbox, 'work');
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : []) {
      const p = path.join(dir, e.name);
      const rel = path.relative(workDir, p);
      if (rel === 'cache' || rel === 'x2nestos.log') continue;
      if (e.isDirectory()) walk(p);
      else out.push(rel);
    }
  };
  walk(workDir);
  return out.sort();
}

async function hostAfter(env: Env, after: After, r: RunResult): Promise<void> {
  const loaded = readFileSync(path.join(env.sandbox, 'root/sys/kernel/kexec_loaded'), 'utf8').trim() === '1';
  // The key never reaches the log, whatever happened.
  expect(readLog(env)).not.toContain(NEST_KEY.split(' ')[1]);
  const status = await run(['status', '--json'], { sandbox: env.sandbox });
  expect(status.code).toBe(0);
  if (after === 'untouched') {
    expect({
      loaded,
      files: ourFiles(env.sandbox),
      switched: changes(env.sandbox).some((a) => a[0] === 'systemctl') && r.code === 0,
    }).toEqual({ loaded: false, files: [], switched: false });
    expect(status.json).toMatchObject({ status: { staged: null, leftovers: [], stateCorrupt: null } });
  } else {
    expect(loaded).toBe(true);
    expect(ourFiles(env.sandbox)).toEqual(['staged/initrd.img', 'staged/vmlinuz', 'state.json']);
    expect(status.json).toMatchObject({ status: { kernelLoaded: true, stagedThisBoot: true, leftovers: [] } });
  }
}

describe('fault matrix (built binary, sandboxed host)', () => {
  const mirrored = mirrorFixture('matrix', [
    { stream: '2403-LTS', build: BUILD, release },
    { stream: 'slowdoc', build: BUILD, release },
    { stream: 'tampered', build: 'tampered', release: fakeRelease('tampered'), tamper: 'rootfs' },
    { stream: 'mixed', build: 'mixed', release: fakeRelease('mixed', { rootfsBuild: 'other' }) },
  ]);
  const { ign } = mirrored;

  it('lists every stage and fault, applicable or not', () => {
    const stages = new Set([...CELLS.map((c) => c.stage)]);
    const faults = new Set([...CELLS.map((c) => c.fault), ...NOT_APPLICABLE.map((n) => n.fault)]);
    expect([...stages].sort()).toEqual(['facts', 'fetch', 'load', 'payload', 'resolve', 'switch', 'validate', 'verify']);
    expect(faults.size).toBe(10);
  });

  it.each(CELLS.map((c, i) => [`${c.stage} × ${c.fault} #${i}`, c] as const))('%s', async (_, cell) => {
    const sandbox = sandboxHost(HOST);
    const env: Env = {
      sandbox,
      server: mirrored.server,
      baseline: mirrored.server.requests.length,
      args: (...extra) => ['--stream-base-url', mirrored.server.streamBase, '--ignition', ign, ...extra],
    };
    mirrored.server.behave(`/${BUILD}/${release.names.rootfs}`, {});
    cell.setup?.(env);
    const child = start(cell.args(env), { sandbox, ...cell.runOpts });
    await cell.during?.(env, child);
    const r = await child.done;
    if (cell.fault === 'second run') {
      expect(r.code).toBe(cell.code);
      // The first run failed or staged; the second must find nothing in its way and end the same, cleanly.
      if (cell.code !== 0) kexecFailsNoMore(sandbox);
      const again = await run(cell.args(env), { sandbox });
      expect(again.stderr).not.toMatch(/error/);
      expect(again.code).toBe(0);
      await hostAfter(env, 'staged', again);
      return;
    }
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    const lines = r.stderr
      .split('\n')
      .filter((l) => /^x2nestos: (error|interrupted|internal)/.test(l) || /^x2nestos: .*interrupted/i.test(l));
    expect({ code: r.code, lines }).toEqual({ code: cell.code, lines: cell.code === 0 ? [] : [expect.stringMatching(cell.line)] });
    const lock = path.join(sandbox, 'work/lock');
    if (cell.fault === 'lock held' && cell.stage === 'facts') {
      // The other x2nestos's lock is left alone; then it finishes.
      expect(readFileSync(lock, 'utf8').trim()).toBe(String(process.pid));
      rmSync(lock);
    }
    expect(existsSync(lock)).toBe(false);
    await hostAfter(env, cell.after, r);
  });
});

function kexecFailsNoMore(sandbox: string): void {
  const specPath = path.join(sandbox, 'commands.json');
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as {
    commands: { argv: string[]; exitCode?: number; stderr?: string; writes?: unknown }[];
  };
  for (const c of spec.commands) {
    if (c.argv[0] === 'kexec' && c.argv[1] === '-l') {
      delete c.exitCode;
      delete c.stderr;
      c.writes = { '/sys/kernel/kexec_loaded': '1\n' };
    }
  }
  writeFileSync(specPath, JSON.stringify(spec));
}
