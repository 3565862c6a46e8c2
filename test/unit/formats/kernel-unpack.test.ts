/**
 * The peer that matters most: the Linux kernel's own initramfs unpacker. A real kernel boots under
 * QEMU (TCG, no KVM needed) from an initrd combined by combineInitrd out of GNU cpio archives
 * (plain, gzip, xz, zstd) and our compressedCpio payload, and reports what it unpacked.
 */
import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, createReadStream, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressedCpio, type CpioEntry } from '../../../src/formats/cpio.js';
import { findInInitrd } from '../../../src/formats/initrd.js';
import { combineInitrd } from '../../../src/stage/combine.js';
import { hasTool, run, scratchDir } from './tools.js';

function readableKernel(): string | undefined {
  const kernels = readdirSync('/boot')
    .filter((name) => name.startsWith('vmlinuz-'))
    .sort()
    .reverse();
  for (const name of kernels) {
    try {
      accessSync(path.join('/boot', name), constants.R_OK);
      return path.join('/boot', name);
    } catch {
      // not readable as this user
    }
  }
  return undefined;
}

const kernel = readableKernel();
const busybox = ['/usr/bin/busybox', '/bin/busybox'].find((candidate) => {
  const result = spawnSync('file', ['-L', candidate]);
  return result.status === 0 && result.stdout.toString().includes('statically linked');
});
// The peers are installed by scripts/setup.sh; a missing one fails the test instead of skipping it.
// Only the architecture is a reason to skip: the guest is an x86_64 QEMU booting this x86_64 kernel.
const missingPeers = [
  kernel === undefined && 'a readable /boot/vmlinuz-*',
  busybox === undefined && 'a static busybox',
  !hasTool('qemu-system-x86_64') && 'qemu-system-x86_64',
].filter(Boolean);

const sha = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

interface Seen {
  type: string;
  mode: string;
  size: number;
  sha256?: string;
  target?: string;
}

describe.skipIf(process.arch !== 'x64')('the Linux kernel unpacks our combined initrd', () => {
  it('has its peers (scripts/setup.sh installs them)', () => {
    expect(missingPeers).toEqual([]);
  });
  let dir: string;
  let cleanup: () => void;
  let combined: string;
  let seen: Map<string, Seen>;
  let unpackError: string | undefined;
  const payload: CpioEntry[] = [
    { type: 'file', path: 'config.ign', mode: 0o600, data: Buffer.from('{"ignition":{"version":"3.2.0"}}') },
    { type: 'dir', path: 'etc/nestos', mode: 0o700 },
    { type: 'file', path: 'etc/nestos/installer.d/0001-x2nestos.yaml', mode: 0o600, data: Buffer.from('offline: true\n') },
    { type: 'symlink', path: 'etc/nestos/current.yaml', target: 'installer.d/0001-x2nestos.yaml' },
    { type: 'file', path: 'etc/nestos-firstboot-network/eth0.nmconnection', mode: 0o600, data: Buffer.from('[connection]\nid=eth0\n') },
    { type: 'file', path: 'usr/local/bin/odd-size', mode: 0o755, data: randomBytes(4097) },
    // Also present in the xz member earlier: the later member must win.
    { type: 'file', path: 'etc/override', mode: 0o644, data: Buffer.from('from our payload\n') },
  ];
  const checked = [
    'etc/nestos-live-initramfs',
    'etc/xz-only',
    'etc/zstd-only',
    'etc/gzip-only',
    'etc/nestos-live-rootfs',
    'root.squashfs',
    'config.ign',
    'etc/nestos',
    'etc/nestos/installer.d',
    'etc/nestos/installer.d/0001-x2nestos.yaml',
    'etc/nestos/current.yaml',
    'etc/nestos-firstboot-network/eth0.nmconnection',
    'usr/local/bin/odd-size',
    'etc/override',
  ];

  function gnuCpio(name: string, files: Record<string, string | Buffer>, mode?: number): Buffer {
    const root = path.join(dir, name);
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), content, mode === undefined ? {} : { mode });
    }
    const list = run('find', ['.', '-mindepth', '1'], { cwd: root }).toString().split('\n').filter(Boolean).sort();
    return run('cpio', ['-o', '-H', 'newc', '--quiet'], { cwd: root, input: `${list.join('\n')}\n` });
  }

  beforeAll(async () => {
    ({ dir, cleanup } = scratchDir('kernel'));
    const script = [
      '#!/bin/busybox sh',
      ...checked.map(
        (p) =>
          `/bin/busybox echo "X2|${p}|$(/bin/busybox stat -c '%F|%a|%s' /${p} 2>/dev/null)|$(/bin/busybox sha256sum /${p} 2>/dev/null | /bin/busybox cut -c1-64)|$(/bin/busybox readlink /${p})"`,
      ),
      "/bin/busybox echo 'X2|done'",
      '/bin/busybox poweroff -f',
      '',
    ].join('\n');
    const early = path.join(dir, 'early.cpio');
    mkdirSync(path.join(dir, 'early/bin'), { recursive: true });
    writeFileSync(path.join(dir, 'early/init'), script, { mode: 0o755 });
    run('cp', [busybox!, path.join(dir, 'early/bin/busybox')]);
    writeFileSync(early, run('cpio', ['-o', '-H', 'newc', '--quiet'], { cwd: path.join(dir, 'early'), input: 'init\nbin\nbin/busybox\n' }));

    const xzMember = run('xz', ['-c', '--check=crc32'], {
      input: gnuCpio('xz', {
        'etc/nestos-live-initramfs': '24.03-LTS.20240625.0\n',
        'etc/xz-only': 'xz\n',
        'etc/override': 'from the xz member\n',
      }),
    });
    const zstdMember = run('zstd', ['-q', '-c'], { input: gnuCpio('zstd', { 'etc/zstd-only': 'zstd\n' }) });
    // GNU gzip output has an odd length: combineInitrd must pad it for the next member.
    const gzipMember = run('gzip', ['-9', '-c'], { input: gnuCpio('gzip', { 'etc/gzip-only': 'gzip!\n' }) });
    const rootfs = gnuCpio('rootfs', {
      'root.squashfs': randomBytes(3 * 1024 * 1024 + 1),
      'etc/nestos-live-rootfs': '24.03-LTS.20240625.0\n',
    });

    combined = path.join(dir, 'combined.img');
    await combineInitrd(
      [
        { path: early },
        { data: xzMember },
        { data: zstdMember },
        { data: gzipMember },
        { data: rootfs },
        { data: compressedCpio(payload, 'gzip') },
      ],
      combined,
    );

    const boot = spawnSync(
      'qemu-system-x86_64',
      [
        '-accel',
        'tcg',
        '-m',
        '256',
        '-nographic',
        '-no-reboot',
        '-nodefaults',
        '-serial',
        'stdio',
        '-kernel',
        kernel!,
        '-initrd',
        combined,
        '-append',
        'console=ttyS0 quiet panic=-1',
      ],
      { timeout: 150_000, maxBuffer: 16 << 20 },
    );
    const output = boot.stdout.toString('latin1');
    if (!output.includes('X2|done')) throw new Error(`the guest did not finish: ${output.slice(-2000)}`);
    unpackError = /Initramfs unpacking failed[^\n]*/.exec(output)?.[0];
    seen = new Map();
    for (const line of output.split('\n')) {
      // The first line shares the terminal with the firmware's escape codes.
      const fields = line
        .replace(/\r/g, '')
        .replace(/^.*?(?=X2\|)/, '')
        .split('|');
      if (fields[0] !== 'X2' || fields.length < 7) continue;
      const [, name, type, mode, size, hash, target] = fields as [string, string, string, string, string, string, string];
      if (type === '') continue;
      seen.set(name, { type, mode, size: Number(size), ...(hash ? { sha256: hash } : {}), ...(target ? { target } : {}) });
    }
  }, 180_000);

  afterAll(() => cleanup?.());

  it('unpacks every member: plain, xz, zstd, gzip (odd size, padded) and ours', () => {
    expect(unpackError).toBeUndefined();
    expect(seen.get('etc/nestos-live-initramfs')?.sha256).toBe(sha(Buffer.from('24.03-LTS.20240625.0\n')));
    expect(seen.get('etc/xz-only')?.sha256).toBe(sha(Buffer.from('xz\n')));
    expect(seen.get('etc/zstd-only')?.sha256).toBe(sha(Buffer.from('zstd\n')));
    expect(seen.get('etc/gzip-only')?.sha256).toBe(sha(Buffer.from('gzip!\n')));
    expect(seen.get('root.squashfs')?.size).toBe(3 * 1024 * 1024 + 1);
  });

  it('creates our entries with their modes, contents and link targets', () => {
    for (const entry of payload) {
      const got = seen.get(entry.path);
      if (entry.type === 'file')
        expect(got, entry.path).toEqual({
          type: 'regular file',
          mode: entry.mode.toString(8),
          size: entry.data.length,
          sha256: sha(entry.data),
        });
      if (entry.type === 'dir') expect(got, entry.path).toMatchObject({ type: 'directory', mode: entry.mode.toString(8) });
      if (entry.type === 'symlink') expect(got, entry.path).toMatchObject({ type: 'symbolic link', target: entry.target });
    }
    // Parents that were added automatically.
    expect(seen.get('etc/nestos/installer.d')).toMatchObject({ type: 'directory', mode: '755' });
  });

  it('lets a later member replace a file of an earlier one', () => {
    expect(seen.get('etc/override')?.sha256).toBe(sha(Buffer.from('from our payload\n')));
  });

  it('findInInitrd reads the combined file as the kernel did (for names that occur once)', async () => {
    const once = checked.filter((name) => name !== 'etc/override' && seen.get(name)?.type === 'regular file');
    expect(once).toHaveLength(10);
    const found = await findInInitrd(createReadStream(combined), once);
    expect(Object.fromEntries([...found].map(([name, data]) => [name, sha(data)]))).toEqual(
      Object.fromEntries(once.map((name) => [name, seen.get(name)!.sha256])),
    );
  });
});
