import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, linkSync, mkdirSync, openSync, readFileSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isX2Error, type X2Error } from '../../../src/errors.js';
import { compressedCpio } from '../../../src/formats/cpio.js';
import { findInInitrd } from '../../../src/formats/initrd.js';
import { liveBuildId } from '../../../src/fetch/build-id.js';
import { run, scratchDir } from './tools.js';

let dir: string;
let cleanup: () => void;

/** A directory tree → newc archive made by GNU cpio (`find . | cpio -o -H newc`, names "./x"). */
function gnuCpio(name: string, files: Record<string, string | Buffer>): Buffer {
  const root = path.join(dir, 'trees', name);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  const list = run('find', ['.'], { cwd: root }).toString().split('\n').filter(Boolean).sort().join('\n');
  return run('cpio', ['-o', '-H', 'newc', '--quiet'], { cwd: root, input: `${list}\n` });
}

const gzip = (data: Buffer): Buffer => run('gzip', ['-9', '-c'], { input: data });
const xz = (data: Buffer, ...extra: string[]): Buffer => run('xz', ['-c', '--check=crc32', ...extra], { input: data });
const zstd = (data: Buffer, ...extra: string[]): Buffer => run('zstd', ['-q', '-c', ...extra], { input: data });

const zeros = (n: number): Buffer => Buffer.alloc(n);

async function* chunksOf(data: Buffer, sizes: () => number): AsyncGenerator<Uint8Array> {
  for (let pos = 0; pos < data.length;) {
    const n = Math.max(1, sizes());
    yield data.subarray(pos, pos + n);
    pos += n;
  }
}

const once = (data: Buffer): AsyncIterable<Uint8Array> => chunksOf(data, () => 64 * 1024);

function asText(found: Map<string, Buffer>): Record<string, string> {
  return Object.fromEntries([...found].map(([name, data]) => [name, data.toString('utf8')]));
}

async function failure(promise: Promise<unknown>): Promise<X2Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isX2Error(error)) throw new Error(`expected an X2Error, got ${String(error)}`);
  return error;
}

let early: Buffer;
let main: Buffer;
let mainFiles: Record<string, string | Buffer>;

beforeAll(() => {
  ({ dir, cleanup } = scratchDir('initrd'));
  early = gnuCpio('early', { 'kernel/x86/microcode/GenuineIntel.bin': randomBytes(30_001) });
  mainFiles = {
    'etc/nestos-live-initramfs': '24.03-LTS.20240625.0\n',
    'etc/nestos/features.json': '{"installer-config":true}',
    // Incompressible data makes xz store raw LZMA2 chunks and zstd raw blocks.
    'usr/lib/firmware/blob.bin': randomBytes(700_000),
    'usr/lib/modules/text.ko': Buffer.from('module text '.repeat(60_000)),
    'usr/lib/zzz-last-member': 'found at the very end\n',
  };
  main = gnuCpio('main', mainFiles);
});

afterAll(() => cleanup());

describe('findInInitrd on initrds made by GNU cpio and gzip / xz / zstd', () => {
  const compressors: [string, () => Buffer][] = [
    ['gzip', () => gzip(main)],
    [
      'gzip with a file name in its header',
      () => {
        writeFileSync(path.join(dir, 'main.cpio'), main);
        return run('gzip', ['-c', '-N', path.join(dir, 'main.cpio')]);
      },
    ],
    ['xz --check=crc32', () => xz(main)],
    ['xz, multi-threaded (block sizes in the headers)', () => xz(main, '-T2', '--block-size=200KiB')],
    ['xz, several blocks, default CRC64 check', () => run('xz', ['-c', '--block-size=300KiB'], { input: main })],
    ['zstd', () => zstd(main)],
    ['zstd -19 with checksum', () => zstd(main, '-19', '--check')],
  ];

  for (const [label, compress] of compressors) {
    it(`${label}: reads files from the early cpio and from the compressed member`, async () => {
      const initrd = Buffer.concat([early, zeros(512), compress()]);
      const found = await findInInitrd(once(initrd), [
        'etc/nestos-live-initramfs',
        '/usr/lib/zzz-last-member',
        './kernel/x86/microcode/GenuineIntel.bin',
        'usr/lib/missing',
      ]);
      expect([...found.keys()].sort()).toEqual([
        './kernel/x86/microcode/GenuineIntel.bin',
        '/usr/lib/zzz-last-member',
        'etc/nestos-live-initramfs',
      ]);
      expect(found.get('etc/nestos-live-initramfs')?.toString()).toBe('24.03-LTS.20240625.0\n');
      expect(found.get('/usr/lib/zzz-last-member')?.toString()).toBe('found at the very end\n');
      expect(
        found
          .get('./kernel/x86/microcode/GenuineIntel.bin')
          ?.equals(readFileSync(path.join(dir, 'trees/early/kernel/x86/microcode/GenuineIntel.bin'))),
      ).toBe(true);

      const file = path.join(dir, `initrd-${label.replace(/\W+/g, '-')}.img`);
      writeFileSync(file, initrd);
      expect(await liveBuildId(file, 'initramfs')).toBe('24.03-LTS.20240625.0');
      expect(await liveBuildId(file, 'rootfs')).toBeUndefined();
    });
  }

  it('walks members that follow a compressed one, as the kernel does', async () => {
    // Live initramfs (early + zstd), then what `nestos-installer pxe customize` appends (xz),
    // then our payload (gzip, padded by compressedCpio), then an uncompressed archive, then more.
    const customize = xz(gnuCpio('customize', { 'etc/coreos/installer.d/0001.yaml': 'dest-device: /dev/vda\n' }));
    const ours = compressedCpio([{ type: 'file', path: 'config.ign', mode: 0o600, data: Buffer.from('{"ignition":{}}') }], 'gzip');
    const plain = gnuCpio('plain', { 'etc/plain': 'plain\n' });
    const lastGz = gzip(gnuCpio('last-gz', { 'etc/last-gz': 'last gzip\n' }));
    const lastZstd = zstd(gnuCpio('last-zstd', { 'etc/last-zstd': 'last zstd\n' }));
    const pad = (b: Buffer): Buffer => Buffer.concat([b, zeros((4 - (b.length % 4)) % 4)]);
    const initrd = Buffer.concat([early, pad(zstd(main)), pad(customize), zeros(8), ours, plain, pad(lastGz), pad(lastZstd), zeros(4)]);
    const names = [
      'etc/nestos-live-initramfs',
      'etc/coreos/installer.d/0001.yaml',
      'config.ign',
      'etc/plain',
      'etc/last-gz',
      'etc/last-zstd',
    ];

    // Chunks of every size, down to one byte, must give the same answer.
    for (const sizes of [() => 1 << 20, () => 1 + Math.floor(Math.random() * 7), () => 4093]) {
      const found = await findInInitrd(chunksOf(initrd, sizes), names);
      expect(asText(found)).toEqual({
        'etc/nestos-live-initramfs': '24.03-LTS.20240625.0\n',
        'etc/coreos/installer.d/0001.yaml': 'dest-device: /dev/vda\n',
        'config.ign': '{"ignition":{}}',
        'etc/plain': 'plain\n',
        'etc/last-gz': 'last gzip\n',
        'etc/last-zstd': 'last zstd\n',
      });
    }
  });

  it('gives the contents of a hard-linked file whose data comes with a later link', async () => {
    const root = path.join(dir, 'trees', 'links');
    mkdirSync(path.join(root, 'etc'), { recursive: true });
    writeFileSync(path.join(root, 'etc/a-first'), 'shared contents\n');
    linkSync(path.join(root, 'etc/a-first'), path.join(root, 'etc/b-second'));
    const archive = run('cpio', ['-o', '-H', 'newc', '--quiet'], { cwd: root, input: 'etc\netc/a-first\netc/b-second\n' });
    const found = await findInInitrd(once(gzip(archive)), ['etc/a-first', 'etc/b-second']);
    expect(asText(found)).toEqual({ 'etc/a-first': 'shared contents\n', 'etc/b-second': 'shared contents\n' });
  });

  it('stops reading once every name is found', async () => {
    let pulledAfter = 0;
    async function* initrdThenTrap(): AsyncGenerator<Uint8Array> {
      yield early;
      yield gzip(main);
      pulledAfter++;
      throw new Error('read past the member that held the files');
    }
    const found = await findInInitrd(initrdThenTrap(), ['etc/nestos-live-initramfs']);
    expect(found.get('etc/nestos-live-initramfs')?.toString()).toBe('24.03-LTS.20240625.0\n');
    expect(pulledAfter).toBe(0);
  });

  it('accepts the upstream coreos build id names', async () => {
    const file = path.join(dir, 'coreos-initramfs.img');
    writeFileSync(file, Buffer.concat([early, zstd(gnuCpio('coreos', { 'etc/coreos-live-initramfs': '  36.20220618.3.1 \n' }))]));
    expect(await liveBuildId(file, 'initramfs')).toBe('36.20220618.3.1');
  });
});

describe('findInInitrd on a live rootfs (uncompressed cpio, huge first member)', () => {
  let rootfs: string;
  const squashfsSize = 300 * 1024 * 1024 + 3;

  beforeAll(() => {
    const root = path.join(dir, 'trees', 'rootfs');
    mkdirSync(path.join(root, 'etc'), { recursive: true });
    const squashfs = path.join(root, 'root.squashfs');
    writeFileSync(squashfs, 'hsqs');
    truncateSync(squashfs, squashfsSize);
    const fd = openSync(squashfs, 'r+');
    writeSync(fd, Buffer.from('end'), 0, 3, squashfsSize - 3);
    closeSync(fd);
    writeFileSync(path.join(root, 'etc/nestos-live-rootfs'), '24.03-LTS.20240625.0\n');
    writeFileSync(path.join(root, 'nestos-24.03-LTS.20240625.0-metal.x86_64.osmet'), randomBytes(10_000));
    rootfs = path.join(dir, 'rootfs.img');
    // Same order as the live rootfs: root.squashfs first.
    const listing = 'root.squashfs\netc\netc/nestos-live-rootfs\nnestos-24.03-LTS.20240625.0-metal.x86_64.osmet\n';
    run('sh', ['-c', 'cpio -o -H newc --quiet > "$1"', 'sh', rootfs], { cwd: root, input: listing });
  }, 120_000);

  it('streams past the 300 MiB body with flat memory', async () => {
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      const found = await findInInitrd(
        createReadStream(rootfs, { highWaterMark: 1 << 20 }),
        ['etc/nestos-live-rootfs', 'root.squashfs-not-wanted'],
        'the live rootfs',
      );
      expect(found.get('etc/nestos-live-rootfs')?.toString()).toBe('24.03-LTS.20240625.0\n');
    } finally {
      clearInterval(sampler);
    }
    expect(peak - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('liveBuildId seeks over the body instead of reading it', async () => {
    const started = performance.now();
    expect(await liveBuildId(rootfs, 'rootfs')).toBe('24.03-LTS.20240625.0');
    expect(await liveBuildId(rootfs, 'initramfs')).toBeUndefined();
    // Reading 600 MiB would take far longer than a few seeks.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('reports a rootfs cut inside its first member as truncated', async () => {
    const cut = path.join(dir, 'rootfs-cut.img');
    run('sh', ['-c', 'head -c 1000000 "$1" > "$2"', 'sh', rootfs, cut]);
    const error = await failure(liveBuildId(cut, 'rootfs'));
    expect(error.kind).toBe('verification');
    expect(error.message).toMatch(/cannot read the live rootfs .*rootfs-cut\.img: it ends in the middle of an archive/);
  });
});

describe('findInInitrd refuses what it cannot read', () => {
  it('names an unsupported compression', async () => {
    const bz = run('bzip2', ['-c'], { input: main });
    const error = await failure(findInInitrd(once(Buffer.concat([early, bz])), ['etc/nestos-live-initramfs']));
    expect(error.kind).toBe('verification');
    expect(error.message).toBe('cannot read the initramfs: unsupported compression (bzip2)');
    expect(error.remedy).toBeTruthy();

    // The legacy lz4 format the kernel knows (`lz4 -l`), by its magic.
    const lz4 = Buffer.concat([Buffer.from([0x02, 0x21, 0x4c, 0x18]), randomBytes(64)]);
    expect((await failure(findInInitrd(once(lz4), ['x']))).message).toMatch(/unsupported compression \(lz4\)/);
    const junk = await failure(findInInitrd(once(Buffer.from('<html>not an initrd</html>')), ['x']));
    expect(junk.message).toMatch(/unsupported compression \(unknown format, first bytes 3c 68 74 6d\)/);
  });

  for (const [label, compress] of [
    ['gzip', () => gzip(main)],
    ['xz', () => xz(main)],
    ['zstd', () => zstd(main)],
  ] as const) {
    it(`${label}: a truncated member is a verification error`, async () => {
      const member = compress();
      const error = await failure(findInInitrd(once(member.subarray(0, Math.floor(member.length * 0.6))), ['usr/lib/zzz-last-member']));
      expect(error.kind).toBe('verification');
      expect(error.message).toMatch(/^cannot read the initramfs: /);
    });
  }

  // gzip and xz carry a CRC of the data, so any damage is caught.
  for (const [label, compress] of [
    ['gzip', () => gzip(main)],
    ['xz', () => xz(main)],
  ] as const) {
    it(`${label}: a corrupted member is a verification error`, async () => {
      const member = Buffer.from(compress());
      for (let i = 0; i < 16; i++) member[Math.floor(member.length / 2) + i * 97]! ^= 0x55;
      const error = await failure(findInInitrd(once(member), ['usr/lib/zzz-last-member']));
      expect(error.kind).toBe('verification');
      expect(error.message).toMatch(/^cannot read the initramfs: its (gzip|xz) member is corrupt/);
    });
  }

  // The zstd decoder does not check the content checksum: damaged frame structure is caught here,
  // damaged data is caught by the sha256 of the artifact.
  it('zstd: a damaged frame header or block header is a verification error', async () => {
    const member = zstd(main, '--no-check');
    const reservedBit = Buffer.from(member);
    reservedBit[4]! |= 0x08;
    expect((await failure(findInInitrd(once(reservedBit), ['x']))).message).toMatch(
      /its zstd member is corrupt \(reserved frame header bit set\)/,
    );

    // Frame header: magic, descriptor, window descriptor (no single-segment flag), content size bytes.
    const descriptor = member[4]!;
    const headerSize =
      5 +
      ((descriptor >> 5) & 1 ? 0 : 1) +
      [0, 1, 2, 4][descriptor & 3]! +
      (descriptor >> 6 === 0 ? (descriptor >> 5) & 1 : 1 << (descriptor >> 6));
    const reservedType = Buffer.from(member);
    reservedType[headerSize]! |= 0x06;
    expect((await failure(findInInitrd(once(reservedType), ['x']))).message).toMatch(/its zstd member is corrupt \(reserved block type\)/);
  });

  it('a gzip member with a wrong CRC is refused', async () => {
    const member = gzip(main);
    member.writeUInt32LE((member.readUInt32LE(member.length - 8) ^ 1) >>> 0, member.length - 8);
    const error = await failure(findInInitrd(once(member), ['usr/lib/zzz-last-member']));
    expect(error.message).toMatch(/CRC or size mismatch/);
  });

  it('a missing file is a precondition error', async () => {
    const error = await failure(liveBuildId(path.join(dir, 'absent.img'), 'initramfs'));
    expect(error.kind).toBe('precondition');
  });
});
