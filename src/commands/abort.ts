/** `x2nestos abort`: unload the staged kernel and remove staged files. Downloads stay cached. */
import { removeStaged } from '../stage/stage.js';
import { clearState, kexecLoaded, readState } from '../stage/state.js';
import { unloadKernel } from '../stage/load.js';
import { lockWorkDir } from '../stage/lock.js';
import type { Context } from './context.js';

export async function abort(ctx: Context): Promise<void> {
  const lock = await lockWorkDir(ctx.workDir);
  try {
    const state = await readState(ctx.workDir);
    const wasLoaded = await kexecLoaded(ctx.effects.fs);
    if (wasLoaded) await unloadKernel(ctx.effects, state?.kexecArgv);
    await removeStaged(ctx.workDir);
    await clearState(ctx.workDir);
    ctx.doc.result = 'aborted';
    ctx.doc.aborted = { unloaded: wasLoaded, removedStaged: state !== undefined };
    ctx.reporter.info(`${wasLoaded ? 'unloaded the staged kernel; ' : ''}removed staged files in ${ctx.workDir}; downloads stay in the cache`);
  } finally {
    await lock.release();
  }
}
