/**
 * The plan: everything x2nestos will do, decided before anything is done. `x2nestos plan` prints it,
 * `--json` emits it (schema documented in README "JSON output"), `convert` executes it.
 */
import type { ErrorKind } from '../errors.js';
import type { NetworkModel } from '../network/model.js';
import type { ResolvedRelease } from '../release/types.js';

export const PLAN_SCHEMA_VERSION = 1;

export interface Blocker {
  kind: ErrorKind;
  message: string;
  remedy?: string;
}

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
}

export interface SwitchPlan {
  /** systemd: `systemctl kexec`; init-reboot: the init system's reboot executes the kernel; direct: sync, remount read-only, `kexec -e`. */
  method: 'systemd' | 'init-reboot' | 'direct';
  argv: string[];
  reason: string;
}

export interface PayloadFile {
  /** Path inside the live system (the appended cpio's member, or a file Ignition writes). */
  path: string;
  mode: number;
  bytes: number;
  /** Shown in the plan; Ignition configs and keys are never shown, only their size and hash. */
  preview?: string;
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
  release: ResolvedRelease;
  target: TargetDisk | undefined;
  ignition: IgnitionSummary | undefined;
  installer: { path: string; config: Record<string, unknown> };
  live: {
    kernelArgs: string[];
    rootfsMode: 'append' | 'url';
    payload: PayloadFile[];
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
