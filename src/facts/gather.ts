/**
 * Gathering facts: the only step of the pipeline that reads the host, and only through the
 * injected Runner (probes) and HostFs. Absent optional facts become `undefined`, with the reason in
 * `facts.unknown` for the plan to explain; nothing here throws because the host lacks something.
 */
import type { HostFs } from '../effects/hostfs.js';
import type { Runner } from '../effects/runner.js';
import { EMPTY_NETWORK, type NetworkModel } from '../network/model.js';
import { readArch } from './arch.js';
import { detectFamily } from './family.js';
import { readBlockDevices, type BlockDevicesReading } from './block-devices.js';
import { readCmdline, readConsoles } from './console.js';
import { detectContainer } from './container.js';
import { toDisks, toLabels } from './disks.js';
import { readEfiBoot } from './efi-boot.js';
import { readFirmware } from './firmware.js';
import { readGlibc } from './glibc.js';
import { readKexec } from './kexec.js';
import { readMemory } from './memory.js';
import { readRootMount } from './mounts.js';
import { readOsRelease } from './os-release.js';
import { findRootDisk } from './root-disk.js';
import { readStableNames } from './stable-names.js';
import { readKernelBlockDevices } from './sysfs-block.js';
import type { HostFacts, OsFacts, RootDisk, UnknownFact } from './types.js';
import { readInit } from './init.js';
import { detectVm } from './virt.js';
import { measureWorkDir } from './work-dir.js';

export interface Host {
  runner: Runner;
  fs: HostFs;
}

export interface GatherOptions {
  workDir: string;
  uid: number;
  gatherNetwork?: (host: Host) => Promise<NetworkModel>;
}

const UNKNOWN_OS: OsFacts = { id: 'linux', idLike: [], versionId: '', prettyName: 'Linux' };

/**
 * The kernel's view first (/sys/class/block, /proc/self/mountinfo, udev's database): it reads the
 * same on every kernel since 3.10 whatever util-linux is installed. `lsblk -J` only where /sys
 * is not there to read (a container without /sys/class/block).
 */
export async function readBlockTree(host: Host): Promise<BlockDevicesReading> {
  const kernel = await readKernelBlockDevices(host.fs, host.runner);
  if (kernel.ok) return kernel;
  const lsblk = await readBlockDevices(host.runner);
  return lsblk.ok ? lsblk : { ok: false, reason: `${kernel.reason}; ${lsblk.reason}` };
}

/** The disk facts of one reading of the block device tree: the same whichever reading it was. */
export async function diskFacts(fs: HostFs, blocks: BlockDevicesReading): Promise<Pick<HostFacts, 'disks' | 'rootDisk' | 'labels'>> {
  if (!blocks.ok) {
    return {
      disks: [],
      rootDisk: { ok: false, reason: `cannot list block devices (${blocks.reason}): name the disk to install to with --disk` },
      labels: [],
    };
  }
  const disks = toDisks(blocks.devices, await readStableNames(fs));
  const rootDisk: RootDisk = findRootDisk(blocks.devices, disks, await readRootMount(fs));
  return { disks, rootDisk, labels: toLabels(blocks.devices) };
}

export async function gatherFacts(host: Host, opts: GatherOptions): Promise<HostFacts> {
  const { runner, fs } = host;
  const unknown: Partial<Record<UnknownFact, string>> = {};
  const note = (fact: UnknownFact, reason: string | undefined) => {
    if (reason !== undefined) unknown[fact] = reason;
  };

  const osRead = await readOsRelease(fs);
  if (osRead === undefined) note('os', 'neither /etc/os-release nor /usr/lib/os-release is readable');
  const os = osRead ?? UNKNOWN_OS;
  const family = await detectFamily(os, runner);
  if (family.family === undefined) note('family', family.reason);

  const kernelRelease = (await fs.read('/proc/sys/kernel/osrelease'))?.trim() ?? '';
  if (kernelRelease === '') note('kernelRelease', '/proc/sys/kernel/osrelease is not readable');
  const arch = await readArch(runner);
  if (arch === undefined) note('arch', '`uname -m` gave no answer');
  const hostname = (await fs.read('/proc/sys/kernel/hostname'))?.trim() ?? '';
  if (hostname === '') note('hostname', '/proc/sys/kernel/hostname is not readable');

  const memory = await readMemory(fs);
  if (memory === undefined) note('memory', '/proc/meminfo is not readable');
  const cmdline = await readCmdline(fs);
  if (cmdline === undefined) note('cmdline', '/proc/cmdline is not readable');

  const firmware = await readFirmware(fs);
  note('secureBoot', firmware.secureBootUnknown);
  const kexec = await readKexec(fs, runner, kernelRelease);
  note('kernelConfig', kexec.unknown.kernelConfig);
  note('lockdown', kexec.unknown.lockdown);

  const blocks = await readBlockTree(host);
  if (!blocks.ok) note('disks', blocks.reason);
  const { disks, rootDisk, labels } = await diskFacts(fs, blocks);

  const container = await detectContainer(runner, fs);
  note('container', container.unknown);
  const vm = await detectVm(runner);
  note('virtualization', vm.unknown);
  const glibc = await readGlibc(runner);
  note('glibc', glibc.unknown);
  const workDir = await measureWorkDir(runner, fs, opts.workDir);
  note('workDir', workDir.unknown);

  const network = opts.gatherNetwork === undefined ? EMPTY_NETWORK : await opts.gatherNetwork(host);

  return {
    os,
    family: family.family,
    packageTool: family.family === undefined ? undefined : family.packageTool,
    arch: arch ?? 'unknown',
    kernelRelease,
    bootMode: firmware.bootMode,
    efiBoot: firmware.bootMode === 'uefi' ? await readEfiBoot(fs) : undefined,
    memory: memory ?? { totalBytes: 0, availableBytes: 0 },
    cmdline: cmdline ?? '',
    consoles: await readConsoles(fs, cmdline ?? ''),
    disks,
    rootDisk,
    labels,
    network,
    hostname,
    kexec: { ...kexec.facts, secureBoot: firmware.secureBoot },
    container: container.value,
    virtualization: vm.value,
    systemd: await fs.exists('/run/systemd/system'),
    init: await readInit(fs),
    isRoot: opts.uid === 0,
    glibc: glibc.version,
    workDirFreeBytes: workDir.freeBytes,
    workDirFsType: workDir.fsType,
    unknown,
  };
}
