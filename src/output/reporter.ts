/**
 * Human progress on stderr. With a TTY (and no NO_COLOR) each stage is a listr2 task with its
 * timing and live detail (bytes, speed); otherwise one plain line per event, so logs and CI
 * output stay readable. stdout is never written here: it belongs to --json.
 */
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
}

const THROTTLE_MS = 500;

export function createReporter(options: ReporterOptions): Reporter {
  const write = options.write ?? ((text: string) => void process.stderr.write(text));
  const say = (line: string) => {
    if (!options.quiet) write(line + '\n');
  };
  const elapsed = (start: number) => `${((Date.now() - start) / 1000).toFixed(1)}s`;

  if (options.fancy && !options.quiet) return fancyReporter(options, say, elapsed);

  return {
    async step(title, fn) {
      const start = Date.now();
      options.log.write(`step: ${title}`);
      say(`x2nestos: ${title} ...`);
      let last = 0;
      try {
        const result = await fn((detail) => {
          const now = Date.now();
          if (now - last < THROTTLE_MS * 10) return; // plain output: a line every few seconds at most
          last = now;
          say(`x2nestos:   ${detail}`);
        });
        say(`x2nestos: ${title}: done (${elapsed(start)})`);
        options.log.write(`done: ${title} (${elapsed(start)})`);
        return result;
      } catch (e) {
        options.log.write(`failed: ${title} (${elapsed(start)})`);
        throw e;
      }
    },
    info(message) {
      options.log.write(message);
      say(`x2nestos: ${message}`);
    },
    warn(message) {
      options.log.write(`warning: ${message}`);
      say(`x2nestos: warning: ${message}`);
    },
    show: say,
  };
}

function fancyReporter(options: ReporterOptions, say: (line: string) => void, elapsed: (start: number) => string): Reporter {
  return {
    async step(title, fn) {
      const { Listr } = await import('listr2');
      const start = Date.now();
      options.log.write(`step: ${title}`);
      let result: unknown;
      const list = new Listr(
        [
          {
            title,
            task: async (_ctx, task) => {
              let last = 0;
              result = await fn((detail) => {
                const now = Date.now();
                if (now - last < THROTTLE_MS) return;
                last = now;
                task.output = detail;
              });
              task.title = `${title} (${elapsed(start)})`;
            },
          },
        ],
        { rendererOptions: { collapseErrors: false, showErrorMessage: false }, exitOnError: true },
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
      say(message);
    },
    warn(message) {
      options.log.write(`warning: ${message}`);
      say(`warning: ${message}`);
    },
    show: say,
  };
}
