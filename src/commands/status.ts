/** `x2nestos status`: what is staged in the work directory and whether the kernel holds it. */
import { bootId, kexecLoaded, readState } from '../stage/state.js';
import type { Context } from './context.js';
import { lastAttemptStatus } from './last-attempt.js';

export async function status(ctx: Context): Promise<void> {
  const state = await readState(ctx.workDir);
  const loaded = await kexecLoaded(ctx.effects.fs);
  const currentBoot = await bootId(ctx.effects.fs);
  const sameBoot = state?.bootId !== undefined && state.bootId === currentBoot;
  ctx.doc.result = 'status';
  ctx.doc.status = { workDir: ctx.workDir, staged: state ?? null, kernelLoaded: loaded, stagedThisBoot: sameBoot };
  await lastAttemptStatus(ctx);
  if (!state) {
    ctx.reporter.show(`Nothing staged in ${ctx.workDir}.${loaded ? ' A kexec kernel is loaded, but not by x2nestos.' : ''}`);
    return;
  }
  ctx.reporter.show(
    [
      `Staged      ${state.release ?? 'unknown build'} at ${state.stagedAt} for ${state.target ?? '?'}`,
      `Kernel      ${state.kernel}`,
      `Initrd      ${state.initrd} (sha256 ${state.initrdSha256})`,
      `Loaded      ${loaded ? (sameBoot ? `yes (${state.method === 'file' ? 'kexec_file_load' : 'kexec_load'})` : 'a kernel is loaded, but not staged in this boot') : 'no'}`,
      loaded && sameBoot ? 'Next        `x2nestos reboot` switches, `x2nestos abort` undoes' : 'Next        run the conversion again, or `x2nestos abort` to clean up',
    ].join('\n'),
  );
}
