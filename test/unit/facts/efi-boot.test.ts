import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { guidFromBytes, parseLoadOption, readEfiBoot } from '../../../src/facts/efi-boot.js';
import { memoryFs } from './memory-host.js';

const G = '8be4df61-93ca-11d2-aa0d-00e098032b8c';
const efivar = (name: string) => `/sys/firmware/efi/efivars/${name}-${G}`;
const attrs = Buffer.from([7, 0, 0, 0]);

/** UEFI 2.10 §10.3: a device path node is type, subtype, u16 length, data. */
function node(type: number, sub: number, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt8(type, 0);
  head.writeUInt8(sub, 1);
  head.writeUInt16LE(4 + data.length, 2);
  return Buffer.concat([head, data]);
}
const ucs2 = (s: string) => Buffer.from(`${s}\0`, 'utf16le');

/** GUID text → the mixed-endian bytes EFI stores. */
function guidBytes(guid: string): Buffer {
  const h = guid.replace(/-/g, '');
  const part = (a: number, b: number) => Buffer.from(h.slice(a, b), 'hex');
  return Buffer.concat([part(0, 8).reverse(), part(8, 12).reverse(), part(12, 16).reverse(), part(16, 32)]);
}

function hd(number: number, guid: string): Buffer {
  const data = Buffer.alloc(38);
  data.writeUInt32LE(number, 0);
  data.writeBigUInt64LE(2048n, 4);
  data.writeBigUInt64LE(1048576n, 12);
  guidBytes(guid).copy(data, 20);
  data.writeUInt8(2, 36); // GPT
  data.writeUInt8(2, 37); // GUID signature
  return node(4, 1, data);
}
const file = (p: string) => node(4, 4, ucs2(p));
const end = node(0x7f, 0xff, Buffer.alloc(0));

function loadOption(label: string, path: Buffer, active = true, optional = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(6);
  head.writeUInt32LE(active ? 1 : 0, 0);
  head.writeUInt16LE(path.length, 4);
  return Buffer.concat([head, ucs2(label), path, optional]);
}

const OLD_ESP = '5d1b7328-f81f-41d2-ba4b-00a0c93ec93b';
const OTHER_DISK = '0f3e7d52-3a51-4c2a-9b5f-7f00aa11bb22';

describe('EFI load options', () => {
  it('reads a GUID in its mixed-endian layout', () => {
    expect(guidFromBytes(guidBytes('01020304-0506-0708-090a-0b0c0d0e0f10'))).toBe('01020304-0506-0708-090a-0b0c0d0e0f10');
    expect(guidFromBytes(Buffer.from('04030201060508070' + '90a0b0c0d0e0f10', 'hex'))).toBe('01020304-0506-0708-090a-0b0c0d0e0f10');
  });

  it('finds the GPT partition and the loader of a disk entry, ignoring optional data', () => {
    const value = loadOption('debian', Buffer.concat([hd(1, OLD_ESP), file('\\EFI\\debian\\shimx64.efi'), end]), true, Buffer.from('RC'));
    expect(parseLoadOption('0003', value)).toEqual({
      number: '0003',
      label: 'debian',
      active: true,
      partitionGuid: OLD_ESP,
      partitionNumber: 1,
      file: '\\EFI\\debian\\shimx64.efi',
      devicePath: `HD(1,GPT,${OLD_ESP})/File(\\EFI\\debian\\shimx64.efi)`,
    });
  });

  it('describes entries without a partition (network boot, firmware apps) and keeps them apart', () => {
    const pxe = loadOption(
      'UEFI PXEv4',
      Buffer.concat([node(2, 1, Buffer.alloc(8)), node(1, 1, Buffer.alloc(2)), node(3, 11, Buffer.alloc(33)), end]),
      false,
    );
    const entry = parseLoadOption('0001', pxe);
    expect(entry).toMatchObject({ number: '0001', label: 'UEFI PXEv4', active: false, devicePath: 'Node(2,1)/Node(1,1)/MAC()' });
    expect(entry?.partitionGuid).toBeUndefined();
  });

  it('survives a truncated device path instead of reading past it', () => {
    const bad = Buffer.concat([hd(1, OLD_ESP).subarray(0, 20)]);
    const value = loadOption('broken', bad);
    expect(parseLoadOption('0009', value)?.devicePath).toBe('(truncated)');
    expect(parseLoadOption('0009', Buffer.alloc(3))).toBeUndefined();
  });
});

describe('readEfiBoot', () => {
  it('reads BootCurrent, BootOrder, every Boot#### and the partition GUIDs of /dev/disk/by-partuuid', async () => {
    const fs = memoryFs(
      {
        [efivar('BootCurrent')]: Buffer.concat([attrs, Buffer.from([3, 0])]),
        [efivar('BootOrder')]: Buffer.concat([attrs, Buffer.from([3, 0, 1, 0, 0x0a, 0])]),
        [efivar('Boot0003')]: Buffer.concat([
          attrs,
          loadOption('debian', Buffer.concat([hd(1, OLD_ESP), file('\\EFI\\debian\\grubx64.efi'), end])),
        ]),
        [efivar('Boot000A')]: Buffer.concat([
          attrs,
          loadOption('other', Buffer.concat([hd(2, OTHER_DISK), file('\\EFI\\centos\\shimx64.efi'), end])),
        ]),
        [efivar('Boot0001')]: Buffer.concat([attrs, loadOption('UEFI Shell', Buffer.concat([node(4, 7, Buffer.alloc(16)), end]))]),
        [efivar('SecureBoot')]: Buffer.concat([attrs, Buffer.from([0])]),
        [`/sys/firmware/efi/efivars/BootXXXX-${G}`]: Buffer.from([0]),
      },
      { [`/dev/disk/by-partuuid/${OLD_ESP}`]: '../../vda1', [`/dev/disk/by-partuuid/${OTHER_DISK.toUpperCase()}`]: '../../sdb2' },
    );
    const facts = await readEfiBoot(fs);
    expect(facts?.bootCurrent).toBe('0003');
    expect(facts?.bootOrder).toEqual(['0003', '0001', '000A']);
    expect(facts?.entries.map((e) => [e.number, e.label, e.partitionGuid ?? null])).toEqual([
      ['0001', 'UEFI Shell', null],
      ['0003', 'debian', OLD_ESP],
      ['000A', 'other', OTHER_DISK],
    ]);
    expect(facts?.partitions).toEqual({ [OLD_ESP]: '/dev/vda1', [OTHER_DISK]: '/dev/sdb2' });
  });

  it('is undefined when efivarfs is not mounted', async () => {
    expect(await readEfiBoot(memoryFs({ '/sys/firmware/efi/fw_platform_size': '64\n' }))).toBeUndefined();
  });
});

describe('readEfiBoot on variables real firmware and efibootmgr wrote', () => {
  const dir = path.resolve(import.meta.dirname, '../../fixtures/efivars/ovmf-nestos-first');
  const files: Record<string, Buffer> = {};
  for (const name of readdirSync(dir)) files[`/sys/firmware/efi/efivars/${name}`] = readFileSync(path.join(dir, name));

  it("reads efibootmgr's entry as OVMF did: HD(2,GPT,900cf499-...)/\\EFI\\openEuler\\shimx64.efi", async () => {
    const facts = await readEfiBoot(memoryFs(files, { '/dev/disk/by-partuuid/900cf499-1bed-55f3-2bfb-e074e64d8d9b': '../../vda2' }));
    expect(facts?.bootOrder).toEqual(['0001', '0000', '0002', '0003']);
    expect(facts?.entries.find((e) => e.number === '0001')).toEqual({
      number: '0001',
      label: 'NestOS',
      active: true,
      partitionGuid: '900cf499-1bed-55f3-2bfb-e074e64d8d9b',
      partitionNumber: 2,
      file: '\\EFI\\openEuler\\shimx64.efi',
      devicePath: 'HD(2,GPT,900cf499-1bed-55f3-2bfb-e074e64d8d9b)/File(\\EFI\\openEuler\\shimx64.efi)',
    });
    expect(facts?.entries.map((e) => e.label)).toEqual(['UiApp', 'NestOS', 'UEFI Misc Device', 'EFI Internal Shell']);
    expect(facts?.entries.filter((e) => e.partitionGuid !== undefined).map((e) => e.number)).toEqual(['0001']);
    expect(facts?.partitions).toEqual({ '900cf499-1bed-55f3-2bfb-e074e64d8d9b': '/dev/vda2' });
  });
});
