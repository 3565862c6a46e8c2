/**
 * The two readings of a host's disks give the same facts: the kernel's (/sys/class/block,
 * /proc/self/mountinfo, udev's database or blkid) and lsblk's JSON, on every captured host that
 * has both. The kernel reading is what runs on util-linux 2.23, where `lsblk -J` does not exist.
 */
import { mkdtempSync, readdirSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostFs } from '../../../src/effects/hostfs.js';
import { sandboxRunner } from '../../../src/effects/sandbox.js';
import { readBlockDevices } from '../../../src/facts/block-devices.js';
import { diskFacts, readBlockTree } from '../../../src/facts/gather.js';
import { readKernelBlockDevices } from '../../../src/facts/sysfs-block.js';
import { gatherNetwork, readRuntimeJson } from '../../../src/network/gather.js';
import type { HostFacts } from '../../../src/facts/types.js';
import { copyTree } from '../../support/copy-tree.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/hosts');
const work = mkdtempSync(path.join(tmpdir(), 'x2nestos-readings-'));
afterAll(() => rmSync(work, { recursive: true, force: true }), 60_000);

const hosts = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .filter(
    (name) => existsSync(path.join(FIXTURES, name, 'out/lsblk.json')) && existsSync(path.join(FIXTURES, name, 'root/sys/class/block')),
  );

let copies = 0;
function host(name: string) {
  const dir = path.join(work, `${name}-${copies++}`);
  copyTree(path.join(FIXTURES, name), dir);
  return { runner: sandboxRunner(dir), fs: hostFs(path.join(dir, 'root')) };
}

/** lsblk before 2.38 has no START column: its reading says 0 where the kernel knows the start. */
function withoutUnknownStarts(json: Pick<HostFacts, 'disks'>, kernel: Pick<HostFacts, 'disks'>) {
  return {
    ...kernel,
    disks: kernel.disks.map((d, i) => ({
      ...d,
      partitions: d.partitions.map((p, j) => (json.disks[i]?.partitions[j]?.startBytes === 0 ? { ...p, startBytes: 0 } : p)),
    })),
  };
}

describe('kernel reading = lsblk JSON reading', () => {
  it('covers every captured host with an lsblk capture', () => {
    expect(hosts.length).toBeGreaterThanOrEqual(9);
  });

  it.each(hosts)('%s: same disks, partitions, root disk and labels', async (name) => {
    const h = host(name);
    const kernel = await readKernelBlockDevices(h.fs, h.runner);
    const json = await readBlockDevices(h.runner);
    expect(kernel.ok, kernel.ok ? '' : kernel.reason).toBe(true);
    expect(json.ok).toBe(true);
    const fromKernel = await diskFacts(h.fs, kernel);
    const fromJson = await diskFacts(h.fs, json);
    expect(fromKernel.disks.length).toBeGreaterThan(0);
    expect(withoutUnknownStarts(fromJson, fromKernel)).toEqual(fromJson);
  });

  it.each(hosts)('%s: gathering prefers the kernel and never runs lsblk', async (name) => {
    const h = host(name);
    const reading = await readBlockTree(h);
    expect(reading.ok).toBe(true);
    const calls: string[] = [];
    const spy = {
      ...h.runner,
      probe: (argv: readonly string[], o?: Parameters<typeof h.runner.probe>[1]) => (calls.push(argv.join(' ')), h.runner.probe(argv, o)),
    };
    await readBlockTree({ runner: spy, fs: h.fs });
    expect(calls.filter((c) => c.startsWith('lsblk'))).toEqual([]);
  });
});

describe('plain ip + /sys = ip -j', () => {
  const withIpJson = hosts.filter((name) => existsSync(path.join(FIXTURES, name, 'out/ip-addr.json')));
  it.each(withIpJson)('%s: the same network model', async (name) => {
    const plain = await gatherNetwork(host(name));
    const json = await gatherNetwork(host(name), (runner) => readRuntimeJson(runner));
    expect(plain.interfaces.length).toBeGreaterThan(0);
    expect(plain).toEqual(json);
  });
});

describe('kernel reading details', () => {
  it('starts partitions where the kernel says, also where lsblk printed no START (2.35/2.37)', async () => {
    const h = host('rocky-9.4');
    const { disks } = await diskFacts(h.fs, await readKernelBlockDevices(h.fs, h.runner));
    expect(disks[0]!.partitions.map((p) => p.startBytes)).toEqual([2048 * 512, 6144 * 512, 210944 * 512, 2258944 * 512]);
  });

  it('reads transports from the device path: sata and nvme as lsblk prints them', async () => {
    const sata = host('centos-stream-9');
    const nvme = host('ubuntu-22.04');
    expect((await diskFacts(sata.fs, await readKernelBlockDevices(sata.fs, sata.runner))).disks.map((d) => d.transport)).toEqual([
      'sata',
      'sata',
    ]);
    expect((await diskFacts(nvme.fs, await readKernelBlockDevices(nvme.fs, nvme.runner))).disks.map((d) => d.transport)).toEqual(['nvme']);
  });

  it('lists an md array under each member, like lsblk, so / spanning two disks is still refused', async () => {
    const h = host('ubuntu-24.04');
    const facts = await diskFacts(h.fs, await readKernelBlockDevices(h.fs, h.runner));
    expect(facts.rootDisk).toEqual({ ok: false, reason: expect.stringMatching(/^\/ spans 2 disks through md RAID \/dev\/md0/) });
  });

  it('falls back to blkid where udev keeps no database (the captured container)', async () => {
    const h = host('debian-12-captured');
    const reading = await readKernelBlockDevices(h.fs, h.runner);
    expect(reading.ok && reading.devices.map((d) => d.kname)).toEqual(['zram0', 'vda']);
  });

  it('explains a host without /sys or /proc', async () => {
    const empty = mkdtempSync(path.join(work, 'empty-'));
    // A sandbox host that answers no command (the sandbox refuses a directory without commands.json).
    writeFileSync(path.join(empty, 'commands.json'), '{}');
    const reading = await readKernelBlockDevices(hostFs(empty), sandboxRunner(empty));
    expect(reading).toEqual({ ok: false, reason: expect.stringMatching(/\/sys\/class\/block lists no block devices/) });
  });
});
