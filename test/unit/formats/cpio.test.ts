import { chmodSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compressedCpio, cpioArchive, type CpioEntry } from '../../../src/formats/cpio.js';
import { listCpio, run, scratchDir } from './tools.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function scratch(prefix: string): string {
  const { dir, cleanup } = scratchDir(prefix);
  cleanups.push(cleanup);
  return dir;
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Sizes 0..7 exercise every data padding; names of every length mod 4 exercise name padding. */
const sample: CpioEntry[] = [
  { type: 'file', path: 'config.ign', mode: 0o600, data: bytes('{"ignition":{"version":"3.2.0"}}') },
  { type: 'dir', path: 'etc/nestos', mode: 0o700 },
  { type: 'file', path: 'etc/nestos/installer.d/0001-x2nestos.yaml', mode: 0o600, data: bytes('offline: true\n') },
  { type: 'file', path: 'etc/nestos-firstboot-network/eth0.nmconnection', mode: 0o600, data: bytes('[connection]\nid=eth0\n') },
  { type: 'file', path: 'usr/local/bin/hello', mode: 0o755, data: bytes('#!/bin/sh\necho hi\n') },
  { type: 'symlink', path: 'usr/local/bin/hi', target: 'hello' },
  { type: 'file', path: 'empty', mode: 0o644, data: new Uint8Array(0) },
  ...[1, 2, 3, 4, 5, 6, 7].map((n): CpioEntry => ({ type: 'file', path: `pad/${'n'.repeat(n)}`, mode: 0o644, data: bytes('x'.repeat(n)) })),
  { type: 'file', path: 'bin.dat', mode: 0o640, data: Uint8Array.from({ length: 70_001 }, (_, i) => (i * 7919) % 256) },
];

describe('cpioArchive, read by GNU cpio', () => {
  it('is 4-byte aligned, ends with the trailer and is byte-for-byte reproducible', () => {
    const archive = cpioArchive(sample);
    expect(archive.length % 4).toBe(0);
    expect(archive.subarray(0, 6).toString()).toBe('070701');
    expect(archive.includes(Buffer.from('TRAILER!!!\0'))).toBe(true);
    expect(cpioArchive(sample).equals(archive)).toBe(true);
  });

  it('lists with the right names, modes, owners, sizes, link counts and link targets', () => {
    const listed = listCpio(cpioArchive(sample));
    const byName = new Map(listed.map((member) => [member.name, member]));
    // Parents come first and were added automatically (mode 0755), except etc/nestos given as 0700.
    expect(listed.map((m) => m.name).slice(0, 6)).toEqual([
      'config.ign',
      'etc',
      'etc/nestos',
      'etc/nestos/installer.d',
      'etc/nestos/installer.d/0001-x2nestos.yaml',
      'etc/nestos-firstboot-network',
    ]);
    expect(byName.get('etc')).toMatchObject({ mode: 'drwxr-xr-x', nlink: 4, uid: 0, gid: 0 });
    expect(byName.get('etc/nestos')).toMatchObject({ mode: 'drwx------', nlink: 3 });
    expect(byName.get('etc/nestos/installer.d')).toMatchObject({ mode: 'drwxr-xr-x', nlink: 2 });
    expect(byName.get('config.ign')).toMatchObject({ mode: '-rw-------', nlink: 1, size: 32 });
    expect(byName.get('usr/local/bin/hello')).toMatchObject({ mode: '-rwxr-xr-x', size: 18 });
    expect(byName.get('usr/local/bin/hi')).toMatchObject({ mode: 'lrwxrwxrwx', target: 'hello', size: 5 });
    expect(byName.get('empty')).toMatchObject({ mode: '-rw-r--r--', size: 0 });
    expect(byName.get('bin.dat')).toMatchObject({ mode: '-rw-r-----', size: 70_001 });
    expect(listed.every((m) => m.uid === 0 && m.gid === 0)).toBe(true);
    // Added parents: etc, etc/nestos/installer.d, etc/nestos-firstboot-network, usr, usr/local, usr/local/bin, pad.
    expect(listed).toHaveLength(sample.length + 7);
  });

  it('extracts with cpio -idv to the same contents, modes and symlinks', () => {
    const dir = scratch('cpio-x');
    run('cpio', ['-idv', '--quiet', '--no-absolute-filenames'], { cwd: dir, input: cpioArchive(sample) });
    for (const entry of sample) {
      const at = path.join(dir, entry.path);
      const stat = lstatSync(at);
      if (entry.type === 'file') {
        expect(stat.isFile()).toBe(true);
        expect(stat.mode & 0o7777).toBe(entry.mode);
        expect(readFileSync(at).equals(Buffer.from(entry.data))).toBe(true);
      } else if (entry.type === 'dir') {
        expect(stat.isDirectory()).toBe(true);
        expect(stat.mode & 0o7777).toBe(entry.mode);
      } else {
        expect(stat.isSymbolicLink()).toBe(true);
        expect(readlinkSync(at)).toBe(entry.target);
      }
    }
  });

  it('keeps the mode of a directory given after something inside it', () => {
    const listed = listCpio(
      cpioArchive([
        { type: 'file', path: '/etc/nestos/dest.ign', mode: 0o600, data: bytes('{}') },
        { type: 'dir', path: 'etc/nestos', mode: 0o700 },
      ]),
    );
    expect(listed.map((m) => [m.name, m.mode])).toEqual([
      ['etc', 'drwxr-xr-x'],
      ['etc/nestos', 'drwx------'],
      ['etc/nestos/dest.ign', '-rw-------'],
    ]);
  });

  it('refuses duplicate paths and paths that climb out of the root', () => {
    const file = (p: string): CpioEntry => ({ type: 'file', path: p, mode: 0o644, data: bytes('') });
    expect(() => cpioArchive([file('a'), file('/a')])).toThrow(/twice/);
    expect(() => cpioArchive([file('a/../../etc/shadow')])).toThrow(/invalid cpio member path/);
    expect(() => cpioArchive([file('a'), file('a/b')])).toThrow(/both as a directory and as a file/);
  });
});

describe('cpioArchive against find | cpio -o -H newc', () => {
  it('lists the same members (names, modes, link counts, sizes, targets) and the same contents', () => {
    const tree = scratch('cpio-tree');
    mkdirSync(path.join(tree, 'etc/nestos/installer.d'), { recursive: true });
    mkdirSync(path.join(tree, 'etc/nestos-firstboot-network'), { recursive: true });
    mkdirSync(path.join(tree, 'usr/lib/x'), { recursive: true });
    writeFileSync(path.join(tree, 'etc/nestos/installer.d/0001.yaml'), 'offline: true\n');
    writeFileSync(path.join(tree, 'etc/nestos-firstboot-network/eth0.nmconnection'), '[connection]\n');
    writeFileSync(path.join(tree, 'usr/lib/x/blob'), Buffer.alloc(4097, 0xab));
    writeFileSync(path.join(tree, 'usr/lib/x/three'), 'abc');
    symlinkSync('../lib/x/blob', path.join(tree, 'usr/lib/link'));
    chmodSync(path.join(tree, 'etc/nestos'), 0o700);
    chmodSync(path.join(tree, 'etc/nestos/installer.d/0001.yaml'), 0o600);
    chmodSync(path.join(tree, 'usr/lib/x/three'), 0o751);

    const names = run('find', ['etc', 'usr'], { cwd: tree }).toString().trim().split('\n').sort();
    const theirs = run('cpio', ['-o', '-H', 'newc', '--quiet'], { cwd: tree, input: `${names.join('\n')}\n` });
    const ours = cpioArchive(
      names.map((name): CpioEntry => {
        const at = path.join(tree, name);
        const stat = lstatSync(at);
        if (stat.isSymbolicLink()) return { type: 'symlink', path: name, target: readlinkSync(at) };
        if (stat.isDirectory()) return { type: 'dir', path: name, mode: stat.mode & 0o7777 };
        return { type: 'file', path: name, mode: stat.mode & 0o7777, data: readFileSync(at) };
      }),
    );

    const comparable = (archive: Buffer): unknown[] =>
      listCpio(archive).map(({ mode, nlink, size, name, target }) => ({ mode, nlink, size, name, target }));
    expect(comparable(ours)).toEqual(comparable(theirs));

    const extracted = (archive: Buffer): Map<string, string> => {
      const dir = scratch('cpio-cmp');
      run('cpio', ['-id', '--quiet'], { cwd: dir, input: archive });
      const found = new Map<string, string>();
      const walk = (rel: string): void => {
        for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
          const child = path.join(rel, entry.name);
          if (entry.isDirectory()) walk(child);
          else if (entry.isSymbolicLink()) found.set(child, `-> ${readlinkSync(path.join(dir, child))}`);
          else found.set(child, readFileSync(path.join(dir, child)).toString('base64'));
        }
      };
      walk('');
      return found;
    };
    expect(extracted(ours)).toEqual(extracted(theirs));
  });
});

describe('compressedCpio and the kernel rules for appended members', () => {
  it('gzip member decodes with gzip -dc to the plain archive and is padded to 4 bytes', () => {
    const gz = compressedCpio(sample, 'gzip');
    expect(gz.length % 4).toBe(0);
    expect(gz.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(run('gzip', ['-dc'], { input: gz }).equals(cpioArchive(sample))).toBe(true);
    expect(compressedCpio(sample, 'gzip').equals(gz)).toBe(true);
  });

  it("'none' is the plain archive", () => {
    expect(compressedCpio(sample, 'none').equals(cpioArchive(sample))).toBe(true);
  });

  it('appended after an odd-sized archive (padded), every member still lists with cpio -t', () => {
    // Whatever sits in front (an initramfs) is padded to 4; our member starts on that boundary.
    const front = cpioArchive([{ type: 'file', path: 'early/microcode.bin', mode: 0o644, data: bytes('abcde') }]);
    const ours = compressedCpio([{ type: 'file', path: 'config.ign', mode: 0o600, data: bytes('{}') }], 'gzip');
    const tail = cpioArchive([{ type: 'file', path: 'etc/later', mode: 0o644, data: bytes('z') }]);
    const combined = Buffer.concat([front, ours, tail]);
    expect(front.length % 4).toBe(0);
    expect(ours.length % 4).toBe(0);

    // GNU cpio reads the first member and stops at its trailer.
    expect(listCpio(combined).map((m) => m.name)).toEqual(['early', 'early/microcode.bin']);
    const second = combined.subarray(front.length, front.length + ours.length);
    expect(listCpio(run('gzip', ['-dc'], { input: second })).map((m) => m.name)).toEqual(['config.ign']);
    expect(listCpio(combined.subarray(front.length + ours.length)).map((m) => m.name)).toEqual(['etc', 'etc/later']);
  });
});
