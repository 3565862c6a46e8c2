/** Step 2, the release: driven through real inquirer prompts (@inquirer/testing). */
import { describe, expect, it, vi } from 'vitest';
import { askRelease, type ReleaseChecks } from '../../../src/guided/release.js';
import { isPromptInterrupt } from '../../../src/guided/prompter.js';
import { english } from '../../../src/i18n/translate.js';
import { validateOptions } from '../../../src/options/load.js';
import { answer, drive, flat } from './drive.js';

const options = (extra: Record<string, unknown> = {}) => validateOptions(extra);
const SHA = 'ab'.repeat(32);

function checks(over: Partial<ReleaseChecks> = {}): ReleaseChecks & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    streamRelease: async (stream) => {
      calls.push(`stream ${stream}`);
      return stream === '2403-LTS' || stream === '2503-LTS'
        ? { ok: `${stream.slice(0, 2)}.${stream.slice(2)}.20241110.0` }
        : { problem: `stream ${stream} has no x86_64 build` };
    },
    liveIso: async (location, sha) => {
      calls.push(`iso ${location} ${sha ?? '-'}`);
      return location.includes('good')
        ? { ok: location.startsWith('http') ? location : `/abs/${location}` }
        : { problem: `--iso ${location} has no images/pxeboot: it is not a NestOS live ISO` };
    },
    ...over,
  };
}

describe('guided: release step', () => {
  it('offers the current release of the stream first, and takes it on enter', async () => {
    const d = await drive();
    const step = askRelease(d.ask, english, options(), checks());
    const p = await d.next();
    const screen = p.getScreen();
    expect(screen).toContain('Which NestOS release?');
    expect(screen).toMatch(/❯ NestOS 24\.03-LTS\.20241110\.0, the current release of stream 2403-LTS/);
    expect(screen).toContain('Another stream...');
    expect(screen).toContain('A NestOS live ISO (a file here, or a URL)...');
    p.events.keypress('enter');
    await expect(step).resolves.toEqual({ kind: 'stream', stream: '2403-LTS', release: '24.03-LTS.20241110.0' });
  });

  it('refuses the current release when the stream cannot be read, with the reason, and takes another stream after checking it', async () => {
    const c = checks({
      streamRelease: async (s) =>
        s === 'nope' || s === '2403-LTS'
          ? { problem: `the stream metadata at https://m/${s}.json answered HTTP 404 (not found)` }
          : { ok: '25.03-LTS.1' },
    });
    const d = await drive();
    const step = askRelease(d.ask, english, options(), c);
    const p = await d.next();
    expect(flat(p)).toMatch(
      /- The current release of stream 2403-LTS \(the stream metadata at https:\/\/m\/2403-LTS\.json answered HTTP 404 \(not found\)\)/,
    );
    expect(p.getScreen()).toMatch(/❯ Another stream\.\.\./);
    p.events.keypress('up');
    p.events.keypress('enter'); // a refused choice cannot be taken
    expect(p.getScreen()).toContain('This choice is not available (the reason is beside it).');
    p.events.keypress('down');
    p.events.keypress('enter');
    const name = await d.next();
    answer(name, 'bad name!');
    await vi.waitFor(() => expect(name.getScreen()).toContain('stream names are letters, digits, . _ -'));
    name.events.keypress('backspace');
    for (let i = 0; i < 9; i++) name.events.keypress('backspace');
    answer(name, 'nope');
    await vi.waitFor(() => expect(name.getScreen()).toContain('answered HTTP 404 (not found)'));
    for (let i = 0; i < 4; i++) name.events.keypress('backspace');
    answer(name, '2503-LTS');
    await expect(step).resolves.toEqual({ kind: 'stream', stream: '2503-LTS', release: '25.03-LTS.1' });
  });

  it('takes a local live ISO once it reads as one, and asks a remote one for its sha256', async () => {
    const c = checks();
    const d = await drive();
    const step = askRelease(d.ask, english, options(), c);
    const p = await d.next();
    p.events.keypress('down');
    p.events.keypress('down');
    p.events.keypress('enter');
    const where = await d.next();
    answer(where, 'bad.iso');
    await vi.waitFor(() => expect(where.getScreen()).toContain('it is not a NestOS live ISO'));
    for (let i = 0; i < 7; i++) where.events.keypress('backspace');
    answer(where, 'good.iso');
    await expect(step).resolves.toEqual({ kind: 'iso', iso: '/abs/good.iso', isoSha256: undefined });

    const d2 = await drive();
    const remote = askRelease(d2.ask, english, options(), c);
    const p2 = await d2.next();
    p2.events.keypress('down');
    p2.events.keypress('down');
    p2.events.keypress('enter');
    answer(await d2.next(), 'https://mirror.example/good.iso');
    const sha = await d2.next();
    expect(sha.getScreen()).toContain('sha256 of the ISO, as published beside it');
    answer(sha, 'xyz');
    await vi.waitFor(() => expect(sha.getScreen()).toContain('must be 64 hex digits'));
    for (let i = 0; i < 3; i++) sha.events.keypress('backspace');
    answer(sha, SHA.toUpperCase());
    await expect(remote).resolves.toEqual({ kind: 'iso', iso: 'https://mirror.example/good.iso', isoSha256: SHA });
    expect(c.calls).toContain(`iso https://mirror.example/good.iso ${SHA}`);
  });

  it('does not ask when the release was given on the command line', async () => {
    const d = await drive();
    await expect(askRelease(d.ask, english, options({ iso: '/srv/nestos.iso' }), checks())).resolves.toEqual({ kind: 'given' });
    expect(d.said.join('\n')).toContain('Release: --iso /srv/nestos.iso (given on the command line)');
  });

  it('ends on Ctrl-C with an interrupt, nothing chosen', async () => {
    const d = await drive();
    const step = askRelease(d.ask, english, options(), checks());
    (await d.next()).events.keypress({ name: 'c', ctrl: true });
    const e = await step.catch((x: unknown) => x);
    expect(isPromptInterrupt(e)).toBe(true);
  });
});
