/**
 * `x2nestos convert`: prepare → confirm → fetch & verify → re-plan with real sizes → kexec-tools →
 * payload & stage → load → switch. The downloads start as soon as the release is resolved and
 * staging as soon as the confirmation is given, each running on while the steps before it finish;
 * they are shown and judged in that order all the same. Nothing changes on the host before the
 * confirmation (what the downloads fetched by then is removed again if the run stops there);
 * from it on, an interrupt or a failure undoes what was done, down to unloading a loaded kernel.
 */
import { X2Error } from '../errors.js';
import { lockWorkDir } from '../stage/lock.js';
import { loadKernel, unloadKernel } from '../stage/load.js';
import { removeStaged, startStaging, type StagingUnderWay } from '../stage/stage.js';
import { bootId, clearState, writeState } from '../stage/state.js';
import type { Plan } from '../plan/types.js';
import { sleep, switchToLive } from '../switch/switch.js';
import { renderPlan } from '../output/render-plan.js';
import { formatBytes } from '../plan/memory.js';
import { cacheDir, switchDeps, type Context } from './context.js';
import { startDownloads, withLocalSizes, type Downloads, type LocalRelease } from './download.js';
import { throwFirstBlocker } from './plan.js';
import { planWith, prepare, type Prepared } from './prepare.js';

export async function convert(ctx: Context): Promise<void> {
  const { options, reporter } = ctx;
  if (!options.yes && !ctx.runtime.stdinIsTTY) {
    throw new X2Error('usage', 'no terminal to ask for confirmation on', {
      remedy: 'pass --yes to convert without asking (or `x2nestos plan` to only look)',
    });
  }
  const lock = await lockWorkDir(ctx.workDir);
  try {
    let downloads: Downloads | undefined;
    let prepared: Prepared;
    try {
      prepared = await prepare(ctx, 'convert', async (release) => {
        downloads = await startDownloads(ctx, release, cacheDir(ctx));
      });
      const first = prepared.result.plan;
      reporter.show(renderPlan(first));
      throwFirstBlocker(first.blockers);
      await confirmConversion(ctx, first.target?.device ?? '', first.target?.installerName ?? '');
    } catch (e) {
      // Refused, declined or failed before the confirmation: what the downloads fetched goes too.
      await downloads?.abandon();
      throw e;
    }
    const started: Downloads | undefined = downloads;
    if (!started) throw new X2Error('internal', 'the release was resolved but its downloads never started');
    await ctx.critical(() => finishAndChange(ctx, prepared, started));
  } finally {
    await lock.release();
  }
}

/** After the confirmation: downloads finished and checked, the plan made again with real sizes, the host changed. */
async function finishAndChange(ctx: Context, prepared: Prepared, downloads: Downloads): Promise<void> {
  const staging = startStaging(ctx.workDir, downloads, prepared.result.plan.memory.rootfsMode, {
    signal: ctx.signal,
    log: (line) => ctx.log.write(line),
  });
  let local: LocalRelease;
  let plan: Plan;
  let payload: Buffer | undefined;
  try {
    local = await downloads.finish();
    // Now the sizes are exact: decide the rootfs mode and check memory again.
    ({ plan, payload } = planWith({ ...prepared, release: withLocalSizes(prepared.release, local), ctx, purpose: 'convert' }));
    throwFirstBlocker(plan.blockers);
    if (!payload || !plan.target) throw new X2Error('internal', 'plan without payload or target after passing every check');
  } catch (e) {
    await staging.cancel();
    // Interrupted while downloading: the head start is gone again, only resumable .part files stay,
    // and the interrupt is what is reported (not the download it cut short).
    throw ctx.signal.aborted ? ctx.signal.reason : e;
  }
  await changeHost(ctx, prepared, local, plan, payload, staging);
}

/**
 * From here on the host changes; an interrupt is handled by undoing, never by dying half-way.
 * Whatever fails, from the first staged byte to the switch, leaves nothing behind: the staged
 * initrd carries the destination Ignition config and keyfiles, so it never outlives a failed run.
 */
async function changeHost(
  ctx: Context,
  prepared: Prepared,
  local: LocalRelease,
  plan: Plan,
  payload: Buffer,
  staging: StagingUnderWay,
): Promise<void> {
  const { options, reporter, effects } = ctx;
  const target = plan.target!;
  // Set once the host holds what it should keep: staged on purpose (--no-reboot) or handed over.
  let keep = false;
  const checkpoint = () => {
    if (ctx.signal.aborted) throw ctx.signal.reason;
  };
  try {
    // Only --kexec-from-packages (or a run from the bundle) reaches the package manager; the
    // planner has already refused a run where it would be needed but is not allowed or missing.
    if (plan.kexec.source === 'packages') {
      const adapter = prepared.adapter;
      if (!adapter) throw new X2Error('internal', 'the plan installs kexec-tools on a host without a package adapter');
      await reporter.step('Installing kexec-tools', (update) =>
        adapter.installKexecTools(effects.runner, (line) => {
          ctx.log.write(`packages: ${line}`);
          update(line);
        }),
      );
    }

    const staged = await reporter.step(
      `Staging the live system (rootfs ${plan.memory.rootfsMode === 'append' ? 'appended' : 'by URL'})`,
      (update) =>
        staging.finish(local, payload, plan.memory.rootfsMode, {
          signal: ctx.signal,
          onProgress: (done, total) => update(`${formatBytes(done)} of ${formatBytes(total)}`, { bytes: done, total }),
        }),
    );
    checkpoint();
    const cmdline = plan.live.kernelArgs.join(' ');
    const result = await reporter.step('Loading the live kernel', () =>
      loadKernel(
        { runner: effects.runner, fs: effects.fs, log: (l) => ctx.log.write(l) },
        plan.kexec,
        ctx.workDir,
        cmdline,
        plan.host.secureBoot,
      ),
    );
    checkpoint();
    await writeState(ctx.workDir, {
      version: 1,
      stagedAt: new Date().toISOString(),
      bootId: await bootId(effects.fs),
      release: plan.release.release,
      kernel: staged.kernel,
      initrd: staged.initrd,
      initrdSha256: staged.initrdSha256,
      cmdline,
      method: result.method,
      switchArgv: plan.kexec.switchArgv,
      kexecArgv: plan.kexec.toolArgv,
      switch: plan.kexec.switch,
      target: target.installerName,
    });
    ctx.doc.staged = {
      kernel: staged.kernel,
      initrd: staged.initrd,
      initrdBytes: staged.initrdBytes,
      initrdSha256: staged.initrdSha256,
      method: result.method,
    };

    if (!options.reboot) {
      ctx.doc.result = 'staged';
      keep = true; // stays loaded on purpose: `x2nestos reboot` switches, `x2nestos abort` unloads
      reporter.info('staged and loaded; run `x2nestos reboot` to switch, or `x2nestos abort` to undo');
      return;
    }
    if (options.rebootDelay > 0) {
      reporter.info(`switching to the live installer in ${options.rebootDelay}s (Ctrl-C to cancel)`);
      await sleep(options.rebootDelay, ctx.signal);
    }
    checkpoint();
    reporter.info(
      `switching to the NestOS live installer; it writes ${target.installerName} and reboots into NestOS. Log: ${ctx.log.path ?? 'none'}`,
    );
    // A refused switch throws and is undone below like any other failure; one under way returns.
    const switched = await switchToLive(switchDeps(ctx), plan.kexec.switch).catch((e: unknown) => {
      throw switchFailed(e);
    });
    ctx.doc.result = 'switching';
    ctx.doc.switch = switched;
    keep = true;
  } catch (e) {
    // Leave the host as it was: nothing loaded, nothing staged (the initrd holds the user's config).
    if (!keep) {
      await staging.cancel();
      await undoStaging(ctx, plan.kexec.toolArgv);
    }
    throw e;
  }
}

/** Leave the host as it was: nothing loaded, nothing staged, no state. Each step is tried. */
async function undoStaging(ctx: Context, kexecArgv: readonly string[]): Promise<void> {
  const { effects } = ctx;
  await unloadKernel(effects, kexecArgv).catch((u: unknown) => ctx.log.write(`unload after failure failed: ${String(u)}`));
  await removeStaged(ctx.workDir).catch((u: unknown) => ctx.log.write(`removing the staged files after failure failed: ${String(u)}`));
  await clearState(ctx.workDir).catch(() => undefined);
  ctx.log.write('after the failure: the live kernel is unloaded and the staged files are removed');
}

function switchFailed(e: unknown): unknown {
  if (e instanceof X2Error) return e;
  const detail = e instanceof Error ? e.message : String(e);
  return new X2Error('kexec', `switching to the live installer failed: ${detail.split('\n')[0]}`, {
    remedy: 'nothing was switched; the live kernel was unloaded and the staged files removed; see the log, then run the conversion again',
    details: [detail],
    cause: e,
  });
}

async function confirmConversion(ctx: Context, device: string, installerName: string): Promise<void> {
  if (ctx.options.yes) return;
  const ok = await ctx.confirm(`Erase ${device} (${installerName}) and install NestOS? Type the disk name (${device}) to confirm:`, device);
  if (!ok)
    throw new X2Error('declined', 'not confirmed; nothing was changed', { remedy: 'run again and type the disk name, or pass --yes' });
}
