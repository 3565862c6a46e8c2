/**
 * The questions of guided mode, in order: the summary of this host, then release, disk, Ignition,
 * network, and whether to save the answers. Nothing here changes anything: the answers come back,
 * and the ordinary conversion runs on them (src/commands/guided.ts).
 */
import { X2Error } from '../errors.js';
import type { HostFacts } from '../facts/types.js';
import type { Options } from '../options/schema.js';
import type { Translator } from '../i18n/translate.js';
import type { Answers } from './answers.js';
import { askDisk, askKeep } from './disk.js';
import { askIgnition, type IgnitionHost } from './ignition.js';
import { askNetwork } from './network.js';
import type { Preflight } from './preflight.js';
import type { KexecTool } from '../plan/types.js';
import type { Prompter } from './prompter.js';
import { askRelease, type ReleaseChecks } from './release.js';
import { askSave, type SaveChecks } from './save.js';
import { renderSummary } from './summary.js';

export interface InterviewInput {
  ask: Prompter;
  tr: Translator;
  facts: HostFacts;
  options: Options;
  preflight: Preflight;
  /** The kexec program a conversion would use (undefined: none usable, a blocker says why). */
  kexecTool: KexecTool | undefined;
  release: ReleaseChecks;
  ignition: IgnitionHost;
  save: SaveChecks;
  dryRun: boolean;
}

export interface Interview {
  answers: Answers;
  /** Where to save the answers, when asked to. */
  savePath: string | undefined;
  /** A blocked host can still be walked through, as a dry run. */
  dryRun: boolean;
}

export async function interview(i: InterviewInput): Promise<Interview> {
  const { ask, tr } = i;
  ask.say(renderSummary(i.facts, i.preflight, i.kexecTool, tr));
  let dryRun = i.dryRun;
  const first = i.preflight.blockers[0];
  if (first && !dryRun) {
    const go = await ask.confirm({ message: tr.t('Go on anyway, to see the whole plan? Nothing will be changed.'), default: false });
    if (!go) throw new X2Error(first.kind, first.message, first.remedy ? { remedy: first.remedy } : {});
    dryRun = true;
  }
  const release = await askRelease(ask, tr, i.options, i.release);
  const chosen = await askDisk(ask, tr, i.facts, i.options);
  const keep = await askKeep(ask, tr, i.facts, i.options, chosen);
  const disk = keep.length > 0 ? { ...chosen, keep } : chosen;
  const ignition = await askIgnition(ask, tr, i.ignition, i.options.ignition);
  const network = await askNetwork(ask, tr, i.facts.network);
  const savePath = await askSave(ask, tr, i.save);
  return { answers: { release, disk, ignition, network }, savePath, dryRun };
}
