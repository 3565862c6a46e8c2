// A baseline HostFacts for planner tests: an x86_64 BIOS VM with one 20 GiB virtio disk and 4 GiB RAM.
import type { HostFacts } from '../../../src/facts/types.js';
import { EMPTY_NETWORK } from '../../../src/network/model.js';
import type { ResolvedRelease } from '../../../src/model/artifacts.js';
import type { KexecTool } from '../../../src/plan/types.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export function hostFacts(overrides: Partial<HostFacts> = {}): HostFacts {
  return {
    os: { id: 'openEuler', idLike: [], versionId: '22.03', prettyName: 'openEuler 22.03 (LTS-SP3)' },
    family: 'yum',
    arch: 'x86_64',
    kernelRelease: '5.10.0-182.0.0.95.oe2203sp3.x86_64',
    bootMode: 'bios',
    memory: { totalBytes: 4 * GiB, availableBytes: 3 * GiB },
    cmdline: 'BOOT_IMAGE=/vmlinuz root=/dev/mapper/openeuler-root ro console=tty0 console=ttyS0,115200n8',
    consoles: ['tty0', 'ttyS0,115200n8'],
    disks: [
      {
        path: '/dev/vda',
        sizeBytes: 20 * GiB,
        serial: 'HOSTDISK1',
        removable: false,
        readOnly: false,
        stableNames: ['/dev/disk/by-id/virtio-HOSTDISK1', '/dev/disk/by-path/pci-0000:00:04.0'],
        partitions: [
          { path: '/dev/vda1', number: 1, startBytes: MiB, sizeBytes: GiB, fsType: 'ext4', mountpoints: ['/boot'] },
          { path: '/dev/vda2', number: 2, startBytes: GiB + MiB, sizeBytes: 10 * GiB, fsType: 'LVM2_member', mountpoints: [] },
          { path: '/dev/vda5', number: 5, startBytes: 12 * GiB, sizeBytes: 7 * GiB, label: 'data', fsType: 'xfs', mountpoints: ['/srv'] },
        ],
        mountpoints: ['/', '/boot', '/srv'],
        ptType: 'gpt',
      },
      {
        path: '/dev/vdb',
        sizeBytes: 10 * GiB,
        serial: 'SPARE',
        removable: false,
        readOnly: false,
        stableNames: ['/dev/disk/by-id/virtio-SPARE'],
        partitions: [],
        mountpoints: [],
      },
    ],
    rootDisk: {
      ok: true,
      disk: '/dev/vda',
      stableName: '/dev/disk/by-id/virtio-HOSTDISK1',
      via: ['/dev/mapper/openeuler-root', '/dev/vda2'],
    },
    labels: [],
    network: EMPTY_NETWORK,
    hostname: 'web-01',
    kexec: {
      kexecLoad: true,
      kexecFileLoad: true,
      loadDisabled: false,
      lockdown: 'none',
      secureBoot: false,
      loaded: false,
      tool: undefined,
    },
    container: undefined,
    virtualization: 'kvm',
    systemd: true,
    isRoot: true,
    glibc: '2.34',
    workDirFreeBytes: 50 * GiB,
    workDirFsType: 'ext4',
    ...overrides,
  };
}

export function release(sizes: { kernel?: number; initramfs?: number; rootfs?: number } = {}): ResolvedRelease {
  const ref = (role: 'kernel' | 'initramfs' | 'rootfs', name: string, size: number | undefined) => ({
    role,
    name,
    location: `https://mirror.example/2403/${name}`,
    sha256: 'a'.repeat(64),
    sha256Source: 'stream' as const,
    ...(size !== undefined ? { sizeBytes: size } : {}),
  });
  return {
    source: 'stream',
    origin: 'https://mirror.example/streams/2403-LTS.json',
    stream: '2403-LTS',
    release: '24.03-LTS.20240625.0',
    arch: 'x86_64',
    artifacts: {
      kernel: ref('kernel', 'nestos-24.03-live-kernel-x86_64', sizes.kernel ?? 12 * MiB),
      initramfs: ref('initramfs', 'nestos-24.03-live-initramfs.x86_64.img', sizes.initramfs ?? 100 * MiB),
      rootfs: ref('rootfs', 'nestos-24.03-live-rootfs.x86_64.img', sizes.rootfs ?? 800 * MiB),
    },
  };
}

/** The host's own kexec-tools, as src/plan/kexec-tool.ts chooses it. */
export const HOST_KEXEC: KexecTool = {
  source: 'host',
  argv: ['kexec'],
  path: '/usr/sbin/kexec',
  version: 'kexec-tools 2.0.26',
  reason: 'kexec-tools is installed on this host',
  installArgv: [],
};

/** kexec-tools to be installed with dnf (--kexec-from-packages). */
export const DNF_KEXEC: KexecTool = {
  source: 'packages',
  argv: ['kexec'],
  path: undefined,
  version: undefined,
  reason: '--kexec-from-packages',
  installArgv: [['dnf', 'install', '-y', 'kexec-tools']],
};
