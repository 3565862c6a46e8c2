/**
 * Loads the live kernel and initrd with kexec, then checks the kernel really holds them
 * (/sys/kernel/kexec_loaded): a load that "succeeds" without that is reported as a failure.
 */
import { X2Error } from '../errors.js';
import { CommandError, type Runner } from '../effects/runner.js';
import type { HostFs } from '../effects/hostfs.js';
import type { KexecPlan } from '../plan/types.js';
import { loadArgv } from '../plan/kexec.js';
import { parseLockdown } from '../facts/kexec.js';
import { explainLoadFailure } from './explain.js';
import { kexecLoaded } from './state.js';

export interface LoadResult {
  method: 'file' | 'syscall';
  argv: string[];
}

export async function loadKernel(
  deps: { runner: Runner; fs: HostFs; log: (line: string) => void },
  plan: KexecPlan,
  workDir: string,
  cmdline: string,
  secureBoot?: boolean,
): Promise<LoadResult> {
  const methods: ('file' | 'syscall')[] = plan.method === 'file-then-syscall' ? ['file', 'syscall'] : [plan.method];
  const failures: string[] = [];
  for (const method of methods) {
    const argv = loadArgv(method, workDir, cmdline, plan.toolArgv);
    deps.log(`kexec load (${method}): ${argv.slice(0, -1).join(' ')} --command-line=...`);
    const result = await deps.runner.change(argv, { allowFailure: true, timeoutMs: 300_000 });
    if (result.exitCode === 0) {
      if (await kexecLoaded(deps.fs)) return { method, argv };
      failures.push(`${method}: kexec exited 0 but /sys/kernel/kexec_loaded is not 1`);
      continue;
    }
    // Read again now: what EPERM means depends on the lockdown in force at the moment of failure.
    const lockdownText = await deps.fs.read('/sys/kernel/security/lockdown');
    const why = explainLoadFailure(result.stderr, result.exitCode, {
      lockdown: lockdownText === undefined ? undefined : parseLockdown(lockdownText),
      secureBoot,
    });
    failures.push(`${method}: ${new CommandError(result).message} -> ${why.why}`);
    if (!why.retryOther || method === methods[methods.length - 1]) {
      const dmesg = await kernelLog(deps.runner);
      throw new X2Error('kexec', `loading the live kernel failed: ${why.why}`, { remedy: why.remedy, details: [...failures, ...dmesg] });
    }
  }
  throw new X2Error('kexec', 'loading the live kernel failed', { remedy: 'see the log for each attempt', details: failures });
}

/** The kernel's own words about kexec, for the log. */
async function kernelLog(runner: Runner): Promise<string[]> {
  const r = await runner.probe(['dmesg'], { allowFailure: true });
  return r.stdout
    .split('\n')
    .filter((l) => /kexec|lockdown|Lockdown|signature|ENOMEM/i.test(l))
    .slice(-8)
    .map((l) => `dmesg: ${l}`);
}

/** Unloads with the kexec that loaded (`toolArgv`: the carried one runs through its loader). */
export async function unloadKernel(deps: { runner: Runner; fs: HostFs }, toolArgv: readonly string[] = ['kexec']): Promise<void> {
  if (!(await kexecLoaded(deps.fs))) return;
  await deps.runner.change([...toolArgv, '-u']);
}
