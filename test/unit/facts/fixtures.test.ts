/**
 * gatherFacts over every captured host in test/fixtures/hosts, through the same sandbox the CLI
 * tests use. Each fixture is copied first: the sandbox appends invocations.jsonl to its directory.
 */
import { copyTree } from '../../support/copy-tree.js';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostFs } from '../../../src/effects/hostfs.js';
import { sandboxRunner } from '../../../src/effects/sandbox.js';
import { gatherFacts, type Host } from '../../../src/facts/gather.js';
import type { HostFacts } from '../../../src/facts/types.js';
import { EMPTY_NETWORK, type NetworkModel } from '../../../src/network/model.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/hosts');
const work = mkdtempSync(path.join(tmpdir(), 'x2nestos-facts-'));
afterAll(() => rmSync(work, { recursive: true, force: true }), 60_000);

let copies = 0;
function sandbox(name: string): { host: Host; dir: string } {
  const dir = path.join(work, `${name}-${copies++}`);
  copyTree(path.join(FIXTURES, name), dir);
  return { host: { runner: sandboxRunner(dir), fs: hostFs(path.join(dir, 'root')) }, dir };
}

async function gather(name: string): Promise<{ facts: HostFacts; invocations: { kind: string; argv: string[] }[] }> {
  const { host, dir } = sandbox(name);
  const facts = await gatherFacts(host, { workDir: '/var/lib/x2nestos', uid: 0 });
  const invocations = readFileSync(path.join(dir, 'invocations.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { kind: string; argv: string[] });
  return { facts, invocations };
}

const GiB = 1024 ** 3;

describe('every fixture', () => {
  const names = readdirSync(FIXTURES, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);

  it('has at least seven distro versions plus the captured machine', () => {
    expect(names.length).toBeGreaterThanOrEqual(8);
    expect(names).toContain('debian-12-captured');
  });

  it.each(names)('%s: gathers without changing anything and knows the basics', async (name) => {
    const { facts, invocations } = await gather(name);
    expect(invocations.every((i) => i.kind === 'probe')).toBe(true);
    expect(facts.family).toMatch(/^(yum|apt)$/);
    expect(['x86_64', 'aarch64']).toContain(facts.arch);
    expect(facts.kernelRelease).not.toBe('');
    expect(facts.hostname).not.toBe('');
    expect(facts.memory.totalBytes).toBeGreaterThan(GiB);
    expect(facts.memory.availableBytes).toBeLessThanOrEqual(facts.memory.totalBytes);
    expect(facts.glibc).toMatch(/^2\.\d+$/);
    expect(facts.workDirFreeBytes).toBeGreaterThan(0);
    expect(facts.isRoot).toBe(true);
    expect(facts.network).toEqual(EMPTY_NETWORK);
    expect(facts.unknown?.os).toBeUndefined();
    expect(facts.unknown?.disks).toBeUndefined();
    expect(facts.disks.length).toBeGreaterThan(0);
  });
});

interface Expected {
  os: [id: string, versionId: string];
  family: 'yum' | 'apt';
  packageTool: string;
  arch: string;
  kernel: string;
  bootMode: 'uefi' | 'bios';
  secureBoot: boolean | undefined;
  lockdown: 'none' | 'integrity' | 'confidentiality' | undefined;
  consoles: string[];
  memTotalKiB: number;
  root: HostFacts['rootDisk'] | RegExp[];
  disks: string[];
  kexec: { load: boolean | undefined; file: boolean | undefined; sig: boolean | undefined; tool: string | undefined };
  virt: string | undefined;
  container?: string;
  systemd?: boolean;
  workDir: [number, string];
}

const EXPECTED: Record<string, Expected> = {
  'openeuler-22.03-lts-sp3': {
    os: ['openeuler', '22.03'],
    family: 'yum',
    packageTool: 'dnf',
    arch: 'x86_64',
    kernel: '5.10.0-182.0.0.95.oe2203sp3.x86_64',
    bootMode: 'bios',
    secureBoot: false,
    lockdown: 'none',
    consoles: ['tty0', 'ttyS0,115200'],
    memTotalKiB: 7834584,
    root: { ok: true, disk: '/dev/vda', stableName: '/dev/disk/by-id/virtio-0a5c3e2f9b8d47e1a6c3', via: ['part /dev/vda2'] },
    disks: ['/dev/vda', '/dev/vdb'],
    kexec: { load: true, file: true, sig: false, tool: '/usr/sbin/kexec' },
    virt: 'kvm',
    workDir: [38216654848, 'ext4'],
  },
  'openeuler-24.03-lts': {
    os: ['openeuler', '24.03'],
    family: 'yum',
    packageTool: 'dnf',
    arch: 'aarch64',
    kernel: '6.6.0-28.0.0.34.oe2403.aarch64',
    bootMode: 'uefi',
    secureBoot: false,
    lockdown: 'none',
    consoles: ['tty0', 'ttyAMA0,115200'],
    memTotalKiB: 3735076,
    root: {
      ok: true,
      disk: '/dev/vda',
      stableName: '/dev/disk/by-id/virtio-ssd-1f3a9c20b7e4',
      via: ['lvm /dev/mapper/openeuler-root', 'part /dev/vda3'],
    },
    disks: ['/dev/vda'],
    kexec: { load: true, file: true, sig: true, tool: undefined },
    virt: 'kvm',
    workDir: [53411409920, 'ext4'],
  },
  'centos-stream-9': {
    os: ['centos', '9'],
    family: 'yum',
    packageTool: 'dnf',
    arch: 'x86_64',
    kernel: '5.14.0-447.el9.x86_64',
    bootMode: 'uefi',
    secureBoot: true,
    lockdown: 'integrity',
    consoles: [],
    memTotalKiB: 65536412,
    root: {
      ok: true,
      disk: '/dev/sda',
      stableName: '/dev/disk/by-id/wwn-0x5002538e40a1b2c3',
      via: ['lvm /dev/mapper/cs-root', 'part /dev/sda3'],
    },
    disks: ['/dev/sda', '/dev/sdb'],
    kexec: { load: true, file: true, sig: true, tool: '/usr/sbin/kexec' },
    virt: undefined,
    workDir: [62881456128, 'xfs'],
  },
  'rocky-9.4': {
    os: ['rocky', '9.4'],
    family: 'yum',
    packageTool: 'dnf',
    arch: 'x86_64',
    kernel: '5.14.0-427.13.1.el9_4.x86_64',
    bootMode: 'uefi',
    secureBoot: true,
    lockdown: 'integrity',
    consoles: ['tty0', 'ttyS0,115200n8'],
    memTotalKiB: 3825948,
    root: { ok: true, disk: '/dev/sda', stableName: '/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_drive-scsi0-0-0-0', via: ['part /dev/sda4'] },
    disks: ['/dev/sda'],
    kexec: { load: true, file: true, sig: true, tool: '/usr/sbin/kexec' },
    virt: 'kvm',
    workDir: [18160041984, 'xfs'],
  },
  'kylin-v10-sp3': {
    os: ['kylin', 'V10'],
    family: 'yum',
    packageTool: 'dnf',
    arch: 'aarch64',
    kernel: '4.19.90-52.22.v2207.ky10.aarch64',
    // No SecureBoot variable among readable ones; a 4.19 kernel without the lockdown LSM.
    bootMode: 'uefi',
    secureBoot: false,
    lockdown: 'none',
    consoles: ['ttyAMA0,115200'],
    memTotalKiB: 267521856,
    root: {
      ok: true,
      disk: '/dev/sda',
      stableName: '/dev/disk/by-id/wwn-0x600062b2043e8c402a1b2c3d4e5f6a7b',
      via: ['lvm /dev/mapper/klas-root', 'part /dev/sda3'],
    },
    disks: ['/dev/sda'],
    kexec: { load: true, file: false, sig: false, tool: '/usr/sbin/kexec' },
    virt: undefined,
    workDir: [1011966574592, 'xfs'],
  },
  'debian-12': {
    os: ['debian', '12'],
    family: 'apt',
    packageTool: 'apt-get',
    arch: 'x86_64',
    kernel: '6.1.0-18-amd64',
    bootMode: 'bios',
    secureBoot: false,
    lockdown: 'none',
    consoles: ['tty0', 'ttyS1,115200n8'],
    memTotalKiB: 16299860,
    root: {
      ok: true,
      disk: '/dev/sda',
      stableName: '/dev/disk/by-id/wwn-0x500a0751e1a2b3c4',
      via: ['lvm /dev/mapper/debian--vg-root', 'part /dev/sda5'],
    },
    disks: ['/dev/sda'],
    kexec: { load: true, file: true, sig: true, tool: undefined },
    virt: undefined,
    workDir: [465982091264, 'ext4'],
  },
  'ubuntu-22.04': {
    os: ['ubuntu', '22.04'],
    family: 'apt',
    packageTool: 'apt-get',
    arch: 'x86_64',
    kernel: '5.15.0-105-generic',
    bootMode: 'uefi',
    secureBoot: false,
    lockdown: 'none',
    consoles: ['ttyS0,115200n8', 'tty0'],
    memTotalKiB: 32628180,
    root: {
      ok: true,
      disk: '/dev/nvme0n1',
      stableName: '/dev/disk/by-id/nvme-SAMSUNG_MZVL2512HCJQ-00B00_S675NX0T123456',
      via: ['part /dev/nvme0n1p3'],
    },
    disks: ['/dev/nvme0n1'],
    kexec: { load: true, file: true, sig: true, tool: '/usr/sbin/kexec' },
    virt: undefined,
    workDir: [475699138560, 'ext4'],
  },
  'ubuntu-24.04': {
    os: ['ubuntu', '24.04'],
    family: 'apt',
    packageTool: 'apt-get',
    arch: 'x86_64',
    kernel: '6.8.0-31-generic',
    bootMode: 'uefi',
    secureBoot: false,
    lockdown: 'none',
    consoles: [],
    memTotalKiB: 8029884,
    root: [
      /spans 2 disks through md RAID \/dev\/md0/,
      /\/dev\/sda = \/dev\/disk\/by-id\/wwn-0x5000c500a1b2c3d4/,
      /\/dev\/sdb = \/dev\/disk\/by-id\/wwn-0x5000c500a1b2c3e5/,
      /--disk/,
    ],
    disks: ['/dev/sda', '/dev/sdb'],
    kexec: { load: true, file: true, sig: true, tool: undefined },
    virt: undefined,
    workDir: [933816946688, 'ext4'],
  },
  'debian-12-captured': {
    // This development machine: a KVM guest running the tools in a docker container, whole-disk ext4
    // on /dev/vda with no /dev/disk links, and a kernel built without kexec.
    os: ['debian', '12'],
    family: 'apt',
    packageTool: 'apt-get',
    arch: 'x86_64',
    kernel: '6.18.44-fc-v657',
    bootMode: 'bios',
    secureBoot: false,
    lockdown: undefined,
    consoles: ['ttyS0'],
    memTotalKiB: 24684092,
    root: { ok: true, disk: '/dev/vda', stableName: undefined, via: [] },
    disks: ['/dev/vda'],
    kexec: { load: false, file: false, sig: false, tool: '/usr/sbin/kexec' },
    virt: 'kvm',
    container: 'docker',
    systemd: false,
    workDir: [-1, 'ext4'],
  },
};

describe.each(Object.entries(EXPECTED))('%s', (name, want) => {
  let facts: HostFacts;
  beforeAll(async () => {
    facts = (await gather(name)).facts;
  });

  it('identifies the distribution and package tool', () => {
    expect([facts.os.id, facts.os.versionId]).toEqual(want.os);
    expect(facts.family).toBe(want.family);
    expect(facts.packageTool).toBe(want.packageTool);
    expect(facts.arch).toBe(want.arch);
    expect(facts.kernelRelease).toBe(want.kernel);
  });

  it('reads boot mode, Secure Boot, lockdown and consoles', () => {
    expect(facts.bootMode).toBe(want.bootMode);
    expect(facts.kexec.secureBoot).toBe(want.secureBoot);
    expect(facts.kexec.lockdown).toBe(want.lockdown);
    expect(facts.consoles).toEqual(want.consoles);
  });

  it('reads memory, kexec support, virtualization and work dir space', () => {
    expect(facts.memory.totalBytes).toBe(want.memTotalKiB * 1024);
    expect(facts.kexec).toMatchObject({
      kexecLoad: want.kexec.load,
      kexecFileLoad: want.kexec.file,
      kexecSig: want.kexec.sig,
      tool: want.kexec.tool,
      loadDisabled: false,
      loaded: false,
    });
    expect(facts.virtualization).toBe(want.virt);
    expect(facts.container).toBe(want.container);
    expect(facts.systemd).toBe(want.systemd ?? true);
    if (want.workDir[0] > 0) expect(facts.workDirFreeBytes).toBe(want.workDir[0]);
    expect(facts.workDirFsType).toBe(want.workDir[1]);
  });

  it('finds the disks and the disk behind /', () => {
    expect(facts.disks.map((d) => d.path)).toEqual(want.disks);
    if (Array.isArray(want.root)) {
      expect(facts.rootDisk.ok).toBe(false);
      for (const re of want.root) expect(facts.rootDisk.ok ? '' : facts.rootDisk.reason).toMatch(re);
    } else {
      expect(facts.rootDisk).toEqual(want.root);
    }
  });
});

describe('details the planner relies on', () => {
  it('debian-12: msdos partitions with their numbers, offsets and mounts, LVM mounts on the disk', async () => {
    const { facts } = await gather('debian-12');
    const sda = facts.disks[0]!;
    expect(sda.ptType).toBe('dos');
    expect(sda.partitions.map((p) => [p.path, p.number, p.startBytes])).toEqual([
      ['/dev/sda1', 1, 2048 * 512],
      ['/dev/sda2', 2, 1001470 * 512],
      ['/dev/sda5', 5, 1001472 * 512],
    ]);
    expect(sda.partitions[2]!.mountpoints).toEqual(['/', '[SWAP]']);
    expect(sda.mountpoints).toEqual(['/boot', '/', '[SWAP]']);
    expect(sda.stableNames).toEqual([
      '/dev/disk/by-id/wwn-0x500a0751e1a2b3c4',
      '/dev/disk/by-id/ata-CT500MX500SSD1_2103E1A2B3C4',
      '/dev/disk/by-path/pci-0000:00:17.0-ata-1',
      '/dev/disk/by-path/pci-0000:00:17.0-ata-1.0',
    ]);
  });

  it('kylin-v10-sp3: util-linux 2.35 output (no MOUNTPOINTS, no START) still yields mounts', async () => {
    const { facts } = await gather('kylin-v10-sp3');
    expect(facts.disks[0]!.mountpoints).toEqual(['/boot/efi', '/boot', '/', '[SWAP]']);
    expect(facts.disks[0]!.partitions.map((p) => p.number)).toEqual([1, 2, 3]);
  });

  it('centos-stream-9: the unused second disk has no mounts and its own wwn', async () => {
    const { facts } = await gather('centos-stream-9');
    expect(facts.disks[1]).toMatchObject({
      path: '/dev/sdb',
      mountpoints: [],
      partitions: [],
      stableNames: expect.arrayContaining(['/dev/disk/by-id/wwn-0x5000c500b1c2d3e4']),
    });
  });

  it('debian-12-captured: the kernel config came from /proc/config.gz and lockdown is unknown with a reason', async () => {
    const { facts } = await gather('debian-12-captured');
    expect(facts.kexec.kernelConfig).toBe('/proc/config.gz');
    expect(facts.unknown?.lockdown).toMatch(/lockdown/);
    expect(facts.disks.some((d) => d.path === '/dev/zram0')).toBe(false);
  });

  it('uses the injected network gatherer with the same host', async () => {
    const { host } = sandbox('rocky-9.4');
    const model: NetworkModel = { ...EMPTY_NETWORK, primary: 'eth0' };
    let seen: Host | undefined;
    const facts = await gatherFacts(host, { workDir: '/var/lib/x2nestos', uid: 1000, gatherNetwork: async (h) => ((seen = h), model) });
    expect(seen).toBe(host);
    expect(facts.network).toBe(model);
    expect(facts.isRoot).toBe(false);
  });

  it('issues exactly these probes (block devices come from /sys, not lsblk)', async () => {
    const { invocations } = await gather('openeuler-22.03-lts-sp3');
    expect(invocations.map((i) => i.argv.join(' '))).toEqual([
      'uname -m',
      'systemd-detect-virt --container',
      'systemd-detect-virt --vm',
      'getconf GNU_LIBC_VERSION',
      'df -B1 --output=avail,fstype /var/lib',
    ]);
  });
});
