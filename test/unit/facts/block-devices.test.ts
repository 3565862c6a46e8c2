import { describe, expect, it } from 'vitest';
import { LSBLK_ARGV, parseLsblk, readBlockDevices } from '../../../src/facts/block-devices.js';
import { toDisks } from '../../../src/facts/disks.js';
import { fakeRunner } from '../distro/fake-runner.js';
import { json, raw } from './lsblk-builders.js';

describe('parseLsblk', () => {
  it('reads util-linux < 2.33 output: "0"/"1" booleans, sizes as strings, MOUNTPOINT only', () => {
    const [d] = parseLsblk(
      JSON.stringify({
        blockdevices: [
          {
            name: 'sda',
            kname: 'sda',
            type: 'disk',
            size: '21474836480',
            rm: '1',
            ro: '0',
            mountpoint: null,
            children: [{ name: 'sda1', kname: 'sda1', type: 'part', size: '1048576', rm: '1', ro: '1', mountpoint: '/boot' }],
          },
        ],
      }),
    );
    expect(d?.sizeBytes).toBe(21474836480);
    expect(d?.removable).toBe(true);
    expect(d?.readOnly).toBe(false);
    expect(d?.path).toBe('/dev/sda');
    expect(d?.children[0]?.readOnly).toBe(true);
    expect(d?.children[0]?.mountpoints).toEqual(['/boot']);
  });

  it('merges MOUNTPOINT and MOUNTPOINTS (2.37+), dropping nulls and duplicates', () => {
    const [d] = parseLsblk(json([raw('vda', 'disk', { mountpoint: '/srv', mountpoints: ['/srv', '/var/lib/containers', null] })]));
    expect(d?.mountpoints).toEqual(['/srv', '/var/lib/containers']);
  });

  it('treats empty strings as absent', () => {
    const [d] = parseLsblk(json([raw('vda', 'disk', { serial: '', wwn: '  ', model: 'QEMU HARDDISK   ' })]));
    expect(d?.serial).toBeUndefined();
    expect(d?.wwn).toBeUndefined();
    expect(d?.model).toBe('QEMU HARDDISK');
  });

  it('rejects output that is not lsblk JSON', () => {
    expect(() => parseLsblk('{"devices": []}')).toThrow(/blockdevices/);
    expect(() => parseLsblk('NAME MAJ:MIN')).toThrow();
  });
});

describe('readBlockDevices', () => {
  it('runs lsblk -J -b -O as a probe', async () => {
    const runner = fakeRunner([[[...LSBLK_ARGV], { stdout: json([raw('vda', 'disk')]) }]]);
    const r = await readBlockDevices(runner);
    expect(r.ok && r.devices[0]?.name).toBe('vda');
    expect(runner.calls).toEqual([{ kind: 'probe', argv: ['lsblk', '-J', '-b', '-O'], options: { allowFailure: true } }]);
  });

  it('explains a missing lsblk, a failure and garbage output', async () => {
    expect(await readBlockDevices(fakeRunner())).toEqual({ ok: false, reason: expect.stringMatching(/not installed/) });
    const failing = fakeRunner([[[...LSBLK_ARGV], { exitCode: 1, stderr: 'lsblk: unknown column: FSROOTS' }]]);
    expect(await readBlockDevices(failing)).toEqual({ ok: false, reason: expect.stringMatching(/exited with 1: lsblk: unknown column/) });
    const garbage = fakeRunner([[[...LSBLK_ARGV], { stdout: 'NAME\nsda\n' }]]);
    expect(await readBlockDevices(garbage)).toEqual({ ok: false, reason: expect.stringMatching(/cannot read the output/) });
  });
});

describe('toDisks', () => {
  const devices = parseLsblk(
    json([
      raw('zram0', 'disk', { size: 4294967296, mountpoints: ['[SWAP]'] }),
      raw('loop0', 'loop', { mountpoints: ['/snap/core/1'] }),
      raw('sr0', 'rom', { size: 1073741312 }),
      raw('nbd0', 'disk', { size: 0 }),
      raw(
        'nvme0n1',
        'disk',
        { size: 512110190592, model: 'SAMSUNG MZVL2512HCJQ-00B00', serial: 'S675', wwn: 'eui.0025', tran: 'nvme', pttype: 'gpt' },
        [
          raw('nvme0n1p1', 'part', { size: 1127219200, start: 2048, partlabel: 'EFI', fstype: 'vfat', mountpoints: ['/boot/efi'] }),
          raw('nvme0n1p3', 'part', { size: 500, partn: 7 }),
        ],
      ),
      raw('mmcblk0', 'disk', {}, [raw('mmcblk0p2', 'part', { mountpoints: [null] })]),
      raw('sdb', 'disk', { tran: 'usb', rm: false, hotplug: true }),
      raw('sdc', 'disk', { rm: true }),
      raw('sdd', 'disk', { tran: 'sata', hotplug: true }),
    ]),
  );
  const disks = toDisks(devices, new Map([['nvme0n1', ['/dev/disk/by-id/nvme-SAMSUNG_S675']]]));

  it('keeps only real disks (no zram, loop, rom, empty nbd)', () => {
    expect(disks.map((d) => d.path)).toEqual(['/dev/nvme0n1', '/dev/mmcblk0', '/dev/sdb', '/dev/sdc', '/dev/sdd']);
  });

  it('carries identity, stable names and partitions', () => {
    const nvme = disks[0]!;
    expect(nvme).toMatchObject({
      sizeBytes: 512110190592,
      model: 'SAMSUNG MZVL2512HCJQ-00B00',
      serial: 'S675',
      wwn: 'eui.0025',
      transport: 'nvme',
      ptType: 'gpt',
    });
    expect(nvme.stableNames).toEqual(['/dev/disk/by-id/nvme-SAMSUNG_S675']);
    expect(nvme.partitions[0]).toEqual({
      path: '/dev/nvme0n1p1',
      number: 1,
      startBytes: 2048 * 512,
      sizeBytes: 1127219200,
      label: 'EFI',
      fsType: 'vfat',
      mountpoints: ['/boot/efi'],
    });
    expect(nvme.mountpoints).toEqual(['/boot/efi']);
  });

  it('prefers PARTN, else the trailing digits of the kernel name', () => {
    expect(disks[0]!.partitions[1]!.number).toBe(7);
    expect(disks[1]!.partitions[0]!.number).toBe(2);
  });

  it('marks USB and removable-media disks removable, but not hot-swap bays', () => {
    expect(disks.map((d) => [d.path, d.removable])).toEqual([
      ['/dev/nvme0n1', false],
      ['/dev/mmcblk0', false],
      ['/dev/sdb', true],
      ['/dev/sdc', true],
      ['/dev/sdd', false],
    ]);
  });
});
