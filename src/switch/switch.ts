/**
 * The point of no return: hand the machine to the loaded live kernel the way the plan chose
 * (src/plan/switch.ts), and tell "the switch is under way" from "the switch was refused".
 *
 * A non-zero exit of `systemctl kexec` proves little: systemd kills it (and us) while shutting
 * down, and a host without D-Bus makes it complain about the bus even though the manager queued
 * the kexec over its private socket. So before anything is called a failure, the manager's own
 * state is read again: the system `stopping`, a kexec job queued, the kernel still loaded. Only a
 * manager that answers and says no is a refusal; one that cannot be asked at all is bypassed the
 * way `systemctl --force` does, after syncing and remounting read-only what can be.
 */
import { X2Error } from '../errors.js';
import type { HostFs } from '../effects/hostfs.js';
import { CommandError, type RunResult, type Runner } from '../effects/runner.js';
import { parseMounts } from '../facts/mounts.js';
import type { SwitchPlan } from '../plan/types.js';
import { kexecLoaded } from '../stage/state.js';

export interface SwitchDeps {
  runner: Runner;
  fs: HostFs;
  /** The run log: every command, its exit and what the manager said. */
  log: (line: string) => void;
  /** The one line a person reads about what happens next; said while the host can still print. */
  say: (line: string) => void;
}

export interface SwitchOutcome {
  /** How the switch went: as planned, or past a manager D-Bus could not reach. */
  method: SwitchPlan['method'] | 'systemd-forced';
  /**
   * What showed that the switch is under way (--json): accepted = the command exited 0;
   * kexec-job = the manager has a kexec job queued; stopping = `is-system-running` says stopping;
   * gone-down = the command was killed and the manager no longer answers.
   */
  evidence: Evidence;
}

export type Evidence = 'accepted' | 'kexec-job' | 'stopping' | 'gone-down';

/** States `systemctl is-system-running` prints when it reached the manager. */
const MANAGER_STATES = new Set(['initializing', 'starting', 'running', 'degraded', 'maintenance', 'stopping']);
/** How systemctl says it could not talk to the manager or logind (sd-bus and libdbus wordings, 219 to 25x). */
const NO_BUS =
  /Failed to (connect to|get D-Bus connection|open connection to)|(system|D-Bus) bus|dbus|Transport endpoint is not connected|Connection refused|not been booted with systemd/i;

const SAY_SYSTEMD = 'systemd is shutting this host down; the NestOS live installer starts right after (follow it on the console)';

export async function switchToLive(deps: SwitchDeps, plan: SwitchPlan): Promise<SwitchOutcome> {
  deps.log(`switching (${plan.method}): ${plan.argv.join(' ')}`);
  await sync(deps);
  if (plan.method === 'systemd') return viaSystemd(deps);
  if (plan.method === 'init-reboot') return viaInitReboot(deps, plan);
  return direct(deps, plan);
}

async function viaSystemd(deps: SwitchDeps): Promise<SwitchOutcome> {
  const asked = await deps.runner.change(['systemctl', 'kexec'], { allowFailure: true, timeoutMs: 90_000 });
  if (asked.exitCode === 0) {
    deps.say(SAY_SYSTEMD);
    return { method: 'systemd', evidence: 'accepted' };
  }
  deps.log(`switch: ${outcome(asked)}`);
  const state = await managerState(deps);
  const underWay = underWayEvidence(asked, state);
  if (underWay) {
    deps.log(`switch: under way (${underWay})`);
    deps.say(SAY_SYSTEMD);
    return { method: 'systemd', evidence: underWay };
  }
  if (!state.loaded) {
    // Never force or execute from here: systemd would reboot the old system instead.
    throw new X2Error('kexec', 'the live kernel is no longer loaded, so there is nothing to switch to', {
      remedy: 'something unloaded it (`kexec -u`, another tool); run x2nestos again',
      details: [outcome(asked), describeState(state)],
    });
  }
  if (state.reachable && !NO_BUS.test(asked.stderr)) {
    throw new X2Error('kexec', `systemd refused the switch: \`systemctl kexec\` said "${lastLine(asked)}"`, {
      remedy:
        'resolve what systemd reports (an inhibitor lock: `systemd-inhibit --list`; a job in the way: `systemctl list-jobs`), then run x2nestos again',
      details: [outcome(asked), describeState(state)],
    });
  }
  if (!state.reachable) {
    deps.log('switch: the manager answers neither over D-Bus nor over /run/systemd/private; executing the kernel directly');
    return direct(deps, { method: 'direct', argv: ['kexec', '-e'], reason: 'systemd does not answer' });
  }
  return forced(deps, asked);
}

/**
 * The manager answers over its private socket but `systemctl kexec` could not reach it through
 * D-Bus (logind or the bus daemon missing): `--force` asks the manager itself to kill the processes,
 * unmount and execute the kernel, without stopping services one by one. What can go read-only
 * first does, so data disks lose nothing either way.
 */
async function forced(deps: SwitchDeps, first: RunResult): Promise<SwitchOutcome> {
  const remounted = await remountReadOnly(deps);
  await sync(deps);
  deps.say(
    'systemd cannot be reached over D-Bus: it is told to execute the NestOS live kernel at once (`systemctl --force kexec`; filesystems synced, other filesystems read-only)',
  );
  const asked = await deps.runner.change(['systemctl', '--force', 'kexec'], { allowFailure: true, timeoutMs: 90_000 });
  if (asked.exitCode === 0) return { method: 'systemd-forced', evidence: 'accepted' };
  deps.log(`switch: ${outcome(asked)}`);
  const state = await managerState(deps);
  const underWay = underWayEvidence(asked, state);
  if (underWay) return { method: 'systemd-forced', evidence: underWay };
  await restoreReadWrite(deps, remounted);
  throw new X2Error('kexec', `systemd refused the switch, with and without --force: "${lastLine(first)}", then "${lastLine(asked)}"`, {
    remedy: 'start dbus (`systemctl start dbus`) or reboot this host, then run x2nestos again',
    details: [outcome(first), outcome(asked), describeState(state)],
  });
}

async function viaInitReboot(deps: SwitchDeps, plan: SwitchPlan): Promise<SwitchOutcome> {
  const asked = await deps.runner.change(plan.argv, { allowFailure: true, timeoutMs: 60_000 });
  if (asked.exitCode === 0 || (asked.signal !== undefined && (await kexecLoaded(deps.fs)))) {
    deps.log(`switch: ${outcome(asked)}`);
    deps.say('the host is rebooting through its init system, which starts the NestOS live installer at the end (follow it on the console)');
    return { method: 'init-reboot', evidence: asked.exitCode === 0 ? 'accepted' : 'gone-down' };
  }
  throw new X2Error('kexec', `the init system refused the reboot: \`${plan.argv.join(' ')}\` said "${lastLine(asked)}"`, {
    remedy: 'fix what it reports, then run x2nestos again',
    details: [outcome(asked)],
  });
}

/** No init system will execute the kernel for us: sync, read-only what can be, `kexec -e`. */
async function direct(deps: SwitchDeps, plan: SwitchPlan): Promise<SwitchOutcome> {
  const remounted = await remountReadOnly(deps);
  await sync(deps);
  deps.say('executing the NestOS live kernel now (`kexec -e`): this host stops at once, the live installer follows on the console');
  // Returns only when the kernel could not be executed.
  const ran = await deps.runner.change(plan.argv, { allowFailure: true, timeoutMs: 60_000 });
  deps.log(`switch: ${outcome(ran)}`);
  await restoreReadWrite(deps, remounted);
  throw new X2Error('kexec', `\`kexec -e\` did not execute the live kernel: "${lastLine(ran)}"`, {
    remedy: 'nothing on the disks was changed; see the kernel log (dmesg), then run x2nestos again',
    details: [outcome(ran)],
  });
}

interface ManagerState {
  loaded: boolean;
  /** `systemctl is-system-running`'s word, empty when it printed none. */
  state: string;
  reachable: boolean;
  kexecJob: boolean;
}

/** The manager's own view, read over whatever socket systemctl reaches as root (219: the private one). */
async function managerState(deps: SwitchDeps): Promise<ManagerState> {
  const loaded = await kexecLoaded(deps.fs);
  const running = await deps.runner.probe(['systemctl', 'is-system-running'], { allowFailure: true, timeoutMs: 15_000 });
  const state = running.stdout.trim().split('\n')[0]?.trim() ?? '';
  const jobs = await deps.runner.probe(['systemctl', 'list-jobs', '--no-legend', '--no-pager'], { allowFailure: true, timeoutMs: 15_000 });
  const found = {
    loaded,
    state,
    reachable: MANAGER_STATES.has(state),
    kexecJob: jobs.exitCode === 0 && /(^|\s)kexec\.target\s/m.test(jobs.stdout),
  };
  deps.log(`switch: ${describeState(found)}`);
  return found;
}

/** Why the switch counts as under way after a non-zero exit, or undefined when it does not. */
function underWayEvidence(asked: RunResult, s: ManagerState): Evidence | undefined {
  // A kernel no longer loaded cannot be switched to, whatever else is going on.
  if (!s.loaded) return undefined;
  if (s.kexecJob) return 'kexec-job';
  if (s.state === 'stopping') return 'stopping';
  // Killed by the shutdown it started, and the manager no longer answers: it has gone down.
  if (asked.signal !== undefined && !s.reachable) return 'gone-down';
  return undefined;
}

/** For the log and the error's details: what the manager said, as data. */
function describeState(s: ManagerState): string {
  return `manager: ${JSON.stringify(s)}`;
}

/**
 * Remounts read-only every other filesystem on a block device (deepest first), so writes still in
 * the page cache reach the data disks NestOS keeps. A busy one stays read-write: "what can be".
 */
export async function remountReadOnly(deps: Pick<SwitchDeps, 'runner' | 'fs' | 'log'>): Promise<string[]> {
  const mounts = parseMounts((await deps.fs.read('/proc/self/mounts')) ?? (await deps.fs.read('/proc/mounts')) ?? '');
  // The mount listed last at a path is the visible one; later mounts sit on earlier ones.
  const visible = new Map(mounts.map((m) => [m.target, m]));
  const targets = [...visible.values()]
    .filter((m) => m.target !== '/' && m.source.startsWith('/dev/') && (m.options ?? []).includes('rw'))
    .map((m) => m.target)
    .reverse();
  const done: string[] = [];
  for (const target of targets) {
    const r = await deps.runner.change(['mount', '-o', 'remount,ro', target], { allowFailure: true, timeoutMs: 30_000 });
    if (r.exitCode === 0) done.push(target);
    else deps.log(`switch: ${target} stays read-write (${lastLine(r)})`);
  }
  deps.log(`switch: read-only now: ${done.join(' ') || 'none'}`);
  return done;
}

/** Undo remountReadOnly when the switch did not happen: the host goes on as it was. */
async function restoreReadWrite(deps: Pick<SwitchDeps, 'runner' | 'log'>, targets: string[]): Promise<void> {
  for (const target of [...targets].reverse()) {
    const r = await deps.runner.change(['mount', '-o', 'remount,rw', target], { allowFailure: true, timeoutMs: 30_000 });
    if (r.exitCode !== 0) deps.log(`switch: could not make ${target} read-write again (${lastLine(r)})`);
  }
}

async function sync(deps: Pick<SwitchDeps, 'runner'>): Promise<void> {
  await deps.runner.change(['sync'], { allowFailure: true, timeoutMs: 300_000 });
}

function lastLine(r: RunResult): string {
  return r.stderr.trim().split('\n').at(-1)?.trim() || r.stdout.trim().split('\n').at(-1)?.trim() || `exit ${r.exitCode}`;
}

/** The command, its exit (and the signal that ended it), its last stderr lines: for the log and details. */
function outcome(r: RunResult): string {
  const said = new CommandError(r).message;
  return r.signal === undefined ? said : `${said} [${r.signal}]`;
}

export function sleep(seconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, seconds * 1000);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}
