/**
 * The parsers against the real tools of the machine running the tests (read-only probes only; the
 * host guard is on). Values differ per machine, so these compare with what Node itself reports.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { DEBCONF_PRESEED } from '../../../distro-adapters/apt.js';
import { execRunner } from '../../../src/effects/exec.js';
import { hostGuard } from '../../../src/effects/guard.js';
import { hostFs } from '../../../src/effects/hostfs.js';
import { readBlockDevices } from '../../../src/facts/block-devices.js';
import { diskFacts, gatherFacts } from '../../../src/facts/gather.js';
import { readKernelBlockDevices } from '../../../src/facts/sysfs-block.js';
import { gatherNetwork, readRuntimeJson } from '../../../src/network/gather.js';

const has = (program: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe.runIf(os.platform() === 'linux')('this machine', () => {
  it('gathers facts that agree with the kernel as Node sees it', async () => {
    const guard = hostGuard(process.env);
    expect(guard.forbidden).toBe(true);
    const facts = await gatherFacts(
      { runner: execRunner(guard), fs: hostFs('/') },
      { workDir: os.tmpdir(), uid: process.getuid?.() ?? -1 },
    );
    expect(facts.kernelRelease).toBe(os.release());
    expect(facts.hostname).toBe(os.hostname());
    expect(facts.memory.totalBytes).toBe(os.totalmem());
    expect(facts.arch).toBe(execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim());
    expect(facts.isRoot).toBe(process.getuid?.() === 0);
    if (has('lsblk')) expect(facts.unknown?.disks).toBeUndefined();
    if (has('df')) expect(facts.workDirFreeBytes).toBeGreaterThan(0);
  });

  it.runIf(has('lsblk'))('reads the same disks from /sys and /proc as the real lsblk -J prints', async () => {
    const runner = execRunner(hostGuard(process.env));
    const fs = hostFs('/');
    const kernel = await readKernelBlockDevices(fs, runner);
    const json = await readBlockDevices(runner);
    expect(kernel.ok && json.ok).toBe(true);
    expect(await diskFacts(fs, kernel)).toEqual(await diskFacts(fs, json));
  });

  it.runIf(has('ip'))('reads the same network from plain ip output and /sys as the real ip -j gives', async () => {
    const host = { runner: execRunner(hostGuard(process.env)), fs: hostFs('/') };
    const plain = await gatherNetwork(host);
    expect(plain.notCarried.map((n) => n.what)).not.toContain('the network configuration');
    expect(plain).toEqual(await gatherNetwork(host, (runner) => readRuntimeJson(runner)));
  });

  it.runIf(has('debconf-set-selections'))('writes a debconf preseed line debconf itself accepts', () => {
    // --checkonly parses the input without touching the debconf database.
    const check = (input: string) => spawnSync('debconf-set-selections', ['--checkonly'], { input, encoding: 'utf8' });
    const ours = check(DEBCONF_PRESEED);
    expect([ours.status, ours.stderr]).toEqual([0, '']);
    // The check can fail: a line without a type is reported.
    expect(check('kexec-tools kexec-tools/load_kexec false\n').stderr).toMatch(/Unknown type/);
  });
});
