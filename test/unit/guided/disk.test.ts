/** Step 3, the target disk: every disk listed, the root disk marked, refusals with the planner's reasons. */
import { describe, expect, it } from 'vitest';
import { askDisk, askKeep, diskOffers, type DiskAnswer } from '../../../src/guided/disk.js';
import { askNetwork } from '../../../src/guided/network.js';
import { EMPTY_NETWORK } from '../../../src/network/model.js';
import { isPromptInterrupt } from '../../../src/guided/prompter.js';
import { english } from '../../../src/i18n/translate.js';
import { isX2Error } from '../../../src/errors.js';
import { validateOptions } from '../../../src/options/load.js';
import type { Disk } from '../../../src/facts/types.js';
import { hostFacts } from '../plan/host.js';
import { drive, shows } from './drive.js';

const GiB = 1024 ** 3;
const disk = (over: Partial<Disk> & { path: string }): Disk => ({
  sizeBytes: 100 * GiB,
  removable: false,
  readOnly: false,
  stableNames: [`/dev/disk/by-id/ata-${over.path.slice(5)}`],
  partitions: [],
  mountpoints: [],
  ...over,
});

const base = hostFacts();
const facts = hostFacts({
  disks: [
    base.disks[0]!,
    disk({ path: '/dev/sdb', model: 'Samsung SSD 870', serial: 'S5SUNG0R', sizeBytes: 500 * GiB }),
    disk({ path: '/dev/sdc', model: 'DataTraveler', serial: 'USB123', sizeBytes: 16 * GiB, removable: true, transport: 'usb' }),
    disk({
      path: '/dev/sdd',
      serial: 'INUSE',
      mountpoints: ['/data'],
      partitions: [{ path: '/dev/sdd1', number: 1, startBytes: 1 << 20, sizeBytes: 99 * GiB, fsType: 'xfs', mountpoints: ['/data'] }],
    }),
    disk({ path: '/dev/sde', serial: 'TINY', sizeBytes: 4 * GiB }),
  ],
});
const options = validateOptions({});

describe('guided: disk step', () => {
  it('lists every disk with size, model, serial and use; marks the disk behind /; refuses removable, in-use and small disks with the reason', async () => {
    const d = await drive();
    const step = askDisk(d.ask, english, facts, options);
    const p = await d.next();
    expect(shows(p, 'Disk to install NestOS on (everything on it is erased)')).toBe(true);
    expect(shows(p, '❯ /dev/vda 20.0 GiB serial HOSTDISK1 mounted at /, /boot, /srv ← the disk behind /')).toBe(true);
    expect(shows(p, '/dev/sdb 500.0 GiB Samsung SSD 870 serial S5SUNG0R no partitions')).toBe(true);
    expect(shows(p, '- /dev/sdc 16.0 GiB DataTraveler serial USB123 (refused: /dev/sdc is removable)')).toBe(true);
    expect(shows(p, '- /dev/sdd 100.0 GiB serial INUSE (refused: /dev/sdd is in use (mounted at /data))')).toBe(true);
    expect(shows(p, '- /dev/sde 4.0 GiB serial TINY (refused: /dev/sde has 4.0 GiB; NestOS needs at least 8.0 GiB)')).toBe(true);
    expect(shows(p, 'installer name: /dev/disk/by-id/virtio-HOSTDISK1')).toBe(true);
    // Down to the removable disk: it is shown, but taking it is refused.
    p.events.keypress('down');
    p.events.keypress('down');
    p.events.keypress('enter');
    expect(p.getScreen()).toContain('This choice is not available (the reason is beside it).');
    p.events.keypress('up');
    p.events.keypress('enter');
    await expect(step).resolves.toEqual({
      device: '/dev/sdb',
      installerName: '/dev/disk/by-id/ata-sdb',
      isRootDisk: false,
      sizeBytes: 500 * GiB,
    });
  });

  it('takes the disk behind / by default', async () => {
    const d = await drive();
    const step = askDisk(d.ask, english, facts, options);
    (await d.next()).events.keypress('enter');
    await expect(step).resolves.toMatchObject({ device: '/dev/vda', installerName: '/dev/disk/by-id/virtio-HOSTDISK1', isRootDisk: true });
  });

  it('lets --allow-removable-disk open a removable disk, as the planner does', () => {
    const offers = diskOffers(facts, validateOptions({ allowRemovableDisk: true }), english);
    expect(offers.find((o) => o.disk.path === '/dev/sdc')!.refusal).toBeUndefined();
    expect(offers.find((o) => o.disk.path === '/dev/sdd')!.refusal).toBe('/dev/sdd is in use (mounted at /data)');
  });

  it('refuses to ask when no disk can take NestOS, naming each reason', async () => {
    const d = await drive();
    const none = hostFacts({ disks: [facts.disks[2]!, facts.disks[4]!], rootDisk: { ok: false, reason: 'root on NFS' } });
    const e = await askDisk(d.ask, english, none, options).catch((x: unknown) => x);
    expect(isX2Error(e) && e.kind).toBe('precondition');
    expect((e as Error).message).toContain('/dev/sdc: /dev/sdc is removable; /dev/sde: /dev/sde has 4.0 GiB');
  });

  it('ends on Ctrl-C with an interrupt', async () => {
    const d = await drive();
    const step = askDisk(d.ask, english, facts, options);
    (await d.next()).events.keypress({ name: 'c', ctrl: true });
    expect(isPromptInterrupt(await step.catch((x: unknown) => x))).toBe(true);
  });
});

describe('guided: choices that cannot apply are disabled with the reason, or not asked', () => {
  const vda: DiskAnswer = { device: '/dev/vda', installerName: '/dev/disk/by-id/virtio-HOSTDISK1', isRootDisk: true, sizeBytes: 20 * GiB };

  it("offers to keep a data partition beyond NestOS's own, and shows why the others cannot be kept", async () => {
    const d = await drive();
    const step = askKeep(d.ask, english, facts, options, vda);
    const p = await d.next();

    expect(shows(p, 'Keep a partition of /dev/vda? (everything else on it is erased)')).toBe(true);
    expect(shows(p, '❯ No, erase the whole disk')).toBe(true);
    expect(
      shows(
        p,
        "- Keep partition 1: /dev/vda1 1.0 GiB ext4 /boot (partition 1 of /dev/vda (partindex 1) lies where NestOS's own partitions go (numbers 1-4, first 8.0 GiB))",
      ),
    ).toBe(true);
    expect(shows(p, 'Keep partition 5: /dev/vda5 7.0 GiB data xfs /srv')).toBe(true);
    expect(shows(p, 'Keep partitions')).toBe(false); // only one can be kept: no "all" choice
    // A disabled choice cannot be taken: Enter on it says so and the question stays.
    p.events.keypress('down');
    p.events.keypress('enter');
    expect(shows(p, 'This choice is not available (the reason is beside it).')).toBe(true);
    p.events.keypress('down');
    p.events.keypress('down');
    p.events.keypress('enter');
    expect(await step).toEqual([5]);
  });

  it('does not ask for a disk without partitions, nor when partitions were given as flags', async () => {
    const d = await drive();
    const sdb: DiskAnswer = { device: '/dev/sdb', installerName: '/dev/disk/by-id/ata-sdb', isRootDisk: false, sizeBytes: 500 * GiB };
    expect(await askKeep(d.ask, english, facts, options, sdb)).toEqual([]);
    expect(await askKeep(d.ask, english, facts, validateOptions({ savePartindex: ['5'] }), vda)).toEqual([]);
    expect(d.said).toEqual([]);
  });

  it('says in one line why nothing can be kept instead of asking a question with nothing to choose', async () => {
    const d = await drive();
    const sdd: DiskAnswer = { device: '/dev/sdd', installerName: '/dev/disk/by-id/ata-sdd', isRootDisk: false, sizeBytes: 100 * GiB };
    const unmounted = hostFacts({
      disks: [
        base.disks[0]!,
        disk({
          path: '/dev/sdd',
          partitions: [{ path: '/dev/sdd1', number: 1, startBytes: 1 << 20, sizeBytes: 99 * GiB, fsType: 'xfs', mountpoints: [] }],
        }),
      ],
    });
    expect(await askKeep(d.ask, english, unmounted, options, sdd)).toEqual([]);
    expect(d.said).toEqual(['Partitions of /dev/sdd: none can be kept, NestOS takes partitions 1-4 and the first 8.0 GiB of the disk.']);
  });

  it('keeping the network is disabled, with the reason, when no interface has an address; DHCP is the default', async () => {
    const d = await drive();
    const step = askNetwork(d.ask, english, EMPTY_NETWORK);
    const p = await d.next();
    expect(shows(p, "- Keep this host's configuration (no interface here has an address to carry)")).toBe(true);
    expect(shows(p, '❯ DHCP on eth0')).toBe(true);
    p.events.keypress('enter');
    expect(await step).toBe('dhcp');
  });
});
