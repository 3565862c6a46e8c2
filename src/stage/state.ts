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
  /** The kexec that loaded (argv; the carried one runs through its loader), for `abort` to unload with. */
  kexecArgv?: string[];
}

const stateFile = (workDir: string) => path.join(workDir, 'state.json');

export async function readState(workDir: string): Promise<StagedState | undefined> {
  const read = await readStateFile(workDir);
  return 'state' in read ? read.state : undefined;
}

/** What state.json holds: a state, nothing, or something that is not a state (said, not ignored). */
export type StateRead = { state: StagedState } | { missing: true } | { corrupt: string };

export async function readStateFile(workDir: string): Promise<StateRead> {
  let text: string;
  try {
    text = await readFile(stateFile(workDir), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { missing: true };
    return { corrupt: `cannot be read (${code ?? String(e)})` };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { corrupt: text.length === 0 ? 'is empty' : 'is not valid JSON' };
  }
  if (typeof doc !== 'object' || doc === null) return { corrupt: 'is not a JSON object' };
  const state = doc as Partial<StagedState>;
  if (state.version !== STATE_VERSION) return { corrupt: `has version ${JSON.stringify(state.version)}, not ${STATE_VERSION}` };
  if (typeof state.kernel !== 'string' || typeof state.initrd !== 'string' || !Array.isArray(state.switchArgv))
    return { corrupt: 'lacks the staged kernel, initrd or switch command' };
  return { state: state as StagedState };
}

export async function writeState(workDir: string, state: StagedState): Promise<void> {
  await writeFileAtomic(stateFile(workDir), JSON.stringify(state, null, 2) + '\n');
}

export async function clearState(workDir: string): Promise<void> {
  await rm(stateFile(workDir), { force: true });
  await rm(`${stateFile(workDir)}.part`, { force: true });
}

export async function kexecLoaded(fs: HostFs): Promise<boolean> {
  return (await fs.read('/sys/kernel/kexec_loaded'))?.trim() === '1';
}

export async function bootId(fs: HostFs): Promise<string | undefined> {
  return (await fs.read('/proc/sys/kernel/random/boot_id'))?.trim();
}
