/**
 * The private runtime a release file carries (build.sh lays it out, src/launcher unpacks it):
 * Debian's dynamic loader and libraries, and Debian's kexec-tools, so that a host without a
 * usable package manager (end-of-life repositories, offline) can still load the live kernel.
 *
 * Programs of the runtime run through its own loader, `<loader> --library-path <lib> <program>`,
 * never through LD_LIBRARY_PATH: the host's programs that x2nestos starts keep their own libraries.
 */
import path from 'node:path';
import { z } from 'zod';
import type { HostFs } from '../effects/hostfs.js';

/** <runtime dir>/runtime.json, written by build.sh (lay_out_runtime). */
const runtimeJson = z.object({
  schemaVersion: z.literal(1),
  arch: z.string(),
  loader: z.string(),
  libraryPath: z.string(),
  kexec: z.object({ path: z.string(), package: z.string(), version: z.string() }),
});

export interface CarriedRuntime {
  dir: string;
  arch: string;
  /** argv prefix that runs a program of the runtime: loader and library path. */
  loaderArgv: string[];
  kexec: { path: string; version: string };
}

/**
 * What the runtime this process runs on carries; undefined when x2nestos runs from the bundle
 * under Node (development, tests of the bundle), or when the runtime's description is unreadable.
 */
export async function readCarriedRuntime(fs: HostFs, dir: string | undefined): Promise<CarriedRuntime | undefined> {
  if (!dir) return undefined;
  const text = await fs.read(path.join(dir, 'runtime.json'));
  if (text === undefined) return undefined;
  let parsed: z.output<typeof runtimeJson>;
  try {
    parsed = runtimeJson.parse(JSON.parse(text));
  } catch {
    return undefined;
  }
  return {
    dir,
    arch: parsed.arch,
    loaderArgv: [path.join(dir, parsed.loader), '--library-path', path.join(dir, parsed.libraryPath)],
    kexec: { path: path.join(dir, parsed.kexec.path), version: `${parsed.kexec.package} ${parsed.kexec.version}` },
  };
}

/** The argv that runs the carried kexec. */
export function carriedKexecArgv(runtime: CarriedRuntime): string[] {
  return [...runtime.loaderArgv, runtime.kexec.path];
}
