/**
 * What is staged, kept in <work-dir>/state.json so `status`, `reboot` and `abort` work from a later
 * invocation. The boot id ties a loaded kernel to this boot: after a reboot the load is gone.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../effects/files.js';
import type { HostFs } from '../effects/hostfs.js';
import type { SwitchPlan } from '../plan/types.js';

export const STATE_VERSION = 1;

export interface StagedState {
  version: typeof STATE_VERSION;
  stagedAt: string;
  bootId: string | undefined;
  release: string | undefined;
  kernel: string;
  initrd: string;
  initrdSha256: string;
  cmdline: string;
  method: 'file' | 'syscall';
  /** How to switch, as planned for this host (systemctl kexec, or kexec -e without systemd). */
  switchArgv: string[];
  /** The switch as planned (absent in state written before x2nestos knew more than the argv). */
  switch?: SwitchPlan;
  target: string | undefined;
}

const stateFile = (workDir: string) => path.join(workDir, 'state.json');

export async function readState(workDir: string): Promise<StagedState | undefined> {
  try {
    const doc = JSON.parse(await readFile(stateFile(workDir), 'utf8')) as StagedState;
    return doc.version === STATE_VERSION ? doc : undefined;
  } catch {
    return undefined;
  }
}

export async function writeState(workDir: string, state: StagedState): Promise<void> {
  await writeFileAtomic(stateFile(workDir), JSON.stringify(state, null, 2) + '\n');
}

export async function clearState(workDir: string): Promise<void> {
  await rm(stateFile(workDir), { force: true });
}

export async function kexecLoaded(fs: HostFs): Promise<boolean> {
  return (await fs.read('/sys/kernel/kexec_loaded'))?.trim() === '1';
}

export async function bootId(fs: HostFs): Promise<string | undefined> {
  return (await fs.read('/proc/sys/kernel/random/boot_id'))?.trim();
}
