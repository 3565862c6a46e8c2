// Issue 3, scenario 5: --disk names the second disk by its kernel name (/dev/vdb); the tool must
// hand the installer a stable name (/dev/disk/by-id/virtio-HOSTDISK2: /dev/vdX order can change
// under the live kernel), that disk is converted, and the system disk is left as it was.
import { destinationConfig } from '../ignition.mjs';
import { assert, DATA_SERIAL } from '../harness.mjs';

export const id = 'second-disk';
export const title = '--disk naming the second disk → that disk converted, the system disk untouched';

export async function run(ctx) {
  const release = ctx.releases.r20;
  const destination = destinationConfig(id, ctx.nestKey);
  const guest = await ctx.boot({ image: 'debian12' });
  const vdb = await guest.sshOk('readlink -f /dev/disk/by-id/virtio-HOSTDISK2');
  assert.equal(vdb.stdout.trim(), '/dev/vdb', 'second disk name in the guest');
  await ctx.prepareGuest(guest, destination);
  const { inspection } = await ctx.convert(guest, [...(await ctx.releaseArgs(guest, release)), '--disk', '/dev/vdb'], { diskIndex: 1 });
  await ctx.expectConverted(guest, inspection, { destination, serial: DATA_SERIAL, installer: '0.20' });
  await ctx.expectSystemDiskIntact(guest);
}
