/**
 * The live kernel's command line (contract §2). Ignition only runs in the live system with
 * `ignition.firstboot ignition.platform.id=metal`; without it nothing we embed takes effect.
 */
import type { Blocker } from '../plan/types.js';

/** Arguments that select other boot paths of the live initramfs: never ours to pass. */
const FORBIDDEN = ['nestos.liveiso', 'root', 'ostree', 'coreos.liveiso'];

export const BASE_LIVE_KARGS = ['ignition.firstboot', 'ignition.platform.id=metal', 'mitigations=auto,nosmt'];

export interface LiveKargInputs {
  consoles: string[];
  rootfsUrl?: string;
  networkKargs: string[];
  extra: string[];
}

export function liveKernelArgs(inputs: LiveKargInputs): string[] {
  const args = [...BASE_LIVE_KARGS];
  // The network kargs bring rd.neednet=1 themselves; without any, dracut's default (DHCP) applies.
  if (inputs.rootfsUrl) args.push(`nestos.live.rootfs_url=${inputs.rootfsUrl}`, ...(inputs.networkKargs.length > 0 ? inputs.networkKargs : ['rd.neednet=1']));
  // The last console= becomes /dev/console, where the installer's progress shows: keep the host's order.
  for (const c of inputs.consoles) args.push(`console=${c}`);
  args.push(...inputs.extra);
  return args;
}

/** Problems with user kargs that would switch the live system to another boot path or are malformed. */
export function userKargProblems(kargs: string[], flag: string): Blocker[] {
  const problems: Blocker[] = [];
  for (const k of kargs) {
    const key = k.split('=', 1)[0] ?? '';
    if (FORBIDDEN.includes(key)) {
      problems.push({ kind: 'usage', message: `${flag} ${k} would make the live system boot another way`, remedy: `drop ${key}= from ${flag}` });
    } else if (/\s/.test(k) || k === '') {
      problems.push({ kind: 'usage', message: `${flag} "${k}" is not a single kernel argument`, remedy: `repeat ${flag} once per argument` });
    }
  }
  return problems;
}
