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
  switchArgv: string[];
  /** No install needed: the kexec used is there already (host, carried or --kexec). */
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
