/**
 * Holds what the binary prints for programs to its schema (src/output/json-schema.ts): the --json
 * document, and each --events jsonl line. The CLI harness runs this on every run, so every document
 * any CLI test makes the binary print is checked, not only the ones a test looks into.
 */
import { eventSchema, jsonDocumentSchema } from '../../src/output/json-schema.js';

type Checked = {
  safeParse(value: unknown): { success: true } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
};

function problems(schema: Checked, value: unknown, what: string): string[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((i) => `${what}: ${i.path.map(String).join('.') || '(top)'}: ${i.message}`);
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Cut short on purpose by some tests (a reader that goes away, a full disk): nothing to hold to a schema.
    return undefined;
  }
}

/** What in `stdout` breaks the schema, one line each; empty when it all fits (or is not machine output). */
export function machineOutputProblems(args: readonly string[], stdout: string): string[] {
  if (args.some((a) => a === '--events' || a.startsWith('--events='))) {
    return stdout
      .split('\n')
      .map((line, n) => [parsed(line), n] as const)
      .filter(([event]) => event !== undefined)
      .flatMap(([event, n]) => problems(eventSchema, event, `--events line ${n + 1}`));
  }
  const doc = parsed(stdout);
  if (doc === undefined || typeof doc !== 'object' || doc === null || !('schemaVersion' in doc)) return [];
  return problems(jsonDocumentSchema, doc, '--json document');
}
