/** The C library version: the single binary's Node needs glibc ≥ 2.28 (see toolchain notes). */
import type { Runner } from '../effects/runner.js';

export const GLIBC_ARGV = ['getconf', 'GNU_LIBC_VERSION'] as const;

/** "glibc 2.34" → "2.34"; musl's getconf has no such variable and fails. */
export function parseGlibcVersion(output: string): string | undefined {
  return /^glibc\s+(\d+\.\d+(?:\.\d+)?)/.exec(output.trim())?.[1];
}

export async function readGlibc(runner: Runner): Promise<{ version: string | undefined; unknown?: string }> {
  const result = await runner.probe(GLIBC_ARGV, { allowFailure: true });
  const version = result.exitCode === 0 ? parseGlibcVersion(result.stdout) : undefined;
  if (version !== undefined) return { version };
  return {
    version: undefined,
    unknown: result.notFound ? 'getconf is not installed' : `\`${GLIBC_ARGV.join(' ')}\` gave no glibc version (musl libc?)`,
  };
}
