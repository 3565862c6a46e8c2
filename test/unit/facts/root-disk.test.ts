import { describe, expect, it } from 'vitest';
import { parseLsblk } from '../../../src/facts/block-devices.js';
import { toDisks } from '../../../src/facts/disks.js';
import type { Mount } from '../../../src/facts/mounts.js';
import { findRootDisk } from '../../../src/facts/root-disk.js';
import type { RootDisk } from '../../../src/facts/types.js';
import { json, lvm, raw, type RawDevice } from './lsblk-builders.js';

function root(devices: RawDevice[], stable: Record<string, string[]> = {}, mount?: Mount): RootDisk {
  const parsed = parseLsblk(json(devices));
  return findRootDisk(parsed, toDisks(parsed, new Map(Object.entries(stable))), mount);
}

const refused = (r: RootDisk): string => {
  expect(r.ok).toBe(false);
  return r.ok ? '' : r.reason;
};

describe('findRootDisk', () => {
  it('finds a plain partition and its best stable name', () => {
    const r = root(
      [
        raw('vda', 'disk', {}, [raw('vda1', 'part', { mountpoints: ['/boot'] }), raw('vda2', 'part', { mountpoints: ['/'] })]),
        raw('vdb', 'disk', { mountpoints: ['/data'] }),
      ],
      {
        vda: ['/dev/disk/by-id/virtio-abc', '/dev/disk/by-path/pci-0000:00:04.0'],
      },
    );
    expect(r).toEqual({ ok: true, disk: '/dev/vda', stableName: '/dev/disk/by-id/virtio-abc', via: ['part /dev/vda2'] });
  });

  it('follows LUKS and LVM down to the one disk under them', () => {
    const r = root(
      [
        raw('sda', 'disk', {}, [
          raw('sda1', 'part', { mountpoints: ['/boot'] }),
          raw('sda2', 'part', {}, [
            raw('luks-3f1e', 'crypt', { kname: 'dm-0', path: '/dev/mapper/luks-3f1e' }, [
              lvm('vg-root', 'dm-1', { mountpoints: ['/'] }),
              lvm('vg-swap', 'dm-2', { mountpoints: ['[SWAP]'] }),
            ]),
          ]),
        ]),
      ],
      { sda: ['/dev/disk/by-id/wwn-0x5000'] },
    );
    expect(r).toEqual({
      ok: true,
      disk: '/dev/sda',
      stableName: '/dev/disk/by-id/wwn-0x5000',
      via: ['lvm /dev/mapper/vg-root', 'crypt /dev/mapper/luks-3f1e', 'part /dev/sda2'],
    });
  });

  it('accepts a filesystem on the whole disk, with no stable name when udev links are missing', () => {
    expect(root([raw('vda', 'disk', { mountpoints: ['/'] })])).toEqual({ ok: true, disk: '/dev/vda', stableName: undefined, via: [] });
  });

  it('accepts md RAID whose members are partitions of one disk', () => {
    const md = raw('md0', 'raid1', { mountpoints: ['/'] });
    const r = root([raw('sda', 'disk', {}, [raw('sda1', 'part', {}, [md]), raw('sda2', 'part', {}, [md])])]);
    expect(r.ok && r.disk).toBe('/dev/sda');
  });

  it('refuses md RAID across two disks, naming both and --disk', () => {
    const md = raw('md127', 'raid1', { mountpoints: ['/'] });
    const reason = refused(
      root([raw('sda', 'disk', {}, [raw('sda2', 'part', {}, [md])]), raw('sdb', 'disk', {}, [raw('sdb2', 'part', {}, [md])])], {
        sda: ['/dev/disk/by-id/wwn-0xa'],
        sdb: ['/dev/disk/by-id/wwn-0xb'],
      }),
    );
    expect(reason).toContain('2 disks');
    expect(reason).toContain('md RAID /dev/md127');
    expect(reason).toContain('/dev/sda = /dev/disk/by-id/wwn-0xa');
    expect(reason).toContain('/dev/sdb = /dev/disk/by-id/wwn-0xb');
    expect(reason).toContain('--disk');
  });

  it('refuses an LVM volume group spanning PVs on two disks', () => {
    const rootLv = lvm('data-root', 'dm-0', { mountpoints: ['/'] });
    const reason = refused(root([raw('sda', 'disk', {}, [raw('sda3', 'part', {}, [rootLv])]), raw('sdb', 'disk', {}, [rootLv])]));
    expect(reason).toMatch(/spans 2 disks through LVM \/dev\/mapper\/data-root/);
    expect(reason).toContain('--disk');
  });

  it('refuses a btrfs filesystem mounted from partitions of two disks', () => {
    const reason = refused(
      root([
        raw('sda', 'disk', {}, [raw('sda2', 'part', { mountpoints: ['/'] })]),
        raw('sdb', 'disk', {}, [raw('sdb2', 'part', { mountpoints: ['/'] })]),
      ]),
    );
    expect(reason).toMatch(/spans 2 disks through a filesystem spanning them/);
  });

  it('refuses multipath, even with a single path', () => {
    const mp = raw('mpatha', 'mpath', { kname: 'dm-0', path: '/dev/mapper/mpatha' }, [
      raw('mpatha2', 'part', { kname: 'dm-1', path: '/dev/mapper/mpatha2', mountpoints: ['/'] }),
    ]);
    const two = refused(root([raw('sda', 'disk', { tran: 'fc' }, [mp]), raw('sdb', 'disk', { tran: 'fc' }, [mp])]));
    expect(two).toMatch(/multipath device \/dev\/mapper\/mpatha, reached over 2 path/);
    expect(two).toContain('--disk');
    expect(refused(root([raw('sdc', 'disk', {}, [mp])]))).toMatch(/multipath/);
  });

  it('refuses a root on zram or over iSCSI', () => {
    expect(refused(root([raw('zram0', 'disk', { mountpoints: ['/'] })]))).toMatch(/zram0, a virtual block device/);
    expect(refused(root([raw('sda', 'disk', { tran: 'iscsi' }, [raw('sda1', 'part', { mountpoints: ['/'] })])]))).toMatch(
      /iscsi disk reached over the network/,
    );
  });

  it('explains network and overlay roots from /proc/mounts', () => {
    const disks = [raw('vda', 'disk', { mountpoints: ['/data'] })];
    const nfs = refused(root(disks, {}, { source: '10.0.0.5:/export/root', target: '/', fsType: 'nfs4' }));
    expect(nfs).toMatch(/mounted over the network \(nfs4 10\.0\.0\.5:\/export\/root\)/);
    expect(nfs).toContain('--disk');
    expect(refused(root(disks, {}, { source: 'overlay', target: '/', fsType: 'overlay' }))).toMatch(
      /\/ is overlay \(overlay\), not a filesystem on a local disk/,
    );
    expect(refused(root(disks, {}, undefined))).toMatch(/no block device is mounted at \//);
  });
});
