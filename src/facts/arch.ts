/** The machine's architecture as the kernel names it (x86_64, aarch64): the one probe for it. */
import type { Runner } from '../effects/runner.js';

export const UNAME_ARCH_ARGV = ['uname', '-m'] as const;

/** `uname -m`, or undefined when it gives no answer. */
export async function readArch(runner: Runner): Promise<string | undefined> {
  const result = await runner.probe(UNAME_ARCH_ARGV, { allowFailure: true });
  const arch = result.stdout.trim();
  return result.exitCode === 0 && arch !== '' ? arch : undefined;
}
