/**
 * What the answers mean: one Options object, exactly as flags or a config file would give it, so the
 * conversion that follows is the ordinary one. Saved, the same options replay it without questions
 * (`x2nestos --config FILE --yes`).
 */
import { stringify } from 'yaml';
import { validateOptions } from '../options/load.js';
import { flagName, optionsSchema, type Options } from '../options/schema.js';
import type { Translator } from '../i18n/translate.js';
import type { DiskAnswer } from './disk.js';
import type { IgnitionAnswer } from './ignition.js';
import type { NetworkAnswer } from './network.js';
import type { ReleaseAnswer } from './release.js';

export interface Answers {
  release: ReleaseAnswer;
  disk: DiskAnswer;
  ignition: IgnitionAnswer;
  network: NetworkAnswer;
}

/** How this run behaves, not what it converts to: never saved. */
const RUN_ONLY = new Set<keyof Options>(['yes', 'json', 'events', 'dryRun', 'lang', 'to']);

/** The options for these answers, on top of those given on the command line. */
export function answersToOptions(given: Options, answers: Answers, builtIgnitionPath: string | undefined): Options {
  const raw: Record<string, unknown> = { ...given };
  const r = answers.release;
  if (r.kind === 'stream') raw.stream = r.stream;
  if (r.kind === 'iso') {
    raw.iso = r.iso;
    raw.isoSha256 = r.isoSha256;
  }
  raw.disk = answers.disk.installerName;
  if (answers.disk.keep?.length) raw.savePartindex = answers.disk.keep.map(String);
  const i = answers.ignition;
  if (i.kind === 'url') {
    raw.ignition = i.url;
    raw.allowHttpIgnition = i.allowHttp;
  } else if (i.kind === 'file') {
    raw.ignition = i.path;
  } else if (i.kind === 'build') {
    raw.ignition = builtIgnitionPath;
    raw.inheritSshKeys = given.inheritSshKeys || i.inheritKeys;
  }
  raw.network = answers.network;
  return validateOptions(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
}

/**
 * The config file that replays these options: every option that differs from its default, under
 * its flag's name (the schema rejects anything else), nothing about how this run looked.
 */
export function replayConfig(options: Options, tr: Translator, when: Date): string {
  const defaults = optionsSchema.parse({}) as Record<string, unknown>;
  const entries = Object.entries(options).filter(
    ([key, value]) => !RUN_ONLY.has(key as keyof Options) && value !== undefined && JSON.stringify(value) !== JSON.stringify(defaults[key]),
  );
  const doc = Object.fromEntries(entries.map(([key, value]) => [flagName(key).slice(2), value]));
  const header = [
    tr.t('x2nestos answers, saved by `x2nestos guided` on {date}.', { date: when.toISOString() }),
    tr.t('Replay without questions: x2nestos --config THIS-FILE --yes'),
  ];
  return header.map((l) => `# ${l}\n`).join('') + stringify(doc);
}
