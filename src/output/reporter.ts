/**
 * Human progress on stderr, in the reader's language (the log stays English). With a TTY (and no
 * NO_COLOR) each stage is a listr2 task with its timing and live detail (bytes, speed); otherwise
 * one plain line per event, so logs and CI output stay readable. stdout is never written here: it
 * belongs to --json.
 */
import { english, type Translator } from '../i18n/translate.js';
import type { Logger } from './log.js';

/** Where a transfer stands, for programs (--events jsonl); people read the detail text. */
export interface Progress {
  bytes: number;
  total?: number;
}

export interface Reporter {
  /** Run one stage; `update` shows transient detail (download counters), throttled. */
  step<T>(title: string, fn: (update: (detail: string, progress?: Progress) => void) => Promise<T>): Promise<T>;
  info(message: string): void;
  warn(message: string): void;
  /** A block of text for people (the plan, a final summary), as is. */
  show(text: string): void;
}

export interface ReporterOptions {
  fancy: boolean;
  quiet: boolean;
  log: Logger;
  write?: (text: string) => void;
  /** Messages arrive in English; people read them through this. */
  tr?: Translator;
}

const THROTTLE_MS = 500;

export function createReporter(options: ReporterOptions): Reporter {
  const write = options.write ?? ((text: string) => void process.stderr.write(text));
  const say = (line: string) => {
    if (!options.quiet) write(line + '\n');
  };
  const elapsed = (start: number) => `${((Date.now() - start) / 1000).toFixed(1)}s`;
  const tr = options.tr ?? english;
  const show = (text: string) => say(text.split('\n').map(tr.msg).join('\n'));

  if (options.fancy && !options.quiet) return fancyReporter(options, tr, say, show, elapsed);

  return {
    async step(title, fn) {
      const start = Date.now();
      const shown = tr.msg(title);
      options.log.write(`step: ${title}`);
      say(`x2nestos: ${shown} ...`);
      let last = 0;
      try {
        const result = await fn((detail) => {
          const now = Date.now();
          if (now - last < THROTTLE_MS * 10) return; // plain output: a line every few seconds at most
          last = now;
          say(`x2nestos:   ${tr.msg(detail)}`);
        });
        say(`x2nestos: ${tr.t('{title}: done ({time})', { title: shown, time: elapsed(start) })}`);
        options.log.write(`done: ${title} (${elapsed(start)})`);
        return result;
      } catch (e) {
        options.log.write(`failed: ${title} (${elapsed(start)})`);
        throw e;
      }
    },
    info(message) {
      options.log.write(message);
      say(`x2nestos: ${tr.msg(message)}`);
    },
    warn(message) {
      options.log.write(`warning: ${message}`);
      say(`x2nestos: ${tr.t('warning: {message}', { message: tr.msg(message) })}`);
    },
    show,
  };
}

function fancyReporter(
  options: ReporterOptions,
  tr: Translator,
  say: (line: string) => void,
  show: (text: string) => void,
  elapsed: (start: number) => string,
): Reporter {
  return {
    async step(title, fn) {
      const { DefaultRenderer, Listr, ListrLogger, ProcessOutput } = await import('listr2');
      // stdout belongs to --json: the task list draws on stderr, whether or not stdout is a terminal.
      class StderrRenderer extends DefaultRenderer {
        static override nonTTY = true;
      }
      const logger = new ListrLogger({ processOutput: new ProcessOutput(process.stderr, process.stderr) });
      const start = Date.now();
      const shown = tr.msg(title);
      options.log.write(`step: ${title}`);
      let result: unknown;
      const list = new Listr(
        [
          {
            title: shown,
            task: async (_ctx, task) => {
              let last = 0;
              result = await fn((detail) => {
                const now = Date.now();
                if (now - last < THROTTLE_MS) return;
                last = now;
                task.output = tr.msg(detail);
              });
              task.title = `${shown} (${elapsed(start)})`;
            },
          },
        ],
        {
          renderer: StderrRenderer,
          rendererOptions: { logger, collapseErrors: false, showErrorMessage: false },
          exitOnError: true,
          // Interrupts belong to src/cli.ts: listr2's own handler would exit(127) in the middle of
          // a step that must first undo its changes.
          registerSignalListeners: false,
        },
      );
      try {
        await list.run();
      } catch (e) {
        options.log.write(`failed: ${title} (${elapsed(start)})`);
        throw e;
      }
      options.log.write(`done: ${title} (${elapsed(start)})`);
      return result as never;
    },
    info(message) {
      options.log.write(message);
      say(tr.msg(message));
    },
    warn(message) {
      options.log.write(`warning: ${message}`);
      say(tr.t('warning: {message}', { message: tr.msg(message) }));
    },
    show,
  };
}
