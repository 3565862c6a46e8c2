/**
 * The live kernel's command line (contract §2). Ignition only runs in the live system with
 * `ignition.firstboot ignition.platform.id=metal`; without it nothing we embed takes effect.
 */
import type { Blocker } from '../model/blocker.js';

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
  if (inputs.rootfsUrl)
    args.push(`nestos.live.rootfs_url=${inputs.rootfsUrl}`, ...(inputs.networkKargs.length > 0 ? inputs.networkKargs : ['rd.neednet=1']));
  // The last console= becomes /dev/console, where the installer's progress shows: keep the host's order.
  for (const c of inputs.consoles) args.push(`console=${c}`);
  args.push(...inputs.extra);
  return args;
}

/**
 * A console as the kernel takes it after `console=`: a device name, then options after a comma
 * (`ttyS0`, `ttyS0,115200n8`, `hvc0`, `tty0`, `uart8250,mmio32,0xfe215040`). One token, no `=`:
 * anything else would smuggle other arguments (`ttyS0 init=/bin/sh`) onto the live command line.
 */
const CONSOLE_SPEC = /^[A-Za-z][A-Za-z0-9_]*(,[A-Za-z0-9_.:/+-]+)*$/;

export function consoleProblems(consoles: string[]): Blocker[] {
  const problems: Blocker[] = [];
  for (const c of consoles) {
    if (/\s/.test(c) || c === '') {
      problems.push({ kind: 'usage', message: `--console "${c}" is not a single console`, remedy: 'repeat --console once per console' });
    } else if (!CONSOLE_SPEC.test(c)) {
      problems.push({
        kind: 'usage',
        message: `--console ${c} is not a console: expected name[,options] like ttyS0,115200n8`,
        remedy: 'pass the device name and options only, as after console= on a kernel command line',
      });
    }
  }
  return problems;
}

/**
 * The kernel's limit on its command line (COMMAND_LINE_SIZE, the terminating NUL included):
 * 2048 on x86_64; 4096 on arm64 in the kernels NestOS ships (older arm64 kernels had 2048, so
 * staying under 2048 everywhere would be safest, but 4096 is what the live kernel accepts).
 */
export const COMMAND_LINE_SIZE: Record<string, number> = { x86_64: 2048, aarch64: 4096 };

export function commandLineProblems(kernelArgs: string[], arch: string): Blocker[] {
  const limit = COMMAND_LINE_SIZE[arch];
  const length = Buffer.byteLength(kernelArgs.join(' '));
  if (limit === undefined || length < limit) return [];
  return [
    {
      kind: 'usage',
      message: `the live kernel command line is ${length} bytes, more than the ${arch} kernel accepts (${limit - 1})`,
      remedy: 'pass fewer or shorter --live-karg and --console, or --rootfs-mode append (no rootfs URL and network arguments)',
    },
  ];
}

/** Problems with user kargs that would switch the live system to another boot path or are malformed. */
export function userKargProblems(kargs: string[], flag: string): Blocker[] {
  const problems: Blocker[] = [];
  for (const k of kargs) {
    const key = k.split('=', 1)[0] ?? '';
    if (FORBIDDEN.includes(key)) {
      problems.push({
        kind: 'usage',
        message: `${flag} ${k} would make the live system boot another way`,
        remedy: `drop ${key}= from ${flag}`,
      });
    } else if (/\s/.test(k) || k === '') {
      problems.push({
        kind: 'usage',
        message: `${flag} "${k}" is not a single kernel argument`,
        remedy: `repeat ${flag} once per argument`,
      });
    }
  }
  return problems;
}
