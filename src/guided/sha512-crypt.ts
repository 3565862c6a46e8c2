/**
 * SHA-512 crypt ("$6$", Ulrich Drepper's specification, what glibc's crypt(3) and
 * `openssl passwd -6` produce): the form Ignition's `passwordHash` takes. Written out here rather
 * than pulled in as a dependency: it is short, and the password never leaves this process.
 */
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DEFAULT_ROUNDS = 5000;
const SALT_MAX = 16;

// The order in which the 64 digest bytes are spread over the 86 output characters, three at a time.
const SPREAD: [number, number, number][] = [
  [0, 21, 42],
  [22, 43, 1],
  [44, 2, 23],
  [3, 24, 45],
  [25, 46, 4],
  [47, 5, 26],
  [6, 27, 48],
  [28, 49, 7],
  [50, 8, 29],
  [9, 30, 51],
  [31, 52, 10],
  [53, 11, 32],
  [12, 33, 54],
  [34, 55, 13],
  [56, 14, 35],
  [15, 36, 57],
  [37, 58, 16],
  [59, 17, 38],
  [18, 39, 60],
  [40, 61, 19],
  [62, 20, 41],
];

const sha512 = (...parts: Buffer[]) => {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** `length` bytes of `block` repeated. */
const stretch = (block: Buffer, length: number) =>
  Buffer.concat(Array.from({ length: Math.ceil(length / block.length) || 0 }, () => block)).subarray(0, length);

function encode(b2: number, b1: number, b0: number, chars: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let out = '';
  for (let i = 0; i < chars; i++) {
    out += ALPHABET[w & 0x3f];
    w >>= 6;
  }
  return out;
}

export function sha512Crypt(password: string, salt: string, rounds = DEFAULT_ROUNDS): string {
  const p = Buffer.from(password, 'utf8');
  const s = Buffer.from(salt.slice(0, SALT_MAX), 'utf8');
  const r = Math.min(999_999_999, Math.max(1000, rounds));

  const b = sha512(p, s, p);
  const a = createHash('sha512').update(p).update(s).update(stretch(b, p.length));
  for (let n = p.length; n > 0; n >>= 1) a.update(n & 1 ? b : p);
  const alternate = a.digest();

  const pBytes = stretch(sha512(...Array.from({ length: p.length }, () => p)), p.length);
  const sBytes = stretch(sha512(...Array.from({ length: 16 + alternate[0]! }, () => s)), s.length);

  let c = alternate;
  for (let i = 0; i < r; i++) {
    const h = createHash('sha512');
    h.update(i & 1 ? pBytes : c);
    if (i % 3 !== 0) h.update(sBytes);
    if (i % 7 !== 0) h.update(pBytes);
    h.update(i & 1 ? c : pBytes);
    c = h.digest();
  }

  const hash = SPREAD.map(([x, y, z]) => encode(c[x]!, c[y]!, c[z]!, 4)).join('') + encode(0, 0, c[63]!, 2);
  return `$6$${r === DEFAULT_ROUNDS ? '' : `rounds=${r}$`}${s.toString('utf8')}$${hash}`;
}

/** A fresh 16-character salt from the crypt alphabet. */
export function newSalt(random: (n: number) => Uint8Array = randomBytes): string {
  return Array.from(random(SALT_MAX), (byte) => ALPHABET[byte & 0x3f]).join('');
}

export function hashPassword(password: string, random?: (n: number) => Uint8Array): string {
  return sha512Crypt(password, newSalt(random));
}
