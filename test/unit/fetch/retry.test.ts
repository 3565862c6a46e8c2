import { describe, expect, it } from 'vitest';
import { X2Error } from '../../../src/errors.js';
import { TransientError, withRetries, type RetryPolicy } from '../../../src/transport/retry.js';

const policy: RetryPolicy = { attempts: 5, initialDelayMs: 20, maxDelayMs: 40, stallTimeoutMs: 1000, retryWindowMs: 10_000 };
const context = { what: 'fetching x', remedy: 'try --release-dir' };

describe('withRetries', () => {
  it('retries transient failures with growing delays, up to the attempt budget', async () => {
    const delays: number[] = [];
    let calls = 0;
    const error = await withRetries(policy, { ...context, onRetry: (_n, _e, d) => delays.push(d) }, async () => {
      calls++;
      throw new TransientError('connection reset');
    }).catch((e: unknown) => e);
    expect(calls).toBe(5);
    expect(delays).toEqual([20, 40, 40, 40]);
    expect(error).toBeInstanceOf(X2Error);
    expect(error).toMatchObject({
      kind: 'network',
      message: 'fetching x failed after 5 attempts (connection reset)',
      remedy: 'try --release-dir',
    });
  });

  it('stops early when the next wait would leave the retry window', async () => {
    let calls = 0;
    const started = Date.now();
    await withRetries({ ...policy, initialDelayMs: 200, maxDelayMs: 200, retryWindowMs: 500 }, context, async () => {
      calls++;
      throw new TransientError('HTTP 503');
    }).catch(() => undefined);
    // Attempts start at 0, 200 and 400 ms; a fourth would start at 600, past the window.
    expect(calls).toBe(3);
    expect(Date.now() - started).toBeLessThan(550);
  });

  it('does not retry other errors, and returns the first success', async () => {
    let calls = 0;
    await expect(
      withRetries(policy, context, async () => {
        calls++;
        throw new X2Error('verification', 'bad');
      }),
    ).rejects.toMatchObject({ kind: 'verification' });
    expect(calls).toBe(1);
    let n = 0;
    expect(await withRetries(policy, context, async () => (++n < 3 ? Promise.reject(new TransientError('x')) : n))).toBe(3);
  });

  it('turns an abort during the wait into an interruption', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const error = await withRetries({ ...policy, initialDelayMs: 5000 }, { ...context, signal: controller.signal }, async () => {
      throw new TransientError('x');
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'interrupted' });
  });
});
