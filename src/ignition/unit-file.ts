/**
 * systemd unit contents parsed the way Ignition checks them: go-systemd v22's unit.Deserialize.
 * Its errors are what Ignition reports ("unable to find end of section", "line too long (max 2048
 * bytes)", ...). The line-length check looks only at what its 4 KiB bufio.Reader happens to hold at
 * each lexer step, so whether a long line is refused depends on where it falls; the reader is
 * reproduced below so that we refuse exactly the same units.
 */
export interface UnitOption {
  section: string;
  name: string;
  value: string;
}

export class UnitContentError extends Error {}

const LINE_MAX = 2048;
const BUFFER_SIZE = 4096;

/** go-systemd's DeserializeOptions; throws UnitContentError with its message. */
export function parseUnitContents(contents: string): UnitOption[] {
  const reader = new BufReader(new TextEncoder().encode(contents));
  const options: UnitOption[] = [];
  type Step = () => Step | null;

  const lineTooLong = (): boolean => {
    if (reader.buffered() < LINE_MAX) return false;
    const window = reader.peek(LINE_MAX);
    return !window.some((b) => b === 0x0a || b === 0x0d);
  };

  const nextSection: Step = () => {
    const r = reader.readRune();
    if (r === null) return null;
    if (r === '[') return sectionName;
    if (r === '#' || r === ';') return ignoreLine(nextSection);
    return nextSection;
  };

  const sectionName: Step = () => {
    const { bytes, eof } = reader.readBytes(0x5d /* ] */);
    if (eof) throw new UnitContentError('unable to find end of section');
    const section = decodeUtf8(bytes.subarray(0, bytes.length - 1));
    return () => {
      const garbage = trimSpace(decodeUtf8(reader.toEol().line));
      // go-systemd prints its (always empty) current section here, hence the double space.
      if (garbage !== '') throw new UnitContentError(`found garbage after section name : ${goQuote(garbage)}`);
      return sectionOrOption(section);
    };
  };

  const ignoreLine =
    (next: Step): Step =>
    () => {
      for (;;) {
        let line = reader.toEol().line;
        if (line[line.length - 1] === 0x20) line = line.subarray(0, line.length - 1);
        if (line[line.length - 1] !== 0x5c /* \ */) break;
      }
      return next;
    };

  const sectionOrOption =
    (section: string): Step =>
    () => {
      const r = reader.readRune();
      if (r === null) return null;
      if (isGoSpace(r)) return sectionOrOption(section);
      if (r === '[') return sectionName;
      if (r === '#' || r === ';') return ignoreLine(sectionOrOption(section));
      reader.unreadRune();
      return optionName(section);
    };

  const optionName =
    (section: string): Step =>
    () => {
      let name = '';
      for (;;) {
        const r = reader.readRune();
        if (r === null) throw new UnitContentError('EOF');
        if (r === '\n' || r === '\r') throw new UnitContentError('unexpected newline encountered while parsing option name');
        if (r === '=') break;
        name += r;
      }
      return optionValue(section, trimSpace(name), '');
    };

  const optionValue =
    (section: string, name: string, partial: string): Step =>
    () => {
      const { line: bytes, eof } = reader.toEol();
      const line = decodeUtf8(bytes);
      if (trimSpace(line) !== '') {
        partial += line;
        // A trailing backslash continues the value on the next line (a new lexer step).
        if (line.endsWith('\\')) return optionValue(section, name, eof ? partial : `${partial}\n`);
      }
      const value = partial.endsWith('\n') ? `${trimSpace(partial)}\n` : trimSpace(partial);
      options.push({ section, name, value });
      return sectionOrOption(section);
    };

  let step: Step | null = nextSection;
  while (step !== null) {
    if (lineTooLong()) throw new UnitContentError(`line too long (max ${LINE_MAX} bytes)`);
    step = step();
  }
  return options;
}

/** Go's bufio.Reader (4096 bytes) over a strings.Reader: only what the lexer uses. */
class BufReader {
  // Absolute offsets into `data`: the buffer holds data[start, w) and reading is at r.
  private start = 0;
  private r = 0;
  private w = 0;
  private eofPending = false;
  private lastRuneSize = -1;

  constructor(private readonly data: Uint8Array) {}

  buffered(): number {
    return this.w - this.r;
  }

  peek(n: number): Uint8Array {
    return this.data.subarray(this.r, this.r + n);
  }

  private fill(): void {
    this.start = this.r;
    const room = BUFFER_SIZE - (this.w - this.start);
    const n = Math.min(room, this.data.length - this.w);
    if (n === 0) this.eofPending = true;
    this.w += n;
  }

  /** The next rune as a string, or null at EOF. */
  readRune(): string | null {
    while (this.r + 4 > this.w && !fullRune(this.data.subarray(this.r, this.w)) && !this.eofPending && this.w - this.r < BUFFER_SIZE) {
      this.fill();
    }
    this.lastRuneSize = -1;
    if (this.r === this.w) {
      this.eofPending = false;
      return null;
    }
    const { rune, size } = decodeRune(this.data.subarray(this.r, this.w));
    this.r += size;
    this.lastRuneSize = size;
    return rune;
  }

  unreadRune(): void {
    if (this.lastRuneSize >= 0) this.r -= this.lastRuneSize;
    this.lastRuneSize = -1;
  }

  /** ReadBytes(delim): everything up to and including delim; eof when it ran out first. */
  readBytes(delim: number): { bytes: Uint8Array; eof: boolean } {
    const from = this.r;
    let searchFrom = this.r;
    for (;;) {
      const i = this.data.subarray(searchFrom, this.w).indexOf(delim);
      if (i >= 0) {
        this.r = searchFrom + i + 1;
        return { bytes: this.data.subarray(from, this.r), eof: false };
      }
      if (this.eofPending) {
        this.r = this.w;
        this.eofPending = false;
        return { bytes: this.data.subarray(from, this.r), eof: true };
      }
      if (this.w - this.r >= BUFFER_SIZE) {
        // ErrBufferFull: bufio hands out the full buffer and the caller keeps collecting.
        this.r = this.w;
      }
      searchFrom = this.w;
      this.fill();
    }
  }

  /** go-systemd's toEOL: a line without its "\n"; EOF counts as end of line. */
  toEol(): { line: Uint8Array; eof: boolean } {
    const { bytes, eof } = this.readBytes(0x0a);
    // go-systemd trims a trailing "\r" and then "\n", so "\r\n" leaves the "\r" on the line.
    let end = bytes.length;
    if (bytes[end - 1] === 0x0d || bytes[end - 1] === 0x0a) end--;
    return { line: bytes.subarray(0, end), eof };
  }
}

function fullRune(b: Uint8Array): boolean {
  if (b.length === 0) return false;
  const c = b[0]!;
  const need = c < 0x80 ? 1 : c < 0xc2 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf5 ? 4 : 1;
  if (b.length >= need) return true;
  // An invalid continuation byte also completes a (one-byte, invalid) rune.
  for (let i = 1; i < b.length; i++) if ((b[i]! & 0xc0) !== 0x80) return true;
  return false;
}

function decodeRune(b: Uint8Array): { rune: string; size: number } {
  const c = b[0]!;
  if (c < 0x80) return { rune: String.fromCharCode(c), size: 1 };
  const need = c < 0xc2 ? 0 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf5 ? 4 : 0;
  if (need === 0 || b.length < need) return { rune: '\ufffd', size: 1 };
  try {
    const rune = new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(0, need));
    return { rune, size: need };
  } catch {
    return { rune: '\ufffd', size: 1 };
  }
}

function decodeUtf8(b: Uint8Array): string {
  return new TextDecoder().decode(b);
}

/** Go's unicode.IsSpace. */
function isGoSpace(r: string): boolean {
  return /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(r);
}

function trimSpace(s: string): string {
  return s
    .replace(/^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/, '')
    .replace(/[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/, '');
}

/** Go's strconv.Quote (%q), so messages read exactly like Ignition's. */
function goQuote(s: string): string {
  const named: Record<string, string> = {
    '\x07': '\\a',
    '\b': '\\b',
    '\f': '\\f',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '\v': '\\v',
    '"': '\\"',
    '\\': '\\\\',
  };
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (named[ch] !== undefined) out += named[ch];
    else if (ch === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch)) out += ch;
    else if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}
