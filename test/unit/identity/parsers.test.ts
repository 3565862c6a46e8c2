import { describe, expect, it } from 'vitest';
import { restrictionOf, splitKeyLine } from '../../../src/identity/key-options.js';
import { sudoGrants } from '../../../src/identity/sudoers.js';
import { fakeHost } from './fake-host.js';
import { readSudoers } from '../../../src/identity/sudoers.js';
import { fileHost, SUDOERS } from './scenarios.js';

const ED = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKT/SSTK2Zhj5JLF09wx+JiXgma42zriHTwvLj41LNNK c';

describe('authorized_keys options', () => {
  it('ends the options at the first blank outside quotes', () => {
    expect(splitKeyLine(`command="echo hi there",no-pty ${ED}`)).toEqual({
      options: [{ name: 'command', value: 'echo hi there' }, { name: 'no-pty' }],
      keyText: ED,
    });
    expect(splitKeyLine(`from="a,b",permitopen="h:1",command="say \\"x, y\\"" ${ED}`)).toEqual({
      options: [
        { name: 'from', value: 'a,b' },
        { name: 'permitopen', value: 'h:1' },
        { name: 'command', value: 'say "x, y"' },
      ],
      keyText: ED,
    });
    expect(splitKeyLine(`  ${ED}`)).toEqual({ options: [], keyText: ED });
    expect(splitKeyLine(`command="x ${ED}`)).toEqual({ problem: 'unterminated quote in the key options' });
    expect(splitKeyLine(`command=x ${ED}`)).toEqual({ problem: 'key option command has an unquoted value' });
    expect(splitKeyLine(`no-pty,,restrict ${ED}`)).toEqual({ problem: 'malformed key options' });
  });

  it('carries a key only when dropping its options cannot widen access', () => {
    const opts = (line: string) => {
      const s = splitKeyLine(`${line} ${ED}`);
      if ('problem' in s) throw new Error(s.problem);
      return restrictionOf(s.options);
    };
    expect(opts('environment="A=b",No-Touch-Required,pty')).toBeUndefined();
    expect(opts('NO-PTY')).toMatch(/^a restricted key \(no-pty\)/);
    expect(opts('restrict,pty,command="x"')).toMatch(/^a restricted key \(restrict, command\)/);
    expect(opts('expiry-time="20300101"')).toMatch(/expiry-time/);
    expect(opts('verify-required')).toMatch(/verify-required/);
    expect(opts('some-future-option')).toMatch(/some-future-option/);
    expect(opts('cert-authority,principals="a"')).toMatch(/^a certificate authority/);
  });
});

describe('sudoers', () => {
  it('finds users and groups allowed to run everything as root on this host', () => {
    const grants = sudoGrants(
      [
        { path: '/etc/sudoers', text: SUDOERS },
        {
          path: '/etc/sudoers.d/x',
          text: [
            'gina, hank ALL=(ALL) NOPASSWD:ALL',
            'ivan ALL=(:wheel) ALL',
            'judy ALL=(postgres) ALL',
            'kim web-01.example.com, other = (root) ALL',
            'leo ALL = (ALL) /bin/ls, \\',
            '   ALL',
            'mia db = (ALL) ALL : web-01 = (ALL) NOPASSWD: ALL',
            'nina ALL=(ALL) TIMEOUT=10 ALL',
            '%admin\\ team ALL=(ALL) ALL',
            '#1000 ALL=(ALL) ALL',
            '!oscar ALL=(ALL) ALL',
            'Defaults:pam !lecture',
          ].join('\n'),
        },
      ],
      'web-01.example.com',
    );
    expect(grants.users.sort()).toEqual(['bob', 'gina', 'hank', 'kim', 'leo', 'mia', 'nina', 'root']);
    expect(grants.groups.sort()).toEqual(['admin team', 'wheel']);
    expect(grants.notes).toEqual(
      expect.arrayContaining([
        '/etc/sudoers.d/x: sudoers entry "#1000" not evaluated (non-Unix group, gid/uid, netgroup or negation)',
        '/etc/sudoers.d/x: sudoers entry "!oscar" not evaluated (non-Unix group, gid/uid, netgroup or negation)',
      ]),
    );
  });

  it('follows @includedir and #include the way sudo does', async () => {
    const { fs } = fakeHost(
      fileHost({
        files: {
          '/etc/sudoers': { content: '#include /etc/sudoers.local\n#includedir /etc/sudoers.d\n' },
          '/etc/sudoers.local': { content: 'paul ALL=(ALL) ALL\n@include sudoers.local\n' },
          '/etc/sudoers.d/10-a': { content: 'quinn ALL=(ALL) ALL\n' },
          '/etc/sudoers.d/pkg.rpmnew': { content: 'ghost ALL=(ALL) ALL\n' },
          '/etc/sudoers.d/10-a~': { content: 'ghost ALL=(ALL) ALL\n' },
        },
      }),
    );
    const files = await readSudoers(fs);
    expect(files.map((f) => f.path)).toEqual(['/etc/sudoers', '/etc/sudoers.local', '/etc/sudoers.d/10-a']);
    expect(sudoGrants(files, 'web-01').users).toEqual(['paul', 'quinn']);
  });
});
