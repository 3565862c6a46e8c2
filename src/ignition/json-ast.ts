/**
 * A strict JSON parser (RFC 8259, like Go's encoding/json) that keeps what JSON.parse throws away
 * and Ignition's Go decoder cares about: the literal text of numbers (420.0 and 1e2 are not Go
 * ints), every occurrence of a repeated key in order (Go assigns each in turn), and offsets for
 * error messages.
 */
export type JsonNode =
  | { kind: 'object'; offset: number; entries: JsonEntry[] }
  | { kind: 'array'; offset: number; items: JsonNode[] }
  | { kind: 'string'; offset: number; value: string }
  | { kind: 'number'; offset: number; raw: string }
  | { kind: 'bool'; offset: number; value: boolean }
  | { kind: 'null'; offset: number };

export interface JsonEntry {
  key: string;
  value: JsonNode;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

// Go's decoder refuses nesting deeper than this.
const MAX_DEPTH = 10_000;

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

export function parseJson(text: string): JsonNode {
  const parser = new Parser(text);
  parser.skipSpace();
  let node: JsonNode;
  try {
    node = parser.value(0);
  } catch (e) {
    // Go stops at depth 10000; our recursion may run out of stack earlier. No Ignition config
    // nests beyond a dozen levels, so refusing both the same way loses nothing real.
    if (e instanceof RangeError) throw new JsonSyntaxError('exceeded max depth', parser.pos);
    throw e;
  }
  parser.skipSpace();
  if (parser.pos < text.length) parser.fail('after top-level value');
  return node;
}

/** 1-based line and column of a string offset, for messages. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

class Parser {
  pos = 0;

  constructor(private readonly text: string) {}

  fail(context: string): never {
    if (this.pos >= this.text.length) throw new JsonSyntaxError('unexpected end of JSON input', this.pos);
    const ch = JSON.stringify(this.text[this.pos]);
    throw new JsonSyntaxError(`invalid character ${ch} ${context}`, this.pos);
  }

  skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      this.pos++;
    }
  }

  value(depth: number): JsonNode {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError('exceeded max depth', this.pos);
    const offset = this.pos;
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return { kind: 'string', offset, value: this.string() };
      case 't':
        this.literal('true');
        return { kind: 'bool', offset, value: true };
      case 'f':
        this.literal('false');
        return { kind: 'bool', offset, value: false };
      case 'n':
        this.literal('null');
        return { kind: 'null', offset };
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return { kind: 'number', offset, raw: this.number() };
        return this.fail('looking for beginning of value');
    }
  }

  private literal(word: string): void {
    for (let i = 0; i < word.length; i++) {
      if (this.text[this.pos] !== word[i]) this.fail(`in literal ${word} (expecting ${JSON.stringify(word[i])})`);
      this.pos++;
    }
  }

  private number(): string {
    const start = this.pos;
    const t = this.text;
    const digits = (): number => {
      const from = this.pos;
      while (this.pos < t.length && t[this.pos]! >= '0' && t[this.pos]! <= '9') this.pos++;
      return this.pos - from;
    };
    if (t[this.pos] === '-') this.pos++;
    if (t[this.pos] === '0') this.pos++;
    else if (digits() === 0) this.fail('in numeric literal');
    if (t[this.pos] === '.') {
      this.pos++;
      if (digits() === 0) this.fail('after decimal point in numeric literal');
    }
    if (t[this.pos] === 'e' || t[this.pos] === 'E') {
      this.pos++;
      if (t[this.pos] === '+' || t[this.pos] === '-') this.pos++;
      if (digits() === 0) this.fail('in exponent of numeric literal');
    }
    return t.slice(start, this.pos);
  }

  private string(): string {
    const t = this.text;
    this.pos++; // opening quote
    let out = '';
    let chunkStart = this.pos;
    for (;;) {
      if (this.pos >= t.length) this.fail('in string literal');
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        out += t.slice(chunkStart, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail('in string literal');
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += t.slice(chunkStart, this.pos);
      this.pos++;
      const e = t[this.pos];
      if (e !== undefined && e in ESCAPES) {
        out += ESCAPES[e];
        this.pos++;
      } else if (e === 'u') {
        const hex = t.slice(this.pos + 1, this.pos + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          this.pos++;
          while (/[0-9a-fA-F]/.test(t[this.pos] ?? '')) this.pos++;
          this.fail('in \\u hexadecimal character escape');
        }
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += 5;
      } else {
        this.fail('in string escape code');
      }
      chunkStart = this.pos;
    }
  }

  private object(depth: number): JsonNode {
    const offset = this.pos;
    this.pos++;
    const entries: JsonEntry[] = [];
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'object', offset, entries };
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.fail('looking for beginning of object key string');
      const key = this.string();
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail('after object key');
      this.pos++;
      this.skipSpace();
      entries.push({ key, value: this.value(depth + 1) });
      this.skipSpace();
      const c = this.text[this.pos];
      this.pos++;
      if (c === '}') return { kind: 'object', offset, entries };
      if (c !== ',') {
        this.pos--;
        this.fail('after object key:value pair');
      }
    }
  }

  private array(depth: number): JsonNode {
    const offset = this.pos;
    this.pos++;
    const items: JsonNode[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: 'array', offset, items };
    }
    for (;;) {
      this.skipSpace();
      items.push(this.value(depth + 1));
      this.skipSpace();
      const c = this.text[this.pos];
      this.pos++;
      if (c === ']') return { kind: 'array', offset, items };
      if (c !== ',') {
        this.pos--;
        this.fail('after array element');
      }
    }
  }
}
