import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inheritableKeys } from '../../../src/identity/authorized-keys.js';
import {
  authorizedKeysPath,
  keysCommandArgv,
  matchPatternList,
  parseSshdT,
  splitCommand,
  sshdRefusal,
} from '../../../src/identity/sshd-config.js';
import { fakeHost, FIXTURES, keyFixture } from './fake-host.js';
import { fileHost, GROUP } from './scenarios.js';

const captured = (name: string) => parseSshdT(readFileSync(path.join(FIXTURES, 'sshd-T', `${name}.txt`), 'utf8'));
const alice = { name: 'alice', uid: 1001, gid: 1001, home: '/home/alice', shell: '/bin/bash' };

describe('sshd -T output (captured from OpenSSH 9.2)', () => {
  it('reads the default places, the Match result and the host keys', () => {
    expect(captured('debian-root')).toMatchObject({
      authorizedKeysFiles: ['.ssh/authorized_keys', '.ssh/authorized_keys2'],
      permitRootLogin: 'without-password',
      strictModes: true,
      hostKeys: ['/etc/ssh/ssh_host_rsa_key', '/etc/ssh/ssh_host_ecdsa_key', '/etc/ssh/ssh_host_ed25519_key'],
    });
    expect(captured('debian-root').authorizedKeysCommand).toBeUndefined();
    // `Match User bob` in the config: sshd evaluated it for -C user=bob.
    expect(captured('custom-bob')).toMatchObject({
      authorizedKeysFiles: ['%h/.ssh/bob_keys'],
      authorizedKeysCommand: '/usr/local/bin/fetch-key "%u" %t %k',
    });
    expect(captured('custom-alice')).toMatchObject({
      // `~` was expanded by sshd when it parsed the file, `%%` was not.
      authorizedKeysFiles: ['/etc/ssh/authorized_keys/%u', '.ssh/authorized_keys', '/root/.ssh/extra_%U', '%%h/literal'],
      permitRootLogin: 'forced-commands-only',
      allowGroups: ['admins', 'root', 'wheel'],
      denyUsers: ['mallory', 'carol@10.0.0.*'],
    });
    expect(captured('cmdonly-root')).toMatchObject({
      authorizedKeysFiles: [],
      allowUsers: ['root', 'alice@192.168.1.*', 'b?b'],
      authorizedKeysCommandUser: 'keylookup',
    });
  });

  it('expands AuthorizedKeysFile tokens as sshd does, relative to the home directory', () => {
    const paths = captured('custom-alice').authorizedKeysFiles.map((e) => authorizedKeysPath(e, alice));
    expect(paths).toEqual([
      { path: '/etc/ssh/authorized_keys/alice' },
      { path: '/home/alice/.ssh/authorized_keys' },
      { path: '/root/.ssh/extra_1001' },
      { path: '/home/alice/%h/literal' },
    ]);
    expect(authorizedKeysPath('.ssh/keys_%C', alice)).toEqual({
      problem: 'AuthorizedKeysFile .ssh/keys_%C uses %C, which sshd does not know',
    });
  });

  it('splits and expands AuthorizedKeysCommand like sshd, refusing what needs a live connection', () => {
    expect(keysCommandArgv('/usr/local/bin/keys-for --user %u --home "%h" --uid %U', alice)).toEqual({
      argv: ['/usr/local/bin/keys-for', '--user', 'alice', '--home', '/home/alice', '--uid', '1001'],
    });
    expect(keysCommandArgv('/usr/bin/sss_ssh_authorizedkeys', alice)).toEqual({ argv: ['/usr/bin/sss_ssh_authorizedkeys', 'alice'] });
    expect(keysCommandArgv('/usr/local/bin/fetch-key "%u" %t %k', alice)).toEqual({
      problem: 'AuthorizedKeysCommand needs %t (an offered key), so its keys cannot be listed ahead of a login',
    });
    expect(keysCommandArgv('/bin/echo 100%%f', alice)).toEqual({ argv: ['/bin/echo', '100%f'] });
    expect(keysCommandArgv('keys %u', alice)).toEqual({
      problem: 'AuthorizedKeysCommand keys is not an absolute path, so sshd does not run it',
    });
    expect(splitCommand(`/x 'a b' "c \\"d\\"" e\\ f \\\\g`)).toEqual(['/x', 'a b', 'c "d"', 'e f', '\\g']);
    expect(splitCommand('/x "open')).toBeUndefined();
  });

  it('knows when sshd would not let the user in at all', () => {
    expect(sshdRefusal(captured('custom-root'), 'root', ['root'])).toBe('sshd refuses root logins (PermitRootLogin no)');
    expect(sshdRefusal(captured('custom-alice'), 'alice', ['alice', 'wheel', 'admins'])).toBeUndefined();
    expect(sshdRefusal(captured('custom-alice'), 'root', ['root'])).toMatch(/forced-commands-only/);
    expect(sshdRefusal(captured('custom-root'), 'frank', ['frank', 'ops'])).toBe(
      "sshd does not allow any of this user's groups (AllowGroups)",
    );
    expect(sshdRefusal(captured('custom-root'), 'carol', ['wheel'])).toBe('sshd denies this user (DenyUsers carol@10.0.0.*)');
    expect(sshdRefusal(captured('cmdonly-root'), 'alice', [])).toBe(
      'sshd allows this user only from some addresses (AllowUsers alice@192.168.1.*)',
    );
    expect(sshdRefusal(captured('cmdonly-bob'), 'bob', [])).toBeUndefined();
    expect(sshdRefusal(captured('cmdonly-root'), 'bobby', [])).toBe('sshd does not allow this user (AllowUsers)');
  });
});

describe('inheritableKeys on a host with Match blocks, AllowGroups and an AuthorizedKeysCommand', () => {
  const host = () =>
    fakeHost(
      fileHost({
        sshd: 'custom',
        group: GROUP.replace('wheel:x:10:alice,dave', 'wheel:x:10:alice,dave,bob'),
        commands: { 'nobody /usr/bin/sss_ssh_authorizedkeys alice': { stdout: `${keyFixture('ldap_ed25519')}\n` } },
        files: {
          ...fileHost().files,
          '/etc/ssh/authorized_keys/alice': { content: `${keyFixture('alice_ecdsa256')}\n` },
          '/home/alice/.ssh/authorized_keys': { uid: 1001, mode: 0o600, content: `${keyFixture('alice_ecdsa384')}\n` },
          '/srv/bob/.ssh/bob_keys': { uid: 1002, mode: 0o600, content: `${keyFixture('bob_ecdsa521')}\n` },
        },
      }),
    );

  it('follows what sshd says for each user', async () => {
    const h = host();
    const { keys, notes } = await inheritableKeys(h);
    expect(keys.map((k) => `${k.user} ${k.source} ${k.key}`)).toEqual([
      `alice /etc/ssh/authorized_keys/alice ${keyFixture('alice_ecdsa256')}`,
      `alice /home/alice/.ssh/authorized_keys ${keyFixture('alice_ecdsa384')}`,
      `alice AuthorizedKeysCommand ${keyFixture('ldap_ed25519')}`,
      `bob /srv/bob/.ssh/bob_keys ${keyFixture('bob_ecdsa521')}`,
    ]);
    expect(notes).toEqual(
      expect.arrayContaining([
        'root: keys not carried: sshd refuses root logins (PermitRootLogin no)',
        // ~ in sshd_config is root's home, whoever logs in: alice may not read it.
        'alice: /root/.ssh/extra_1001 not read: alice may not read it',
        'bob: AuthorizedKeysCommand needs %t (an offered key), so its keys cannot be listed ahead of a login',
        'carol: keys not carried: sshd denies this user (DenyUsers carol@10.0.0.*)',
        "frank: keys not carried: sshd does not allow any of this user's groups (AllowGroups)",
        "svc: keys not carried: sshd does not allow any of this user's groups (AllowGroups)",
      ]),
    );
    const argvs = h.runner.calls.map((c) => c.argv.join(' '));
    expect(argvs).toContain('runuser -u nobody -- /usr/bin/sss_ssh_authorizedkeys alice');
    expect(argvs.filter((a) => a.startsWith('runuser -u root'))).toEqual([]);
    const command = h.runner.calls.find((c) => c.argv.includes('/usr/bin/sss_ssh_authorizedkeys'));
    expect(command?.options).toMatchObject({ allowFailure: true, timeoutMs: 30_000 });
  });

  it('takes keys only from AuthorizedKeysCommand when AuthorizedKeysFile is none, and drops a failing command', async () => {
    const h = fakeHost(
      fileHost({
        sshd: 'cmdonly',
        commands: {
          'keylookup /usr/local/bin/keys-for --user root --home /root --uid 0': {
            stdout: `${keyFixture('root_ed25519')}\ncommand="/bin/date" ${keyFixture('deploy_ed25519')}\n`,
          },
          'keylookup /usr/local/bin/keys-for --user bob --home /srv/bob --uid 1002': {
            stdout: `${keyFixture('bob_ecdsa521')}\n`,
            exitCode: 1,
          },
        },
      }),
    );
    const { keys, notes } = await inheritableKeys(h);
    expect(keys.map((k) => `${k.user} ${k.source} ${k.key}`)).toEqual([`root AuthorizedKeysCommand ${keyFixture('root_ed25519')}`]);
    expect(notes).toEqual(
      expect.arrayContaining([
        "root's AuthorizedKeysCommand line 2: not carried: SHA256:fCET3BTKBA1iflAyGC9OpSnnxG+ACh+ixnmoM3qBuvc is a restricted key (command): without its options it would give more access than it has now",
        'alice: keys not carried: sshd allows this user only from some addresses (AllowUsers alice@192.168.1.*)',
        'bob: AuthorizedKeysCommand /usr/local/bin/keys-for failed (exit 1); its keys are not carried',
        'carol: keys not carried: sshd does not allow this user (AllowUsers)',
      ]),
    );
    expect(h.runner.calls.filter((c) => c.argv.includes('cat'))).toEqual([]);
  });
});

describe('group patterns', () => {
  it('follows sshd: a negated match neither allows nor denies', () => {
    const view = { ...captured('debian-root'), allowGroups: ['staff,!interns'], denyGroups: ['!staff'] };
    expect(matchPatternList('staff', 'staff,!interns')).toBe(1);
    expect(matchPatternList('interns', 'st*,!interns')).toBe(-1);
    expect(sshdRefusal(view, 'tom', ['staff'])).toBeUndefined();
    expect(sshdRefusal(view, 'ivy', ['interns', 'staff'])).toBe("sshd does not allow any of this user's groups (AllowGroups)");
    expect(sshdRefusal({ ...view, denyGroups: ['inter?s'] }, 'ivy', ['interns', 'staff'])).toBe(
      "sshd denies this user's group (DenyGroups inter?s)",
    );
  });
});
