/**
 * The questions of guided mode, asked through @inquirer/prompts in the reader's language. Steps get
 * a Prompter and never touch the terminal: on a terminal each prompt runs on stdin/stderr (stdout
 * belongs to --json), in tests inside @inquirer/testing's render(), with the same themes.
 */
import type { Translator } from '../i18n/translate.js';

export interface Choice<V> {
  value: V;
  name: string;
  /** Shown under the list while this choice is highlighted. */
  description?: string;
  /** Shown after the question once answered (the name when absent). */
  short?: string;
  /** Why this choice cannot be taken; shown beside it, dimmed. */
  disabled?: string;
}

export type Validate = (value: string) => string | true | Promise<string | true>;

export interface Prompter {
  select<V>(question: { message: string; choices: Choice<V>[]; default?: V }): Promise<V>;
  input(question: { message: string; default?: string; validate?: Validate }): Promise<string>;
  password(question: { message: string; validate?: Validate }): Promise<string>;
  confirm(question: { message: string; default?: boolean }): Promise<boolean>;
  /** Text between questions (the summary, explanations). */
  say(text: string): void;
}

/** Where a prompt reads and draws, and what ends it early (inquirer's prompt context). */
export interface PromptContext {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  signal?: AbortSignal;
}

/** Any inquirer prompt: a config in, an answer out. */
export type PromptFunction<C, V> = (config: C, context?: PromptContext) => Promise<V>;

/** Runs one prompt: on the terminal, or inside a test's render(). */
export type PromptRunner = <C, V>(prompt: PromptFunction<C, V>, config: C) => Promise<V>;

/** Ctrl-C in a prompt (ExitPromptError), or the run's abort signal (AbortPromptError). */
export function isPromptInterrupt(e: unknown): boolean {
  return e instanceof Error && (e.name === 'ExitPromptError' || e.name === 'AbortPromptError');
}

export async function inquirerPrompter(tr: Translator, run: PromptRunner, say: (text: string) => void): Promise<Prompter> {
  const prompts = await import('@inquirer/prompts');
  const { t } = tr;
  // The key hints inquirer shows under a prompt, by the action names it passes.
  const actions: Record<string, string> = { navigate: t('navigate'), select: t('select'), 'toggle visibility': t('toggle visibility') };
  const keys = (pairs: [string, string][]) => pairs.map(([key, action]) => `${key} ${actions[action] ?? action}`).join(' • ');
  const validator = (validate: Validate | undefined) => (validate ? { validate } : {});
  return {
    select: <V>(q: { message: string; choices: Choice<V>[]; default?: V }) =>
      run(prompts.select as unknown as PromptFunction<object, V>, {
        message: q.message,
        choices: q.choices.map((c) => ({
          value: c.value,
          name: c.name,
          ...(c.description ? { description: c.description } : {}),
          ...(c.short ? { short: c.short } : {}),
          ...(c.disabled ? { disabled: t('({reason})', { reason: c.disabled }) } : {}),
        })),
        ...(q.default !== undefined ? { default: q.default } : {}),
        pageSize: 12,
        loop: false,
        theme: { style: { keysHelpTip: keys }, i18n: { disabledError: t('This choice is not available (the reason is beside it).') } },
      }),
    input: (q) =>
      run(prompts.input as unknown as PromptFunction<object, string>, {
        message: q.message,
        ...(q.default !== undefined ? { default: q.default } : {}),
        ...validator(q.validate),
      }),
    password: (q) =>
      run(prompts.password as unknown as PromptFunction<object, string>, {
        message: q.message,
        mask: '*',
        ...validator(q.validate),
        theme: { style: { keysHelpTip: keys, maskedText: t('[hidden]') } },
      }),
    confirm: (q) =>
      run(prompts.confirm as unknown as PromptFunction<object, boolean>, {
        message: q.message,
        default: q.default ?? false,
        theme: { keywords: { yes: t('yes'), no: t('no'), error: () => t('answer y or n') } },
      }),
    say,
  };
}
