/** What every command receives: options, the side-effect layer, output channels, cancellation. */
import path from 'node:path';
import type { Effects } from '../effects/host.js';
import type { Translator } from '../i18n/translate.js';
import type { Runtime } from '../effects/runtime.js';
import type { Options } from '../options/schema.js';
import type { DocumentFields } from '../output/json-schema.js';
import type { Logger } from '../output/log.js';
import type { Reporter } from '../output/reporter.js';
import type { SwitchDeps } from '../switch/switch.js';

export interface Context {
  command: string;
  runtime: Runtime;
  effects: Effects;
  options: Options;
  workDir: string;
  reporter: Reporter;
  /** The reader's language, for texts commands compose for people (the log stays English). */
  tr: Translator;
  log: Logger;
  /** Aborted on SIGINT/SIGTERM; long steps pass it down. */
  signal: AbortSignal;
  /** Run `fn` with interrupts deferred to it: it must see `signal` and undo its changes itself. */
  critical: <T>(fn: () => Promise<T>) => Promise<T>;
  /** The --json document's fields as the command fills them (src/output/json-schema.ts); cli.ts prints it at the end, success or not. */
  doc: DocumentFields;
  /** Ask the user; only called when a TTY is attached (commands check first). */
  confirm: (question: string, expected?: string) => Promise<boolean>;
}

export function cacheDir(ctx: Pick<Context, 'workDir'>): string {
  return path.join(ctx.workDir, 'cache');
}

/** The switch's side of the context: the runner, host files, the log, and the reporter for the line people read. */
export function switchDeps(ctx: Context): SwitchDeps {
  return { runner: ctx.effects.runner, fs: ctx.effects.fs, log: (l) => ctx.log.write(l), say: (l) => ctx.reporter.info(l) };
}
