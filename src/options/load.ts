/**
 * Builds the one Options object: the YAML config file (`--config`), then the flags on top.
 * Validation happens once, here; every message names the flag or config key at fault.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { X2Error } from '../errors.js';
import { camelKey, flagName, optionsSchema, type Options } from './schema.js';
import { OPTION_TABLE } from './table.js';

export async function loadOptions(
  flags: Record<string, unknown>,
  configFile: string | undefined,
  readFile: (path: string) => Promise<string>,
): Promise<Options> {
  let fromFile: Record<string, unknown> = {};
  if (configFile) {
    let text: string;
    try {
      text = await readFile(configFile);
    } catch (e) {
      throw new X2Error('usage', `cannot read the config file ${configFile}: ${(e as Error).message}`, {
        remedy: 'check the path given to --config',
      });
    }
    fromFile = configFileOptions(text, configFile);
  }
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  return validateOptions({ ...fromFile, ...given }, configFile ? Object.keys(fromFile) : []);
}

export function configFileOptions(text: string, file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new X2Error('usage', `the config file ${file} is not valid YAML: ${(e as Error).message.split('\n')[0]}`, {
      remedy: 'fix the file',
    });
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new X2Error('usage', `the config file ${file} must be a mapping of option names to values`, {
      remedy: 'write it as `stream: 2403-LTS` lines',
    });
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(key)) {
      throw new X2Error('usage', `config file ${file}: key "${key}" is not an option name`, {
        remedy: 'use the long flag names without dashes in front, e.g. `stream-base-url`',
      });
    }
    const name = camelKey(key);
    // --config itself: a file does not name another file.
    if (Object.hasOwn(OPTION_TABLE, name) && !OPTION_TABLE[name as keyof typeof OPTION_TABLE].configFile) {
      const where = `config key ${key}`;
      throw new X2Error('usage', `unknown option ${where}`, { remedy: 'see `x2nestos --help` for the options and their values' });
    }
    out[name] = value;
  }
  return out;
}

export function validateOptions(raw: Record<string, unknown>, fileKeys: string[] = []): Options {
  const result = optionsSchema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const key = issue.code === 'unrecognized_keys' ? (issue.keys[0] ?? '') : String(issue.path[0] ?? '');
  const where = fileKeys.includes(key) || issue.code === 'unrecognized_keys' ? `config key ${flagName(key).slice(2)}` : flagName(key);
  const message = issue.code === 'unrecognized_keys' ? `unknown option ${where}` : `${where}: ${issue.message}`;
  throw new X2Error('usage', message, { remedy: 'see `x2nestos --help` for the options and their values' });
}
