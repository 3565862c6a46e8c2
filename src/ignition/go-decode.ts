/**
 * Decodes a JSON tree into Ignition's typed config the way Go's encoding/json does, because that
 * decoder, not the JSON text, decides what Ignition sees:
 * - keys match struct fields case-insensitively ("Ignition" fills `ignition`), repeated keys are
 *   assigned in turn, and an object decoded over an existing struct merges into it;
 * - `null` clears pointers and slices but leaves strings, numbers, booleans and structs alone;
 * - an int must be an integer literal that fits int64; any other type mismatch is fatal.
 * Ignition then reports every key that is not spelled exactly like a field as "Unused key".
 *
 * The result is plain data with the canonical field names; a pointer or slice that Go would leave
 * nil is absent. Validators read it through the accessors at the bottom of this file.
 */
import type { JsonNode } from './json-ast.js';
import { type IssuePath, type Issues } from './issues.js';

export type GoType =
  | { kind: 'string' | 'int' | 'bool'; pointer: boolean }
  | { kind: 'slice'; elem: GoType }
  | { kind: 'struct'; fields: Record<string, GoType>; pointer?: boolean };

export type GoStruct = { [field: string]: GoValue };
export type GoValue = string | number | boolean | GoValue[] | GoStruct;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Decode `node` as `type` over `existing` (the value a previous key already put there). */
export function decode(
  type: GoType,
  node: JsonNode,
  existing: GoValue | undefined,
  path: IssuePath,
  issues: Issues,
  warnUnused = true,
): GoValue | undefined {
  if (node.kind === 'null') {
    // Go: null sets pointers, slices and maps to nil and is a no-op for everything else.
    if (type.kind === 'slice' || type.pointer === true) return undefined;
    return existing;
  }
  switch (type.kind) {
    case 'string':
      if (node.kind === 'string') return node.value;
      break;
    case 'bool':
      if (node.kind === 'bool') return node.value;
      break;
    case 'int':
      if (node.kind === 'number') {
        if (/^-?(0|[1-9][0-9]*)$/.test(node.raw)) {
          const n = BigInt(node.raw);
          if (n >= INT64_MIN && n <= INT64_MAX) return Number(n);
        }
        issues.error(path, `json: cannot unmarshal number ${node.raw} into a field of type int`);
        return existing;
      }
      break;
    case 'slice':
      if (node.kind === 'array') {
        // Go reuses the elements already in the slice, so a struct element merges into its predecessor.
        const old = Array.isArray(existing) ? existing : [];
        const out: GoValue[] = [];
        node.items.forEach((item, i) => {
          const v = decode(type.elem, item, old[i], [...path, i], issues, warnUnused);
          out.push(v === undefined ? zeroValue(type.elem) : v);
        });
        return out;
      }
      break;
    case 'struct':
      if (node.kind === 'object') return decodeStruct(type, node, existing, path, issues, warnUnused);
      break;
  }
  issues.error(path, `json: cannot unmarshal ${jsonKindName(node)} into a field of type ${goTypeName(type)}`);
  return existing;
}

function decodeStruct(
  type: Extract<GoType, { kind: 'struct' }>,
  node: Extract<JsonNode, { kind: 'object' }>,
  existing: GoValue | undefined,
  path: IssuePath,
  issues: Issues,
  warnUnused: boolean,
): GoStruct {
  const out: GoStruct = isStruct(existing) ? { ...existing } : {};
  for (const { key, value } of node.entries) {
    const field = matchField(type, key);
    if (field === undefined) {
      if (warnUnused) issues.warn([...path, key], `Unused key ${key}`);
      continue;
    }
    // Go fills the field, but Ignition's unused-key pass compares names exactly (and does not
    // look inside what it reported).
    const exact = field === key;
    if (!exact && warnUnused) issues.warn([...path, key], `Unused key ${key}`);
    const v = decode(type.fields[field]!, value, out[field], [...path, field], issues, warnUnused && exact);
    if (v === undefined) delete out[field];
    else out[field] = v;
  }
  return out;
}

/** Go's encoding/json (1.19) folds ASCII case, plus the Kelvin sign and long s, when matching keys. */
function matchField(type: Extract<GoType, { kind: 'struct' }>, key: string): string | undefined {
  if (Object.hasOwn(type.fields, key)) return key;
  const folded = foldKey(key);
  return Object.keys(type.fields).find((f) => foldKey(f) === folded);
}

function foldKey(key: string): string {
  return key.replace(/[A-Z\u212a\u017f]/g, (c) => (c === '\u212a' ? 'k' : c === '\u017f' ? 's' : c.toLowerCase()));
}

function zeroValue(type: GoType): GoValue {
  switch (type.kind) {
    case 'string':
      return '';
    case 'int':
      return 0;
    case 'bool':
      return false;
    case 'slice':
      return [];
    case 'struct':
      return {};
  }
}

function jsonKindName(node: JsonNode): string {
  return node.kind === 'bool' ? 'bool' : node.kind;
}

function goTypeName(type: GoType): string {
  switch (type.kind) {
    case 'slice':
      return `[]${goTypeName(type.elem)}`;
    case 'struct':
      return 'object';
    default:
      return type.kind;
  }
}

export function isStruct(v: GoValue | undefined): v is GoStruct {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Accessors: a missing value field reads as Go's zero value, a missing pointer as undefined.

export function struct(v: GoStruct, field: string): GoStruct {
  const f = v[field];
  return isStruct(f) ? f : {};
}

export function list(v: GoStruct, field: string): GoValue[] {
  const f = v[field];
  return Array.isArray(f) ? f : [];
}

export function structs(v: GoStruct, field: string): GoStruct[] {
  return list(v, field).map((e) => (isStruct(e) ? e : {}));
}

export function strings(v: GoStruct, field: string): string[] {
  return list(v, field).map((e) => (typeof e === 'string' ? e : ''));
}

export function str(v: GoStruct, field: string): string {
  const f = v[field];
  return typeof f === 'string' ? f : '';
}

export function optStr(v: GoStruct, field: string): string | undefined {
  const f = v[field];
  return typeof f === 'string' ? f : undefined;
}

export function int(v: GoStruct, field: string): number {
  const f = v[field];
  return typeof f === 'number' ? f : 0;
}

export function optInt(v: GoStruct, field: string): number | undefined {
  const f = v[field];
  return typeof f === 'number' ? f : undefined;
}

export function optBool(v: GoStruct, field: string): boolean | undefined {
  const f = v[field];
  return typeof f === 'boolean' ? f : undefined;
}

/** Ignition's util.NilOrEmpty. */
export function nilOrEmpty(s: string | undefined): boolean {
  return s === undefined || s === '';
}
