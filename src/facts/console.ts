/**
 * The kernel command line and the consoles on it. The live system must talk to the same console
 * the operator watches (serial on most servers): hard-coding one was a defect of x2nestos 0.1.
 */
import type { HostFs } from '../effects/hostfs.js';

/** Split like the kernel does: whitespace separates, double quotes group (and are dropped). */
export function splitCmdline(cmdline: string): string[] {
  const words: string[] = [];
  let word = '';
  let quoted = false;
  let started = false;
  for (const ch of cmdline) {
    if (ch === '"') {
      quoted = !quoted;
      started = true;
    } else if (!quoted && /\s/.test(ch)) {
      if (started) words.push(word);
      word = '';
      started = false;
    } else {
      word += ch;
      started = true;
    }
  }
  if (started) words.push(word);
  return words;
}

/** console= values in order; words after a bare `--` belong to init, not the kernel. */
export function consolesOf(cmdline: string): string[] {
  const consoles: string[] = [];
  for (const word of splitCmdline(cmdline)) {
    if (word === '--') break;
    if (word.startsWith('console=') && word.length > 'console='.length) consoles.push(word.slice('console='.length));
  }
  return consoles;
}

/**
 * The consoles the kernel chose by itself when the command line names none: arm64 servers describe
 * their serial port in firmware (ACPI SPCR, the device tree's stdout-path) and boot with no console=.
 * A kernel started by kexec does not reliably find it again (kexec -l hands over no SPCR-derived
 * choice, and a live kernel booted with console= elsewhere would drop it), so the live system is
 * told explicitly. `active` lists them in command-line order (the last is /dev/console). The
 * virtual terminals are left out: tty0 is every kernel's default anyway, and naming it would
 * change nothing but the look of the command line on x86 hosts without a serial console.
 */
export function consolesFromActive(active: string): string[] {
  return active
    .trim()
    .split(/\s+/)
    .filter((c) => c !== '' && !/^tty\d*$/.test(c));
}

/** console= of the command line; without any, the consoles the kernel found in firmware. */
export async function readConsoles(fs: HostFs, cmdline: string): Promise<string[]> {
  const named = consolesOf(cmdline);
  if (named.length > 0) return named;
  return consolesFromActive((await fs.read('/sys/class/tty/console/active')) ?? '');
}

export async function readCmdline(fs: HostFs): Promise<string | undefined> {
  return (await fs.read('/proc/cmdline'))?.trim();
}
