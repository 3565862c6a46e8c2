/**
 * The options table against everything that names options: commander's declarations, the config
 * file's keys and the README's option list. A flag added to one and not the other fails here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { declareOptions } from '../../../src/options/declare.js';
import { configFileOptions, loadOptions } from '../../../src/options/load.js';
import { flagName, optionsSchema } from '../../../src/options/schema.js';
import { longFlag, optionEntries, type CommandName } from '../../../src/options/table.js';
import { caught } from '../../support/caught.js';

const COMMANDS: CommandName[] = ['convert', 'plan', 'fetch', 'status', 'abort', 'reboot', 'guided'];
const README = readFileSync(path.join(import.meta.dirname, '../../../README.md'), 'utf8');

/** README "### Options", up to the next section. */
function readmeOptions(): string {
  const start = README.indexOf('\n### Options\n');
  expect(start).toBeGreaterThan(0);
  return README.slice(start, README.indexOf('\n### ', start + 1));
}

describe('the options table', () => {
  it('is what commander declares, per command and in table order', () => {
    for (const command of COMMANDS) {
      const declared = declareOptions(new Command(command), command).options.map((o) => o.flags);
      const expected = optionEntries()
        .filter(([, spec]) => spec.commands.includes(command))
        .map(([, spec]) => spec.flags);
      expect(declared, command).toEqual(expected);
    }
  });

  it('gives every option with a value a schema key named like its flag', () => {
    const keys = Object.keys(optionsSchema.shape);
    for (const [key, spec] of optionEntries()) {
      if (key === 'config') continue;
      expect(keys, key).toContain(key);
      // --no-keep-hostname sets keepHostname; every other flag is its key in kebab-case.
      expect(longFlag(spec).replace(/^--no-/, '--'), key).toBe(flagName(key));
    }
    expect(keys).not.toContain('config');
    expect(keys).toHaveLength(optionEntries().length - 1);
  });

  it('checks choices in the schema exactly as commander does', () => {
    for (const [key, spec] of optionEntries()) {
      if (!spec.choices) continue;
      const shape = optionsSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
      for (const choice of spec.choices) expect(shape[key]!.safeParse(choice).success, `${key}=${choice}`).toBe(true);
      expect(shape[key]!.safeParse('no-such-choice').success, key).toBe(false);
    }
  });

  it('lets a config file set exactly the options the table allows', async () => {
    for (const [key, spec] of optionEntries()) {
      const name = flagName(key).slice(2);
      if (spec.configFile) {
        expect(Object.keys(configFileOptions(`${name}: null\n`, 'c.yaml')), name).toEqual([key]);
      } else {
        const error = await caught(loadOptions({}, 'c.yaml', async () => `${name}: other.yaml\n`));
        expect(error.message, name).toBe(`unknown option config key ${name}`);
      }
    }
  });

  it('is the README option list: every flag documented, no documented flag missing from the table', () => {
    const section = readmeOptions();
    const documented = new Set(section.match(/--[a-z0-9][a-z0-9-]*/g));
    const declared = new Set(optionEntries().map(([, spec]) => longFlag(spec)));
    expect(
      [...declared].filter((f) => !documented.has(f)),
      'flags the README does not document',
    ).toEqual([]);
    expect(
      [...documented].filter((f) => !declared.has(f)),
      'flags the README documents that do not exist',
    ).toEqual([]);
  });

  it('lists the same choices in the README as the table', () => {
    const section = readmeOptions();
    for (const [, spec] of optionEntries()) {
      if (!spec.choices) continue;
      expect(section, longFlag(spec)).toContain(`\`${longFlag(spec)} ${spec.choices.join('\\|')}\``);
    }
  });

  it('names every safety flag (--allow-*, --skip-*) in the README list of them', () => {
    const section = readmeOptions();
    const paragraph = section.slice(section.indexOf('Safety checks are only ever switched off'));
    const safety = optionEntries()
      .map(([, spec]) => longFlag(spec))
      .filter((f) => /^--(allow|skip)-/.test(f));
    expect(safety.length).toBeGreaterThan(5);
    for (const f of safety) expect(paragraph.split('\n\n')[0], f).toContain(`\`${f}\``);
  });
});
