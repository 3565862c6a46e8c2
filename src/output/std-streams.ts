/**
 * stdout and stderr may go away while x2nestos runs: `x2nestos plan --help | head -1`, an
 * `--events jsonl` reader that stops reading, an SSH session that drops, `--json > /dev/full`.
 * Node reports a failed write as an 'error' event on the stream, and an unhandled one kills the
 * process on the spot: in the middle of a conversion that leaves a loaded kernel, the lock and the
 * staged initrd (which carries the destination config) behind. So a failed stream is never fatal:
 *
 * - a reader that went away (EPIPE; EIO on a hung-up terminal) is like coreutils' `head`: further
 *   writes to that stream are dropped, the run carries on to its own end and exit code;
 * - any other write error (ENOSPC, EDQUOT, EFBIG: the output file is full) is remembered, so the
 *   CLI can say the output is incomplete and exit with the `output` code once the run is over.
 *
 * Either way the run goes on: a conversion half-way never stops because nobody is watching.
 */
export type StreamName = 'stdout' | 'stderr';

export interface StreamFailure {
  stream: StreamName;
  code: string;
  /** The reader went away (EPIPE/EIO): nothing wrong with the output itself. */
  readerGone: boolean;
}

export interface StdStreams {
  /** The first failure of each stream, in the order they happened. */
  failures(): StreamFailure[];
  /** Called once per stream when it fails (the CLI logs it). */
  onFailure(listener: (failure: StreamFailure) => void): void;
}

const READER_GONE = new Set(['EPIPE', 'EIO', 'ECONNRESET', 'ERR_STREAM_DESTROYED']);

interface Writable {
  write: (...args: never[]) => boolean;
  on(event: 'error', listener: (e: Error) => void): unknown;
}

/** Installs the guards on process.stdout and process.stderr; call once, first thing. */
export function guardStdStreams(streams: Record<StreamName, Writable> = { stdout: process.stdout, stderr: process.stderr }): StdStreams {
  const failed = new Map<StreamName, StreamFailure>();
  const listeners: ((f: StreamFailure) => void)[] = [];
  const fail = (stream: StreamName, error: unknown) => {
    if (failed.has(stream)) return;
    const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'EIO';
    const failure = { stream, code, readerGone: READER_GONE.has(code) };
    failed.set(stream, failure);
    for (const l of listeners) {
      try {
        l(failure);
      } catch {
        // a listener must not turn a dropped stream into a crash
      }
    }
  };
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = streams[name];
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.on('error', (e) => fail(name, e));
    (stream as unknown as { write: (...args: unknown[]) => boolean }).write = (...args: unknown[]) => {
      if (failed.has(name)) {
        // Still honour a completion callback, or a caller awaiting it would wait forever.
        const cb = args.find((a): a is () => void => typeof a === 'function');
        if (cb) queueMicrotask(cb);
        return true;
      }
      try {
        return write(...args);
      } catch (e) {
        fail(name, e);
        return true;
      }
    };
  }
  return {
    failures: () => [...failed.values()],
    onFailure: (listener) => {
      listeners.push(listener);
    },
  };
}
