/**
 * How the live kernel gets loaded, from what the running kernel allows (boot-to-talos-style cause
 * table): lockdown forbids kexec_load, kexec_load_disabled forbids both until the next boot.
 */
import path from 'node:path';
import type { HostFacts } from '../facts/types.js';
import { planSwitch } from './switch.js';
import type { Blocker } from '../model/blocker.js';
import type { KexecPlan, KexecTool } from './types.js';

/** Where staging puts the kernel and the combined initrd, under the work directory. */
export function stagedPaths(workDir: string): { kernel: string; initrd: string; dir: string } {
  const dir = path.join(workDir, 'staged');
  return { dir, kernel: path.join(dir, 'vmlinuz'), initrd: path.join(dir, 'initrd.img') };
}

/**
 * argv of the load, for one method, run by the chosen kexec (`toolArgv`, plain `kexec` by default);
 * the command line is the last argument.
 */
export function loadArgv(method: 'file' | 'syscall', workDir: string, cmdline: string, toolArgv: readonly string[] = ['kexec']): string[] {
  const staged = stagedPaths(workDir);
  return [...toolArgv, '-l', ...(method === 'file' ? ['-s'] : []), staged.kernel, `--initrd=${staged.initrd}`, `--command-line=${cmdline}`];
}

/** What the planner uses when no kexec could be chosen (a blocker says why). */
const NO_TOOL: KexecTool = {
  source: 'packages',
  argv: ['kexec'],
  path: undefined,
  version: undefined,
  reason: 'no usable kexec (see the blockers)',
  installArgv: [],
};

export function chooseKexec(
  facts: HostFacts,
  chosen: KexecTool | undefined,
): { plan: Omit<KexecPlan, 'loadArgv'>; blockers: Blocker[]; warnings: string[] } {
  const tool = chosen ?? NO_TOOL;
  const k = facts.kexec;
  const blockers: Blocker[] = [];
  const warnings: string[] = [];
  const locked = k.lockdown === 'integrity' || k.lockdown === 'confidentiality';
  if (k.loadDisabled) {
    blockers.push({
      kind: 'kexec',
      message: 'kexec is disabled on this kernel until the next boot (kernel.kexec_load_disabled = 1)',
      remedy: 'find what sets the sysctl (grep -r kexec_load_disabled /etc/sysctl*), remove it, reboot, and run x2nestos again',
    });
  }
  if (k.kexecLoad === false && k.kexecFileLoad === false) {
    blockers.push({
      kind: 'kexec',
      message: `this kernel (${facts.kernelRelease}) was built without kexec support`,
      remedy: "boot a kernel with CONFIG_KEXEC or CONFIG_KEXEC_FILE (the distribution's default kernel has it)",
    });
  }
  let method: KexecPlan['method'];
  if (locked) {
    method = 'file';
    if (k.kexecFileLoad === false) {
      blockers.push({
        kind: 'kexec',
        message: `kernel lockdown (${k.lockdown}) forbids kexec_load and this kernel has no kexec_file_load`,
        remedy: 'disable Secure Boot in the firmware setup (or boot with lockdown=none where allowed) and run again',
      });
    } else {
      warnings.push(
        `kernel lockdown (${k.lockdown}${k.secureBoot ? ', Secure Boot on' : ''}): only a NestOS kernel signed with a key this kernel trusts can be loaded; if the load is refused, disable Secure Boot`,
      );
    }
  } else if (k.kexecFileLoad === false) method = 'syscall';
  else if (k.kexecLoad === false) method = 'file';
  else method = 'file-then-syscall';
  if (k.loaded) warnings.push('a kexec kernel is already loaded; it will be replaced');
  // systemd's shutdown runs /usr/sbin/kexec -e itself, and systemd 219 (CentOS 7) reboots through
  // the firmware when that file is missing: with a kexec the host does not have, switch directly.
  const hostKexec = tool.source === 'host' || tool.source === 'packages';
  const handOver = planSwitch(facts, hostKexec ? ['kexec'] : tool.argv);
  return {
    plan: {
      method,
      switchArgv: handOver.argv,
      switch: handOver,
      toolInstalled: tool.source !== 'packages',
      installArgv: tool.installArgv,
      source: tool.source,
      path: tool.path,
      version: tool.version,
      reason: tool.reason,
      toolArgv: tool.argv,
    },
    blockers,
    warnings,
  };
}
