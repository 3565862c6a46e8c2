// Issue 3, scenario 3, older release line: a 22.03-era release (installer 0.16 rules, stream
// `stable`) converts. The newest line (0.20, 2403-LTS) is what apt-url and yum-static convert.
// Installer 0.16 knows no `secure-ipl` and dies on unknown keys: the tool must write only keys valid
// in every shipped version.
import { destinationConfig } from '../ignition.mjs';
import { assert } from '../harness.mjs';

export const id = 'old-line';
export const title = 'older release line: stream stable, installer 0.16 rules → converted';

export async function run(ctx) {
  const release = ctx.releases.r16;
  // 22.03 systems run Ignition 2.9: the destination config is spec 3.2.0.
  const destination = destinationConfig(id, ctx.nestKey, '3.2.0');
  const guest = await ctx.boot({ image: 'debian12' });
  await ctx.prepareGuest(guest, destination);
  const { inspection } = await ctx.convert(guest, [...(await ctx.releaseArgs(guest, release))]);
  await ctx.expectConverted(guest, inspection, { destination, installer: '0.16' });
  assert.equal(inspection.installer.build, release.build, 'live system build');
  assert.ok(!('secure-ipl' in (inspection.installer.config ?? {})), 'secure-ipl must never be written');
}
