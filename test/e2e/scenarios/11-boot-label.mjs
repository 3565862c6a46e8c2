// Issue 18: the data disk's ext4 filesystem carries the label `boot` (an old /boot left in the
// machine). NestOS's first boot finds its own boot filesystem by that label, so the conversion is
// refused (exit 3) before anything is loaded, naming the device, the label and `e2label`, and the
// data disk is not touched. After `e2label` renames it over SSH, the same machine converts.
import { destinationConfig } from '../ignition.mjs';
import { assert, EXIT } from '../harness.mjs';

export const id = 'boot-label';
export const title = 'a second disk with an ext4 filesystem labelled boot → refused, host untouched; relabelled → converted';
export const weight = 2;

/** Relabels the data disk's filesystem and waits until udev's database (what x2nestos reads) says so. */
async function relabel(guest, label) {
  await guest.sshOk(`e2label /dev/vdb2 ${label} && udevadm trigger --action=change --sysname-match=vdb2 && udevadm settle`);
  const seen = await guest.sshOk('blkid -s LABEL -o value /dev/vdb2; readlink -f /dev/disk/by-label/' + label);
  assert.deepEqual(
    seen.stdout.trim().split('\n'),
    [label, '/dev/vdb2'],
    `the data disk's filesystem is not labelled ${label} in udev's view`,
  );
}

export async function run(ctx) {
  const release = ctx.releases.r20;
  const destination = destinationConfig(id, ctx.nestKey);
  const guest = await ctx.boot({ image: 'debian12' });
  await relabel(guest, 'boot');
  await ctx.prepareGuest(guest, destination);
  const args = [...(await ctx.releaseArgs(guest, release))];

  const refused = await ctx.expectRefusal(guest, args, EXIT.precondition, 'boot-labelled data disk');
  assert.match(refused.stderr, /\/dev\/vdb2 \(ext4 on \/dev\/vdb\) is labelled "boot"/, 'the refusal names the device and the label');
  assert.match(refused.stderr, /e2label \/dev\/vdb2 <new-label>/, 'the refusal says how to fix it');
  const after = await guest.sshOk('blkid -s LABEL -o value /dev/vdb2; find /var/lib/x2nestos -type f -size +1M 2>/dev/null');
  assert.equal(after.stdout.trim(), 'boot', 'the other disk was changed, or something was downloaded or staged');

  await relabel(guest, 'olddata');
  const { inspection } = await ctx.convert(guest, args);
  await ctx.expectConverted(guest, inspection, { destination, installer: '0.20' });
  const data = await ctx.inspect(guest, 1);
  assert.equal(data.nestos, false, 'the data disk was converted');
}
