/**
 * `data:` URLs exactly as Ignition reads them (github.com/vincent-petithory/dataurl, RFC 2397):
 * stricter than browsers. Unescaped `{`, `}`, `"`, spaces or non-ASCII in plain data are refused,
 * base64 must be padded (Go's base64.StdEncoding), and the media type must be `type/subtype` with a
 * known top-level type. Used to validate like Ignition and to read contents back.
 */
import { Buffer } from 'node:buffer';

export class DataUrlError extends Error {}

export interface DataUrl {
  mediaType: string;
  base64: boolean;
  data: Uint8Array;
}

/** Decode like dataurl.DecodeString; throws DataUrlError with the library's message. */
export function decodeDataUrl(s: string): DataUrl {
  const lexed = lex(s);
  let mediaType = 'text/plain';
  if (lexed.type !== undefined) mediaType = `${lexed.type}/${lexed.subtype}`;
  for (const p of lexed.params) {
    // Parameter values are decoded (and can fail) even though Ignition ignores them.
    if (p.quoted) unquoteGo(p.value);
    else rfc2396Unescape(p.value);
  }
  const data = lexed.base64 ? goBase64Decode(lexed.data) : rfc2396Unescape(lexed.data);
  return { mediaType, base64: lexed.base64, data };
}

/** RFC 2397 form Ignition accepts: `data:;base64,<padded base64>`. */
export function encodeDataUrl(data: Uint8Array | string): string {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  return `data:;base64,${bytes.toString('base64')}`;
}

interface Lexed {
  type?: string;
  subtype?: string;
  params: { value: string; quoted: boolean }[];
  base64: boolean;
  data: string;
}

const TSPECIALS = '()<>@,;:\\"/[]?=';

function isTokenChar(c: string): boolean {
  const code = c.codePointAt(0)!;
  return code > 0x20 && code < 0x7f && !TSPECIALS.includes(c);
}

const DISCRETE = ['text', 'image', 'audio', 'video', 'application', 'message', 'multipart'];

/** The library's lexer, state by state, with its error messages. */
function lex(input: string): Lexed {
  const fail = (message: string): never => {
    throw new DataUrlError(message);
  };
  if (!input.startsWith('data:')) fail('missing data prefix');
  // Positions are UTF-16 offsets; next() steps over whole code points like Go's rune reader.
  let pos = 5;
  const widths: number[] = [];
  const next = (): string | undefined => {
    if (pos >= input.length) {
      widths.push(0);
      return undefined;
    }
    const c = String.fromCodePoint(input.codePointAt(pos)!);
    pos += c.length;
    widths.push(c.length);
    return c;
  };
  const back = (): void => {
    pos -= widths.pop() ?? 0;
  };
  const slice = (from: number, to: number): string => input.slice(from, to);
  const out: Lexed = { params: [], base64: false, data: '' };

  const afterPrefix = next();
  if (afterPrefix === undefined) fail('missing comma before data');
  if (afterPrefix === ';' || afterPrefix === ',') {
    back();
  } else {
    // A media type: `x-token/...` or one of the discrete/composite types.
    const start = pos - 1;
    let xToken = false;
    if (afterPrefix === 'x' || afterPrefix === 'X') {
      if (next() === '-') xToken = true;
      // The library consumes that character either way before checking the rest.
    } else if (!isTokenChar(afterPrefix!)) {
      fail('invalid character after data prefix');
    }
    for (;;) {
      const c = next();
      if (c === '/') {
        const type = slice(start, pos - 1);
        if (!xToken && !DISCRETE.some((d) => type.startsWith(d))) fail('invalid media type');
        out.type = type;
        break;
      }
      if (c === undefined) fail('missing media type slash');
      if (!isTokenChar(c!)) fail('invalid character for media type');
    }
    const subStart = pos;
    for (;;) {
      const c = next();
      if (c === ';' || c === ',') {
        back();
        out.subtype = slice(subStart, pos);
        break;
      }
      if (c === undefined) fail('incomplete media type');
      if (!isTokenChar(c!)) fail('invalid character for media subtype');
    }
  }

  // Parameters, then the comma.
  for (;;) {
    const c = next();
    if (c === ',') break;
    if (c === undefined) fail('missing comma before data');
    if (c !== ';') fail('expected semicolon or comma');
    const first = next();
    if (first === undefined || first === '=' || first === ',') fail('unterminated parameter sequence');
    if (!isTokenChar(first!)) fail('invalid character for parameter attribute');
    const attrStart = pos - 1;
    let sawEqual = false;
    for (;;) {
      const a = next();
      if (a === '=') {
        sawEqual = true;
        break;
      }
      if (a === ',') {
        const attr = slice(attrStart, pos - 1);
        if (attr !== 'base64') fail(`expected base64, got ${attr}`);
        out.base64 = true;
        back();
        break;
      }
      if (a === undefined) fail('unterminated parameter sequence');
      if (!isTokenChar(a!)) fail('invalid character for parameter attribute');
    }
    if (!sawEqual) continue;
    const v = next();
    if (v === '"') {
      const valStart = pos;
      for (;;) {
        const q = next();
        if (q === undefined) fail('unclosed quoted string');
        if (q === '\\') {
          const e = next();
          if (e === undefined) fail('unclosed quoted string');
          if (e!.codePointAt(0)! > 0x7f) fail('invalid escaped character');
          continue;
        }
        if (q === '"') break;
        if (q!.codePointAt(0)! > 0x7f) fail('invalid character for parameter value');
      }
      out.params.push({ value: slice(valStart, pos - 1), quoted: true });
    } else {
      if (v === undefined) fail('missing comma before data');
      if (!isTokenChar(v!)) fail('invalid character for parameter value');
      const valStart = pos - 1;
      for (;;) {
        const p = next();
        if (p === ';' || p === ',') {
          back();
          break;
        }
        if (p === undefined) fail('missing comma before data');
        if (!isTokenChar(p!)) fail('invalid character for parameter value');
      }
      out.params.push({ value: slice(valStart, pos), quoted: false });
    }
    const after = input[pos];
    if (after === undefined) fail('missing comma before data');
    if (after !== ';' && after !== ',') fail('expected semicolon or comma');
  }

  out.data = input.slice(pos);
  // Plain data: printable ASCII except the RFC 2396 delimiters and "unwise" characters
  // (space < > # " { } | \ ^ [ ] `); base64 data: the base64 alphabet and padding.
  const allowed = out.base64 ? /^[A-Za-z0-9+/=]*$/ : /^[!$-;=?-Z_a-z~]*$/;
  if (!allowed.test(out.data)) fail('invalid data character');
  return out;
}

/** rfc2396.Unescape of the library: ASCII only, `%XX` escapes. */
function rfc2396Unescape(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code > 0x7f) throw new DataUrlError('rfc2396: non-ASCII char detected');
    if (code !== 0x25) {
      out[n++] = code;
      continue;
    }
    if (i + 1 >= s.length) throw new DataUrlError('rfc2396: unexpected end of unescape sequence');
    if (!/[0-9A-Fa-f]/.test(s[i + 1]!)) throw new DataUrlError('rfc2396: invalid char 0x25 in unescape sequence');
    if (i + 2 >= s.length) throw new DataUrlError('rfc2396: unexpected end of unescape sequence');
    if (!/[0-9A-Fa-f]/.test(s[i + 2]!)) throw new DataUrlError('rfc2396: invalid char 0x25 in unescape sequence');
    out[n++] = parseInt(s.slice(i + 1, i + 3), 16);
    i += 2;
  }
  return out.subarray(0, n);
}

/** Go's strconv.Unquote on a double-quoted string: only Go escapes are valid. */
function unquoteGo(body: string): void {
  const re = /\\(?:[abfnrtv\\'"]|[0-7]{3}|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})/y;
  for (let i = 0; i < body.length;) {
    const c = body[i]!;
    if (c === '"' || c === '\n') throw new DataUrlError('invalid syntax');
    if (c !== '\\') {
      i++;
      continue;
    }
    re.lastIndex = i;
    const m = re.exec(body);
    if (m === null || m[0] === "\\'") throw new DataUrlError('invalid syntax');
    if ('uU'.includes(m[0][1]!)) {
      const v = parseInt(m[0].slice(2), 16);
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new DataUrlError('invalid syntax');
    }
    if (/^\\[0-7]{3}$/.test(m[0]) && parseInt(m[0].slice(1), 8) > 255) throw new DataUrlError('invalid syntax');
    i += m[0].length;
  }
}

/** Go's base64.StdEncoding.DecodeString: padding required, nothing after it. */
function goBase64Decode(s: string): Uint8Array {
  const corrupt = (at: number): never => {
    throw new DataUrlError(`illegal base64 data at input byte ${at}`);
  };
  let si = 0;
  while (si < s.length) {
    for (let j = 0; j < 4; j++) {
      if (si === s.length) {
        if (j === 0) break;
        corrupt(si - j);
      }
      const c = s[si++]!;
      if (c !== '=') continue;
      if (j < 2) corrupt(si - 1);
      if (j === 2) {
        if (si === s.length) corrupt(s.length);
        if (s[si] !== '=') corrupt(si - 1);
        si++;
      }
      if (si < s.length) corrupt(si);
      break;
    }
  }
  return new Uint8Array(Buffer.from(s, 'base64'));
}
