/** What x2nestos knows about the host. Gathered once (src/facts/gather.ts), read by the pure planner. */
import type { NetworkModel } from '../network/model.js';
import type { EfiBootFacts } from './efi-boot.js';

export type Family = 'yum' | 'apt';
export type Arch = 'x86_64' | 'aarch64';

export interface OsFacts {
  id: string;
  idLike: string[];
  versionId: string;
  prettyName: string;
}

export interface Disk {
  /** Kernel name, e.g. /dev/vda. */
  path: string;
  sizeBytes: number;
  model?: string;
  serial?: string;
  wwn?: string;
  transport?: string;
  removable: boolean;
  readOnly: boolean;
  /** Stable names that point at this disk, best first (by-id wwn, by-id bus-serial, by-path). */
  stableNames: string[];
  partitions: Partition[];
  /** Mount points on this disk or its partitions (and on LVM/LUKS stacked on them). */
  mountpoints: string[];
  /** Partition table: gpt | dos | undefined. */
  ptType?: string;
}

export interface Partition {
  path: string;
  number: number;
  startBytes: number;
  sizeBytes: number;
  label?: string;
  fsType?: string;
  /** The filesystem label (not the GPT name in `label`). */
  fsLabel?: string;
  mountpoints: string[];
}

/** A labelled filesystem anywhere on the machine (NestOS finds its own filesystems by label). */
export interface FilesystemLabel {
  /** The device holding the filesystem: /dev/sdb1, /dev/mapper/vg-data, /dev/md0. */
  device: string;
  label: string;
  fsType?: string;
  /** The disks it lives on, by kernel path (/dev/sdb; itself for a filesystem on a whole disk). */
  disks: string[];
  /** The partitions it lives in or is (/dev/sdb1), under LVM, LUKS or md too. */
  partitions: string[];
}

export type RootDisk = { ok: true; disk: string; stableName: string | undefined; via: string[] } | { ok: false; reason: string };

export interface KexecFacts {
  /** CONFIG_KEXEC (kexec_load) from /proc/config.gz or /boot/config-$(uname -r); undefined when unknown. */
  kexecLoad: boolean | undefined;
  /** CONFIG_KEXEC_FILE (kexec_file_load). */
  kexecFileLoad: boolean | undefined;
  /** CONFIG_KEXEC_SIG: kexec_file_load verifies the kernel's signature (enforced under lockdown). */
  kexecSig?: boolean | undefined;
  /** CONFIG_KEXEC_SIG_FORCE: unsigned kernels are refused even without lockdown. */
  kexecSigForce?: boolean | undefined;
  /** Where the kernel config was read (/boot/config-<release>, /proc/config.gz); undefined when none. */
  kernelConfig?: string | undefined;
  /** /proc/sys/kernel/kexec_load_disabled = 1: no kexec at all until reboot. */
  loadDisabled: boolean;
  /** /sys/kernel/security/lockdown active mode: none | integrity | confidentiality. */
  lockdown: 'none' | 'integrity' | 'confidentiality' | undefined;
  /** Secure Boot enabled (EFI variable SecureBoot-8be4df61-...). */
  secureBoot: boolean | undefined;
  /** /sys/kernel/kexec_loaded. */
  loaded: boolean;
  /** Path of the kexec binary when installed. */
  tool: string | undefined;
}

export interface HostFacts {
  os: OsFacts;
  family: Family | undefined;
  arch: string;
  kernelRelease: string;
  bootMode: 'uefi' | 'bios';
  /** The firmware's boot entries (UEFI only; undefined when the variables cannot be read). */
  efiBoot?: EfiBootFacts | undefined;
  memory: { totalBytes: number; availableBytes: number };
  cmdline: string;
  /**
   * console= values from /proc/cmdline, in order (the last is /dev/console); without any, the serial
   * consoles the kernel found in firmware (/sys/class/tty/console/active, e.g. ttyAMA0 on arm64).
   */
  consoles: string[];
  disks: Disk[];
  rootDisk: RootDisk;
  /** Every filesystem label on every block device (from udev's probe or blkid, as lsblk shows LABEL). */
  labels: FilesystemLabel[];
  network: NetworkModel;
  hostname: string;
  kexec: KexecFacts;
  /** Container type when running inside one (lxc, docker, podman, ...). */
  container: string | undefined;
  virtualization: string | undefined;
  systemd: boolean;
  /** The init system and what its reboot does with a loaded kernel (absent: not inspected). */
  init?: InitFacts;
  isRoot: boolean;
  glibc: string | undefined;
  /** Free bytes on the filesystem holding the work directory (or its nearest existing parent). */
  workDirFreeBytes: number | undefined;
  workDirFsType: string | undefined;
  /** dnf, yum or apt-get, when the family is known. */
  packageTool?: string | undefined;
  /** Why a fact is undefined (or a stand-in), keyed by the fact's name, for the plan to explain. */
  unknown?: Partial<Record<UnknownFact, string>>;
}

export interface InitFacts {
  system: 'systemd' | 'sysvinit' | 'openrc' | 'other';
  /** A script the init system runs at reboot that executes a loaded kexec kernel (Debian's /etc/init.d/kexec). */
  kexecOnReboot: string | undefined;
}

export type UnknownFact =
  | 'os'
  | 'family'
  | 'arch'
  | 'kernelRelease'
  | 'memory'
  | 'cmdline'
  | 'disks'
  | 'secureBoot'
  | 'kernelConfig'
  | 'lockdown'
  | 'container'
  | 'virtualization'
  | 'glibc'
  | 'workDir'
  | 'hostname';
