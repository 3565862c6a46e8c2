/**
 * The --json document: exactly one JSON object on stdout per run, versioned. Its schema is
 * src/output/json-schema.ts (zod, the types below come from it) and README "JSON output" documents
 * it; fields are only ever added within a schemaVersion.
 */
import type { X2Error } from '../errors.js';
import type { JsonDocument } from './json-schema.js';

export type { JsonDocument } from './json-schema.js';

export const JSON_SCHEMA_VERSION = 1;

export function errorJson(e: X2Error): JsonDocument['error'] {
  return { kind: e.kind, message: e.message, ...(e.remedy ? { remedy: e.remedy } : {}), details: e.details };
}
