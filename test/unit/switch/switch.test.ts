// The switch step against a scripted Runner: systemd present or absent, D-Bus present or absent,
// systemctl accepting, refusing, or killed by the shutdown it started, a kexec job queued or not.
// systemctl's words are the ones systemd 252 (Debian 12) prints without a bus.
import { describe, expect, it } from 'vitest';
import { planSwitch } from '../../../src/plan/switch.js';
import type { SwitchPlan } from '../../../src/plan/types.js';
import { switchToLive, type SwitchDeps } from '../../../src/switch/switch.js';
import { readInit } from '../../../src/facts/init.js';
import { caught } from '../../support/caught.js';
import { fakeRunner, type Canned, type FakeRunner } from '../distro/fake-runner.js';
import { memoryFs } from '../facts/memory-host.js';

const NO_BUS = 'Failed to connect to bus: No such file or directory';
const MOUNTS = [
  '/dev/vda2 / ext4 rw,relatime 0 0',
  'proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0',
  'tmpfs /run tmpfs rw,nosuid,nodev,size=401564k,mode=755 0 0',
  '/dev/vda1 /boot ext4 rw,relatime 0 0',
  '/dev/vdb1 /srv/data xfs rw,relatime 0 0',
  '/dev/vdc1 /mnt/iso iso9660 ro,relatime 0 0',
  '/dev/mapper/vg-home /home ext4 rw,relatime 0 0',
].join('\n');

const SYSTEMD: SwitchPlan = planSwitch({ systemd: true, init: { system: 'systemd', kexecOnReboot: undefined } });

interface Setup {
  script: [string[], Canned | Canned[]][];
  loaded?: boolean;
  /** kexec -e never returns when it works: the fake hangs like the real one. */
  kexecExecutes?: boolean;
}

function host({ script, loaded = true, kexecExecutes = false }: Setup): {
  runner: FakeRunner;
  deps: SwitchDeps;
  said: string[];
  logged: string[];
} {
  const base = fakeRunner([[['sync'], {}], ...script]);
  const runner: FakeRunner = {
    ...base,
    change: (argv, options) =>
      kexecExecutes && argv.join(' ') === 'kexec -e'
        ? (base.calls.push({ kind: 'change', argv: [...argv], options }), new Promise(() => undefined))
        : base.change(argv, options),
  };
  const fs = memoryFs({ '/sys/kernel/kexec_loaded': loaded ? '1\n' : '0\n', '/proc/self/mounts': MOUNTS + '\n' });
  const said: string[] = [];
  const logged: string[] = [];
  return { runner, deps: { runner, fs, log: (l) => logged.push(l), say: (l) => said.push(l) }, said, logged };
}

const isSystemRunning = (stdout: string, exitCode = 0, stderr = ''): [string[], Canned] => [
  ['systemctl', 'is-system-running'],
  { stdout: `${stdout}\n`, exitCode, stderr },
];
const listJobs = (stdout: string, exitCode = 0, stderr = ''): [string[], Canned] => [
  ['systemctl', 'list-jobs', '--no-legend', '--no-pager'],
  { stdout, exitCode, stderr },
];
const remounts = (mode: 'ro' | 'rw', ...targets: string[]) => targets.map((t) => `mount -o remount,${mode} ${t}`);
const UNREACHABLE = [isSystemRunning('offline', 1, NO_BUS), listJobs('', 1, NO_BUS)];

describe('switch with systemd', () => {
  it('D-Bus present: `systemctl kexec` exits 0 and nothing else is asked', async () => {
    const { runner, deps, said } = host({ script: [[['systemctl', 'kexec'], {}]] });
    expect(await switchToLive(deps, SYSTEMD)).toEqual({ method: 'systemd', evidence: 'accepted' });
    expect(runner.commands()).toEqual(['sync', 'systemctl kexec']);
    expect(said).toEqual([expect.stringMatching(/^systemd is shutting this host down/)]);
  });

  it('D-Bus absent, kexec job queued over the private socket: under way, not a failure', async () => {
    const { runner, deps, said } = host({
      script: [
        [['systemctl', 'kexec'], { exitCode: 1, stderr: NO_BUS }],
        isSystemRunning('running'),
        listJobs('1234 kexec.target start waiting\n1235 systemd-kexec.service start waiting\n'),
      ],
    });
    expect(await switchToLive(deps, SYSTEMD)).toEqual({ method: 'systemd', evidence: 'kexec-job' });
    expect(runner.commands('change')).toEqual(['sync', 'systemctl kexec']);
    expect(said).toHaveLength(1);
  });

  it('D-Bus absent, systemctl killed by the shutdown while the manager says stopping: under way', async () => {
    const { runner, deps } = host({
      script: [
        [['systemctl', 'kexec'], { exitCode: 128, signal: 'SIGTERM', stderr: NO_BUS }],
        isSystemRunning('stopping', 1),
        listJobs('', 0),
      ],
    });
    expect(await switchToLive(deps, SYSTEMD)).toEqual({ method: 'systemd', evidence: 'stopping' });
    expect(runner.commands('change')).toEqual(['sync', 'systemctl kexec']);
  });

  it('systemctl killed and the manager no longer answers at all: it has gone down', async () => {
    const { runner, deps } = host({ script: [[['systemctl', 'kexec'], { exitCode: 128, signal: 'SIGKILL' }], ...UNREACHABLE] });
    expect(await switchToLive(deps, SYSTEMD)).toEqual({ method: 'systemd', evidence: 'gone-down' });
    expect(runner.commands('change')).toEqual(['sync', 'systemctl kexec']);
  });

  it('D-Bus absent, nothing queued, manager reachable: `systemctl --force kexec` after read-only remounts', async () => {
    const { runner, deps, said } = host({
      script: [
        [['systemctl', 'kexec'], { exitCode: 1, stderr: NO_BUS }],
        isSystemRunning('running'),
        listJobs(''),
        ...remounts('ro', '/home', '/srv/data', '/boot').map((c): [string[], Canned] => [c.split(' '), {}]),
        [['systemctl', '--force', 'kexec'], {}],
      ],
    });
    expect(await switchToLive(deps, SYSTEMD)).toEqual({ method: 'systemd-forced', evidence: 'accepted' });
    // Deepest / latest first; never /, tmpfs, proc, or what is read-only already.
    expect(runner.commands('change')).toEqual([
      'sync',
      'systemctl kexec',
      ...remounts('ro', '/home', '/srv/data', '/boot'),
      'sync',
      'systemctl --force kexec',
    ]);
    expect(said).toEqual([expect.stringMatching(/^systemd cannot be reached over D-Bus/)]);
  });

  it('the forced switch refused too: filesystems read-write again, exit 7 with what systemd said', async () => {
    const { runner, deps } = host({
      script: [
        [['systemctl', 'kexec'], { exitCode: 1, stderr: NO_BUS }],
        isSystemRunning('running'),
        listJobs(''),
        ...remounts('ro', '/home', '/srv/data').map((c): [string[], Canned] => [c.split(' '), {}]),
        [['mount', '-o', 'remount,ro', '/boot'], { exitCode: 32, stderr: 'mount: /boot: device is busy.' }],
        ...remounts('rw', '/srv/data', '/home').map((c): [string[], Canned] => [c.split(' '), {}]),
        [['systemctl', '--force', 'kexec'], { exitCode: 1, stderr: 'Failed to execute operation: Access denied' }],
      ],
    });
    const e = await caught(switchToLive(deps, SYSTEMD));
    expect(e.exitCode).toBe(7);
    expect(e.message).toBe(
      `systemd refused the switch, with and without --force: "${NO_BUS}", then "Failed to execute operation: Access denied"`,
    );
    // /boot could not go read-only, so only the two that did come back.
    expect(runner.commands('change').slice(-3)).toEqual(['systemctl --force kexec', ...remounts('rw', '/srv/data', '/home')]);
  });

  it('neither D-Bus nor the private socket answers: sync, read-only, `kexec -e` (which does not return)', async () => {
    const { runner, deps, said } = host({
      script: [
        [['systemctl', 'kexec'], { exitCode: 1, stderr: NO_BUS }],
        ...UNREACHABLE,
        ...remounts('ro', '/home', '/srv/data', '/boot').map((c): [string[], Canned] => [c.split(' '), {}]),
      ],
      kexecExecutes: true,
    });
    const pending = switchToLive(deps, SYSTEMD);
    await new Promise((r) => setTimeout(r, 20));
    expect(runner.commands('change')).toEqual([
      'sync',
      'systemctl kexec',
      ...remounts('ro', '/home', '/srv/data', '/boot'),
      'sync',
      'kexec -e',
    ]);
    expect(said).toEqual([expect.stringMatching(/^executing the NestOS live kernel now/)]);
    void pending;
  });

  it('systemctl refusing with the manager running and nothing queued (an inhibitor): refused, nothing forced', async () => {
    const inhibited = 'Operation inhibited by "backup" (PID 812 "borg", user root), reason is "backup running".';
    const { runner, deps, said } = host({
      script: [[['systemctl', 'kexec'], { exitCode: 1, stderr: inhibited }], isSystemRunning('running'), listJobs('')],
    });
    const e = await caught(switchToLive(deps, SYSTEMD));
    expect(e.kind).toBe('kexec');
    expect(e.oneLine()).toMatch(
      /^systemd refused the switch: `systemctl kexec` said "Operation inhibited by "backup".*: resolve what systemd reports \(an inhibitor lock: `systemd-inhibit --list`/,
    );
    expect(e.details.join('\n')).toContain('"kexecJob":false');
    expect(runner.commands('change')).toEqual(['sync', 'systemctl kexec']);
    expect(said).toEqual([]);
  });

  it('the kernel no longer loaded: refused even while the system stops (it would only reboot)', async () => {
    const { deps } = host({
      script: [
        [['systemctl', 'kexec'], { exitCode: 1, stderr: 'Failed to start kexec.target: Transaction is destructive.' }],
        isSystemRunning('stopping'),
        listJobs(''),
      ],
      loaded: false,
    });
    const e = await caught(switchToLive(deps, SYSTEMD));
    expect(e.message).toBe('the live kernel is no longer loaded, so there is nothing to switch to');
  });

  it('the kernel no longer loaded and no bus: nothing forced, nothing executed (systemd would only reboot the old system)', async () => {
    const { runner, deps } = host({
      script: [[['systemctl', 'kexec'], { exitCode: 1, stderr: NO_BUS }], isSystemRunning('running'), listJobs('')],
      loaded: false,
    });
    const e = await caught(switchToLive(deps, SYSTEMD));
    expect(e.exitCode).toBe(7);
    expect(runner.commands('change')).toEqual(['sync', 'systemctl kexec']);
  });
});

describe('switch without systemd', () => {
  const sysvinit = planSwitch({ systemd: false, init: { system: 'sysvinit', kexecOnReboot: '/etc/init.d/kexec' } });
  const bare = planSwitch({ systemd: false, init: { system: 'other', kexecOnReboot: undefined } });

  it('sysvinit with a runlevel-6 kexec script: sync, then the init system reboots (no kexec -e, no remounts by us)', async () => {
    expect(sysvinit).toMatchObject({ method: 'init-reboot', argv: ['shutdown', '-r', 'now'] });
    const { runner, deps, said } = host({ script: [[['shutdown', '-r', 'now'], {}]] });
    expect(await switchToLive(deps, sysvinit)).toEqual({ method: 'init-reboot', evidence: 'accepted' });
    expect(runner.commands()).toEqual(['sync', 'shutdown -r now']);
    expect(said).toEqual([expect.stringMatching(/^the host is rebooting through its init system/)]);
  });

  it('the init system refusing the reboot: exit 7, nothing else tried', async () => {
    const { runner, deps } = host({
      script: [[['shutdown', '-r', 'now'], { exitCode: 1, stderr: 'shutdown: you must be root to do that!' }]],
    });
    const e = await caught(switchToLive(deps, sysvinit));
    expect(e.oneLine()).toBe(
      'the init system refused the reboot: `shutdown -r now` said "shutdown: you must be root to do that!": fix what it reports, then run x2nestos again',
    );
    expect(runner.commands()).toEqual(['sync', 'shutdown -r now']);
  });

  it('no init system that executes the kernel: sync, other filesystems read-only, sync, `kexec -e`', async () => {
    expect(bare).toMatchObject({ method: 'direct', argv: ['kexec', '-e'] });
    const { runner, deps } = host({
      script: remounts('ro', '/home', '/srv/data', '/boot').map((c): [string[], Canned] => [c.split(' '), {}]),
      kexecExecutes: true,
    });
    void switchToLive(deps, bare);
    await new Promise((r) => setTimeout(r, 20));
    expect(runner.commands()).toEqual(['sync', ...remounts('ro', '/home', '/srv/data', '/boot'), 'sync', 'kexec -e']);
  });

  it('`kexec -e` returning (it failed): filesystems read-write again, exit 7', async () => {
    const { runner, deps } = host({
      script: [
        ...remounts('ro', '/home', '/srv/data', '/boot').map((c): [string[], Canned] => [c.split(' '), {}]),
        [['kexec', '-e'], { exitCode: 1, stderr: 'kexec_load failed: Device or resource busy' }],
        ...remounts('rw', '/boot', '/srv/data', '/home').map((c): [string[], Canned] => [c.split(' '), {}]),
      ],
    });
    const e = await caught(switchToLive(deps, bare));
    expect(e.exitCode).toBe(7);
    expect(e.message).toBe('`kexec -e` did not execute the live kernel: "kexec_load failed: Device or resource busy"');
    expect(runner.commands().slice(-4)).toEqual(['kexec -e', ...remounts('rw', '/boot', '/srv/data', '/home')]);
  });
});

describe('the init system as a fact', () => {
  it('systemd when /run/systemd/system exists', async () => {
    expect(await readInit(memoryFs({ '/run/systemd/system/.keep': '' }))).toEqual({ system: 'systemd', kexecOnReboot: undefined });
  });

  it("sysvinit with Debian kexec-tools' runlevel 6 link, and without it", async () => {
    const files = { '/proc/1/comm': 'init\n', '/etc/inittab': 'id:2:initdefault:\n', '/etc/init.d/kexec': '#!/bin/sh\n' };
    expect(
      await readInit(memoryFs(files, { '/etc/rc6.d/K06kexec': '../init.d/kexec', '/etc/rc6.d/K01kexec-load': '../init.d/kexec-load' })),
    ).toEqual({ system: 'sysvinit', kexecOnReboot: '/etc/init.d/kexec' });
    expect(await readInit(memoryFs(files, { '/etc/rc6.d/K01kexec-load': '../init.d/kexec-load' }))).toEqual({
      system: 'sysvinit',
      kexecOnReboot: undefined,
    });
  });

  it('busybox init and OpenRC have no such script', async () => {
    expect(
      await readInit(
        memoryFs({ '/proc/1/comm': 'init\n', '/etc/inittab': '::sysinit:/etc/init.d/rcS\n' }, { '/sbin/init': '/bin/busybox' }),
      ),
    ).toEqual({ system: 'other', kexecOnReboot: undefined });
    expect(await readInit(memoryFs({ '/run/openrc/softlevel': 'default\n' }))).toEqual({ system: 'openrc', kexecOnReboot: undefined });
  });

  it('plans systemd as `systemctl kexec` whatever else is installed', () => {
    expect(SYSTEMD).toMatchObject({ method: 'systemd', argv: ['systemctl', 'kexec'] });
  });
});
