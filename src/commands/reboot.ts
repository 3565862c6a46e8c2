/** `x2nestos reboot`: switch to the live installer staged earlier with `--no-reboot`. */
import path from 'node:path';
import { X2Error, isX2Error } from '../errors.js';
import type { SwitchPlan } from '../plan/types.js';
import { bootId, kexecLoaded, readStateFile } from '../stage/state.js';
import { sleep, switchToLive } from '../switch/switch.js';
import { switchDeps, type Context } from './context.js';

export async function reboot(ctx: Context): Promise<void> {
  const { options, effects } = ctx;
  const read = await readStateFile(ctx.workDir);
  // A state.json that is not a state is said, as status and abort say it: read as "nothing staged"
  // it would hide a staged initrd (which holds the Ignition config) and a loaded kernel.
  if ('corrupt' in read) {
    const file = path.join(ctx.workDir, 'state.json');
    throw new X2Error('precondition', `${file} ${read.corrupt}: what is staged is unknown`, {
      remedy: '`x2nestos abort` unloads and removes anything staged; then run the conversion again',
    });
  }
  const state = 'state' in read ? read.state : undefined;
  if (!state) throw new X2Error('precondition', `nothing is staged in ${ctx.workDir}`, { remedy: 'run `x2nestos --no-reboot ...` first' });
  if (!(await kexecLoaded(effects.fs)) || state.bootId !== (await bootId(effects.fs))) {
    throw new X2Error('precondition', 'the staged live kernel is no longer loaded (the host rebooted or it was unloaded)', {
      remedy: 'run the conversion again',
    });
  }
  if (!options.yes) {
    if (!ctx.runtime.stdinIsTTY) throw new X2Error('usage', 'no terminal to ask for confirmation on', { remedy: 'pass --yes' });
    if (!(await ctx.confirm(`Switch to the NestOS live installer now? It erases ${state.target ?? 'the target disk'}.`))) {
      throw new X2Error('declined', 'not confirmed; the live kernel stays loaded', { remedy: '`x2nestos abort` unloads it' });
    }
  }
  if (options.rebootDelay > 0) await sleep(options.rebootDelay, ctx.signal);
  const plan = state.switch ?? switchPlanOf(state.switchArgv);
  try {
    // Critical: the SIGTERM of the shutdown this starts must not end x2nestos as "interrupted".
    ctx.doc.switch = await ctx.critical(() => switchToLive(switchDeps(ctx), plan));
  } catch (e) {
    // Staged on purpose with --no-reboot: a refused switch leaves it loaded for another try.
    if (isX2Error(e) && e.kind === 'kexec') {
      throw new X2Error('kexec', e.message, {
        remedy: `${e.remedy ?? ''} (the live kernel stays loaded; \`x2nestos abort\` unloads it)`,
        details: e.details,
      });
    }
    throw e;
  }
  ctx.doc.result = 'switching';
}

/** State files from before the switch plan was recorded carry only the argv. */
function switchPlanOf(argv: string[]): SwitchPlan {
  return argv[0] === 'systemctl' ? { method: 'systemd', argv, reason: '' } : { method: 'direct', argv: ['kexec', '-e'], reason: '' };
}
