/**
 * SHA-512 crypt against the real implementations: OpenSSL's `openssl passwd -6` and glibc's
 * crypt(3) (through perl's crypt, which is glibc's, for the rounds= form OpenSSL cannot produce).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hashPassword, newSalt, sha512Crypt } from '../../../src/guided/sha512-crypt.js';

const openssl = (password: string, salt: string) => {
  const r = spawnSync('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], { input: password + '\n' });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return r.stdout.toString().trim();
};

const glibc = (password: string, setting: string) => {
  const r = spawnSync('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', password, setting]);
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return r.stdout.toString().trim();
};

describe('sha512Crypt', () => {
  const cases: [string, string][] = [
    ['hello world', 'abcdefgh'],
    ['x', 'saltsaltsaltsalt'],
    ['密码 with ünïcode', 'Zz./09'],
    ['a'.repeat(64), 'short'],
    ['b'.repeat(200), 'sixteen_chars_ok'],
    ['Tr0ub4dor&3', 'A'],
  ];
  it.each(cases)('matches openssl passwd -6 for %j salt %j', (password, salt) => {
    expect(sha512Crypt(password, salt)).toBe(openssl(password, salt));
  });

  it('matches glibc crypt(3), with rounds=, an empty password and a salt cut to 16 characters', () => {
    expect(sha512Crypt('hello world', 'abcdefgh', 10000)).toBe(glibc('hello world', '$6$rounds=10000$abcdefgh'));
    expect(sha512Crypt('', 'abcdefgh')).toBe(glibc('', '$6$abcdefgh'));
    expect(sha512Crypt('pw', 'abcdefghijklmnopqrstuvwxyz')).toBe(glibc('pw', '$6$abcdefghijklmnopqrstuvwxyz'));
    expect(sha512Crypt('pw', 'abcdefgh', 1000)).toBe(glibc('pw', '$6$rounds=1000$abcdefgh'));
  });

  it('makes a fresh 16-character salt each time, from the crypt alphabet', () => {
    const a = newSalt();
    expect(a).toMatch(/^[./0-9A-Za-z]{16}$/);
    expect(newSalt()).not.toBe(a);
    const hash = hashPassword('secret', () => new Uint8Array(16).fill(5));
    expect(hash).toBe(openssl('secret', '3333333333333333'));
  });
});
