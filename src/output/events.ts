/**
 * `--events jsonl`: progress for programs (Ansible callbacks, dashboards, wrappers), one JSON
 * object per line on stdout, written as it happens.
 *
 * Why stdout, and why not together with --json: stderr belongs to people (its wording changes, and
 * with --lang so does its language); a second file descriptor or a named pipe is awkward to set up
 * from most automation; and --json promises exactly one JSON document on stdout. So --events jsonl
 * replaces --json rather than adding to it: the stream's last line is always a `result` event whose
 * `document` is the very document --json would have printed. Asking for both is a usage error.
 * Human progress keeps going to stderr either way.
 *
 * Event, schemaVersion 1 (zod: `eventSchema` in ./json-schema.ts; fields are only ever added within a
 * version; ignore unknown types):
 *   { "schemaVersion": 1,
 *     "time": "2026-11-28T08:15:02.123Z",     when it happened (UTC, ISO 8601)
 *     "type": "stage-start" | "stage-progress" | "stage-done" | "stage-failed"
 *           | "info" | "warning" | "result",
 *     "stage": "Downloading the live rootfs",   stage-*: the stage's title, in English whatever --lang says
 *     "step": 4,                                stage-*: the stage's number in this run, from 1
 *     "detail": "...",                          progress text, the message, or why a stage failed
 *     "bytes": 1048576, "total": 734003200,     stage-progress of a transfer, when known
 *     "seconds": 12.3,                          stage-done / stage-failed: how long it took
 *     "document": { ... } }                     result: the --json document (README "JSON output")
 * Progress events are throttled (at most two a second per stage); the first and the last of each
 * stage are never dropped. Ignition contents and keys never appear, exactly as in the log.
 */
import { isX2Error } from '../errors.js';
import type { JsonDocument } from './json.js';
import type { ProgressEvent as EventSchema } from './json-schema.js';
import type { Progress, Reporter } from './reporter.js';

export const EVENTS_SCHEMA_VERSION = 1;

/** One line of the stream; its schema is src/output/json-schema.ts (`eventSchema`). */
export type ProgressEvent = EventSchema;
export type EventType = ProgressEvent['type'];

export type EventFields = Omit<ProgressEvent, 'schemaVersion' | 'time'>;

export interface EventStream {
  emit(event: EventFields): void;
}

/** Serialises events, one line each, through `write` (the CLI passes stdout). */
export function eventStream(write: (line: string) => void, now: () => Date = () => new Date()): EventStream {
  return {
    emit(event) {
      const full: ProgressEvent = { schemaVersion: EVENTS_SCHEMA_VERSION, time: now().toISOString(), ...event };
      write(JSON.stringify(full) + '\n');
    },
  };
}

const PROGRESS_INTERVAL_MS = 500;

/** `reporter`, with every stage, message and warning also sent to `events`. */
export function withEvents(reporter: Reporter, events: EventStream, clock: () => number = Date.now): Reporter {
  let steps = 0;
  return {
    async step(title, fn) {
      const step = ++steps;
      const start = clock();
      const seconds = () => Math.round((clock() - start) / 100) / 10;
      events.emit({ type: 'stage-start', stage: title, step });
      let lastSent = -Infinity;
      let pending: EventFields | undefined;
      try {
        const result = await reporter.step(title, async (update) =>
          fn((detail, progress) => {
            update(detail, progress);
            const event: EventFields = { type: 'stage-progress', stage: title, step, detail, ...progressFields(progress) };
            const now = clock();
            if (now - lastSent < PROGRESS_INTERVAL_MS) {
              pending = event;
              return;
            }
            lastSent = now;
            pending = undefined;
            events.emit(event);
          }),
        );
        // A tool drawing a progress bar should see where the transfer ended.
        if (pending) events.emit(pending);
        events.emit({ type: 'stage-done', stage: title, step, seconds: seconds() });
        return result;
      } catch (e) {
        events.emit({ type: 'stage-failed', stage: title, step, detail: describe(e), seconds: seconds() });
        throw e;
      }
    },
    info(message) {
      reporter.info(message);
      events.emit({ type: 'info', detail: message });
    },
    warn(message) {
      reporter.warn(message);
      events.emit({ type: 'warning', detail: message });
    },
    show: (text) => reporter.show(text),
  };
}

/** The stream's last event: the outcome, carrying the --json document. */
export function resultEvent(document: JsonDocument): EventFields {
  return { type: 'result', detail: document.result, document };
}

function progressFields(progress: Progress | undefined): Pick<EventFields, 'bytes' | 'total'> {
  if (!progress) return {};
  return { bytes: progress.bytes, ...(progress.total === undefined ? {} : { total: progress.total }) };
}

function describe(e: unknown): string {
  if (isX2Error(e)) return e.oneLine();
  return e instanceof Error ? e.message : String(e);
}
