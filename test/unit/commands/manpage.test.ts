/**
 * The man page generator against a small commander program: what is declared is what is
 * documented (a new option appears with no edit to the generator), and text is escaped for roff.
 */
import { spawnSync } from 'node:child_process';
import { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { manPage, roffText } from '../../../src/commands/manpage.js';

function program(): Command {
  const p = new Command('x2nestos').description('Convert servers.').version('x2nestos 9.9.9', '-V, --version');
  p.command('convert', { isDefault: true })
    .description('convert this host')
    .option('--ignition <url|file>', 'Ignition config')
    .option('--allow-http-ignition', 'allow http')
    .addOption(new Option('--network <mode>', 'network').choices(['keep', 'dhcp']));
  p.command('plan').description('plan only').option('--ignition <url|file>', 'Ignition config');
  p.command('status').description('what is staged');
  return p;
}

describe('manPage', () => {
  it('documents every declared option under the commands that take it', () => {
    const p = program();
    p.commands.find((c) => c.name() === 'plan')!.option('--brand-new <x>', 'added later');
    const page = manPage(p, '9.9.9');
    expect(page).toMatch(/^\.SS Commands convert, plan\n\.TP\n\\fB\\-\\-ignition\\fR \\fIurl\|file\\fR\nIgnition config\.$/m);
    expect(page).toMatch(/^\.SS Command plan\n\.TP\n\\fB\\-\\-brand\\-new\\fR \\fIx\\fR\nadded later\.$/m);
    expect(page).toContain('network. One of \\fBkeep\\fR, \\fBdhcp\\fR.');
    expect(page).toMatch(/^\.SH SAFETY FLAGS\n.*\n\.TP\n\\fB\\-\\-allow\\-http\\-ignition\\fR\nallow http\.$/m);
    expect(page).toMatch(/^\.TH X2NESTOS 8 "" "x2nestos 9\.9\.9"/m);
  });

  it('escapes backslashes, marks code, and never starts a line with a control character', () => {
    expect(roffText('a\\b')).toBe('a\\eb');
    expect(roffText('see `x2nestos fetch --to`')).toBe('see \\fBx2nestos fetch \\-\\-to\\fR');
    expect(roffText(".hidden\n'quote")).toBe("\\&.hidden\n\\&'quote");
  });

  it('renders with groff -ww without a warning', () => {
    const groff = spawnSync('groff', ['-ww', '-man', '-z'], { input: manPage(program(), '9.9.9'), encoding: 'utf8' });
    expect(groff.error, 'groff (Debian package groff-base) must be installed').toBeUndefined();
    expect(groff.stderr).toBe('');
    expect(groff.status).toBe(0);
  });
});
