import { describe, expect, it } from 'vitest';
import { containerFromCgroup, containerFromEnviron, detectContainer } from '../../../src/facts/container.js';
import { parseGlibcVersion, readGlibc } from '../../../src/facts/glibc.js';
import { parseMounts } from '../../../src/facts/mounts.js';
import { detectVm } from '../../../src/facts/virt.js';
import { measureWorkDir, nearestExistingDir, parseDf } from '../../../src/facts/work-dir.js';
import { fakeRunner } from '../distro/fake-runner.js';
import { memoryFs } from './memory-host.js';

const VM = ['systemd-detect-virt', '--vm'];
const CT = ['systemd-detect-virt', '--container'];

describe('virtualization and containers', () => {
  it('reads systemd-detect-virt: a name with exit 0, "none" with exit 1', async () => {
    expect(await detectVm(fakeRunner([[VM, { stdout: 'kvm\n' }]]))).toEqual({ value: 'kvm' });
    expect(await detectVm(fakeRunner([[VM, { stdout: 'none\n', exitCode: 1 }]]))).toEqual({ value: undefined });
    expect((await detectVm(fakeRunner())).unknown).toMatch(/not installed/);
  });

  it('prefers systemd-detect-virt for containers', async () => {
    const fs = memoryFs({ '/.dockerenv': '' });
    expect(await detectContainer(fakeRunner([[CT, { stdout: 'lxc\n' }]]), fs)).toEqual({ value: 'lxc' });
    expect(await detectContainer(fakeRunner([[CT, { stdout: 'none\n', exitCode: 1 }]]), fs)).toEqual({ value: undefined });
  });

  it('falls back to engine marker files, PID 1 environment and cgroups', async () => {
    const none = fakeRunner();
    expect(await detectContainer(none, memoryFs({ '/run/.containerenv': '' }))).toEqual({ value: 'podman' });
    expect(await detectContainer(none, memoryFs({ '/.dockerenv': '' }))).toEqual({ value: 'docker' });
    expect(await detectContainer(none, memoryFs({ '/proc/1/environ': 'PATH=/bin\0container=systemd-nspawn\0' }))).toEqual({
      value: 'systemd-nspawn',
    });
    expect(await detectContainer(none, memoryFs({ '/proc/1/cgroup': '12:pids:/docker/4f3e2d\n' }))).toEqual({ value: 'docker' });
    expect(await detectContainer(none, memoryFs({ '/proc/1/cgroup': '0::/init.scope\n' }))).toEqual({ value: undefined });
    expect((await detectContainer(none, memoryFs({}))).unknown).toMatch(/not readable/);
  });

  it('parses environ and cgroup hints', () => {
    expect(containerFromEnviron('A=1\0container=\0')).toBeUndefined();
    expect(containerFromEnviron('container=lxc')).toBe('lxc');
    expect(containerFromCgroup('0::/machine.slice/libpod-abc.scope')).toBe('podman');
    expect(containerFromCgroup('0::/lxc.payload.web/init.scope')).toBe('lxc');
    expect(containerFromCgroup('0::/user.slice/user-0.slice')).toBeUndefined();
  });
});

describe('glibc', () => {
  it('parses getconf GNU_LIBC_VERSION', async () => {
    expect(parseGlibcVersion('glibc 2.28\n')).toBe('2.28');
    expect(parseGlibcVersion('musl')).toBeUndefined();
    const runner = fakeRunner([[['getconf', 'GNU_LIBC_VERSION'], { stdout: 'glibc 2.17\n' }]]);
    expect(await readGlibc(runner)).toEqual({ version: '2.17' });
  });

  it('explains when the version cannot be had', async () => {
    expect((await readGlibc(fakeRunner())).unknown).toMatch(/getconf is not installed/);
    const musl = fakeRunner([[['getconf', 'GNU_LIBC_VERSION'], { exitCode: 1, stderr: 'getconf: GNU_LIBC_VERSION: unknown variable' }]]);
    expect((await readGlibc(musl)).unknown).toMatch(/musl/);
  });
});

describe('work directory space', () => {
  const fs = memoryFs({ '/var/lib/dpkg/status': '' });

  it('measures the nearest existing parent', async () => {
    expect(await nearestExistingDir(fs, '/var/lib/x2nestos/cache')).toBe('/var/lib');
    expect(await nearestExistingDir(fs, '/var/lib/dpkg')).toBe('/var/lib/dpkg');
    expect(await nearestExistingDir(fs, '/nonexistent/x')).toBe('/');
  });

  it('runs df on it and parses bytes and filesystem type', async () => {
    const runner = fakeRunner([[['df', '-B1', '--output=avail,fstype', '/var/lib'], { stdout: '      Avail Type\n83140485120 ext4\n' }]]);
    expect(await measureWorkDir(runner, fs, '/var/lib/x2nestos')).toEqual({ dir: '/var/lib', freeBytes: 83140485120, fsType: 'ext4' });
    expect(runner.commands('probe')).toEqual(['df -B1 --output=avail,fstype /var/lib']);
  });

  it('keeps the reason when df fails or prints something else', async () => {
    expect(parseDf('Filesystem 1B-blocks\n')).toBeUndefined();
    const runner = fakeRunner([
      [['df', '-B1', '--output=avail,fstype', '/'], { exitCode: 1, stderr: "df: unrecognized option '--output=avail,fstype'" }],
    ]);
    const r = await measureWorkDir(runner, memoryFs({}), '/opt/x2nestos');
    expect(r.freeBytes).toBeUndefined();
    expect(r.unknown).toMatch(/unrecognized option/);
  });
});

describe('parseMounts', () => {
  it('decodes octal escapes in mount points', () => {
    expect(parseMounts('/dev/sdb1 /mnt/my\\040disk ext4 rw 0 0\n')).toEqual([
      { source: '/dev/sdb1', target: '/mnt/my disk', fsType: 'ext4', options: ['rw'] },
    ]);
  });
});
