import { describe, expect, it } from 'vitest';
import { bootLabelBlockers } from '../../../src/plan/boot-labels.js';
import type { FilesystemLabel } from '../../../src/facts/types.js';
import type { TargetDisk } from '../../../src/plan/types.js';
import { hostFacts } from './host.js';

const GiB = 1024 ** 3;
const target = (kept: TargetDisk['kept'] = []): TargetDisk => ({
  device: '/dev/vda',
  installerName: '/dev/disk/by-id/virtio-HOSTDISK1',
  sizeBytes: 20 * GiB,
  isRootDisk: true,
  kept,
});
const label = (device: string, label: string, fsType: string, disks: string[], partitions: string[] = []): FilesystemLabel => ({
  device,
  label,
  fsType,
  disks,
  partitions,
});

describe('bootLabelBlockers', () => {
  it('ignores labels on the disk the installer erases, and labels NestOS does not look up', () => {
    const facts = hostFacts({
      labels: [
        label('/dev/vda1', 'boot', 'ext4', ['/dev/vda'], ['/dev/vda1']),
        label('/dev/vdb1', 'data', 'xfs', ['/dev/vdb'], ['/dev/vdb1']),
        label('/dev/vdb2', 'EFI-SYSTEM', 'vfat', ['/dev/vdb'], ['/dev/vdb2']),
      ],
    });
    expect(bootLabelBlockers(facts, target())).toEqual([]);
  });

  it.each([
    ['ext4', /rename it \(e2label \/dev\/vdb1 <new-label>\) and run again, or convert that disk instead \(--disk \/dev\/vdb\)/],
    ['xfs', /xfs_admin -L <new-label> \/dev\/vdb1/],
    ['vfat', /fatlabel \/dev\/vdb1 <NEW-LABEL>/],
  ])('refuses a %s filesystem labelled boot on another disk, naming device, label and fix', (fsType, remedy) => {
    const [b, ...rest] = bootLabelBlockers(
      hostFacts({ labels: [label('/dev/vdb1', 'boot', fsType, ['/dev/vdb'], ['/dev/vdb1'])] }),
      target(),
    );
    expect(rest).toEqual([]);
    expect(b).toEqual({
      kind: 'precondition',
      message: expect.stringMatching(new RegExp(`^/dev/vdb1 \\(${fsType} on /dev/vdb\\) is labelled "boot"`)),
      remedy: expect.stringMatching(remedy),
    });
  });

  it('refuses a second root label, an LV labelled boot on another disk, and a whole-disk filesystem', () => {
    const facts = hostFacts({
      labels: [label('/dev/vdb', 'root', 'xfs', ['/dev/vdb']), label('/dev/mapper/old-boot', 'boot', 'ext4', ['/dev/vdc'], ['/dev/vdc2'])],
    });
    expect(bootLabelBlockers(facts, target()).map((b) => b.message)).toEqual([
      expect.stringMatching(/^\/dev\/vdb \(xfs on \/dev\/vdb\) is labelled "root"/),
      expect.stringMatching(/^\/dev\/mapper\/old-boot \(ext4 on \/dev\/vdc\) is labelled "boot"/),
    ]);
  });

  it('refuses a boot label in a partition kept on the target, and not in one that is erased', () => {
    const facts = hostFacts({ labels: [label('/dev/vda5', 'boot', 'ext4', ['/dev/vda'], ['/dev/vda5'])] });
    expect(bootLabelBlockers(facts, target())).toEqual([]);
    const kept = target([{ number: 5, label: 'data', startBytes: 12 * GiB, sizeBytes: 7 * GiB, matchedBy: 'partindex 5' }]);
    expect(bootLabelBlockers(facts, kept)).toEqual([
      {
        kind: 'precondition',
        message: expect.stringMatching(/^\/dev\/vda5 \(ext4 on a partition kept on \/dev\/vda\) is labelled "boot"/),
        remedy: expect.stringMatching(/e2label .* or do not keep that partition$/),
      },
    ]);
  });

  it('refuses a labelled array that reaches beyond the target (md across two disks)', () => {
    const facts = hostFacts({ labels: [label('/dev/md127', 'boot', 'ext4', ['/dev/vda', '/dev/vdb'], ['/dev/vda1', '/dev/vdb1'])] });
    expect(bootLabelBlockers(facts, target())).toHaveLength(1);
  });
});
