import { describe, expect, it } from 'vitest';
import { chooseTarget, globToRegExp } from '../../../src/plan/target.js';
import { hostFacts } from './host.js';

const req = { savePartlabel: [], savePartindex: [], allowRemovableDisk: false };
const GiB = 1024 ** 3;

describe('chooseTarget', () => {
  it('defaults to the disk behind / under its stable name', () => {
    const r = chooseTarget(hostFacts(), req);
    expect(r.blockers).toEqual([]);
    expect(r.target).toMatchObject({ device: '/dev/vda', installerName: '/dev/disk/by-id/virtio-HOSTDISK1', isRootDisk: true });
  });
  it('takes --disk as a kernel name or a stable link', () => {
    expect(chooseTarget(hostFacts(), { ...req, disk: '/dev/vdb' }).target?.installerName).toBe('/dev/disk/by-id/virtio-SPARE');
    expect(chooseTarget(hostFacts(), { ...req, disk: '/dev/disk/by-id/virtio-SPARE' }).target?.device).toBe('/dev/vdb');
  });
  it('names the disks there are when --disk matches none', () => {
    const r = chooseTarget(hostFacts(), { ...req, disk: '/dev/sdz' });
    expect(r.blockers).toEqual([
      { kind: 'usage', message: 'no disk /dev/sdz on this host (disks: /dev/vda, /dev/vdb)', remedy: 'pass --disk with one of those' },
    ]);
  });
  it('explains an ambiguous root and points at --disk', () => {
    const r = chooseTarget(hostFacts({ rootDisk: { ok: false, reason: '/ is on md RAID /dev/md0 across /dev/sda and /dev/sdb' } }), req);
    expect(r.blockers[0]).toMatchObject({ kind: 'precondition', remedy: 'name the target with --disk' });
    expect(r.blockers[0]!.message).toContain('/dev/md0');
  });
  it('refuses removable, small, nameless and mounted disks with the reason', () => {
    const base = hostFacts();
    const spare = base.disks[1]!;
    const variants = [
      { disk: { ...spare, removable: true }, re: /removable/ },
      { disk: { ...spare, sizeBytes: 4 * GiB }, re: /has 4\.0 GiB; NestOS needs at least 8\.0 GiB/ },
      { disk: { ...spare, stableNames: [] }, re: /no stable name/ },
      { disk: { ...spare, mountpoints: ['/var/lib/docker'] }, re: /in use \(mounted at \/var\/lib\/docker\)/ },
    ];
    for (const v of variants) {
      const r = chooseTarget(hostFacts({ disks: [base.disks[0]!, v.disk] }), { ...req, disk: '/dev/vdb' });
      expect(r.blockers.map((b) => b.message).join('\n')).toMatch(v.re);
    }
    const removableAllowed = chooseTarget(hostFacts({ disks: [base.disks[0]!, { ...spare, removable: true }] }), {
      ...req,
      disk: '/dev/vdb',
      allowRemovableDisk: true,
    });
    expect(removableAllowed.blockers).toEqual([]);
  });
  it('keeps data partitions that lie beyond the NestOS partitions', () => {
    const r = chooseTarget(hostFacts(), { ...req, savePartlabel: ['da*'] });
    expect(r.blockers).toEqual([]);
    expect(r.target?.kept).toEqual([{ number: 5, label: 'data', startBytes: 12 * GiB, sizeBytes: 7 * GiB, matchedBy: 'partlabel da*' }]);
  });
  it('refuses to keep partitions NestOS will overwrite, or ones that do not exist', () => {
    const r = chooseTarget(hostFacts(), { ...req, savePartindex: ['2'], savePartlabel: ['nope'] });
    const messages = r.blockers.map((b) => b.message);
    expect(messages).toContain('--save-partlabel nope matches no partition on /dev/vda');
    expect(messages.some((m) => /partition 2 of \/dev\/vda \(partindex 2\) lies where NestOS's own partitions go/.test(m))).toBe(true);
  });
  it('reads index ranges like the installer', () => {
    const r = chooseTarget(hostFacts(), { ...req, savePartindex: ['5-'] });
    expect(r.target?.kept.map((k) => k.number)).toEqual([5]);
  });
});

describe('globToRegExp', () => {
  it('matches like a shell glob', () => {
    expect(globToRegExp('data*').test('data-1')).toBe(true);
    expect(globToRegExp('d?ta').test('data')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });
});
