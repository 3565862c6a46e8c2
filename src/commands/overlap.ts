/**
 * Work that does not depend on what comes before it starts as soon as its inputs exist (the
 * Ignition config while the host is inspected, the kexec probes while the release resolves), but
 * its outcome is taken where the sequential pipeline would have run it. So the first failure in
 * pipeline order is the one reported, whichever branch happened to fail first in time: the same
 * one-line error and exit code as a run that did one thing after the other.
 */
export interface Overlap {
  /** Starts `fn` now with a signal that also ends when the group closes; await the result at its turn. */
  start<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Cancels what is still running (after a failure elsewhere) and waits until all of it has stopped. */
  close(): Promise<void>;
}

export function overlap(parent: AbortSignal): Overlap {
  const controller = new AbortController();
  const signal = AbortSignal.any([parent, controller.signal]);
  const running: Promise<unknown>[] = [];
  return {
    start(fn) {
      const result = (async () => fn(signal))();
      // Also marks a rejection as handled: a branch may fail long before its turn comes.
      running.push(result.catch(() => undefined));
      return result;
    },
    async close() {
      controller.abort(new Error('cancelled: an earlier step of the run failed'));
      await Promise.allSettled(running);
    },
  };
}

/**
 * Waits for all of `promises`; the first rejection in argument order wins, as if they had run one
 * after the other. (Promise.all would throw whichever failed first in time.)
 */
export async function inOrder<T extends readonly unknown[]>(...promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
