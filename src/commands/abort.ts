/**
 * `x2nestos abort`: unload the staged kernel and remove what is staged, whatever state.json says
 * (it may be missing or corrupt after a run that died). Downloads stay cached.
 */
import { X2Error } from '../errors.js';
import { removeStaged } from '../stage/stage.js';
import { clearState, kexecLoaded } from '../stage/state.js';
import { inspectWorkDir } from '../stage/leftovers.js';
import { unloadKernel } from '../stage/load.js';
import { lockWorkDir } from '../stage/lock.js';
import type { Context } from './context.js';

export async function abort(ctx: Context): Promise<void> {
  const inspection = await inspectWorkDir(ctx.workDir);
  if (inspection.unusable) {
    throw new X2Error('usage', `the work directory ${ctx.workDir} ${inspection.unusable}`, {
      remedy: 'pass the --work-dir the conversion used',
    });
  }
  const lock = await lockWorkDir(ctx.workDir);
  try {
    const wasLoaded = await kexecLoaded(ctx.effects.fs);
    if (wasLoaded) await unloadKernel(ctx.effects, inspection.state?.kexecArgv);
    await removeStaged(ctx.workDir);
    await clearState(ctx.workDir);
    const removed = inspection.staged.map((f) => f.path);
    ctx.doc.result = 'aborted';
    ctx.doc.aborted = {
      unloaded: wasLoaded,
      removedStaged: inspection.state !== undefined || removed.length > 0,
      removedFiles: removed,
      removedCorruptState: inspection.stateCorrupt !== undefined,
    };
    ctx.reporter.info(
      `${wasLoaded ? 'unloaded the staged kernel; ' : ''}removed staged files in ${ctx.workDir}; downloads stay in the cache`,
    );
  } finally {
    await lock.release();
  }
}
