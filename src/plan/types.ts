/**
 * The plan: everything x2nestos will do, decided before anything is done. `x2nestos plan` prints it,
 * `--json` emits it (schema documented in README "JSON output"), `convert` executes it.
 */
import type { NetworkModel } from '../network/model.js';
import type { ResolvedRelease } from '../model/artifacts.js';
import type { Blocker } from '../model/blocker.js';
import type { BootEntriesPlan, PayloadFile } from '../model/payload.js';

export const PLAN_SCHEMA_VERSION = 1;

export interface IgnitionSummary {
  /** File path or URL as given. */
  source: string;
  sha256: string;
  specVersion: string | undefined;
  /** Keys that will be accepted for SSH login on the installed system. */
  sshKeys: { user: string; type: string; fingerprint: string; comment?: string; origin: 'config' | 'inherited' }[];
  passwordUsers: string[];
  warnings: string[];
  /** What x2nestos added to the user's config (inherited keys, hostname, host keys), if anything. */
  additions: string[];
  /** What of this host's identity could not be carried, and why (restricted keys, refused users ...). */
  identityNotes: string[];
}

export interface TargetDisk {
  /** Kernel name on this host, e.g. /dev/vda. */
  device: string;
  /** The name handed to the installer: stable across kernels. */
  installerName: string;
  sizeBytes: number;
  model?: string;
  serial?: string;
  isRootDisk: boolean;
  /** Partitions kept through the install (--save-partlabel / --save-partindex). */
  kept: { number: number; label?: string; startBytes: number; sizeBytes: number; matchedBy: string }[];
}

export interface MemoryCheck {
  totalBytes: number;
  availableBytes: number;
  /** Live system needs with the rootfs appended / fetched by URL (undefined when sizes unknown). */
  appendNeedsBytes: number | undefined;
  urlNeedsBytes: number | undefined;
  /** The old system needs this much available to load the kernel and initrd. */
  loadNeedsBytes: number | undefined;
  rootfsMode: 'append' | 'url';
  /** Why this mode was picked. */
  reason: string;
}

export interface KexecPlan {
  /** file = kexec_file_load (`kexec -s`), syscall = kexec_load (`kexec -l`); `file-then-syscall` tries both in order. */
  method: 'file' | 'syscall' | 'file-then-syscall';
  loadArgv: string[];
  /** The switch's command (`switch.argv`), kept for --json readers of schema 1. */
  switchArgv: string[];
  /** How the host hands over to the loaded kernel, and why that way. */
  switch: SwitchPlan;
  toolInstalled: boolean;
  installArgv: string[][];
  /** Which kexec program (src/plan/kexec-tool.ts): the host's, the carried one, the distribution's package, or --kexec. */
  source: KexecSource;
  /** Its path (undefined for `packages` until installed) and `--version` answer, when known. */
  path: string | undefined;
  version: string | undefined;
  /** Why this one, in words. */
  reason: string;
  /** The argv that runs it; a carried kexec runs through the runtime's own loader. */
  toolArgv: string[];
}

export type KexecSource = 'host' | 'carried' | 'packages' | 'user';

/** The chosen kexec program, before the load method is known. */
export interface KexecTool {
  source: KexecSource;
  argv: string[];
  path: string | undefined;
  version: string | undefined;
  reason: string;
  installArgv: string[][];
}

export interface SwitchPlan {
  /** systemd: `systemctl kexec`; init-reboot: the init system's reboot executes the kernel; direct: sync, remount read-only, `kexec -e`. */
  method: 'systemd' | 'init-reboot' | 'direct';
  argv: string[];
  reason: string;
}

/** The firmware's boot menu as read on this host, and what the live system will change in it. */
export interface FirmwarePlan {
  bootMode: 'uefi' | 'bios';
  secureBoot: boolean | undefined;
  bootCurrent: string | undefined;
  bootOrder: string[];
  /** Every Boot#### entry; `onTarget` when its HD() partition GUID is a partition of the destination disk. */
  entries: { number: string; label: string; active: boolean; devicePath: string; onTarget: boolean }[];
  bootEntries: BootEntriesPlan;
}

/** The live system's failsafe (README "After the switch: the failsafe"). */
export interface LiveFailsafe {
  timeoutSeconds: number;
  /** The installer's unit the failsafe hooks into with an OnFailure= drop-in. */
  installerUnit: string;
  units: string[];
  /** The bytes outside the target's partitions as read now; null when they could not be read. */
  diskCheck: { device: string; regions: { startSector: number; sectors: number; sha256: string }[] } | null;
  /** Where the outcome of a failed attempt is left for `x2nestos status`; null when unreachable from the live system. */
  outcomeFile: { uuid: string; fsType: string; path: string } | null;
  /** How many SSH keys of `nest` the failsafe installs in the live system when it stays up. */
  nestKeys: number;
}

export interface Plan {
  schemaVersion: typeof PLAN_SCHEMA_VERSION;
  tool: { name: 'x2nestos'; version: string };
  host: {
    hostname: string;
    os: string;
    family: string | undefined;
    arch: string;
    bootMode: 'uefi' | 'bios';
    kernelRelease: string;
    virtualization: string | undefined;
    secureBoot: boolean | undefined;
    lockdown: string | undefined;
  };
  /** Added with issue 14: boot menu facts and the post-install change to it. */
  firmware: FirmwarePlan;
  release: ResolvedRelease;
  target: TargetDisk | undefined;
  ignition: IgnitionSummary | undefined;
  installer: { path: string; config: Record<string, unknown> };
  live: {
    kernelArgs: string[];
    rootfsMode: 'append' | 'url';
    payload: PayloadFile[];
    failsafe?: LiveFailsafe;
  };
  network: {
    mode: 'keep' | 'dhcp' | 'none';
    model: NetworkModel;
    keyfiles: { name: string; bytes: number; preview: string }[];
    liveKargs: string[];
    notes: string[];
  };
  memory: MemoryCheck;
  kexec: KexecPlan;
  workDir: string;
  reboot: { automatic: boolean; delaySeconds: number };
  steps: string[];
  warnings: string[];
  blockers: Blocker[];
}
