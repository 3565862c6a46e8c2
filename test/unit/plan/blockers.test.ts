// Every refusal the planner can raise, as a table: what the host, the options or the release look
// like → the blocker (its one-line message) and the exit code `x2nestos convert` ends with. The
// baseline plans with no blocker at all, so each row proves its own input is what raised it.
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../../src/errors.js';
import type { Disk, HostFacts } from '../../../src/facts/types.js';
import { validateOptions } from '../../../src/options/load.js';
import { chooseKexecTool, type KexecToolFacts, type KexecToolOptions } from '../../../src/plan/kexec-tool.js';
import { planConversion, type PlanInputs } from '../../../src/plan/plan.js';
import type { IgnitionSummary } from '../../../src/plan/types.js';
import { hostFacts, release } from './host.js';

const GiB = 1024 ** 3;
const base = hostFacts();

const IGNITION: IgnitionSummary = {
  source: '/root/node.ign',
  sha256: 'c'.repeat(64),
  specVersion: '3.3.0',
  sshKeys: [{ user: 'nest', type: 'ssh-ed25519', fingerprint: 'SHA256:x', origin: 'config' }],
  passwordUsers: [],
  warnings: [],
  additions: [],
  identityNotes: [],
};
const DEST = Buffer.from(JSON.stringify({ ignition: { version: '3.3.0' } }));

/** The spare disk /dev/vdb of the baseline host, changed. */
const spare = (patch: Partial<Disk>): Partial<HostFacts> => ({ disks: [base.disks[0]!, { ...base.disks[1]!, ...patch }] });
const kexecFacts = (patch: Partial<HostFacts['kexec']>): Partial<HostFacts> => ({ kexec: { ...base.kexec, ...patch } });

const HOST_TOOL: KexecToolFacts = {
  host: { path: '/usr/sbin/kexec', version: 'kexec-tools 2.0.26' },
  carried: undefined,
  user: undefined,
  packages: { tool: 'dnf', installArgv: [['dnf', 'install', '-y', 'kexec-tools']] },
};

interface Row {
  spec: string;
  facts?: Partial<HostFacts>;
  options?: Record<string, unknown>;
  input?: Partial<PlanInputs>;
  /** What src/plan/kexec-tool.ts found and was told, when the row is about choosing the kexec program. */
  kexec?: { found: Partial<KexecToolFacts>; options?: Partial<KexecToolOptions> };
  code: number;
  message: string;
}

// prettier-ignore
const ROWS: Row[] = [
  // The host itself
  { spec: 'inside a container', facts: { container: 'docker' }, code: 3, message: 'running inside a container (docker); kexec needs the host itself' },
  { spec: 'not root', facts: { isRoot: false }, code: 3, message: 'converting needs root' },
  { spec: 'no package family, with the reason detection gave', facts: { family: undefined, unknown: { family: 'neither dnf nor yum is installed' } }, code: 3, message: 'neither dnf nor yum is installed' },
  { spec: 'no package family, no reason recorded', facts: { family: undefined }, code: 3, message: 'unsupported distribution openEuler 22.03' },
  { spec: 'a machine NestOS is not built for', facts: { arch: 'ppc64le' }, input: { release: { ...release(), arch: 'ppc64le' } }, code: 3, message: 'NestOS is built for x86_64 and aarch64, not ppc64le' },
  { spec: 'a release for another architecture', facts: { arch: 'aarch64' }, code: 2, message: 'the release is for x86_64 but this host is aarch64' },
  // The command line
  { spec: 'no Ignition config', input: { ignition: undefined }, code: 2, message: 'no Ignition config given' },
  { spec: '--live-karg that boots another way', options: { liveKarg: ['root=/dev/sda2'] }, code: 2, message: '--live-karg root=/dev/sda2 would make the live system boot another way' },
  { spec: '--append-karg with a space', options: { appendKarg: ['quiet splash'] }, code: 2, message: '--append-karg "quiet splash" is not a single kernel argument' },
  { spec: '--console with a space', options: { console: ['ttyS0 init=/bin/sh'] }, code: 2, message: '--console "ttyS0 init=/bin/sh" is not a single console' },
  { spec: '--console that is no console', options: { console: ['ttyS0=x'] }, code: 2, message: '--console ttyS0=x is not a console: expected name[,options] like ttyS0,115200n8' },
  { spec: 'a live command line longer than the kernel takes', options: { liveKarg: ['x'.repeat(2100)] }, code: 2, message: 'the live kernel command line is 2205 bytes, more than the x86_64 kernel accepts (2047)' },
  // The target disk
  { spec: '--disk that is not there', options: { disk: '/dev/sdz' }, code: 2, message: 'no disk /dev/sdz on this host (disks: /dev/vda, /dev/vdb)' },
  { spec: 'the disk behind / unknown', facts: { rootDisk: { ok: false, reason: '/ is on nfs' } }, code: 3, message: '/ is on nfs' },
  { spec: 'the disk behind / not among the disks', facts: { rootDisk: { ok: true, disk: '/dev/sdq', stableName: undefined, via: [] } }, code: 3, message: 'the disk behind / is not among the disks lsblk reports' },
  { spec: 'a disk without a stable name', facts: spare({ stableNames: [] }), options: { disk: '/dev/vdb' }, code: 3, message: '/dev/vdb has no stable name in /dev/disk/by-id or /dev/disk/by-path, and kernel names can change under the live kernel' },
  { spec: 'a removable disk', facts: spare({ removable: true }), options: { disk: '/dev/vdb' }, code: 3, message: '/dev/vdb is removable' },
  { spec: 'a read-only disk', facts: spare({ readOnly: true }), options: { disk: '/dev/vdb' }, code: 3, message: '/dev/vdb is read-only' },
  { spec: 'a disk under 8 GiB', facts: spare({ sizeBytes: 4 * GiB }), options: { disk: '/dev/vdb' }, code: 3, message: '/dev/vdb has 4.0 GiB; NestOS needs at least 8.0 GiB' },
  { spec: 'another disk that is mounted', facts: spare({ mountpoints: ['/data'] }), options: { disk: '/dev/vdb' }, code: 3, message: '/dev/vdb is in use (mounted at /data)' },
  { spec: '--save-partlabel matching nothing', options: { savePartlabel: ['backup*'] }, code: 2, message: '--save-partlabel backup* matches no partition on /dev/vda' },
  { spec: '--save-partlabel that is no glob', options: { savePartlabel: ['[data'] }, code: 2, message: '--save-partlabel [data is not a valid glob: a [ is not closed by ]' },
  { spec: '--save-partindex matching nothing', options: { savePartindex: ['9'] }, code: 2, message: '--save-partindex 9 matches no partition on /dev/vda' },
  { spec: 'keeping a partition NestOS overwrites', options: { savePartindex: ['2'] }, code: 3, message: "partition 2 of /dev/vda (partindex 2) lies where NestOS's own partitions go (numbers 1-4, first 8.0 GiB)" },
  { spec: 'another disk labelled boot', facts: { labels: [{ device: '/dev/vdb1', label: 'boot', fsType: 'ext4', disks: ['/dev/vdb'], partitions: ['/dev/vdb1'] }] }, code: 3, message: '/dev/vdb1 (ext4 on /dev/vdb) is labelled "boot", the label NestOS finds its own boot filesystem by: the converted server would stop at its first boot' },
  // The running kernel
  { spec: 'kexec_load_disabled set', facts: kexecFacts({ loadDisabled: true }), code: 7, message: 'kexec is disabled on this kernel until the next boot (kernel.kexec_load_disabled = 1)' },
  { spec: 'a kernel without kexec', facts: kexecFacts({ kexecLoad: false, kexecFileLoad: false }), code: 7, message: 'this kernel (5.10.0-182.0.0.95.oe2203sp3.x86_64) was built without kexec support' },
  { spec: 'lockdown without kexec_file_load', facts: kexecFacts({ lockdown: 'integrity', kexecFileLoad: false }), code: 7, message: 'kernel lockdown (integrity) forbids kexec_load and this kernel has no kexec_file_load' },
  // The kexec program (src/plan/kexec-tool.ts)
  { spec: '--kexec naming no file', kexec: { found: { user: { path: '/opt/kexec', exists: false, version: undefined } } }, code: 3, message: '--kexec /opt/kexec: no such file' },
  { spec: '--kexec naming something that is not kexec', kexec: { found: { user: { path: '/bin/true', exists: true, version: undefined } } }, code: 3, message: '--kexec /bin/true does not run as kexec (`/bin/true --version` failed or did not name kexec-tools)' },
  { spec: '--kexec-from-packages with --skip-package-install', kexec: { found: {}, options: { kexecFromPackages: true, skipPackageInstall: true } }, code: 2, message: '--kexec-from-packages and --skip-package-install contradict each other' },
  { spec: '--kexec-from-packages without a package manager', kexec: { found: { host: undefined, packages: undefined }, options: { kexecFromPackages: true } }, code: 8, message: 'kexec-tools is not installed and this host has no package manager x2nestos can use' },
  { spec: 'no kexec anywhere, run from the bundle', kexec: { found: { host: undefined }, options: { skipPackageInstall: true } }, code: 8, message: 'kexec-tools is not installed, and this x2nestos carries no kexec (it runs from the bundle, not from a release file)' },
  // Memory and the work directory
  { spec: '--rootfs-mode url with a local rootfs', options: { rootfsMode: 'url' }, input: { release: localRootfs() }, code: 2, message: '--rootfs-mode url needs the rootfs at an http(s) URL the live system can fetch' },
  { spec: 'too little RAM for the live system', facts: { memory: { totalBytes: 1 * GiB, availableBytes: 1 * GiB } }, code: 3, message: 'not enough memory for the live installer: 2.4 GiB needed with the rootfs appended, 1.0 GiB installed (even by URL it needs 1.6 GiB)' },
  { spec: 'too little free RAM to load it', facts: { memory: { totalBytes: 4 * GiB, availableBytes: 0.5 * GiB } }, code: 3, message: 'not enough free memory to load the live system: 976 MiB needed, 512 MiB available' },
  { spec: 'a work directory on tmpfs', facts: { workDirFsType: 'tmpfs' }, code: 3, message: 'the work directory /var/lib/x2nestos is on tmpfs, which keeps the downloads in the RAM the live system needs' },
  { spec: 'a work directory without room', facts: { workDirFreeBytes: 1 * GiB }, code: 3, message: 'not enough space for /var/lib/x2nestos: 1.8 GiB needed, 1.0 GiB free' },
];

function localRootfs(): PlanInputs['release'] {
  const r = release();
  return { ...r, artifacts: { ...r.artifacts, rootfs: { ...r.artifacts.rootfs, location: '/srv/nestos/rootfs.img' } } };
}

function plan(row: Partial<Row>) {
  const chosen = chooseKexecTool(
    { ...HOST_TOOL, ...row.kexec?.found },
    { kexecFromPackages: false, skipPackageInstall: false, ...row.kexec?.options },
  );
  return planConversion({
    facts: hostFacts(row.facts),
    options: validateOptions(row.options ?? {}),
    release: release(),
    ignition: IGNITION,
    destIgnition: DEST,
    userKeyfiles: [],
    kexecTool: chosen.tool,
    kexecToolBlockers: chosen.blockers,
    workDir: '/var/lib/x2nestos',
    toolVersion: '0.2.0',
    purpose: 'convert',
    ...row.input,
  }).plan;
}

describe('the planner refuses', () => {
  it('nothing on the baseline host (so each row below raises its own blocker)', () => {
    expect(plan({}).blockers).toEqual([]);
  });

  it.each(ROWS.map((row) => [`${row.spec} → exit ${row.code}`, row] as const))('%s', (_, row) => {
    const blockers = plan(row).blockers;
    expect(blockers.map((b) => b.message)).toEqual([row.message]);
    expect(EXIT_CODES[blockers[0]!.kind]).toBe(row.code);
    // Every refusal tells the user what to do.
    expect(blockers[0]!.remedy).toMatch(/\w/);
  });
});
