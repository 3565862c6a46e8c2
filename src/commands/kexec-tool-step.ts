/**
 * Looks for the kexec programs the planner can choose from (src/plan/kexec-tool.ts): the host's
 * kexec-tools, the one carried in the release file's runtime, and the one named with --kexec.
 * Reads only: `--version` of each candidate on the host, runtime.json of the carried one.
 */
import type { Runner } from '../effects/runner.js';
import type { HostFs } from '../effects/hostfs.js';
import type { HostFacts } from '../facts/types.js';
import type { Options } from '../options/schema.js';
import { chooseKexecTool, kexecVersion, type KexecToolFacts } from '../plan/kexec-tool.js';
import type { Blocker } from '../model/blocker.js';
import type { KexecTool } from '../plan/types.js';
import { carriedKexecArgv, readCarriedRuntime } from '../runtime/carried.js';
import type { DistroAdapter } from '../../distro-adapters/adapter.js';

export interface KexecToolDeps {
  runner: Runner;
  /** The host's files (the sandbox's in tests). */
  fs: HostFs;
  /** This process's own files, where the private runtime lives. */
  ownFs: HostFs;
  runtimeDir: string | undefined;
}

export async function findKexecTools(
  deps: KexecToolDeps,
  facts: HostFacts,
  adapter: DistroAdapter | undefined,
  options: Options,
): Promise<KexecToolFacts> {
  const installed = adapter ? await adapter.kexecToolsInstalled(deps.runner) : facts.kexec.tool !== undefined;
  const hostPath = facts.kexec.tool ?? (installed ? 'kexec' : undefined);
  const carried = await readCarriedRuntime(deps.ownFs, deps.runtimeDir);
  return {
    host: installed && hostPath ? { path: hostPath, version: await versionOf(deps.runner, ['kexec']) } : undefined,
    carried: carried && { argv: carriedKexecArgv(carried), path: carried.kexec.path, version: carried.kexec.version },
    user:
      options.kexec === undefined
        ? undefined
        : { path: options.kexec, exists: await deps.fs.exists(options.kexec), version: await versionOf(deps.runner, [options.kexec]) },
    packages: adapter && { tool: adapter.packageTool, installArgv: adapter.installCommands() },
  };
}

export async function pickKexecTool(
  deps: KexecToolDeps,
  facts: HostFacts,
  adapter: DistroAdapter | undefined,
  options: Options,
): Promise<{ tool: KexecTool | undefined; blockers: Blocker[] }> {
  const found = await findKexecTools(deps, facts, adapter, options);
  return chooseKexecTool(found, { kexecFromPackages: options.kexecFromPackages, skipPackageInstall: options.skipPackageInstall });
}

/** What `<kexec> --version` names, or undefined when it does not run or is not kexec-tools. */
async function versionOf(runner: Runner, argv: string[]): Promise<string | undefined> {
  const r = await runner.probe([...argv, '--version'], { allowFailure: true, timeoutMs: 10_000 }).catch(() => undefined);
  if (!r || r.exitCode !== 0) return undefined;
  return kexecVersion(`${r.stdout}\n${r.stderr}`);
}
