/**
 * What stands in the way before any question is asked: the planner's own verdict on this host
 * (root, container, distribution, architecture, kexec, work directory), got by planning with the
 * release and the Ignition config still open. The disk and memory verdicts wait for their answers
 * (the disk step and the real artifact sizes), so they are set aside here.
 */
import type { HostFacts } from '../facts/types.js';
import type { Options } from '../options/schema.js';
import { checkMemory } from '../plan/memory-check.js';
import { planConversion } from '../plan/plan.js';
import { chooseTarget } from '../plan/target.js';
import type { Blocker } from '../model/blocker.js';
import type { IgnitionSummary, KexecTool } from '../plan/types.js';
import type { ArtifactRef, ResolvedRelease } from '../model/artifacts.js';

export interface Preflight {
  blockers: Blocker[];
  warnings: string[];
  /** How the live kernel would be loaded (kexec_file_load, kexec_load, or both in turn). */
  kexecMethod: 'file' | 'syscall' | 'file-then-syscall';
}

const OPEN = 'https://x2nestos.invalid/not-chosen-yet';

function openArtifact(role: ArtifactRef['role']): ArtifactRef {
  return { role, location: `${OPEN}/${role}`, name: role };
}

export function preflight(
  facts: HostFacts,
  options: Options,
  run: {
    kexecTool: { tool: KexecTool | undefined; blockers: Blocker[] };
    workDir: string;
    toolVersion: string;
    purpose: 'plan' | 'convert';
  },
): Preflight {
  const release: ResolvedRelease = {
    source: 'stream',
    origin: OPEN,
    arch: facts.arch,
    artifacts: { kernel: openArtifact('kernel'), initramfs: openArtifact('initramfs'), rootfs: openArtifact('rootfs') },
  };
  const ignition: IgnitionSummary = {
    source: OPEN,
    sha256: '',
    specVersion: undefined,
    sshKeys: [],
    passwordUsers: [],
    warnings: [],
    additions: [],
    identityNotes: [],
  };
  const { plan } = planConversion({
    facts,
    options,
    release,
    ignition,
    destIgnition: undefined,
    userKeyfiles: [],
    kexecTool: run.kexecTool.tool,
    kexecToolBlockers: run.kexecTool.blockers,
    workDir: run.workDir,
    toolVersion: run.toolVersion,
    purpose: run.purpose,
  });
  const later = new Set([
    ...chooseTarget(facts, options).blockers.map((b) => b.message),
    ...checkMemory(facts.memory, undefined, {
      requested: options.rootfsMode,
      rootfsUrl: OPEN,
      loadMethod: 'file',
      skip: options.skipMemoryCheck,
    }).warnings,
  ]);
  return {
    blockers: plan.blockers.filter((b) => !later.has(b.message)),
    warnings: plan.warnings.filter((w) => !later.has(w)),
    kexecMethod: plan.kexec.method,
  };
}
