import { describe, expect, it } from 'vitest';
import { consolesOf, splitCmdline } from '../../../src/facts/console.js';

describe('consolesOf', () => {
  it('keeps every console= in order (the last one is /dev/console)', () => {
    expect(consolesOf('BOOT_IMAGE=/vmlinuz ro console=tty0 console=ttyS0,115200n8 quiet')).toEqual(['tty0', 'ttyS0,115200n8']);
  });

  it('returns nothing when no console is named', () => {
    expect(consolesOf('root=/dev/mapper/cs-root ro rhgb quiet')).toEqual([]);
  });

  it('ignores an empty console= and look-alikes', () => {
    expect(consolesOf('console= xconsole=ttyS1 netconsole=@/eth0 console=ttyAMA0')).toEqual(['ttyAMA0']);
  });

  it('stops at a bare -- (the rest is for init)', () => {
    expect(consolesOf('console=ttyS0 -- console=tty9')).toEqual(['ttyS0']);
  });

  it('handles quoted values with spaces and surrounding whitespace', () => {
    expect(splitCmdline('  a="b c"  console=ttyS0\n')).toEqual(['a=b c', 'console=ttyS0']);
    expect(consolesOf('dyndbg="file x +p" console="ttyS1,9600"')).toEqual(['ttyS1,9600']);
  });
});
