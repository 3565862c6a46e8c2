/**
 * x2nestos(8) as the built binary prints it (`x2nestos manpage`, what the packages install):
 * every option each command's --help lists is documented under that command, and groff and man
 * render the page without a single warning.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './harness.js';
import { documentFields, RESULTS } from '../../src/output/json-schema.js';

/** Long flags at the start of help lines: `  -y, --yes  ...` or `  --stream <name>  ...`. */
function helpFlags(help: string): string[] {
  return help
    .split('\n')
    .map((line) => /^\s+(?:-\w, )?(--[a-z0-9-]+)/.exec(line)?.[1])
    .filter((flag): flag is string => flag !== undefined);
}

/** Commands listed by `x2nestos --help`. */
function helpCommands(help: string): string[] {
  // Up to the blank line that ends the section (the examples follow).
  const section = (help.split(/^Commands:$/m)[1] ?? '').split(/\n\s*\n/)[0]!;
  return section
    .split('\n')
    .map((line) => /^ {2}([a-z]+)\b/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && name !== 'help');
}

/** The flags the page documents for `command`: under "Every command" and the subsections naming it. */
function documentedFlags(roff: string, command: string): Set<string> {
  const options = roff.split(/^\.SH OPTIONS$/m)[1]?.split(/^\.SH /m)[0] ?? '';
  const flags = new Set<string>();
  for (const section of options.split(/^\.SS /m).slice(1)) {
    const title = section.split('\n')[0]!;
    if (
      title !== 'Every command' &&
      !title
        .replace(/^Commands? /, '')
        .split(', ')
        .includes(command)
    )
      continue;
    for (const match of section.matchAll(/^\.TP\n\\fB(?:\\-\w, )?((?:\\-|[a-z0-9])+)/gm)) flags.add(match[1]!.replace(/\\-/g, '-'));
  }
  return flags;
}

describe('x2nestos(8) (built binary)', () => {
  let roff = '';
  let dir = '';
  beforeAll(async () => {
    const result = await run(['manpage'], { env: { LANG: 'C' } });
    expect(result.code, result.stderr).toBe(0);
    roff = result.stdout;
    dir = mkdtempSync(path.join(tmpdir(), 'x2nestos-man-'));
    writeFileSync(path.join(dir, 'x2nestos.8'), roff);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('documents every option of every command, under that command', async () => {
    const commands = helpCommands((await run(['--help'], { env: { LANG: 'C' } })).stdout);
    expect(commands).toEqual(
      expect.arrayContaining(['convert', 'plan', 'fetch', 'status', 'abort', 'reboot', 'guided', 'completion', 'manpage']),
    );
    for (const command of commands) {
      const help = await run([command, '--help'], { env: { LANG: 'C' } });
      const flags = helpFlags(help.stdout);
      expect(flags.length, `${command} --help lists options`).toBeGreaterThan(0);
      const documented = documentedFlags(roff, command);
      expect(
        flags.filter((flag) => !documented.has(flag)),
        `options of ${command} missing from x2nestos(8)`,
      ).toEqual([]);
      expect(roff, `command ${command} in COMMANDS`).toMatch(new RegExp(`^\\.B ${command}\\b`, 'm'));
    }
  });

  it('has the exit codes, the JSON and events formats, the safety flags and examples', () => {
    for (const section of ['NAME', 'SYNOPSIS', 'EXIT STATUS', 'JSON OUTPUT', 'EVENTS', 'SAFETY FLAGS', 'EXAMPLES']) {
      expect(roff).toMatch(new RegExp(`^\\.SH ${section}$`, 'm'));
    }
    for (const code of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 130]) expect(roff).toMatch(new RegExp(`^\\.B ${code}$`, 'm'));
    const safety = roff.split(/^\.SH SAFETY FLAGS$/m)[1]!.split(/^\.SH /m)[0]!;
    for (const flag of [
      'allow-http-ignition',
      'allow-no-ssh-key',
      'allow-unverified-artifacts',
      'allow-removable-disk',
      'allow-tmpfs-work-dir',
      'skip-memory-check',
      'skip-package-install',
    ]) {
      expect(safety).toContain(`\\fB\\-\\-${flag.replace(/-/g, '\\-')}\\fR`);
    }
  });

  it('names every field and result of the --json document (src/output/json-schema.ts)', () => {
    const section = roff.split(/^\.SH JSON OUTPUT$/m)[1]!.split(/^\.SH /m)[0]!;
    const named = new Set([...section.matchAll(/^\.B (.+)$/gm)].flatMap((m) => m[1]!.split(/,\s*/)));
    const fields = ['schemaVersion', 'tool', 'command', 'ok', 'exitCode', 'result', 'error', ...Object.keys(documentFields)];
    expect(fields.filter((f) => !named.has(f))).toEqual([]);
    for (const result of RESULTS) expect(section).toContain(`\\fB${result}\\fR`);
  });

  it('renders with groff -ww and man --warnings without a warning', () => {
    const page = path.join(dir, 'x2nestos.8');
    const groff = spawnSync('groff', ['-ww', '-man', '-z', page], { encoding: 'utf8' });
    expect(groff.error, 'groff (Debian package groff-base) must be installed').toBeUndefined();
    expect(groff.status).toBe(0);
    expect(groff.stderr).toBe('');
    const man = spawnSync('man', ['--warnings', '-l', page], {
      encoding: 'utf8',
      env: { ...process.env, MANPAGER: 'cat', MANWIDTH: '80', LANG: 'C.UTF-8' },
    });
    expect(man.error, 'man (Debian package man-db) must be installed').toBeUndefined();
    expect(man.status).toBe(0);
    expect(man.stderr).toBe('');
    expect(man.stdout).toContain('X2NESTOS(8)');
    expect(man.stdout).toContain('--ignition');
  });
});
