/**
 * `--events jsonl` through the built binary on a sandboxed host: every stdout line is one event,
 * stages open and close in order, and the last line carries the document --json prints.
 */
import { describe, expect, it } from 'vitest';
import { changes, mirrorFixture, run, sandboxHost } from './harness.js';

const HOST = 'openeuler-22.03-lts-sp3';

interface Event {
  schemaVersion: number;
  time: string;
  type: string;
  stage?: string;
  step?: number;
  detail?: string;
  document?: Record<string, unknown> & { error?: { kind: string; message: string; remedy?: string } };
}

function events(stdout: string): Event[] {
  const lines = stdout.split('\n').filter((l) => l !== '');
  return lines.map((l) => JSON.parse(l) as Event);
}

describe('--events jsonl (built binary, sandboxed host)', () => {
  const env = mirrorFixture('events');
  const { ign } = env;

  const base = () => ['--stream-base-url', env.server.streamBase, '--ignition', ign, '--allow-http-ignition'];

  it('streams the stages of a staging run and ends with the --json document', async () => {
    const sandbox = sandboxHost(HOST);
    const withEvents = await run([...base(), '--yes', '--no-reboot', '--events', 'jsonl'], { sandbox });
    expect(withEvents.stderr).not.toMatch(/internal error/);
    expect(withEvents.code).toBe(0);
    const stream = events(withEvents.stdout);
    expect(stream.every((e) => e.schemaVersion === 1 && !Number.isNaN(Date.parse(e.time)))).toBe(true);

    // Every stage that starts finishes, in order, before the next one starts.
    const stages = stream.filter((e) => e.type.startsWith('stage-'));
    const open: Event[] = [];
    for (const e of stages) {
      if (e.type === 'stage-start') {
        expect(open).toEqual([]);
        open.push(e);
      } else {
        expect(open[0]?.step).toBe(e.step);
        if (e.type === 'stage-done') open.pop();
      }
    }
    expect(open).toEqual([]);
    const titles = stages.filter((e) => e.type === 'stage-start').map((e) => e.stage);
    expect(titles).toEqual(expect.arrayContaining(['Inspecting this host', 'Downloading the live rootfs', 'Loading the live kernel']));
    expect(new Set(stages.map((e) => e.step)).size).toBe(titles.length);
    expect(stream.some((e) => e.type === 'info' && /staged and loaded/.test(e.detail ?? ''))).toBe(true);

    const last = stream.at(-1)!;
    expect(last.type).toBe('result');
    expect(last.document).toMatchObject({ schemaVersion: 1, command: 'convert', ok: true, exitCode: 0, result: 'staged' });
    expect(changes(sandbox).some((a) => a[0] === 'kexec')).toBe(true);

    // The same run with --json prints the same document (apart from paths and timings).
    const json = await run([...base(), '--yes', '--no-reboot', '--json'], { sandbox: sandboxHost(HOST) });
    expect(json.code).toBe(0);
    expect(Object.keys(last.document!).sort()).toEqual(Object.keys(json.json!).sort());
  });

  it('ends a refused plan with a result event naming the reason, exit code unchanged', async () => {
    const sandbox = sandboxHost(HOST);
    const r = await run(['plan', ...base(), '--disk', '/dev/nonexistent', '--events', 'jsonl'], { sandbox });
    expect(r.code).toBe(2);
    const last = events(r.stdout).at(-1)!;
    expect(last).toMatchObject({ type: 'result', detail: 'refused' });
    expect(last.document).toMatchObject({ ok: false, exitCode: 2, result: 'refused', error: { kind: 'usage' } });
    expect(last.document!.error!.message).toMatch(/no disk \/dev\/nonexistent/);
    expect(changes(sandbox)).toEqual([]);
  });

  it('still ends with a result event when the command line itself is wrong', async () => {
    const r = await run(['plan', '--events', 'jsonl', '--no-such-flag']);
    expect(r.code).toBe(2);
    const stream = events(r.stdout);
    expect(stream).toHaveLength(1);
    expect(stream[0]).toMatchObject({ type: 'result', document: { ok: false, exitCode: 2, error: { kind: 'usage' } } });
  });

  it('refuses --json together with --events: stdout carries one document only', async () => {
    const r = await run(['plan', ...base(), '--json', '--events', 'jsonl'], { sandbox: sandboxHost(HOST) });
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({ ok: false, error: { kind: 'usage', message: '--json and --events both write to stdout' } });
  });
});
