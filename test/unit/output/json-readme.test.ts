/**
 * README "JSON output" against the schema (src/output/json-schema.ts): every field the README shows
 * exists in the schema, and every field of the schema is shown in the README. The README's sketch is
 * JSON with comments, keys without values (`{ "hostname", "os" }`), alternatives (`null | { ... }`)
 * and `{ ... }` where a shape is the same as one shown elsewhere (the ALIASES below).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { anyDocumentSchema, eventSchema } from '../../../src/output/json-schema.js';

/** Field tree: a name maps to its own fields (empty when it is a plain value). */
type Tree = Map<string, Tree>;

/** Where the README writes `{ ... }`: the same shape as the one at this other path. */
const ALIASES: Record<string, string> = {
  'plan.release': 'release',
  'release.artifacts.initramfs': 'release.artifacts.kernel',
  'release.artifacts.rootfs': 'release.artifacts.kernel',
};

const README = readFileSync(path.join(import.meta.dirname, '../../../README.md'), 'utf8');

function readmeSketch(): string {
  const section = README.slice(README.indexOf('\n### JSON output\n'));
  const block = /```jsonc\n([\s\S]*?)```/.exec(section);
  expect(block, 'README "JSON output" has a jsonc block').not.toBeNull();
  return block![1]!;
}

/** Parses the sketch into a tree; `{ ... }` alone is kept as a node holding only "...". */
export function sketchTree(text: string): Tree {
  const tokens = text.replace(/\/\/[^\n]*/g, '').match(/"[^"]*"|\.\.\.|[{}[\]:,|?]|[^\s{}[\]:,|?"]+/g)!;
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected?: string) => {
    const token = tokens[at++];
    if (expected !== undefined && token !== expected)
      throw new Error(`README JSON sketch: expected ${expected}, got ${token} at token ${at}`);
    return token!;
  };
  const merge = (into: Tree, from: Tree) => {
    for (const [k, v] of from) into.set(k, merge(into.get(k) ?? new Map(), v));
    return into;
  };
  /** A value: an object or array of objects gives fields; anything else none. */
  const value = (): Tree => {
    const fields = new Map<string, Tree>();
    do {
      if (peek() === '|') take('|');
      const token = take();
      if (token === '{') merge(fields, object());
      else if (token === '[') {
        while (peek() !== ']') {
          if (peek() === '{') {
            take('{');
            merge(fields, object());
          } else take();
        }
        take(']');
      }
    } while (peek() === '|');
    return fields;
  };
  const object = (): Tree => {
    const fields: Tree = new Map();
    while (peek() !== '}') {
      const token = take();
      if (token === ',') continue;
      if (token === '...') {
        fields.set('...', new Map());
        continue;
      }
      if (!token.startsWith('"')) throw new Error(`README JSON sketch: expected a field name, got ${token} at token ${at}`);
      if (peek() === '?') take('?');
      fields.set(token.slice(1, -1), peek() === ':' ? (take(':'), value()) : new Map());
    }
    take('}');
    return fields;
  };
  take('{');
  return object();
}

/** The schema's fields, through optional/nullable/array/union wrappers; records and custom shapes have none listed. */
function schemaTree(schema: z.ZodType): Tree {
  const fields: Tree = new Map();
  const visit = (type: z.ZodType) => {
    if (type instanceof z.ZodOptional || type instanceof z.ZodNullable || type instanceof z.ZodDefault) visit(type.unwrap() as z.ZodType);
    else if (type instanceof z.ZodArray) visit(type.element as z.ZodType);
    else if (type instanceof z.ZodUnion) for (const option of type.options) visit(option as z.ZodType);
    else if (type instanceof z.ZodObject) {
      for (const [key, field] of Object.entries(type.shape as Record<string, z.ZodType>)) {
        const below = schemaTree(field);
        const known = fields.get(key);
        fields.set(key, known ? new Map([...known, ...below]) : below);
      }
    }
  };
  visit(schema);
  return fields;
}

function isRecordLike(schema: z.ZodType, at: string[]): boolean {
  let type: z.ZodType = schema;
  for (const key of at) {
    while (type instanceof z.ZodOptional || type instanceof z.ZodNullable || type instanceof z.ZodArray || type instanceof z.ZodDefault)
      type = (type instanceof z.ZodArray ? type.element : type.unwrap()) as z.ZodType;
    if (type instanceof z.ZodUnion) return false;
    if (!(type instanceof z.ZodObject)) return true;
    type = (type.shape as Record<string, z.ZodType>)[key]!;
  }
  while (type instanceof z.ZodOptional || type instanceof z.ZodNullable || type instanceof z.ZodArray || type instanceof z.ZodDefault)
    type = (type instanceof z.ZodArray ? type.element : type.unwrap()) as z.ZodType;
  return !(type instanceof z.ZodObject) && !(type instanceof z.ZodUnion);
}

/** Paths in one tree and not the other (`a.b.c`). */
function missing(from: Tree, against: Tree, prefix: string, skip: (path: string, node: Tree) => boolean): string[] {
  const out: string[] = [];
  for (const [key, below] of from) {
    if (key === '...') continue;
    const here = prefix ? `${prefix}.${key}` : key;
    const other = against.get(key);
    if (other === undefined) out.push(here);
    else if (!skip(here, below) && !skip(here, other)) out.push(...missing(below, other, here, skip));
  }
  return out;
}

describe('README "JSON output"', () => {
  const documented = sketchTree(readmeSketch());
  const schema = schemaTree(anyDocumentSchema);
  const isAlias = (at: string, node: Tree) => at in ALIASES && node.size === 1 && node.has('...');
  // Records and custom shapes (installer.config, network.model): the README's keys there are examples.
  const isOpen = (at: string) => isRecordLike(anyDocumentSchema, at.split('.'));

  it('documents only fields the schema has', () => {
    expect(missing(documented, schema, '', (at, node) => isAlias(at, node) || isOpen(at))).toEqual([]);
  });

  it('documents every field the schema has', () => {
    const resolved = (at: string): Tree => at.split('.').reduce<Tree>((tree, key) => tree.get(key) ?? new Map(), documented);
    const withAliases = (tree: Tree, prefix: string): Tree =>
      new Map(
        [...tree].map(([key, below]) => {
          const here = prefix ? `${prefix}.${key}` : key;
          // An alias is read at the path it stands for, so aliases inside it resolve too.
          const at = isAlias(here, below) ? ALIASES[here]! : here;
          return [key, withAliases(at === here ? below : resolved(at), at)];
        }),
      );
    expect(missing(schema, withAliases(documented, ''), '', (at) => isOpen(at))).toEqual([]);
  });

  it('shows { ... } only where the shape is the same as one shown elsewhere', () => {
    const elided: string[] = [];
    const walk = (tree: Tree, prefix: string) => {
      for (const [key, below] of tree) {
        const here = prefix ? `${prefix}.${key}` : key;
        if (below.has('...') && !(here in ALIASES) && !isOpen(here)) elided.push(here);
        walk(below, here);
      }
    };
    walk(documented, '');
    expect(elided).toEqual([]);
  });

  it('parses the sketch as written: nested fields, alternatives, keys without values', () => {
    const tree = sketchTree('{ "a": 1, "b": { "c", "d"? }, // note\n "e": null | { "f" } | { "g": [{ "h" }] }, "i": [...], "j": { ... } }');
    const names = (t: Tree): unknown => Object.fromEntries([...t].map(([k, v]) => [k, names(v)]));
    expect(names(tree)).toEqual({ a: {}, b: { c: {}, d: {} }, e: { f: {}, g: { h: {} } }, i: {}, j: { '...': {} } });
  });

  it('names every --events field the schema has in the events paragraph of README and in src/output/events.ts', () => {
    const paragraph = README.slice(README.indexOf('`--events jsonl`'), README.indexOf('\n', README.indexOf('`--events jsonl`')));
    expect(paragraph).toContain('src/output/events.ts');
    const source = readFileSync(path.join(import.meta.dirname, '../../../src/output/events.ts'), 'utf8');
    const documentedEvent = source.slice(0, source.indexOf('*/'));
    for (const field of Object.keys(eventSchema.shape)) expect(documentedEvent, field).toContain(`"${field}"`);
  });
});
