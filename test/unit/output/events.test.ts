import { describe, expect, it } from 'vitest';
import { X2Error } from '../../../src/errors.js';
import { jsonDocument } from '../../../src/output/emit.js';
import { eventStream, resultEvent, withEvents, type ProgressEvent } from '../../../src/output/events.js';
import { nullLogger } from '../../../src/output/log.js';
import { createReporter } from '../../../src/output/reporter.js';
import type { PlanJson } from '../../../src/output/json-schema.js';

function harness() {
  const lines: string[] = [];
  const human: string[] = [];
  let now = 1_000_000;
  const events = eventStream(
    (line) => lines.push(line),
    () => new Date(now),
  );
  const reporter = withEvents(
    createReporter({ fancy: false, quiet: false, log: nullLogger, write: (t) => human.push(t) }),
    events,
    () => now,
  );
  const parsed = () => lines.map((l) => JSON.parse(l) as ProgressEvent);
  return { lines, human, reporter, events, parsed, tick: (ms: number) => (now += ms) };
}

describe('--events jsonl', () => {
  it('writes one complete JSON object per line, versioned and timed', async () => {
    const h = harness();
    await h.reporter.step('Inspecting this host', async () => 'facts');
    h.reporter.info('staged and loaded');
    h.reporter.warn('the console is guessed');
    expect(h.lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    expect(h.parsed().map((e) => [e.type, e.stage ?? e.detail])).toEqual([
      ['stage-start', 'Inspecting this host'],
      ['stage-done', 'Inspecting this host'],
      ['info', 'staged and loaded'],
      ['warning', 'the console is guessed'],
    ]);
    for (const e of h.parsed()) {
      expect(e.schemaVersion).toBe(1);
      expect(e.time).toBe(new Date(1_000_000).toISOString());
    }
    // People still get their lines on stderr.
    expect(h.human.join('')).toMatch(/Inspecting this host \.\.\.[\s\S]*warning: the console is guessed/);
  });

  it('numbers stages and reports bytes, throttled, never dropping the last progress of a stage', async () => {
    const h = harness();
    await h.reporter.step('Resolving', async () => undefined);
    await h.reporter.step('Downloading the live rootfs', async (update) => {
      for (let i = 1; i <= 10; i++) {
        h.tick(100);
        update(`${i} MiB of 10 MiB`, { bytes: i * 2 ** 20, total: 10 * 2 ** 20 });
      }
      h.tick(50);
    });
    const events = h.parsed().filter((e) => e.stage === 'Downloading the live rootfs');
    expect(events.every((e) => e.step === 2)).toBe(true);
    const progress = events.filter((e) => e.type === 'stage-progress');
    // 1 s of updates every 100 ms at most one per 500 ms, plus the final one.
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.length).toBeLessThanOrEqual(4);
    expect(progress.at(-1)).toMatchObject({ bytes: 10 * 2 ** 20, total: 10 * 2 ** 20, detail: '10 MiB of 10 MiB' });
    expect(progress[0]).toMatchObject({ bytes: 2 ** 20 });
    expect(events.at(-1)).toMatchObject({ type: 'stage-done', seconds: 1.1 });
    expect(events.map((e) => e.type).indexOf('stage-done')).toBe(events.length - 1);
  });

  it('reports a failed stage with the one-line reason and rethrows the same error', async () => {
    const h = harness();
    const error = new X2Error('verification', 'sha256 of the rootfs does not match', { remedy: 'check the mirror' });
    await expect(h.reporter.step('Downloading the live rootfs', async () => Promise.reject(error))).rejects.toBe(error);
    expect(h.parsed().at(-1)).toMatchObject({
      type: 'stage-failed',
      stage: 'Downloading the live rootfs',
      step: 1,
      detail: 'sha256 of the rootfs does not match: check the mirror',
    });
  });

  it('ends with a result event carrying the --json document', () => {
    const h = harness();
    const failure = new X2Error('precondition', '/dev/vda has no stable name', { remedy: 'give the disk a serial' });
    h.events.emit(resultEvent(jsonDocument('plan', 3, failure, { result: 'planned', plan: { steps: [] } as unknown as PlanJson })));
    const [event] = h.parsed();
    expect(event).toMatchObject({ type: 'result', detail: 'refused' });
    expect(event!.document).toMatchObject({
      schemaVersion: 1,
      command: 'plan',
      ok: false,
      exitCode: 3,
      result: 'refused',
      plan: { steps: [] },
      error: { kind: 'precondition', message: '/dev/vda has no stable name', remedy: 'give the disk a serial', details: [] },
    });
  });
});
