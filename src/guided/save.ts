/** Step 6a: keep the answers as a config file that replays this conversion without questions. */
import path from 'node:path';
import type { Translator } from '../i18n/translate.js';
import type { Prompter } from './prompter.js';

export interface SaveChecks {
  cwd: string;
  /** 'dir', 'file', or undefined when nothing is there. */
  kindOf(path: string): Promise<'dir' | 'file' | undefined>;
}

export const DEFAULT_ANSWERS_FILE = 'x2nestos-answers.yaml';

export async function askSave(ask: Prompter, tr: Translator, checks: SaveChecks): Promise<string | undefined> {
  const { t } = tr;
  const save = await ask.confirm({
    message: t('Save these answers to a file, to replay this conversion later without questions?'),
    default: false,
  });
  if (!save) return undefined;
  let chosen = '';
  await ask.input({
    message: t('File to save the answers in'),
    default: path.join(checks.cwd, DEFAULT_ANSWERS_FILE),
    validate: async (value) => {
      const p = path.resolve(checks.cwd, value.trim());
      if ((await checks.kindOf(path.dirname(p))) !== 'dir') return t('{dir} is not a directory', { dir: path.dirname(p) });
      if ((await checks.kindOf(p)) !== undefined) return t('{path} exists already: choose another name', { path: p });
      chosen = p;
      return true;
    },
  });
  return chosen;
}
