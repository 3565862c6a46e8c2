/**
 * Walking a binary format as bytes arrive in chunks of any size. A format is written as a plain
 * generator that asks for "the next n bytes" or "skip n bytes"; `ByteWalker` feeds it from whatever
 * chunks come in, so the parsers below never deal with a field split across two chunks, and a body
 * that is only skipped is never copied or held.
 */

export type Step = { need: number } | { skip: number } | { zeros: true };

/** A format parser: yields steps, receives what each step produced. */
export type Walk<T = void> = Generator<Step, T, unknown>;

/** A fault in the data itself (truncated, corrupt, unexpected); the caller says which file it was. */
export class FormatError extends Error {
  override readonly name = 'FormatError';
}

/** The next `n` bytes. Valid only until the walk yields again: copy what must be kept. */
export function* need(n: number): Walk<Uint8Array> {
  return (yield { need: n }) as Uint8Array;
}

export function* skip(n: number): Walk {
  yield { skip: n };
}

/** Skip zero bytes; returns the next byte (not consumed), or undefined at the end of the input. */
export function* skipZeros(): Walk<number | undefined> {
  return (yield { zeros: true }) as number | undefined;
}

export class ByteWalker {
  private step: Step | undefined;
  private remaining = 0;
  private partial: Uint8Array | undefined;
  private filled = 0;
  done = false;

  constructor(private readonly walk: Walk) {
    this.advance(undefined);
  }

  /** Bytes of a skip in progress: a caller that can seek may jump over them and call `skipped`. */
  get pendingSkip(): number {
    return this.step && 'skip' in this.step ? this.remaining : 0;
  }

  skipped(n: number): void {
    if (n > this.pendingSkip) throw new Error('skipped past the pending skip');
    this.remaining -= n;
    if (this.remaining === 0) this.advance(undefined);
  }

  /** Feed a chunk; returns how many bytes the walk consumed (all of them unless it finished). */
  write(chunk: Uint8Array): number {
    let pos = 0;
    while (!this.done && pos < chunk.length) {
      const step = this.step!;
      if ('skip' in step) {
        const n = Math.min(this.remaining, chunk.length - pos);
        pos += n;
        this.skipped(n);
      } else if ('need' in step) {
        pos = this.collect(step.need, chunk, pos);
      } else {
        while (pos < chunk.length && chunk[pos] === 0) pos++;
        if (pos < chunk.length) this.advance(chunk[pos]);
      }
    }
    return pos;
  }

  /** The input ended: fine only while the walk was skipping zeros (between archives). */
  end(): void {
    if (this.done) return;
    if (this.step && 'zeros' in this.step) this.advance(undefined);
    if (!this.done) throw new FormatError('it ends in the middle of an archive (truncated?)');
  }

  private collect(want: number, chunk: Uint8Array, pos: number): number {
    const available = chunk.length - pos;
    if (this.filled === 0 && available >= want) {
      this.advance(chunk.subarray(pos, pos + want));
      return pos + want;
    }
    this.partial ??= new Uint8Array(want);
    const n = Math.min(want - this.filled, available);
    this.partial.set(chunk.subarray(pos, pos + n), this.filled);
    this.filled += n;
    if (this.filled === want) {
      const bytes = this.partial;
      this.partial = undefined;
      this.filled = 0;
      this.advance(bytes);
    }
    return pos + n;
  }

  private advance(value: unknown): void {
    let next = this.walk.next(value);
    // Empty steps complete at once, so `step` always waits for at least one byte.
    for (;;) {
      if (next.done) {
        this.done = true;
        this.step = undefined;
        return;
      }
      const step = next.value;
      if ('need' in step && step.need === 0) next = this.walk.next(new Uint8Array(0));
      else if ('skip' in step && step.skip === 0) next = this.walk.next(undefined);
      else break;
    }
    this.step = next.value;
    if ('skip' in this.step) this.remaining = this.step.skip;
  }
}
