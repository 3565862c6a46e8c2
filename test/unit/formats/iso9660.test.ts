import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isX2Error } from '../../../src/errors.js';
import { openIso, type RangeReader } from '../../../src/formats/iso9660.js';
import { fileRangeReader } from '../../../src/effects/file-source.js';
import { run, scratchDir } from './tools.js';

const PXE = ['images/pxeboot/vmlinuz', 'images/pxeboot/initrd.img', 'images/pxeboot/rootfs.img'];

let dir: string;
let cleanup: () => void;
let source: string;

/** Every regular file under the source tree, relative, `/`-separated. */
function sourceFiles(): string[] {
  const found: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(source, rel), { withFileTypes: true })) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else found.push(child);
    }
  };
  walk('');
  return found.sort();
}

function makeIso(name: string, args: string[], tool = 'xorriso'): string {
  const iso = path.join(dir, name);
  run(
    tool,
    args.map((a) => a.replace('{iso}', iso).replace('{src}', source)),
  );
  return iso;
}

async function withIso<T>(iso: string, use: (image: Awaited<ReturnType<typeof openIso>>, reader: RangeReader) => Promise<T>): Promise<T> {
  const reader = fileRangeReader(iso);
  try {
    return await use(await openIso(reader), reader);
  } finally {
    await reader.close();
  }
}

beforeAll(() => {
  ({ dir, cleanup } = scratchDir('iso'));
  source = path.join(dir, 'src');
  mkdirSync(path.join(source, 'images/pxeboot'), { recursive: true });
  mkdirSync(path.join(source, 'EFI/fedora/x86_64/nested/deeper'), { recursive: true });
  mkdirSync(path.join(source, 'isolinux'), { recursive: true });
  writeFileSync(path.join(source, 'images/pxeboot/vmlinuz'), randomBytes(123_457));
  writeFileSync(path.join(source, 'images/pxeboot/initrd.img'), randomBytes(2 * 1024 * 1024 + 3));
  writeFileSync(path.join(source, 'images/pxeboot/rootfs.img'), randomBytes(5 * 1024 * 1024 + 2049));
  writeFileSync(path.join(source, 'EFI/fedora/grub.cfg'), 'set timeout=5\n');
  writeFileSync(path.join(source, 'EFI/fedora/x86_64/nested/deeper/A-Long_file.name.with.dots.txt'), 'deep\n');
  writeFileSync(path.join(source, 'isolinux/isolinux.bin'), randomBytes(2048));
  writeFileSync(path.join(source, 'isolinux/empty.cfg'), '');
  // Enough entries that the directory spans several sectors.
  for (let i = 0; i < 60; i++) writeFileSync(path.join(source, `EFI/fedora/x86_64/entry-with-a-rather-long-name-${i}.conf`), `#${i}\n`);
});

afterAll(() => cleanup());

describe('openIso on images written by xorriso (Rock Ridge and Joliet names)', () => {
  const variants: [string, string[]][] = [
    ['mkisofs -R -J', ['-as', 'mkisofs', '-R', '-J', '-V', 'nestos-24.03.20240625', '-o', '{iso}', '{src}']],
    ['mkisofs default', ['-as', 'mkisofs', '-o', '{iso}', '{src}']],
    [
      'mkisofs with El Torito',
      ['-as', 'mkisofs', '-R', '-b', 'isolinux/isolinux.bin', '-no-emul-boot', '-boot-load-size', '4', '-o', '{iso}', '{src}'],
    ],
    ['mkisofs --norock -J (Joliet only)', ['-as', 'mkisofs', '--norock', '-J', '-o', '{iso}', '{src}']],
    ['-outdev -map (native)', ['-outdev', '{iso}', '-volid', 'NATIVE', '-map', '{src}', '/']],
    ['-outdev -map, Joliet only', ['-outdev', '{iso}', '-rockridge', 'off', '-joliet', 'on', '-map', '{src}', '/']],
  ];

  for (const [label, args] of variants) {
    it(`${label}: every file's extent holds the source bytes`, async () => {
      const iso = makeIso(`${label.replace(/\W+/g, '_')}.iso`, args);
      const image = readFileSync(iso);
      await withIso(iso, async (found) => {
        for (const file of sourceFiles()) {
          const entry = await found.find(file);
          expect(entry, file).toMatchObject({ path: file, isDirectory: false });
          const bytes = image.subarray(entry!.offset, entry!.offset + entry!.length);
          expect(bytes.equals(readFileSync(path.join(source, file))), file).toBe(true);
        }
        expect((await found.list('/images/pxeboot')).map((f) => f.path).sort()).toEqual([...PXE].sort());
        expect(await found.find('images')).toMatchObject({ path: 'images', isDirectory: true });
        expect(await found.find('images/pxeboot/missing.img')).toBeUndefined();
        expect(await found.find('images/pxeboot/vmlinuz/x')).toBeUndefined();
        expect((await found.list('EFI/fedora/x86_64')).length).toBe(61);
      });
    });
  }

  it('reads the volume id from the primary volume descriptor', async () => {
    const iso = makeIso('volid.iso', ['-as', 'mkisofs', '-V', 'nestos-24.03.20240625', '-o', '{iso}', '{src}']);
    await withIso(iso, async (found) => expect(found.volumeId).toBe('nestos-24.03.20240625'));
  });
});

describe('openIso on plain ISO 9660 names', () => {
  for (const [label, level] of [
    ['level 1', '1'],
    ['level 3', '3'],
  ] as const) {
    it(`${label}: finds the PXE files case-insensitively, without ;1 and the trailing dot`, async () => {
      const iso = makeIso(`plain-${level}.iso`, ['-as', 'mkisofs', '--norock', '-iso-level', level, '-o', '{iso}', '{src}']);
      const image = readFileSync(iso);
      await withIso(iso, async (found) => {
        for (const file of PXE) {
          const entry = await found.find(file);
          expect(entry?.path.toLowerCase()).toBe(file);
          const bytes = image.subarray(entry!.offset, entry!.offset + entry!.length);
          expect(bytes.equals(readFileSync(path.join(source, file))), file).toBe(true);
        }
        expect((await found.list('images/pxeboot')).map((f) => f.path).sort()).toEqual([
          'IMAGES/PXEBOOT/INITRD.IMG',
          'IMAGES/PXEBOOT/ROOTFS.IMG',
          'IMAGES/PXEBOOT/VMLINUZ',
        ]);
      });
    });
  }
});

describe('openIso on deep directories relocated by genisoimage (Rock Ridge CL/RE)', () => {
  it('follows the child link and hides the relocated copy', async () => {
    const deep = path.join(dir, 'deep');
    const leaf = path.join(deep, 'a/b/c/d/e/f/g/h/i/j');
    mkdirSync(leaf, { recursive: true });
    writeFileSync(path.join(leaf, 'file.txt'), 'deep file\n');
    const iso = path.join(dir, 'deep.iso');
    run('genisoimage', ['-quiet', '-R', '-o', iso, deep]);
    await withIso(iso, async (found, reader) => {
      const entry = await found.find('a/b/c/d/e/f/g/h/i/j/file.txt');
      expect(entry).toBeDefined();
      expect(Buffer.from(await reader.read(entry!.offset, entry!.length)).toString()).toBe('deep file\n');
      expect((await found.list('')).map((f) => f.path).sort()).toEqual(['a', 'rr_moved']);
      expect(await found.list('rr_moved')).toEqual([]);
    });
  });
});

describe('openIso over HTTP Range requests', () => {
  let server: Server;
  let url: string;
  let iso: Buffer;

  beforeAll(async () => {
    iso = readFileSync(makeIso('http.iso', ['-as', 'mkisofs', '-R', '-J', '-o', '{iso}', '{src}']));
    server = createServer((req, res) => {
      const match = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
      if (!match) {
        res.writeHead(416).end();
        return;
      }
      const start = Number(match[1]);
      const end = Math.min(Number(match[2]), iso.length - 1);
      res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${iso.length}` }).end(iso.subarray(start, end + 1));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/live.iso`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('finds the three PXE files with a handful of small requests', async () => {
    let requests = 0;
    let bytes = 0;
    const reader: RangeReader = {
      async read(offset, length) {
        requests++;
        const response = await fetch(url, { headers: { range: `bytes=${offset}-${offset + length - 1}` } });
        const body = new Uint8Array(await response.arrayBuffer());
        bytes += body.length;
        return body;
      },
    };
    const found = await openIso(reader);
    for (const file of PXE) {
      const entry = (await found.find(file))!;
      const expected = readFileSync(path.join(source, file));
      expect(entry.length).toBe(expected.length);
      expect(iso.subarray(entry.offset, entry.offset + 4096).equals(expected.subarray(0, 4096))).toBe(true);
    }
    expect(requests).toBeLessThanOrEqual(12);
    expect(bytes).toBeLessThan(64 * 1024);
  });
});

describe('openIso refuses what is not a readable ISO', () => {
  it('rejects a non-ISO file with a usage error naming --iso', async () => {
    const notIso = path.join(dir, 'disk.raw');
    writeFileSync(notIso, randomBytes(200_000));
    const error = await withIso(notIso, async () => undefined).catch((e: unknown) => e);
    expect(isX2Error(error) && error.kind).toBe('usage');
    expect((error as Error).message).toMatch(/not an ISO 9660 image/);
    expect(isX2Error(error) && error.remedy).toMatch(/--iso/);
  });

  it('rejects a file shorter than the volume descriptors', async () => {
    const tiny = path.join(dir, 'tiny.iso');
    writeFileSync(tiny, 'CD001');
    const error = await withIso(tiny, async () => undefined).catch((e: unknown) => e);
    expect(isX2Error(error) && error.kind).toBe('usage');
  });

  it('reports a truncated ISO as damaged', async () => {
    const full = readFileSync(makeIso('full.iso', ['-as', 'mkisofs', '-R', '-o', '{iso}', '{src}']));
    const cut = path.join(dir, 'cut.iso');
    // Keep the descriptors, lose the directories.
    const root = full.readUInt32LE(16 * 2048 + 156 + 2) * 2048;
    writeFileSync(cut, full.subarray(0, root));
    const error = await withIso(cut, async () => undefined).catch((e: unknown) => e);
    expect(isX2Error(error) && error.kind).toBe('verification');
    expect((error as Error).message).toMatch(/damaged or truncated/);
  });
});

describe('multi-extent files (> 4 GiB)', () => {
  /** A minimal image in memory: PVD, terminator, a root directory holding the given records. */
  function craftedIso(records: { name: string; lba: number; size: number; flags: number }[]): RangeReader {
    const image = Buffer.alloc(40 * 2048);
    const dirRecord = (name: Buffer, lba: number, size: number, flags: number): Buffer => {
      const length = 33 + name.length + (name.length % 2 === 0 ? 1 : 0);
      const record = Buffer.alloc(length);
      record[0] = length;
      record.writeUInt32LE(lba, 2);
      record.writeUInt32BE(lba, 6);
      record.writeUInt32LE(size, 10);
      record.writeUInt32BE(size, 14);
      record[25] = flags;
      record[32] = name.length;
      name.copy(record, 33);
      return record;
    };
    const pvd = image.subarray(16 * 2048);
    pvd[0] = 1;
    pvd.write('CD001', 1, 'latin1');
    pvd.write('CRAFTED'.padEnd(32), 40, 'latin1');
    pvd.writeUInt16LE(2048, 128);
    dirRecord(Buffer.from([0]), 18, 2048, 2).copy(pvd, 156);
    const terminator = image.subarray(17 * 2048);
    terminator[0] = 255;
    terminator.write('CD001', 1, 'latin1');
    const root = [dirRecord(Buffer.from([0]), 18, 2048, 2), dirRecord(Buffer.from([1]), 18, 2048, 2)];
    for (const r of records) root.push(dirRecord(Buffer.from(r.name, 'latin1'), r.lba, r.size, r.flags));
    Buffer.concat(root).copy(image, 18 * 2048);
    return { read: async (offset, length) => image.subarray(offset, offset + length) };
  }

  it('joins contiguous extents into one range', async () => {
    const found = await openIso(
      craftedIso([
        { name: 'ROOTFS.IMG;1', lba: 20, size: 0xfffff800, flags: 0x80 },
        { name: 'ROOTFS.IMG;1', lba: 20 + 0x1fffff, size: 12345, flags: 0 },
        { name: 'VMLINUZ.;1', lba: 30, size: 10, flags: 0 },
      ]),
    );
    expect(await found.find('rootfs.img')).toEqual({
      path: 'ROOTFS.IMG',
      offset: 20 * 2048,
      length: 0xfffff800 + 12345,
      isDirectory: false,
    });
    expect(await found.find('vmlinuz')).toMatchObject({ offset: 30 * 2048, length: 10 });
    expect(found.volumeId).toBe('CRAFTED');
  });

  it('refuses extents that are not contiguous, naming the way around it', async () => {
    const found = await openIso(
      craftedIso([
        { name: 'ROOTFS.IMG;1', lba: 20, size: 0xfffff800, flags: 0x80 },
        { name: 'ROOTFS.IMG;1', lba: 25, size: 12345, flags: 0 },
      ]),
    );
    const error = await found.find('rootfs.img').catch((e: unknown) => e);
    expect(isX2Error(error) && error.oneLine()).toMatch(/not contiguous.*--kernel, --initramfs and --rootfs/);
  });

  // Writes a 4.6 GiB ISO (about 20 s here): the only way to get the multi-extent files ISO 9660 needs past 4 GiB.
  it('reads a real 4.6 GiB rootfs.img written by xorriso -iso-level 3', async () => {
    const big = path.join(dir, 'big');
    mkdirSync(path.join(big, 'images/pxeboot'), { recursive: true });
    const rootfs = path.join(big, 'images/pxeboot/rootfs.img');
    const size = 4600 * 1024 * 1024;
    writeFileSync(rootfs, 'START');
    truncateSync(rootfs, size);
    const fd = openSync(rootfs, 'r+');
    writeSync(fd, Buffer.from('END!!'), 0, 5, size - 5);
    closeSync(fd);
    const iso = path.join(dir, 'big.iso');
    run('xorriso', ['-as', 'mkisofs', '-iso-level', '3', '-o', iso, big]);
    await withIso(iso, async (found, reader) => {
      const entry = (await found.find('images/pxeboot/rootfs.img'))!;
      expect(entry.length).toBe(statSync(rootfs).size);
      expect(Buffer.from(await reader.read(entry.offset, 5)).toString()).toBe('START');
      expect(Buffer.from(await reader.read(entry.offset + entry.length - 5, 5)).toString()).toBe('END!!');
    });
  }, 300_000);
});

describe('fileRangeReader', () => {
  it('reports a missing ISO as a usage error naming --iso', async () => {
    const reader = fileRangeReader(path.join(dir, 'no-such.iso'));
    const error = await openIso(reader).catch((e: unknown) => e);
    expect(isX2Error(error) && error.oneLine()).toMatch(/cannot open the ISO .*no-such\.iso.*--iso/);
    await reader.close();
  });

  it('returns short reads only at the end of the file', async () => {
    const file = path.join(dir, 'ten.bin');
    writeFileSync(file, '0123456789');
    const reader = fileRangeReader(file);
    expect(Buffer.from(await reader.read(2, 3)).toString()).toBe('234');
    expect(Buffer.from(await reader.read(8, 100)).toString()).toBe('89');
    expect((await reader.read(50, 4)).length).toBe(0);
    await reader.close();
  });
});
