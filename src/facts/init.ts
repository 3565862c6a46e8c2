/**
 * Which init system runs this host, and whether its own reboot executes a loaded kexec kernel.
 * The switch needs both: systemd has `systemctl kexec`; a sysvinit host with Debian's kexec-tools
 * runs /etc/init.d/kexec last in runlevel 6 (after the filesystems are unmounted), which executes
 * a loaded kernel; anything else (busybox init, OpenRC without such a script) has no clean way
 * and x2nestos must sync and remount filesystems read-only itself before `kexec -e`.
 */
import type { HostFs } from '../effects/hostfs.js';
import type { InitFacts } from './types.js';

/** Debian's kexec-tools links its stop script into runlevel 6 as K<NN>kexec (see update-rc.d). */
const RUNLEVEL6_KEXEC = /^K\d\dkexec$/;

export async function readInit(fs: HostFs): Promise<InitFacts> {
  if (await fs.exists('/run/systemd/system')) return { system: 'systemd', kexecOnReboot: undefined };
  if (await fs.exists('/run/openrc')) return { system: 'openrc', kexecOnReboot: undefined };
  const init = (await fs.link('/sbin/init')) ?? '';
  const comm = (await fs.read('/proc/1/comm'))?.trim();
  const sysvinit = comm === 'init' && !/busybox/.test(init) && (await fs.exists('/etc/inittab'));
  if (!sysvinit) return { system: 'other', kexecOnReboot: undefined };
  return { system: 'sysvinit', kexecOnReboot: await runlevel6Kexec(fs) };
}

/** The runlevel 6 script that executes a loaded kernel, when it is installed and linked. */
async function runlevel6Kexec(fs: HostFs): Promise<string | undefined> {
  for (const name of await fs.list('/etc/rc6.d')) {
    if (!RUNLEVEL6_KEXEC.test(name)) continue;
    const target = await fs.link(`/etc/rc6.d/${name}`);
    if (target !== undefined && /(^|\/)init\.d\/kexec$/.test(target) && (await fs.exists('/etc/init.d/kexec'))) return '/etc/init.d/kexec';
  }
  return undefined;
}
