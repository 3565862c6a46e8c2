/**
 * `x2nestos status`: what the work directory really holds (not only what state.json says) and
 * whether the kernel holds a staged live system. Each part is its own function, so more parts
 * (the outcome of the last attempt) slot in beside them.
 */
import path from 'node:path';
import { X2Error } from '../errors.js';
import { formatBytes } from '../plan/memory.js';
import { inspectWorkDir, type WorkDirInspection } from '../stage/leftovers.js';
import { bootId, kexecLoaded, type StagedState } from '../stage/state.js';
import type { Context } from './context.js';
import { lastAttemptStatus } from './last-attempt.js';

export async function status(ctx: Context): Promise<void> {
  const inspection = await inspectWorkDir(ctx.workDir);
  if (inspection.unusable) {
    throw new X2Error('usage', `the work directory ${ctx.workDir} ${inspection.unusable}`, {
      remedy: 'pass the --work-dir the conversion used',
    });
  }
  const state = inspection.state;
  const loaded = await kexecLoaded(ctx.effects.fs);
  const currentBoot = await bootId(ctx.effects.fs);
  const sameBoot = state?.bootId !== undefined && state.bootId === currentBoot;
  ctx.doc.result = 'status';
  ctx.doc.status = {
    workDir: ctx.workDir,
    staged: state ?? null,
    kernelLoaded: loaded,
    stagedThisBoot: sameBoot,
    stateCorrupt: inspection.stateCorrupt ?? null,
    leftovers: leftoverFiles(inspection),
    partialDownloads: inspection.partialDownloads,
  };
  await lastAttemptStatus(ctx);
  const parts = [
    state ? describeStaged(state, loaded, sameBoot) : describeNothingStaged(ctx.workDir, loaded),
    ...describeLeftovers(ctx.workDir, inspection),
  ];
  ctx.reporter.show(parts.join('\n'));
}

function describeNothingStaged(workDir: string, loaded: boolean): string {
  return `Nothing staged in ${workDir}.${loaded ? ' A kexec kernel is loaded, but not by x2nestos.' : ''}`;
}

function describeStaged(state: StagedState, loaded: boolean, sameBoot: boolean): string {
  return [
    `Staged      ${state.release ?? 'unknown build'} at ${state.stagedAt} for ${state.target ?? '?'}`,
    `Kernel      ${state.kernel}`,
    `Initrd      ${state.initrd} (sha256 ${state.initrdSha256})`,
    `Loaded      ${loaded ? (sameBoot ? `yes (${state.method === 'file' ? 'kexec_file_load' : 'kexec_load'})` : 'a kernel is loaded, but not staged in this boot') : 'no'}`,
    loaded && sameBoot
      ? 'Next        `x2nestos reboot` switches, `x2nestos abort` undoes'
      : 'Next        run the conversion again, or `x2nestos abort` to clean up',
  ].join('\n');
}

/** Files under staged/ that no state describes: a run that died before it could clean up. */
function leftoverFiles(inspection: WorkDirInspection): { path: string; bytes: number }[] {
  const described = new Set(inspection.state ? [inspection.state.kernel, inspection.state.initrd] : []);
  return inspection.staged.filter((f) => !described.has(f.path));
}

function describeLeftovers(workDir: string, inspection: WorkDirInspection): string[] {
  const lines: string[] = [];
  if (inspection.stateCorrupt) {
    lines.push(
      `Corrupt     ${path.join(workDir, 'state.json')} ${inspection.stateCorrupt}; \`x2nestos abort\` removes it and anything staged`,
    );
  }
  const leftovers = leftoverFiles(inspection);
  if (leftovers.length > 0) {
    const list = leftovers.map((f) => `${path.basename(f.path)} (${formatBytes(f.bytes)})`).join(', ');
    lines.push(
      `Leftovers   ${list} in ${path.dirname(leftovers[0]!.path)}, from a run that did not finish; \`x2nestos abort\` removes them (the initrd holds your Ignition config)`,
    );
  }
  if (inspection.partialDownloads.length > 0) {
    lines.push(`Partial     ${inspection.partialDownloads.length} download(s) in the cache; the next run resumes them`);
  }
  return lines;
}
