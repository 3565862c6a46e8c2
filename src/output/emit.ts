/** Prints the one --json document on stdout. */
import { EXIT_CODES, isX2Error, X2Error } from '../errors.js';
import { VERSION } from '../version.js';
import { JSON_SCHEMA_VERSION, errorJson, type JsonDocument } from './json.js';
import type { DocumentFields } from './json-schema.js';

/** The document of a finished run (also the `document` of the --events jsonl `result` event). */
export function jsonDocument(command: string, exitCode: number, failure: unknown, fields: DocumentFields): JsonDocument {
  const error =
    failure === undefined
      ? undefined
      : isX2Error(failure)
        ? failure
        : new X2Error('internal', failure instanceof Error ? failure.message : String(failure));
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: 'x2nestos', version: VERSION },
    // cli.ts passes the name of the command it ran, one of these.
    command: command as JsonDocument['command'],
    ok: exitCode === EXIT_CODES.ok,
    exitCode,
    ...fields,
    result: error ? (error.kind === 'internal' ? 'failed' : 'refused') : typeof fields.result === 'string' ? fields.result : 'done',
    ...(error ? { error: errorJson(error) } : {}),
  };
}

export function emitJson(command: string, exitCode: number, failure: unknown, fields: DocumentFields): void {
  process.stdout.write(JSON.stringify(jsonDocument(command, exitCode, failure, fields), null, 2) + '\n');
}
