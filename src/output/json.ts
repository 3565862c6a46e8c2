/**
 * The --json document: exactly one JSON object on stdout per run, versioned. The schema is
 * documented in README "JSON output"; fields are only ever added within a schemaVersion.
 */
import type { X2Error } from '../errors.js';

export const JSON_SCHEMA_VERSION = 1;

export interface JsonDocument {
  schemaVersion: typeof JSON_SCHEMA_VERSION;
  tool: { name: 'x2nestos'; version: string };
  command: string;
  ok: boolean;
  exitCode: number;
  /** What happened: planned | staged | switching | fetched | status | aborted | refused | failed. */
  result: string;
  error?: { kind: string; message: string; remedy?: string; details: string[] };
  [key: string]: unknown;
}

export function errorJson(e: X2Error): JsonDocument['error'] {
  return { kind: e.kind, message: e.message, ...(e.remedy ? { remedy: e.remedy } : {}), details: e.details };
}
