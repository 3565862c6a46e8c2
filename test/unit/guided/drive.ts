/**
 * Drives guided-mode steps through real @inquirer prompts inside @inquirer/testing's render(): each
 * prompt a step opens is handed to the test in order, to read (getScreen) and answer (events).
 */
import { render } from '@inquirer/testing';
import { english, type Translator } from '../../../src/i18n/translate.js';
import { inquirerPrompter, type Prompter, type PromptRunner } from '../../../src/guided/prompter.js';

export type Shown = Awaited<ReturnType<typeof render>>;

export interface Drive {
  ask: Prompter;
  /** Text the step printed between questions. */
  said: string[];
  /** The next prompt the step opens. */
  next(): Promise<Shown>;
}

export async function drive(tr: Translator = english): Promise<Drive> {
  const opened: Shown[] = [];
  const waiting: ((s: Shown) => void)[] = [];
  const said: string[] = [];
  const run: PromptRunner = async (prompt, config) => {
    const shown = await render(prompt as never, config as never);
    const waiter = waiting.shift();
    if (waiter) waiter(shown);
    else opened.push(shown);
    return shown.answer as never;
  };
  const ask = await inquirerPrompter(tr, run, (text) => said.push(text));
  return {
    ask,
    said,
    next: () =>
      new Promise<Shown>((resolve, reject) => {
        const ready = opened.shift();
        if (ready) return resolve(ready);
        const timer = setTimeout(() => reject(new Error('the step opened no further prompt')), 5000);
        waiting.push((s) => {
          clearTimeout(timer);
          resolve(s);
        });
      }),
  };
}

/** Types a line and presses enter. */
export function answer(shown: Shown, text: string): void {
  shown.events.type(text);
  shown.events.keypress('enter');
}

/** Lets async validation (and the re-render after it) finish. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/** The screen with inquirer's 80-column line wrapping undone, for long lines. */
export function flat(shown: Shown): string {
  return shown.getScreen().replace(/\n/g, '');
}

/** Whether the screen shows `text`, whatever the line wrapping and column padding. */
export function shows(shown: Shown, text: string): boolean {
  const squash = (s: string) => s.replace(/\s+/g, '');
  return squash(shown.getScreen()).includes(squash(text));
}
