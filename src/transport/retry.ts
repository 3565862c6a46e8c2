/**
 * How long a download may keep trying. Every number is bounded: a dead mirror costs at most
 * `attempts` tries spread over `retryWindowMs`, and a connection that stops delivering bytes is
 * abandoned after `stallTimeoutMs` (the next attempt resumes where it stopped).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { X2Error } from '../errors.js';

export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  attempts: number;
  /** Wait before the second attempt; doubles for each further one, up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** An attempt that receives no byte for this long is abandoned. */
  stallTimeoutMs: number;
  /** No new attempt starts once this long has passed since the first one began. */
  retryWindowMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 6,
  initialDelayMs: 1_000,
  maxDelayMs: 16_000,
  stallTimeoutMs: 30_000,
  retryWindowMs: 10 * 60_000,
};

/** A failure worth another attempt (connection reset, stall, 5xx). Anything else ends the retries. */
export class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

export interface RetryContext {
  /** "download of rootfs from https://…", used in the final error. */
  what: string;
  remedy: string;
  signal?: AbortSignal;
  /** Told about each failed attempt that will be retried (for the log). */
  onRetry?: (attempt: number, error: Error, delayMs: number) => void;
}

/**
 * Runs `attempt` until it succeeds, throws a non-transient error, or the policy is exhausted.
 * Transient failures become one X2Error('network') naming the last cause.
 */
export async function withRetries<T>(policy: RetryPolicy, context: RetryContext, attempt: (n: number) => Promise<T>): Promise<T> {
  const started = Date.now();
  let delay = policy.initialDelayMs;
  for (let n = 1; ; n++) {
    throwIfInterrupted(context.signal, context.what);
    try {
      return await attempt(n);
    } catch (error) {
      if (!(error instanceof TransientError)) throw error;
      throwIfInterrupted(context.signal, context.what);
      const outOfTime = Date.now() - started + delay > policy.retryWindowMs;
      if (n >= policy.attempts || outOfTime) {
        throw new X2Error('network', `${context.what} failed after ${n} attempt${n === 1 ? '' : 's'} (${error.message})`, {
          remedy: context.remedy,
          details: causeChain(error),
          cause: error,
        });
      }
      context.onRetry?.(n, error, delay);
      try {
        await sleep(delay, undefined, { signal: context.signal });
      } catch {
        throwIfInterrupted(context.signal, context.what);
      }
      delay = Math.min(delay * 2, policy.maxDelayMs);
    }
  }
}

export function throwIfInterrupted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) {
    throw new X2Error('interrupted', `${what} was interrupted`, {
      remedy: 'run the same command again: partial downloads are kept and resume',
    });
  }
}

/** "terminated ← other side closed" — undici nests the useful reason in `cause`. */
export function causeChain(error: unknown): string[] {
  const lines: string[] = [];
  for (let e: unknown = error; e instanceof Error && lines.length < 5; e = e.cause) lines.push(e.message);
  return lines;
}

/**
 * Aborts when no byte has arrived for `ms`. `touch()` on every chunk; `dispose()` when done.
 * The returned signal also follows the caller's signal, so one abort path serves both.
 */
export function stallGuard(ms: number, outer: AbortSignal | undefined) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TransientError(`no data received for ${ms / 1000} s`)), ms);
  const signal = outer ? AbortSignal.any([outer, controller.signal]) : controller.signal;
  return {
    signal,
    get stalled(): boolean {
      return controller.signal.aborted;
    },
    reason(): unknown {
      return controller.signal.reason;
    },
    touch(): void {
      timer.refresh();
    },
    dispose(): void {
      clearTimeout(timer);
    },
  };
}

/** An error as one line: its code when the message lacks it, and its cause's message. */
export function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${typeof code === 'string' && !error.message.includes(code) ? `${code} ` : ''}${error.message}${cause}`;
}
