import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inheritableKeys, type InheritedKey } from '../../../src/identity/authorized-keys.js';
import { fakeHost, FIXTURES, keyFixture } from './fake-host.js';
import { authorizedKeys, fileHost } from './scenarios.js';

/** `ssh-keygen -lf` over a file: fingerprint → comment, for every key OpenSSH can load from it. */
function sshKeygenFingerprints(text: string): Map<string, string> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'x2n-id-')), 'keys');
  writeFileSync(file, text);
  const r = spawnSync('ssh-keygen', ['-lf', file], { encoding: 'utf8' });
  if (r.error) throw new Error('ssh-keygen is missing: apt-get install -y openssh-client');
  const out = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^\d+ (SHA256:\S+) (.*) \(([A-Z0-9-]+)\)$/s.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

const fp = (name: string): string => [...sshKeygenFingerprints(keyFixture(name)).keys()][0]!;
const summary = (keys: InheritedKey[]) => keys.map((k) => `${k.user} ${k.source} ${k.type} ${k.fingerprint}`);
const blobsOf = (text: string) => [...text.matchAll(/AAAA[A-Za-z0-9+/]{20,}/g)].map((m) => m[0]);

describe('inheritableKeys on a host whose sshd uses the default key files', () => {
  it('carries the unrestricted keys of root and the sudo-capable users, once each', async () => {
    const host = fakeHost(fileHost());
    const { keys } = await inheritableKeys(host);
    expect(summary(keys)).toEqual([
      `root /root/.ssh/authorized_keys ssh-ed25519 ${fp('root_ed25519')}`,
      `root /root/.ssh/authorized_keys ssh-rsa ${fp('ops_rsa')}`,
      `alice /home/alice/.ssh/authorized_keys ecdsa-sha2-nistp256 ${fp('alice_ecdsa256')}`,
      `alice /home/alice/.ssh/authorized_keys ecdsa-sha2-nistp384 ${fp('alice_ecdsa384')}`,
      `alice /home/alice/.ssh/authorized_keys sk-ssh-ed25519@openssh.com ${fp('yubikey_sk_ed25519')}`,
      `alice /home/alice/.ssh/authorized_keys ssh-rsa ${fp('old_rsa1024')}`,
    ]);
    // Options stripped, key text and comment exactly as the user wrote them.
    expect(keys.map((k) => k.key)).toEqual(
      ['root_ed25519', 'ops_rsa', 'alice_ecdsa256', 'alice_ecdsa384', 'yubikey_sk_ed25519', 'old_rsa1024'].map(keyFixture),
    );
  });

  it('agrees with ssh-keygen -lf on every fingerprint, and carries only keys OpenSSH can load', async () => {
    const { keys } = await inheritableKeys(fakeHost(fileHost()));
    const loadable = new Map([...sshKeygenFingerprints(authorizedKeys('root')), ...sshKeygenFingerprints(authorizedKeys('alice'))]);
    for (const k of keys) expect(loadable.has(k.fingerprint), k.fingerprint).toBe(true);
    for (const name of readdirSync(path.join(FIXTURES, 'keys')).map((f) => f.replace(/\.pub$/, ''))) {
      const [expected] = [...sshKeygenFingerprints(keyFixture(name)).keys()];
      const single = await inheritableKeys(
        fakeHost({
          ...fileHost(),
          sshd: 'debian',
          files: { '/root': { kind: 'dir', mode: 0o700 }, '/root/.ssh/authorized_keys': { content: `${keyFixture(name)}\n`, mode: 0o600 } },
        }),
      );
      if (name === 'ancient_dsa') expect(single.keys).toEqual([]);
      else
        expect(
          single.keys.map((k) => k.fingerprint),
          name,
        ).toEqual([expected]);
    }
  });

  it('reports every key it leaves behind, with the reason and without key material', async () => {
    const { notes } = await inheritableKeys(fakeHost(fileHost()));
    const rootFile = "root's /root/.ssh/authorized_keys";
    expect(notes).toEqual(
      expect.arrayContaining([
        `${rootFile} line 4: not carried: ${fp('backup_ed25519')} is a restricted key (from, command, no-pty): without its options it would give more access than it has now`,
        `${rootFile} line 6: not carried: the ssh-ed25519 key data is truncated`,
        `${rootFile} line 7: not carried: the key data is not a ssh-rsa key`,
        `${rootFile} line 8: not carried: the ssh-ed25519 key data is not base64`,
        `${rootFile} line 9: not carried: DSA keys are refused by the OpenSSH in NestOS`,
        `${rootFile} line 10: not carried: ${fp('deploy_ed25519')} is a restricted key (restrict): without its options it would give more access than it has now`,
        `${rootFile} line 12: not carried: unterminated quote in the key options`,
        'alice: /home/alice/.ssh/authorized_keys2 not read: alice may not read it',
        'bob: /srv/bob/.ssh/authorized_keys not carried: sshd ignores it (StrictModes: bad ownership or modes for file /srv/bob/.ssh/authorized_keys)',
        `carol's /home/carol/.ssh/authorized_keys line 1: not carried: ${fp('deploy_ed25519')} is a certificate authority, not a login key (NestOS would need TrustedUserCAKeys)`,
        'dave: skipped, login shell is /sbin/nologin',
        '/etc/sudoers: User_Alias not evaluated; members of aliases are not looked at for SSH keys',
        '/etc/sudoers: sudoers alias ADMINS not evaluated',
      ]),
    );
    const material = ['root', 'alice', 'bob', 'carol', 'secret'].flatMap((f) => blobsOf(authorizedKeys(f)));
    expect(material.length).toBeGreaterThan(10);
    for (const blob of material) expect(notes.join('\n')).not.toContain(blob);
  });

  it('never discloses a key its user cannot read, nor the keys of users who cannot sudo', async () => {
    const { keys } = await inheritableKeys(fakeHost(fileHost()));
    const secret = blobsOf(authorizedKeys('secret'))[0]!;
    expect(JSON.stringify(keys)).not.toContain(secret);
    expect(keys.map((k) => k.user)).not.toContain('erin');
  });

  it('reads every file as its user and asks sshd about each sudo-capable user', async () => {
    const host = fakeHost(fileHost());
    await inheritableKeys(host);
    const argvs = host.runner.calls.map((c) => c.argv.join(' '));
    const cats = argvs.filter((a) => a.includes(' cat -- '));
    const homes: Record<string, string> = {
      root: '/root/',
      alice: '/home/alice/',
      bob: '/srv/bob/',
      carol: '/home/carol/',
      frank: '/home/frank/',
      svc: '/var/lib/svc/',
    };
    for (const cat of cats) {
      const [, , user, , , , file] = cat.split(' ');
      expect(file!.startsWith(homes[user!]!), cat).toBe(true);
    }
    expect(cats).toContain('runuser -u alice -- cat -- /home/alice/.ssh/authorized_keys2');
    const asked = argvs.filter((a) => a.startsWith('/usr/sbin/sshd')).map((a) => /user=([^,]+)/.exec(a)![1]);
    expect(asked).toEqual(['root', 'alice', 'bob', 'carol', 'frank', 'svc']);
    // svc is only known to the directory service: looked up by name.
    expect(argvs).toContain('getent passwd svc');
    expect(argvs.filter((a) => a.includes('ghost') || a.includes('erin'))).toEqual([]);
    expect(host.runner.calls.every((c) => c.argv[0] === 'getent' || c.argv[0] === 'id' || c.options?.allowFailure === true)).toBe(true);
  });

  it('reads /etc/passwd and /etc/group when getent is missing', async () => {
    const host = fakeHost(fileHost({ getent: false }));
    const { keys, notes } = await inheritableKeys(host);
    expect(keys).toHaveLength(6);
    // Without NSS, the directory-only service account cannot be found.
    expect(notes).toContain('svc may use sudo but has no account here');
  });
});

describe('inheritableKeys where sshd cannot be asked', () => {
  it('falls back to ~/.ssh/authorized_keys and authorized_keys2 when sshd is not installed', async () => {
    const { keys, notes } = await inheritableKeys(fakeHost(fileHost({ sshd: 'missing' })));
    expect(notes).toContain(
      "/usr/sbin/sshd is not installed: looking for keys in sshd's default places (~/.ssh/authorized_keys, ~/.ssh/authorized_keys2)",
    );
    expect(notes.filter((n) => n.includes('not installed'))).toHaveLength(1);
    expect(keys).toHaveLength(6);
  });

  it('says why when sshd -T fails (a broken sshd_config, real sshd stderr)', async () => {
    const { notes } = await inheritableKeys(fakeHost(fileHost({ sshd: 'broken' })));
    expect(notes).toContain(
      "`sshd -T` failed (exit 255: /etc/ssh/sshd_config: terminating, 1 bad configuration options): looking for keys in sshd's default places (~/.ssh/authorized_keys, ~/.ssh/authorized_keys2)",
    );
  });
});
