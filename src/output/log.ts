/**
 * The run log (<work-dir>/x2nestos.log unless --log-file): every stage, command and error with a
 * timestamp, so a failed conversion can be diagnosed after the fact. Never receives Ignition
 * contents or keys: callers log sizes and hashes.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { mkdirParentsSync } from '../effects/files.js';

export interface Logger {
  write(line: string): void;
  readonly path: string | undefined;
  /** Why the log cannot be written (checked when it is opened), so the CLI can say so. */
  readonly problem?: string | undefined;
}

export function fileLogger(file: string | undefined): Logger {
  let broken = file === undefined;
  let problem: string | undefined;
  if (file) {
    try {
      mkdirParentsSync(path.dirname(file));
      appendFileSync(file, '', { mode: 0o600 });
    } catch (e) {
      broken = true;
      problem = (e as NodeJS.ErrnoException).code ?? String(e);
    }
  }
  return {
    path: file,
    problem,
    write(line) {
      if (broken || !file) return;
      try {
        appendFileSync(file, `${new Date().toISOString()} ${line}\n`, { mode: 0o600 });
      } catch {
        broken = true; // a log that cannot be written must not fail the run
      }
    },
  };
}

export const nullLogger: Logger = { path: undefined, write() {} };
