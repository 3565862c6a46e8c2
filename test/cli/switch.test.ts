/**
 * The last step as a user meets it: the BUILT binary on a sandboxed host whose systemctl says what
 * systemd 252 says without D-Bus, refuses the switch, or is not there at all (sysvinit). What the
 * user reads, the exit code, and what the host would have had done to it.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/types.js';
import { changes, mirrorFixture, run, sandboxHost } from './harness.js';

const HOST = 'openeuler-22.03-lts-sp3';
const NO_BUS = 'Failed to connect to bus: No such file or directory';

interface Canned {
  argv: string[];
  stdout?: string;
  stderr?: string;
  exitCode?: number;
}

/** Answers these commands first (the sandbox takes the first match). */
function answering(sandbox: string, commands: Canned[]): string {
  const specPath = path.join(sandbox, 'commands.json');
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as { commands?: unknown[]; programs?: Record<string, string> };
  spec.commands = [...commands, ...(spec.commands ?? [])];
  spec.programs = { ...spec.programs, shutdown: '/sbin/shutdown', mount: '/bin/mount' };
  writeFileSync(specPath, JSON.stringify(spec, null, 2));
  return sandbox;
}

/** The same captured server booted with sysvinit instead of systemd, with or without Debian's runlevel 6 kexec script. */
function sysvinitHost(withKexecScript: boolean): string {
  const sandbox = sandboxHost(HOST);
  const root = path.join(sandbox, 'root');
  rmSync(path.join(root, 'run/systemd'), { recursive: true, force: true });
  writeFileSync(path.join(root, 'proc/1/comm'), 'init\n');
  writeFileSync(path.join(root, 'etc/inittab'), 'id:2:initdefault:\n');
  if (withKexecScript) {
    mkdirSync(path.join(root, 'etc/init.d'), { recursive: true });
    mkdirSync(path.join(root, 'etc/rc6.d'), { recursive: true });
    writeFileSync(path.join(root, 'etc/init.d/kexec'), '#!/bin/sh\n');
    symlinkSync('../init.d/kexec', path.join(root, 'etc/rc6.d/K06kexec'));
  }
  return sandbox;
}

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('x2nestos: error:'));

describe('the switch (built binary, sandboxed host)', () => {
  const env = mirrorFixture('cli-switch');
  const { ign } = env;

  const convert = () => ['--stream-base-url', env.server.streamBase, '--ignition', ign, '--allow-http-ignition', '--yes', '--json'];

  it('without D-Bus: `systemctl kexec` complains about the bus but the manager queued the kexec → exit 0, switching', async () => {
    const sandbox = answering(sandboxHost(HOST), [
      { argv: ['systemctl', 'kexec'], exitCode: 1, stderr: `${NO_BUS}\n` },
      { argv: ['systemctl', 'is-system-running'], stdout: 'running\n' },
      {
        argv: ['systemctl', 'list-jobs', '--no-legend', '--no-pager'],
        stdout: '1021 kexec.target start waiting\n1022 systemd-kexec.service start waiting\n',
      },
    ]);
    const r = await run(convert(), { sandbox });
    expect(r.stderr).not.toMatch(/internal error|This is a bug|^\s+at /m);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ ok: true, result: 'switching', switch: { method: 'systemd', evidence: 'kexec-job' } });
    expect(r.stderr).toMatch(/switching to the NestOS live installer; it writes \/dev\/disk\/by-id\/\S+ and reboots into NestOS/);
    expect(r.stderr).toContain(
      'systemd is shutting this host down; the NestOS live installer starts right after (follow it on the console)',
    );
    // Under way: nothing undone, nothing forced.
    expect(changes(sandbox).slice(-2)).toEqual([['sync'], ['systemctl', 'kexec']]);
    expect(readFileSync(path.join(sandbox, 'root/sys/kernel/kexec_loaded'), 'utf8')).toBe('1\n');
  });

  it('systemd refusing the switch (an inhibitor) → exit 7, one line naming the log, the kernel unloaded and nothing staged', async () => {
    const inhibited = 'Operation inhibited by "backup" (PID 812 "borg", user root), reason is "backup running".';
    const sandbox = answering(sandboxHost(HOST), [
      { argv: ['systemctl', 'kexec'], exitCode: 1, stderr: `${inhibited}\n` },
      { argv: ['systemctl', 'is-system-running'], stdout: 'running\n' },
      { argv: ['systemctl', 'list-jobs', '--no-legend', '--no-pager'], stdout: '' },
    ]);
    const r = await run(convert(), { sandbox });
    expect(r.code).toBe(7);
    expect(r.stderr).not.toMatch(/internal error|^\s+at /m);
    const log = path.join(sandbox, 'work/x2nestos.log');
    expect(errorLines(r.stderr)).toEqual([
      `x2nestos: error: systemd refused the switch: \`systemctl kexec\` said "${inhibited}": resolve what systemd reports (an inhibitor lock: \`systemd-inhibit --list\`; a job in the way: \`systemctl list-jobs\`), then run x2nestos again (details: ${log})`,
    ]);
    expect(r.json).toMatchObject({ ok: false, exitCode: 7, error: { kind: 'kexec' } });
    expect(changes(sandbox).slice(-2)).toEqual([
      ['systemctl', 'kexec'],
      ['kexec', '-u'],
    ]);
    expect(readFileSync(path.join(sandbox, 'root/sys/kernel/kexec_loaded'), 'utf8')).toBe('0\n');
    expect(existsSync(path.join(sandbox, 'work/staged'))).toBe(false);
    expect(existsSync(path.join(sandbox, 'work/state.json'))).toBe(false);
    // The log holds what the line leaves out: systemctl's own words and the manager's state.
    expect(readFileSync(log, 'utf8')).toMatch(/manager: \{"loaded":true,"state":"running","reachable":true,"kexecJob":false\}/);
  });

  it('`x2nestos reboot` refused by systemd → exit 7; the kernel staged with --no-reboot stays loaded for another try', async () => {
    const sandbox = answering(sandboxHost(HOST), [
      {
        argv: ['systemctl', 'kexec'],
        exitCode: 1,
        stderr:
          "Failed to start kexec.target: Transaction for kexec.target/start is destructive (emergency.target has 'start' job queued).\n",
      },
      { argv: ['systemctl', 'is-system-running'], stdout: 'maintenance\n' },
      { argv: ['systemctl', 'list-jobs', '--no-legend', '--no-pager'], stdout: '7 emergency.target start waiting\n' },
    ]);
    expect((await run(convert().concat('--no-reboot'), { sandbox })).code).toBe(0);
    const r = await run(['reboot', '--yes', '--json'], { sandbox });
    expect(r.code).toBe(7);
    expect(r.stderr).not.toMatch(/internal error|interrupted/);
    expect(errorLines(r.stderr)).toEqual([
      expect.stringMatching(
        /^x2nestos: error: systemd refused the switch: .*destructive.*\(the live kernel stays loaded; `x2nestos abort` unloads it\) \(details: .*x2nestos\.log\)$/,
      ),
    ]);
    expect(changes(sandbox).slice(-2)).toEqual([['sync'], ['systemctl', 'kexec']]);
    expect(readFileSync(path.join(sandbox, 'root/sys/kernel/kexec_loaded'), 'utf8')).toBe('1\n');
    expect(existsSync(path.join(sandbox, 'work/state.json'))).toBe(true);
  });

  it("a failed kexec load names the log that holds kexec's own output", async () => {
    const sandbox = sandboxHost(HOST, { kexecStderr: 'kexec_file_load failed: Operation not permitted\n' });
    const r = await run(convert(), { sandbox });
    expect(r.code).toBe(7);
    const log = path.join(sandbox, 'work/x2nestos.log');
    expect(errorLines(r.stderr)).toEqual([
      expect.stringMatching(
        new RegExp(`^x2nestos: error: loading the live kernel failed: .* \\(details: ${log.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)$`),
      ),
    ]);
    expect(readFileSync(log, 'utf8')).toContain('kexec_file_load failed: Operation not permitted');
  });

  it('sysvinit with a runlevel 6 kexec script: planned and done as sync + `shutdown -r now`', async () => {
    const sandbox = answering(sysvinitHost(true), []);
    const plan = await run(['plan', ...convert().filter((a) => a !== '--yes')], { sandbox });
    expect(plan.code).toBe(0);
    const p = plan.json!.plan as Plan;
    expect(p.kexec.switch).toEqual({
      method: 'init-reboot',
      argv: ['shutdown', '-r', 'now'],
      reason:
        'sysvinit reboots cleanly and /etc/init.d/kexec executes the loaded kernel in runlevel 6, after the filesystems are unmounted',
    });
    expect(p.kexec.switchArgv).toEqual(['shutdown', '-r', 'now']);
    expect(p.steps).toContain(`sync, then switch with \`shutdown -r now\`: ${p.kexec.switch.reason}`);

    const r = await run(convert(), { sandbox });
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ result: 'switching', switch: { method: 'init-reboot', evidence: 'accepted' } });
    expect(r.stderr).toContain('the host is rebooting through its init system, which starts the NestOS live installer at the end');
    expect(changes(sandbox).slice(-2)).toEqual([['sync'], ['shutdown', '-r', 'now']]);
  });

  it('no init system that executes the kernel: the plan says sync, read-only remounts, `kexec -e`', async () => {
    const sandbox = sysvinitHost(false);
    const plan = await run(['plan', ...convert().filter((a) => a !== '--yes')], { sandbox });
    expect(plan.code).toBe(0);
    const p = plan.json!.plan as Plan;
    expect(p.kexec.switch.method).toBe('direct');
    expect(p.kexec.switchArgv).toEqual(['kexec', '-e']);
    expect(p.steps).toContain('sync, remount the other filesystems read-only, sync again, then switch with `kexec -e`');
    expect(plan.stderr).toContain('sync, remount the other filesystems read-only, sync again, then switch with `kexec -e`');
  });
});
