import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isX2Error, type X2Error } from '../../../src/errors.js';
import { assertNotLockedOut, passwordUsers, sshKeyProblemsOf, sshKeysOf } from '../../../src/ignition/access.js';
import { validateIgnition } from '../../../src/ignition/validate.js';
import { sshKeygenFingerprint } from './oracle.js';

const KEYS = path.join(import.meta.dirname, '../../fixtures/ignition/keys');
const key = (name: string): string => readFileSync(path.join(KEYS, name), 'utf8').trim();
/** fingerprints.tsv: `ssh-keygen -lf` of each fixture key, recorded when the keys were made. */
const recorded = new Map(
  readFileSync(path.join(KEYS, 'fingerprints.tsv'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const [file, out] = l.split('\t');
      return [file!, out!.split(' ')[1]!] as const;
    }),
);

const decoded = (cfg: Record<string, unknown>): Record<string, unknown> => {
  const report = validateIgnition(JSON.stringify({ ignition: { version: '3.3.0' }, ...cfg }));
  expect(report.errors).toEqual([]);
  return report.config!;
};
const withKeys = (...keys: string[]): Record<string, unknown> =>
  decoded({ passwd: { users: [{ name: 'nest', sshAuthorizedKeys: keys }] } });

function thrown(fn: () => unknown): X2Error {
  try {
    fn();
  } catch (e) {
    if (isX2Error(e)) return e;
    throw e;
  }
  throw new Error('expected an X2Error');
}

/** An SSH wire-format blob: each part as a uint32-length-prefixed string. */
function blob(...parts: Buffer[]): string {
  return Buffer.concat(parts.flatMap((p) => [Buffer.from([0, 0, (p.length >> 8) & 0xff, p.length & 0xff]), p])).toString('base64');
}

describe('sshKeysOf', () => {
  const usable = ['ed25519.pub', 'rsa3072.pub', 'rsa1024.pub', 'ecdsa256.pub', 'ecdsa384.pub', 'ecdsa521.pub'];

  it.each(usable)('fingerprints %s exactly like ssh-keygen -l', (file) => {
    const [found] = sshKeysOf(withKeys(key(file)));
    expect(found?.fingerprint).toBe(recorded.get(file));
    const live = sshKeygenFingerprint(key(file));
    if (live !== undefined) expect(found?.fingerprint).toBe(live);
    expect(live).not.toBeNull();
  });

  it('reports user, type and comment', () => {
    expect(sshKeysOf(withKeys(key('ed25519.pub'), key('ecdsa384.pub'), key('ecdsa521.pub')))).toEqual([
      { user: 'nest', type: 'ssh-ed25519', fingerprint: recorded.get('ed25519.pub'), comment: 'admin@laptop' },
      { user: 'nest', type: 'ecdsa-sha2-nistp384', fingerprint: recorded.get('ecdsa384.pub') },
      { user: 'nest', type: 'ecdsa-sha2-nistp521', fingerprint: recorded.get('ecdsa521.pub'), comment: 'p521 with  spaces' },
    ]);
  });

  it('reads keys behind authorized_keys options and several lines in one entry', () => {
    const optioned = `no-port-forwarding,command="echo \\"hi there\\"" ${key('ed25519.pub')}`;
    expect(sshKeysOf(withKeys(optioned)).map((k) => k.fingerprint)).toEqual([recorded.get('ed25519.pub')]);
    expect(sshKeygenFingerprint(optioned) ?? recorded.get('ed25519.pub')).toBe(recorded.get('ed25519.pub'));
    const twoLines = `# team keys\n${key('ed25519.pub')}\n${key('rsa3072.pub')}\n`;
    expect(sshKeysOf(withKeys(twoLines))).toHaveLength(2);
  });

  it('reports, and does not count, keys sshd could never accept', () => {
    const ed = key('ed25519.pub').split(' ')[1]!;
    const smallRsa = blob(Buffer.from('ssh-rsa'), Buffer.from([1, 0, 1]), Buffer.concat([Buffer.from([0, 0xc0]), Buffer.alloc(95, 1)]));
    const config = withKeys(
      key('dsa.pub'),
      'ssh-rsa AAAA',
      `ssh-rsa ${ed} label says rsa`,
      `ssh-ed25519 ${ed.slice(0, -8)}`,
      'ssh-ed25519 @@@@',
      `ssh-rsa ${smallRsa}`,
      'not a key at all',
    );
    expect(sshKeysOf(config)).toEqual([]);
    expect(sshKeyProblemsOf(config)).toEqual([
      { user: 'nest', index: 0, reason: 'DSA keys are refused by the OpenSSH in NestOS' },
      { user: 'nest', index: 1, reason: 'the ssh-rsa key data is truncated' },
      { user: 'nest', index: 2, reason: 'the key data is not a ssh-rsa key' },
      { user: 'nest', index: 3, reason: 'the ssh-ed25519 key data is truncated' },
      { user: 'nest', index: 4, reason: 'the ssh-ed25519 key data is not base64' },
      { user: 'nest', index: 5, reason: 'the RSA key has 768 bits, OpenSSH requires at least 1024' },
      { user: 'nest', index: 6, reason: 'not an OpenSSH public key (unknown key type)' },
    ]);
    // ssh-keygen refuses it too (undefined: OpenSSH is not installed here).
    expect([null, undefined]).toContain(sshKeygenFingerprint(`ssh-rsa ${smallRsa}`));
  });

  it('follows configs embedded as data: URLs, gzip-compressed or not, and drops deleted users', () => {
    const child = JSON.stringify({
      ignition: { version: '3.2.0' },
      passwd: { users: [{ name: 'ops', sshAuthorizedKeys: [key('rsa3072.pub')] }] },
    });
    const config = decoded({
      ignition: {
        version: '3.3.0',
        config: {
          merge: [
            { source: `data:;base64,${Buffer.from(child).toString('base64')}` },
            {
              source: `data:;base64,${gzipSync(JSON.stringify({ ignition: { version: '3.3.0' }, passwd: { users: [{ name: 'gone', shouldExist: false }] } })).toString('base64')}`,
              compression: 'gzip',
            },
          ],
        },
      },
      passwd: {
        users: [
          { name: 'nest', sshAuthorizedKeys: [key('ed25519.pub')] },
          { name: 'gone', sshAuthorizedKeys: [key('ecdsa256.pub')] },
        ],
      },
    });
    expect(sshKeysOf(config).map((k) => `${k.user} ${k.type}`)).toEqual(['nest ssh-ed25519', 'ops ssh-rsa']);
  });
});

describe('assertNotLockedOut', () => {
  it('returns the keys that let someone in', () => {
    expect(assertNotLockedOut(withKeys(key('ed25519.pub')), { allowNoSshKey: false })).toHaveLength(1);
  });

  it('refuses a config without a usable key, naming the flags that unblock', () => {
    const e = thrown(() => assertNotLockedOut(withKeys(key('dsa.pub')), { allowNoSshKey: false }));
    expect(e.kind).toBe('ignition');
    expect(e.oneLine()).toBe(
      'the Ignition config gives no user a usable SSH key (user "nest", sshAuthorizedKeys[0]: DSA keys are refused by the OpenSSH in NestOS): add passwd.users[].sshAuthorizedKeys for user "nest", use --inherit-ssh-keys, or pass --allow-no-ssh-key',
    );
    expect(e.details).toEqual(['user "nest", sshAuthorizedKeys[0]: DSA keys are refused by the OpenSSH in NestOS']);
    expect(e.details.join()).not.toContain('AAAA');
  });

  it('accepts no key when told so, or when keys are added elsewhere', () => {
    const config = decoded({ passwd: { users: [{ name: 'nest', passwordHash: '$6$x' }] } });
    expect(assertNotLockedOut(config, { allowNoSshKey: true })).toEqual([]);
    expect(assertNotLockedOut(config, { allowNoSshKey: false, extraKeys: 2 })).toEqual([]);
    expect(passwordUsers(config)).toEqual(['nest']);
  });

  it('says when keys may come from a referenced config it cannot see', () => {
    const config = decoded({
      ignition: { version: '3.3.0', config: { merge: [{ source: 'https://user:pw@cfg.example.com/base.ign?token=secret' }] } },
    });
    const e = thrown(() => assertNotLockedOut(config, { allowNoSshKey: false }));
    expect(e.message).toContain('https://cfg.example.com/base.ign?…');
    expect(e.oneLine()).not.toMatch(/secret|pw@/);
    expect(e.remedy).toContain('--allow-no-ssh-key');
    expect(assertNotLockedOut(config, { allowNoSshKey: true })).toEqual([]);
  });

  it('does not count keys a remote replace throws away', () => {
    const config = decoded({
      ignition: { version: '3.3.0', config: { replace: { source: 'https://cfg.example.com/real.ign' } } },
      passwd: { users: [{ name: 'nest', sshAuthorizedKeys: [key('ed25519.pub')] }] },
    });
    expect(sshKeysOf(config)).toEqual([]);
    expect(() => assertNotLockedOut(config, { allowNoSshKey: false })).toThrow(/cfg\.example\.com\/real\.ign/);
  });
});
