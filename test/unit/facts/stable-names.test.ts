import { describe, expect, it } from 'vitest';
import { readStableNames } from '../../../src/facts/stable-names.js';
import { memoryFs } from './memory-host.js';

const byId = (links: Record<string, string>) => Object.fromEntries(Object.entries(links).map(([k, v]) => [`/dev/disk/by-id/${k}`, v]));
const byPath = (links: Record<string, string>) => Object.fromEntries(Object.entries(links).map(([k, v]) => [`/dev/disk/by-path/${k}`, v]));

describe('readStableNames', () => {
  it('ranks wwn before bus-serial before by-path, and skips partitions', async () => {
    const fs = memoryFs(
      {},
      {
        ...byId({
          'ata-CT500MX500SSD1_2103E1A2B3C4': '../../sda',
          'wwn-0x500a0751e1a2b3c4': '../../sda',
          'wwn-0x500a0751e1a2b3c4-part1': '../../sda1',
        }),
        ...byPath({ 'pci-0000:00:17.0-ata-1': '../../sda', 'pci-0000:00:17.0-ata-1-part1': '../../sda1' }),
      },
    );
    expect((await readStableNames(fs)).get('sda')).toEqual([
      '/dev/disk/by-id/wwn-0x500a0751e1a2b3c4',
      '/dev/disk/by-id/ata-CT500MX500SSD1_2103E1A2B3C4',
      '/dev/disk/by-path/pci-0000:00:17.0-ata-1',
    ]);
    expect((await readStableNames(fs)).has('sda1')).toBe(false);
  });

  it('puts the NVMe model_serial link before eui/nvme namespace ids and its _1 twin', async () => {
    const fs = memoryFs(
      {},
      byId({
        'nvme-eui.002538b111b22334': '../../nvme0n1',
        'nvme-nvme.144d-53363735-53414d53554e47-00000001': '../../nvme0n1',
        'nvme-SAMSUNG_MZVL2512HCJQ-00B00_S675NX0T123456_1': '../../nvme0n1',
        'nvme-SAMSUNG_MZVL2512HCJQ-00B00_S675NX0T123456': '../../nvme0n1',
      }),
    );
    expect((await readStableNames(fs)).get('nvme0n1')).toEqual([
      '/dev/disk/by-id/nvme-SAMSUNG_MZVL2512HCJQ-00B00_S675NX0T123456',
      '/dev/disk/by-id/nvme-SAMSUNG_MZVL2512HCJQ-00B00_S675NX0T123456_1',
      '/dev/disk/by-id/nvme-eui.002538b111b22334',
      '/dev/disk/by-id/nvme-nvme.144d-53363735-53414d53554e47-00000001',
    ]);
  });

  it('ignores links owned by LVM, device-mapper and md', async () => {
    const fs = memoryFs(
      {},
      byId({
        'lvm-pv-uuid-abc': '../../vdb',
        'dm-name-vg-root': '../../dm-0',
        'dm-uuid-LVM-xyz': '../../dm-0',
        'md-uuid-1:2:3:4': '../../md0',
        'virtio-data01': '../../vdb',
      }),
    );
    const names = await readStableNames(fs);
    expect(names.get('vdb')).toEqual(['/dev/disk/by-id/virtio-data01']);
    expect(names.has('dm-0')).toBe(false);
    expect(names.has('md0')).toBe(false);
  });

  it('falls back to by-path alone for a virtio disk without a serial', async () => {
    const fs = memoryFs({}, byPath({ 'pci-0000:00:04.0': '../../vda', 'virtio-pci-0000:00:04.0': '../../vda' }));
    expect((await readStableNames(fs)).get('vda')).toEqual([
      '/dev/disk/by-path/pci-0000:00:04.0',
      '/dev/disk/by-path/virtio-pci-0000:00:04.0',
    ]);
  });

  it('is empty without /dev/disk (containers)', async () => {
    expect((await readStableNames(memoryFs({}))).size).toBe(0);
  });
});
