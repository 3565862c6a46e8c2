/**
 * How this host hands over to the loaded live kernel: decided from the init system, shown in the
 * plan (a step, and `kexec.switch` in --json), carried out by src/switch.
 *
 * - systemd: `systemctl kexec` stops every service and unmounts cleanly. As root it reaches the
 *   manager over its private socket (/run/systemd/private) even without D-Bus (systemd 219 too);
 *   src/switch checks the manager's own state before calling a non-zero exit a failure.
 * - init-reboot: the init system reboots cleanly and a script it runs last (Debian's kexec-tools:
 *   /etc/init.d/kexec in runlevel 6, after the filesystems are unmounted) executes the kernel.
 * - direct: nothing would execute it, so x2nestos syncs, remounts the other filesystems read-only
 *   (data disks NestOS keeps must not lose writes) and runs `kexec -e` itself.
 */
import type { HostFacts } from '../facts/types.js';
import type { SwitchPlan } from './types.js';

/**
 * `kexec`: the argv of the kexec that loaded the kernel. Only the host's own (`['kexec']`, the one
 * systemd's shutdown runs) lets systemd or the init system execute it; the kexec carried in
 * x2nestos (or --kexec) is not where they look, so the switch is then the direct one, with it.
 */
export function planSwitch(facts: Pick<HostFacts, 'systemd' | 'init'>, kexec: readonly string[] = ['kexec']): SwitchPlan {
  const ownKexec = kexec.length === 1 && kexec[0] === 'kexec';
  if (!ownKexec) {
    return {
      method: 'direct',
      argv: [...kexec, '-e'],
      reason: facts.systemd
        ? `the kexec that loaded the kernel (${kexec.join(' ')}) is not the one systemd runs at shutdown: x2nestos syncs, remounts the other filesystems read-only and executes it`
        : `the kexec that loaded the kernel (${kexec.join(' ')}) is not one the init system runs at shutdown: x2nestos syncs, remounts the other filesystems read-only and executes it`,
    };
  }
  if (facts.systemd) {
    return {
      method: 'systemd',
      argv: ['systemctl', 'kexec'],
      reason: 'systemd stops the services, unmounts the filesystems and executes the loaded kernel',
    };
  }
  const script = facts.init?.kexecOnReboot;
  if (facts.init?.system === 'sysvinit' && script !== undefined) {
    return {
      method: 'init-reboot',
      argv: ['shutdown', '-r', 'now'],
      reason: `sysvinit reboots cleanly and ${script} executes the loaded kernel in runlevel 6, after the filesystems are unmounted`,
    };
  }
  return {
    method: 'direct',
    argv: ['kexec', '-e'],
    reason:
      'no init system here executes a loaded kernel at reboot: x2nestos syncs, remounts the other filesystems read-only and executes it',
  };
}

/** The plan's step for the switch, in the words the plan shows. */
export function switchStep(plan: SwitchPlan): string {
  switch (plan.method) {
    case 'systemd':
      return 'switch with `systemctl kexec` (systemd stops the services and unmounts the filesystems first)';
    case 'init-reboot':
      return `sync, then switch with \`${plan.argv.join(' ')}\`: ${plan.reason}`;
    case 'direct':
      return 'sync, remount the other filesystems read-only, sync again, then switch with `kexec -e`';
  }
}
