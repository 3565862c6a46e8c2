import { describe, expect, it } from 'vitest';
import { aptAdapter, DEBCONF_PRESEED, statusInstalled } from '../../../distro-adapters/apt.js';
import { X2Error } from '../../../src/errors.js';
import { fakeRunner } from './fake-runner.js';

const QUERY = ['dpkg-query', '-W', '-f=${Status}', 'kexec-tools'];
const PRESEED = ['debconf-set-selections'];
const INSTALL = ['apt-get', 'install', '-y', '--no-install-recommends', 'kexec-tools'];
const UPDATE = ['apt-get', 'update'];
const NOT_LOCATED = {
  exitCode: 100,
  stdout: 'Reading package lists...\nBuilding dependency tree...\n',
  stderr: 'E: Unable to locate package kexec-tools\n',
};
const OK = { stdout: 'Setting up kexec-tools (1:2.0.25-3+b1) ...\n' };

describe('dpkg status', () => {
  it('counts only the "installed" state', () => {
    expect(statusInstalled('install ok installed')).toBe(true);
    expect(statusInstalled('hold ok installed')).toBe(true);
    expect(statusInstalled('deinstall ok config-files')).toBe(false);
    expect(statusInstalled('install ok half-configured')).toBe(false);
    expect(statusInstalled('')).toBe(false);
  });
});

describe('apt adapter', () => {
  it('queries dpkg as a probe', async () => {
    expect(await aptAdapter().kexecToolsInstalled(fakeRunner([[QUERY, { stdout: 'install ok installed' }]]))).toBe(true);
    expect(await aptAdapter().kexecToolsInstalled(fakeRunner([[QUERY, { stdout: 'deinstall ok config-files' }]]))).toBe(false);
    const missing = fakeRunner([[QUERY, { exitCode: 1, stderr: 'dpkg-query: no packages found matching kexec-tools\n' }]]);
    expect(await aptAdapter().kexecToolsInstalled(missing)).toBe(false);
    expect(missing.calls[0]).toMatchObject({ kind: 'probe', argv: QUERY });
  });

  it('preseeds debconf (via stdin) so kexec does not take over reboots, then installs non-interactively', async () => {
    const runner = fakeRunner([
      [PRESEED, {}],
      [INSTALL, OK],
    ]);
    await aptAdapter().installKexecTools(runner, () => {});
    expect(runner.calls.map((c) => [c.kind, c.argv.join(' ')])).toEqual([
      ['change', 'debconf-set-selections'],
      ['change', 'apt-get install -y --no-install-recommends kexec-tools'],
    ]);
    expect(runner.calls[0]!.options?.input).toBe('kexec-tools kexec-tools/load_kexec boolean false\n');
    expect(DEBCONF_PRESEED).toBe('kexec-tools kexec-tools/load_kexec boolean false\n');
    expect(runner.calls[1]!.options?.env).toMatchObject({ DEBIAN_FRONTEND: 'noninteractive' });
  });

  it('runs apt-get update once when the package cannot be located, then retries', async () => {
    const runner = fakeRunner([
      [PRESEED, {}],
      [INSTALL, [NOT_LOCATED, OK]],
      [UPDATE, { stdout: 'Reading package lists... Done\n' }],
    ]);
    const lines: string[] = [];
    await aptAdapter().installKexecTools(runner, (l) => lines.push(l));
    expect(runner.commands('change')).toEqual([
      'debconf-set-selections',
      'apt-get install -y --no-install-recommends kexec-tools',
      'apt-get update',
      'apt-get install -y --no-install-recommends kexec-tools',
    ]);
    expect(lines.some((l) => l.includes('apt-get update'))).toBe(true);
  });

  it('fails as a packages error when the retry fails too', async () => {
    const runner = fakeRunner([
      [PRESEED, {}],
      [INSTALL, NOT_LOCATED],
      [UPDATE, {}],
    ]);
    const error = (await aptAdapter()
      .installKexecTools(runner, () => {})
      .catch((e: unknown) => e)) as X2Error;
    expect(error).toBeInstanceOf(X2Error);
    expect(error.kind).toBe('packages');
    expect(error.oneLine()).toMatch(/no configured repository carries kexec-tools.*--skip-package-install/);
    expect(error.details).toContain('E: Unable to locate package kexec-tools');
  });

  it('names the dpkg lock holder instead of retrying', async () => {
    const locked = {
      exitCode: 100,
      stderr:
        'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 2214 (unattended-upgr)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?\n',
    };
    const runner = fakeRunner([
      [PRESEED, {}],
      [INSTALL, locked],
    ]);
    const error = (await aptAdapter()
      .installKexecTools(runner, () => {})
      .catch((e: unknown) => e)) as X2Error;
    expect(error.oneLine()).toMatch(/dpkg lock \(unattended-upgrades\?\): wait for it to finish and rerun/);
    expect(runner.commands('change')).toHaveLength(2);
  });

  it('refuses to install when debconf cannot be preseeded', async () => {
    const runner = fakeRunner([
      [PRESEED, { exitCode: 1, stderr: 'debconf: DbDriver "config": /var/cache/debconf/config.dat is locked by another process' }],
    ]);
    const error = (await aptAdapter()
      .installKexecTools(runner, () => {})
      .catch((e: unknown) => e)) as X2Error;
    expect(error.kind).toBe('packages');
    expect(error.remedy).toMatch(/--skip-package-install/);
    expect(runner.commands('change')).toEqual(['debconf-set-selections']);
  });

  it('shows the commands for the plan', () => {
    expect(aptAdapter().installCommands()).toEqual([PRESEED, INSTALL]);
  });
});
