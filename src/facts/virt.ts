/** The hypervisor under the host, if any: some hypervisors are known to make kexec misbehave. */
import type { Runner } from '../effects/runner.js';
import { detectVirt, type Detection } from './container.js';

export const DETECT_VM_ARGV = ['systemd-detect-virt', '--vm'] as const;

export async function detectVm(runner: Runner): Promise<Detection> {
  return (await detectVirt(runner, DETECT_VM_ARGV)) ?? { value: undefined, unknown: 'systemd-detect-virt is not installed' };
}
