// Issue 3, scenario 4: the live ISO as the source (kernel, initramfs and rootfs read out of
// images/pxeboot/ of the ISO), fetched by URL and checked against --iso-sha256.
import { destinationConfig } from '../ignition.mjs';
import { assert } from '../harness.mjs';

export const id = 'iso';
export const title = 'live ISO by URL with --iso-sha256 as the source → converted';

export async function run(ctx) {
  const release = ctx.releases.r20;
  const destination = destinationConfig(id, ctx.nestKey);
  const guest = await ctx.boot({ image: 'debian12' });
  await ctx.prepareGuest(guest, destination);
  const iso = release.artifacts.iso;
  const { inspection } = await ctx.convert(guest, ['--ignition', '/root/dest.ign', '--iso', iso.url, '--iso-sha256', iso.sha256]);
  await ctx.expectConverted(guest, inspection, { destination, installer: '0.20' });
  assert.equal(inspection.installer.build, release.build, 'live system build');
  assert.ok(
    ctx.server.requests(new URL(iso.url).pathname).some((e) => e.status === 200 || e.status === 206),
    'the ISO was never fetched',
  );
}
