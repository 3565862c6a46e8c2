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
import { prepareIgnition, type PreparedIgnition } from './ignition-step.js';
import { pickKexecTool } from './kexec-tool-step.js';
import { probeSizes } from './sizes.js';
import type { Context } from './context.js';
import { preflight } from './preflight.js';

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

export async function prepare(ctx: Context, purpose: 'plan' | 'convert'): Promise<Prepared> {
  const { effects, options, reporter } = ctx;
  await preflight(ctx);
  const host = { runner: effects.runner, fs: effects.fs };
  const facts = await reporter.step('Inspecting this host', () =>
    gatherFacts(host, { workDir: ctx.workDir, uid: ctx.runtime.uid, gatherNetwork }),
  );
  // No adapter means an unsupported distro: the planner refuses it with the reason facts recorded.
  const adapter = adapterFor(facts.family, facts.packageTool);
  const kexecTool = await pickKexecTool({ ...host, ownFs: effects.ownFs, runtimeDir: ctx.runtime.runtimeDir }, facts, adapter, options);

  const release = await reporter.step('Resolving the NestOS release', async () => {
    const r = await resolveRelease(options, {
      http: effects.http,
      arch: options.arch ?? facts.arch,
      signal: ctx.signal,
      cwd: ctx.runtime.cwd,
    });
    return probeSizes(r, effects.http, ctx.signal);
  });
  ctx.doc.release = release;

  const ignition = options.ignition ? await reporter.step('Checking the Ignition config', () => prepareIgnition(ctx, facts)) : undefined;
  const userKeyfiles = await loadUserKeyfiles(options.networkKeyfile, (p) => readFile(p, 'utf8').catch(() => undefined));

  const rootfs = release.artifacts.rootfs.location;
  const sourceRoute = isRemote(rootfs) ? await routeToward(rootfs, effects.runner) : undefined;

  // Read now, before anything is staged: the target's partition table and boot area as the live
  // system's failsafe will compare them (the planner picks the same target from the same facts).
  const targetDisk = chooseTarget(facts, options).target;
  const disk = targetDisk && facts.disks.find((d) => d.path === targetDisk.device);
  const failsafe = disk ? await gatherFailsafeFacts(host, disk, ctx.workDir) : undefined;

  const result = planWith({ ctx, facts, adapter, kexecTool, release, ignition, userKeyfiles, sourceRoute, failsafe, purpose });
  return { facts, adapter, kexecTool, release, ignition, userKeyfiles, sourceRoute, failsafe, result };
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
