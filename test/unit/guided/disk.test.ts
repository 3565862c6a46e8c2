/** Step 3, the target disk: every disk listed, the root disk marked, refusals with the planner's reasons. */
import { describe, expect, it } from 'vitest';
import { askDisk, diskOffers } from '../../../src/guided/disk.js';
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
    disk({ path: '/dev/sdd', serial: 'INUSE', mountpoints: ['/data'], partitions: [{ path: '/dev/sdd1', number: 1, startBytes: 1 << 20, sizeBytes: 99 * GiB, fsType: 'xfs', mountpoints: ['/data'] }] }),
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
    await expect(step).resolves.toEqual({ device: '/dev/sdb', installerName: '/dev/disk/by-id/ata-sdb', isRootDisk: false, sizeBytes: 500 * GiB });
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
