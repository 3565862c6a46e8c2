/** The small pure rules behind issue 13's fixes, case by case (the built binary is tested in test/cli). */
import { describe, expect, it } from 'vitest';
import { parseProxy } from '../../../src/effects/proxy.js';
import { lockHolder } from '../../../src/effects/pid-lock.js';
import { checkOptionValues } from '../../../src/options/argv.js';
import { commandLineProblems, consoleProblems } from '../../../src/payload/kargs.js';
import { globProblems, globToRegExp } from '../../../src/plan/target.js';
import { isValidHostname } from '../../../src/commands/ignition-step.js';
import { X2Error } from '../../../src/errors.js';

describe('parseProxy (like curl)', () => {
  it.each([
    ['10.0.0.1:3128', 'http://10.0.0.1:3128'],
    ['http://proxy.lan:8080/', 'http://proxy.lan:8080'],
    ['proxy.lan', 'http://proxy.lan:1080'],
    ['https://user:pw@proxy.lan:443', 'https://user:pw@proxy.lan'],
    ['http://proxy.lan:80', 'http://proxy.lan'],
    ['[::1]:3128', 'http://[::1]:3128'],
  ])('%s → %s', (raw, want) => expect(parseProxy('https_proxy', raw)).toBe(want));

  it.each(['socks5://proxy:1080', 'http://[broken', 'http://:3128'])('refuses %s naming the variable', (raw) => {
    const e = (() => {
      try {
        parseProxy('HTTPS_PROXY', raw);
      } catch (error) {
        return error;
      }
    })() as X2Error;
    expect(e).toBeInstanceOf(X2Error);
    expect(e.kind).toBe('usage');
    expect(e.message).toMatch(/^HTTPS_PROXY=".*" is not a usable proxy: /);
  });
});

describe('checkOptionValues', () => {
  const flags = {
    takesValue: new Set(['--ignition', '--work-dir']),
    known: new Set(['--ignition', '--work-dir', '--yes', '-y', '--json']),
  };
  it('refuses an option where a value belongs', () => {
    expect(() => checkOptionValues(['--ignition', '--yes'], flags)).toThrow('--ignition needs a value; got the option --yes');
    expect(() => checkOptionValues(['--work-dir', '-y'], flags)).toThrow('--work-dir needs a value; got the option -y');
  });
  it('accepts values, explicit =, unknown dashes and anything after --', () => {
    for (const argv of [
      ['--ignition', 'a.ign', '--yes'],
      ['--ignition=--yes'],
      ['--ignition', '-weird.ign'],
      ['--', '--ignition', '--yes'],
    ]) {
      expect(() => checkOptionValues(argv, flags)).not.toThrow();
    }
  });
});

describe('consoles and the command line', () => {
  it('takes name[,options] only', () => {
    expect(consoleProblems(['ttyS0', 'ttyS0,115200n8', 'tty0', 'hvc0', 'ttyAMA0,115200', 'uart8250,mmio32,0xfe215040'])).toEqual([]);
    expect(consoleProblems(['ttyS0 init=/bin/sh', 'root=/dev/sda', '', 'ttyS0,115200 quiet', '-x']).map((p) => p.kind)).toEqual([
      'usage',
      'usage',
      'usage',
      'usage',
      'usage',
    ]);
  });
  it('counts the command line against COMMAND_LINE_SIZE with the NUL', () => {
    expect(commandLineProblems(['a'.repeat(2047)], 'x86_64')).toEqual([]);
    expect(commandLineProblems(['a'.repeat(2048)], 'x86_64')[0]!.message).toBe(
      'the live kernel command line is 2048 bytes, more than the x86_64 kernel accepts (2047)',
    );
    expect(commandLineProblems(['a'.repeat(3000)], 'aarch64')).toEqual([]);
  });
});

describe('globs as nestos-installer takes them', () => {
  it('matches * ? [...] [!...]', () => {
    expect(globToRegExp('data[0-9]').test('data7')).toBe(true);
    expect(globToRegExp('data[!0-9]').test('data7')).toBe(false);
    expect(globToRegExp('x[]]').test('x]')).toBe(true);
    expect(globToRegExp('a(b)+').test('a(b)+')).toBe(true);
  });
  it('refuses what is no glob', () => {
    expect(globProblems(['[', 'a[', 'x[z-a]', 'ok*']).map((p) => p.message)).toEqual([
      '--save-partlabel [ is not a valid glob: a [ is not closed by ]',
      '--save-partlabel a[ is not a valid glob: a [ is not closed by ]',
      '--save-partlabel x[z-a] is not a valid glob: the range z-a is reversed',
    ]);
  });
});

describe('small checks', () => {
  it('a lock file holds a pid only when it is a positive number', () => {
    expect(lockHolder('1234\n')).toBe(1234);
    for (const text of ['0', '-1', '', 'abc', '12ab', '99999999999999999999']) expect(lockHolder(text)).toBeUndefined();
  });
  it('hostnames NestOS can take', () => {
    for (const ok of ['web-01', 'web01.example.com', 'a']) expect(isValidHostname(ok)).toBe(true);
    for (const bad of ['web_01', '-web', 'web-', 'a..b', 'x'.repeat(65), '', 'web 01']) expect(isValidHostname(bad)).toBe(false);
  });
});
