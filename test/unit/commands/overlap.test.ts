import { describe, expect, it } from 'vitest';
import { inOrder, overlap } from '../../../src/commands/overlap.js';

const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
const failLater = (ms: number, message: string) => new Promise<never>((_, reject) => setTimeout(() => reject(new Error(message)), ms));

describe('inOrder', () => {
  it('returns every value, in argument order', async () => {
    await expect(inOrder(later(20, 'a'), later(1, 2))).resolves.toEqual(['a', 2]);
  });

  it('reports the first failure in argument order, not the first in time', async () => {
    // The second fails at once, the first only later: a sequential run would have said the first.
    await expect(inOrder(failLater(30, 'first'), failLater(1, 'second'))).rejects.toThrow('first');
  });

  it('waits for an earlier branch that succeeds, then reports the later failure', async () => {
    let firstDone = false;
    const first = later(30, 'ok').then((v) => ((firstDone = true), v));
    await expect(inOrder(first, failLater(1, 'second'))).rejects.toThrow('second');
    expect(firstDone).toBe(true);
  });
});

describe('overlap', () => {
  it('starts work at once, before anyone awaits it', async () => {
    const group = overlap(new AbortController().signal);
    let started = false;
    const result = group.start(async () => {
      started = true;
      return 7;
    });
    await Promise.resolve();
    expect(started).toBe(true);
    await expect(result).resolves.toBe(7);
    await group.close();
  });

  it('a branch that fails before its turn raises no unhandled rejection, and still fails at its turn', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const group = overlap(new AbortController().signal);
      const branch = group.start(() => failLater(1, 'early failure'));
      await later(20, undefined);
      await expect(branch).rejects.toThrow('early failure');
      await group.close();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('close cancels what still runs and returns only once it has stopped', async () => {
    const group = overlap(new AbortController().signal);
    let stopped = false;
    const branch = group.start(
      (signal) =>
        new Promise<never>((_, reject) =>
          signal.addEventListener('abort', () =>
            setTimeout(() => {
              stopped = true;
              reject(signal.reason);
            }, 10),
          ),
        ),
    );
    await group.close();
    expect(stopped).toBe(true);
    await expect(branch).rejects.toThrow('cancelled');
  });

  it("the run's own abort (an interrupt) reaches every branch", async () => {
    const run = new AbortController();
    const group = overlap(run.signal);
    const branch = group.start(
      (signal) => new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    );
    run.abort(new Error('interrupted by SIGINT'));
    await expect(branch).rejects.toThrow('interrupted by SIGINT');
    await group.close();
  });
});
