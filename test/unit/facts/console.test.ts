import { describe, expect, it } from 'vitest';
import { consolesFromActive, consolesOf, readConsoles, splitCmdline } from '../../../src/facts/console.js';
import { memoryFs } from './memory-host.js';

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

describe('readConsoles', () => {
  // An arm64 server booted by GRUB with no console=: the kernel took ttyAMA0 from ACPI SPCR.
  const arm64 = memoryFs({ '/sys/class/tty/console/active': 'tty0 ttyAMA0\n' });

  it('takes the command line when it names a console, whatever the kernel has active', async () => {
    expect(await readConsoles(arm64, 'root=LABEL=hostroot console=ttyS1,115200')).toEqual(['ttyS1,115200']);
  });

  it('names the console the kernel found in firmware when the command line has none', async () => {
    expect(await readConsoles(arm64, 'root=LABEL=hostroot rw panic=-1')).toEqual(['ttyAMA0']);
  });

  it('adds nothing for a host on the virtual terminal only, or without the sysfs file', async () => {
    expect(await readConsoles(memoryFs({ '/sys/class/tty/console/active': 'tty0\n' }), 'ro quiet')).toEqual([]);
    expect(await readConsoles(memoryFs({}), 'ro quiet')).toEqual([]);
  });
});

describe('consolesFromActive', () => {
  it('keeps the order of the file (the last is /dev/console) and drops virtual terminals', () => {
    expect(consolesFromActive('ttyS0 tty1 hvc0\n')).toEqual(['ttyS0', 'hvc0']);
    expect(consolesFromActive('')).toEqual([]);
  });
});
