// Issue 3, scenario 1 (and the newest release line of scenario 3): an apt host on DHCP converts
// with its destination Ignition config given as an http URL; kexec-tools comes from the host's own
// apt repository (--kexec-from-packages: by default the kexec carried in x2nestos is used, see
// scenario carried-kexec); the release is the 0.20 installer line on stream 2403-LTS.
import { destinationConfig } from '../ignition.mjs';
import { assert } from '../harness.mjs';

export const id = 'apt-url';
export const title = 'apt host, DHCP, Ignition by http URL, stream 2403-LTS (installer 0.20) → converted';
export const weight = 2;

export async function run(ctx) {
  const release = ctx.releases.r20;
  const destination = destinationConfig(id, ctx.nestKey);
  const ignitionUrl = await ctx.publish('dest.ign', destination);

  const guest = await ctx.boot({ image: 'debian12' });
  await ctx.installBinary(guest);
  // --no-keep-hostname: nothing to add to the user's config, so it must arrive unchanged.
  const { inspection } = await ctx.convert(guest, [
    '--ignition', ignitionUrl, '--allow-http-ignition', '--no-keep-hostname', '--kexec-from-packages',
    '--stream', release.stream, '--stream-base-url', release.streamBaseUrl,
  ]);
  await ctx.expectConverted(guest, inspection, { destination, installer: '0.20', exact: true });
  assert.equal(inspection.installer.build, release.build, 'live system build');
  // The console comes from the old host's /proc/cmdline, not from a hard-coded default.
  assert.match(inspection.installer.liveCmdline, /(^|\s)console=ttyS0,115200(\s|$)/, 'live kernel console');
  assert.match(inspection.installer.liveCmdline, /ignition\.firstboot/, 'live kernel runs Ignition');
  assert.ok(ctx.server.requests(/^\/debian\/pool\/main\/kexec-tools_/).length > 0, 'kexec-tools was not installed from the apt repository');
  assert.ok(ctx.server.requests(`${ctx.scratchUrlPath}/dest.ign`).some((e) => e.status === 200), 'the Ignition URL was never fetched');
}
