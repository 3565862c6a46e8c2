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

export async function readCmdline(fs: HostFs): Promise<string | undefined> {
  return (await fs.read('/proc/cmdline'))?.trim();
}
