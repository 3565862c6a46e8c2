/**
 * The run log (<work-dir>/x2nestos.log unless --log-file): every stage, command and error with a
 * timestamp, so a failed conversion can be diagnosed after the fact. Never receives Ignition
 * contents or keys: callers log sizes and hashes.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export interface Logger {
  write(line: string): void;
  readonly path: string | undefined;
}

export function fileLogger(file: string | undefined): Logger {
  let broken = file === undefined;
  if (file) {
    try {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    } catch {
      broken = true;
    }
  }
  return {
    path: file,
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
