import { describe, expect, it } from 'vitest';
import { yumAdapter } from '../../../distro-adapters/yum.js';
import { X2Error } from '../../../src/errors.js';
import { fakeRunner } from './fake-runner.js';

const INSTALL = ['dnf', '-y', 'install', 'kexec-tools'];
const DNF_NO_MATCH = {
  exitCode: 1,
  stdout: 'Last metadata expiration check: 12 days ago.\nNo match for argument: kexec-tools\n',
  stderr: 'Error: Unable to find a match: kexec-tools\n',
};
const OK = { stdout: 'Installed:\n  kexec-tools-2.0.26-5.oe2203sp3.x86_64\n\nComplete!\n' };

describe('yum adapter', () => {
  it('queries rpm as a probe', async () => {
    const installed = fakeRunner([[['rpm', '-q', 'kexec-tools'], { stdout: 'kexec-tools-2.0.26-3.oe2203sp3.x86_64\n' }]]);
    expect(await yumAdapter('dnf').kexecToolsInstalled(installed)).toBe(true);
    const missing = fakeRunner([[['rpm', '-q', 'kexec-tools'], { exitCode: 1, stdout: 'package kexec-tools is not installed\n' }]]);
    expect(await yumAdapter('dnf').kexecToolsInstalled(missing)).toBe(false);
    expect(missing.calls.map((c) => c.kind)).toEqual(['probe']);
  });

  it('installs with dnf through runner.change, streaming output to the log', async () => {
    const runner = fakeRunner([[INSTALL, OK]]);
    const lines: string[] = [];
    await yumAdapter('dnf').installKexecTools(runner, (l) => lines.push(l));
    expect(runner.calls.map((c) => [c.kind, c.argv.join(' ')])).toEqual([['change', 'dnf -y install kexec-tools']]);
    expect(lines).toContain('Complete!');
  });

  it('uses yum where dnf is absent', async () => {
    const runner = fakeRunner([[['yum', '-y', 'install', 'kexec-tools'], OK]]);
    await yumAdapter('yum').installKexecTools(runner, () => {});
    expect(runner.commands('change')).toEqual(['yum -y install kexec-tools']);
    expect(yumAdapter('yum').installCommands()).toEqual([['yum', '-y', 'install', 'kexec-tools']]);
  });

  it('refreshes metadata once when the package is not found, then retries', async () => {
    const runner = fakeRunner([
      [INSTALL, [DNF_NO_MATCH, OK]],
      [['dnf', 'makecache'], { stdout: 'Metadata cache created.\n' }],
    ]);
    const lines: string[] = [];
    await yumAdapter('dnf').installKexecTools(runner, (l) => lines.push(l));
    expect(runner.commands('change')).toEqual(['dnf -y install kexec-tools', 'dnf makecache', 'dnf -y install kexec-tools']);
    expect(lines.some((l) => l.includes('dnf makecache'))).toBe(true);
  });

  it('fails as a packages error naming the repositories and --skip-package-install', async () => {
    const runner = fakeRunner([
      [INSTALL, DNF_NO_MATCH],
      [['dnf', 'makecache'], { stdout: '' }],
    ]);
    const error = (await yumAdapter('dnf')
      .installKexecTools(runner, () => {})
      .catch((e: unknown) => e)) as X2Error;
    expect(error).toBeInstanceOf(X2Error);
    expect(error.kind).toBe('packages');
    expect(error.oneLine()).toMatch(/no enabled repository carries kexec-tools.*--skip-package-install/);
    expect(error.details).toContain('command: dnf -y install kexec-tools');
    expect(error.details).toContain('Error: Unable to find a match: kexec-tools');
    expect(runner.commands('change')).toHaveLength(3);
  });

  it('does not retry when the repositories themselves are broken', async () => {
    const broken = {
      exitCode: 1,
      stderr:
        "Errors during downloading metadata for repository 'everything':\nError: Failed to download metadata for repo 'everything': Cannot download repomd.xml\n",
    };
    const runner = fakeRunner([[INSTALL, broken]]);
    const error = (await yumAdapter('dnf')
      .installKexecTools(runner, () => {})
      .catch((e: unknown) => e)) as X2Error;
    expect(error.message).toMatch(/repositories are unreachable or broken/);
    expect(runner.commands('change')).toEqual(['dnf -y install kexec-tools']);
  });

  it('shows the install command for the plan', () => {
    expect(yumAdapter('dnf').installCommands()).toEqual([INSTALL]);
  });
});
