import { describe, expect, it } from 'vitest';
import { osFactsOf, parseOsRelease, readOsRelease } from '../../../src/facts/os-release.js';
import { memoryFs } from './memory-host.js';

describe('parseOsRelease', () => {
  it('unquotes double and single quoted values and keeps bare ones', () => {
    const f = parseOsRelease('NAME="openEuler"\nID=debian\nVERSION=\'22.03 (LTS-SP3)\'\n');
    expect(f).toEqual({ NAME: 'openEuler', ID: 'debian', VERSION: '22.03 (LTS-SP3)' });
  });

  it('honours backslash escapes inside double quotes only', () => {
    const f = parseOsRelease('A="say \\"hi\\" \\$x"\nB=\'a\\b\'\n');
    expect(f.A).toBe('say "hi" $x');
    expect(f.B).toBe('a\\b');
  });

  it('skips comments, blank lines, lines without = and invalid keys', () => {
    const f = parseOsRelease('# comment\n\n  \nGARBAGE\n1BAD=x\nID="rocky"\n');
    expect(f).toEqual({ ID: 'rocky' });
  });

  it('keeps = signs inside values', () => {
    expect(parseOsRelease('X="a=b=c"').X).toBe('a=b=c');
  });
});

describe('osFactsOf', () => {
  it('lower-cases ID (openEuler writes "openEuler") and splits ID_LIKE', () => {
    const os = osFactsOf({
      ID: 'openEuler',
      ID_LIKE: 'rhel  centos Fedora',
      VERSION_ID: '22.03',
      PRETTY_NAME: 'openEuler 22.03 (LTS-SP3)',
    });
    expect(os).toEqual({
      id: 'openeuler',
      idLike: ['rhel', 'centos', 'fedora'],
      versionId: '22.03',
      prettyName: 'openEuler 22.03 (LTS-SP3)',
    });
  });

  it('uses the os-release(5) defaults when fields are missing', () => {
    expect(osFactsOf({})).toEqual({ id: 'linux', idLike: [], versionId: '', prettyName: 'Linux' });
    expect(osFactsOf({ NAME: 'Kylin' }).prettyName).toBe('Kylin');
  });
});

describe('readOsRelease', () => {
  it('prefers /etc/os-release', async () => {
    const fs = memoryFs({ '/etc/os-release': 'ID=ubuntu\n', '/usr/lib/os-release': 'ID=debian\n' });
    expect((await readOsRelease(fs))?.id).toBe('ubuntu');
  });

  it('falls back to /usr/lib/os-release', async () => {
    const fs = memoryFs({ '/usr/lib/os-release': 'ID=fedora\n' });
    expect((await readOsRelease(fs))?.id).toBe('fedora');
  });

  it('is undefined when neither exists', async () => {
    expect(await readOsRelease(memoryFs({}))).toBeUndefined();
  });
});
