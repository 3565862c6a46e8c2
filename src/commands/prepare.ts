/**
 * Everything before the first change to the host, shared by `plan` and `convert`: facts, distro
 * adapter, release, Ignition, and the plan. Reads the host and the network; writes nothing but the log.
 */
import { readFile } from 'node:fs/promises';
import { gatherFacts } from '../facts/gather.js';
import { gatherNetwork } from '../network/gather.js';
import { loadUserKeyfiles } from '../network/override.js';
import { routeToward, type SourceRoute } from '../network/route-to.js';
import { isRemote } from '../model/location.js';
import { resolveRelease } from '../release/resolve.js';
import { planConversion, type PlanResult } from '../plan/plan.js';
import { chooseTarget } from '../plan/target.js';
import { gatherFailsafeFacts, type FailsafeFacts } from '../facts/failsafe.js';
import type { HostFacts } from '../facts/types.js';
import type { Blocker } from '../model/blocker.js';
import type { KexecTool } from '../plan/types.js';
import type { ResolvedRelease } from '../model/artifacts.js';
import type { DistroAdapter } from '../../distro-adapters/adapter.js';
import { adapterFor } from '../../distro-adapters/select.js';
import { VERSION } from '../version.js';
import { checkIgnition, finishIgnition, type PreparedIgnition } from './ignition-step.js';
import { pickKexecTool } from './kexec-tool-step.js';
import { probeSizes } from './sizes.js';
import type { Context } from './context.js';
import { preflight } from './preflight.js';
import { inOrder, overlap, type Overlap } from './overlap.js';
import type { Options } from '../options/schema.js';

export interface Prepared {
  facts: HostFacts;
  adapter: DistroAdapter | undefined;
  /** The kexec program the plan uses, or why none is usable. */
  kexecTool: { tool: KexecTool | undefined; blockers: Blocker[] };
  release: ResolvedRelease;
  ignition: PreparedIgnition | undefined;
  userKeyfiles: { name: string; contents: string }[];
  /** How this host reaches the rootfs server, for the live system's network when it fetches the rootfs. */
  sourceRoute: SourceRoute | undefined;
  /** What the live system's failsafe compares against and writes to; undefined without a target. */
  failsafe: FailsafeFacts | undefined;
  result: PlanResult;
}

/** What a command starts as soon as the release is known (convert: the downloads). */
export type OnRelease = (release: ResolvedRelease) => Promise<void>;

export async function prepare(ctx: Context, purpose: 'plan' | 'convert', onRelease?: OnRelease): Promise<Prepared> {
  await preflight(ctx);
  const early = overlap(ctx.signal);
  try {
    return await prepareOverlapped(ctx, purpose, early, onRelease);
  } finally {
    // After a failure: the branches still running stop before the error is reported.
    await early.close();
  }
}

/**
 * The steps are shown, and their failures reported, in pipeline order; the work of those that
 * need less than the step before them starts earlier (src/commands/overlap.ts).
 */
async function prepareOverlapped(ctx: Context, purpose: 'plan' | 'convert', early: Overlap, onRelease?: OnRelease): Promise<Prepared> {
  const { effects, options, reporter } = ctx;
  // The Ignition config needs nothing from the host: fetched and validated while it is inspected.
  const checkedIgnition = options.ignition ? early.start((signal) => checkIgnition(ctx, signal)) : undefined;
  const { facts, adapter, kexecTool: pickedKexecTool } = await inspectHost(ctx, early);

  // Read before anything is staged: the target's partition table and boot area as the live
  // system's failsafe will compare them (the planner picks the same target from the same facts).
  const targetDisk = chooseTarget(facts, options).target;
  const disk = targetDisk && facts.disks.find((d) => d.path === targetDisk.device);
  const host = { runner: effects.runner, fs: effects.fs };
  const failsafeFacts = early.start(async () => (disk ? gatherFailsafeFacts(host, disk, ctx.workDir) : undefined));

  const [kexecTool, release] = await inOrder(
    pickedKexecTool,
    reporter.step('Resolving the NestOS release', async () => {
      const resolved = await resolveAndSize(ctx, facts);
      await onRelease?.(resolved);
      return resolved;
    }),
  );
  ctx.doc.release = release;

  const ignition = checkedIgnition
    ? await reporter.step('Checking the Ignition config', async () => finishIgnition(ctx, facts, await checkedIgnition))
    : undefined;
  const userKeyfiles = await loadUserKeyfiles(options.networkKeyfile, (p) => readFile(p, 'utf8').catch(() => undefined));

  const rootfs = release.artifacts.rootfs.location;
  const sourceRoute = isRemote(rootfs) ? await routeToward(rootfs, effects.runner) : undefined;
  const failsafe = await failsafeFacts;

  const result = planWith({ ctx, facts, adapter, kexecTool, release, ignition, userKeyfiles, sourceRoute, failsafe, purpose });
  return { facts, adapter, kexecTool, release, ignition, userKeyfiles, sourceRoute, failsafe, result };
}

/**
 * The host's facts, its distribution's adapter (none: an unsupported distro, which the planner
 * refuses with the reason facts recorded), and the kexec program, whose probes run on in `early`.
 * Shared by `plan`, `convert` and `guided`.
 */
export async function inspectHost(
  ctx: Context,
  early: Overlap,
): Promise<{ facts: HostFacts; adapter: DistroAdapter | undefined; kexecTool: Promise<Prepared['kexecTool']> }> {
  const { effects, reporter } = ctx;
  const host = { runner: effects.runner, fs: effects.fs };
  const facts = await reporter.step('Inspecting this host', () =>
    gatherFacts(host, { workDir: ctx.workDir, uid: ctx.runtime.uid, gatherNetwork }),
  );
  const adapter = adapterFor(facts.family, facts.packageTool);
  const deps = { ...host, ownFs: effects.ownFs, runtimeDir: ctx.runtime.runtimeDir };
  return { facts, adapter, kexecTool: early.start(() => pickKexecTool(deps, facts, adapter, ctx.options)) };
}

/** The release the options name, for this host's architecture unless --arch says otherwise. */
export function releaseFor(ctx: Context, facts: HostFacts, options: Options = ctx.options): Promise<ResolvedRelease> {
  return resolveRelease(options, {
    http: ctx.effects.http,
    arch: options.arch ?? facts.arch,
    signal: ctx.signal,
    cwd: ctx.runtime.cwd,
  });
}

async function resolveAndSize(ctx: Context, facts: HostFacts): Promise<ResolvedRelease> {
  return probeSizes(await releaseFor(ctx, facts), ctx.effects.http, ctx.signal);
}

/** Re-plan with what is known now (after the download, the real artifact sizes). */
export function planWith(p: Omit<Prepared, 'result'> & { ctx: Context; purpose: 'plan' | 'convert' }): PlanResult {
  const result = planConversion({
    facts: p.facts,
    options: p.ctx.options,
    release: p.release,
    ignition: p.ignition?.summary,
    destIgnition: p.ignition?.bytes,
    userKeyfiles: p.userKeyfiles,
    kexecTool: p.kexecTool.tool,
    kexecToolBlockers: p.kexecTool.blockers,
    workDir: p.ctx.workDir,
    toolVersion: VERSION,
    purpose: p.purpose,
    sourceRoute: p.sourceRoute,
    failsafe: p.failsafe,
  });
  p.ctx.doc.plan = result.plan;
  return result;
}
