// Issue 3, scenario 1 (and the newest release line of scenario 3): an apt host on DHCP converts
// with its destination Ignition config given as an http URL; kexec-tools comes from the host's own
// apt repository; the release is the 0.20 installer line on stream 2403-LTS.
// Issue 16: the release arrives by the fleet flow over plain HTTP: `x2nestos fetch --to DIR` once
// on the controller, DIR served over http, the host trusting it only through the release.json hash
// fetch printed (--release-manifest-sha256): refused without it, every artifact verifiedBy manifest.
// It installs kexec-tools with --kexec-from-packages (by default the kexec carried in x2nestos is
// used, see scenario carried-kexec).
import { destinationConfig } from '../ignition.mjs';
import { assert, EXIT } from '../harness.mjs';

export const id = 'apt-url';
export const title =
  'apt host, DHCP, Ignition by http URL, 2403-LTS (installer 0.20) fetched once and served over plain HTTP, pinned by the release.json hash → converted';
export const weight = 2;

export async function run(ctx) {
  const release = ctx.releases.r20;
  const destination = destinationConfig(id, ctx.nestKey);
  const ignitionUrl = await ctx.publish('dest.ign', destination);

  const fleet = await ctx.fetchedRelease(release, 'fleet');
  assert.match(String(fleet.manifestSha256), /^[0-9a-f]{64}$/, 'fetch --json carries manifestSha256');

  const guest = await ctx.boot({ image: 'debian12' });
  await ctx.installBinary(guest);
  const ignition = ['--ignition', ignitionUrl, '--allow-http-ignition', '--no-keep-hostname'];
  // Over plain HTTP, without the hash, release.json proves nothing: refused before any download.
  const refused = await ctx.expectRefusal(
    guest,
    [...ignition, '--release-url', fleet.releaseUrl],
    EXIT.verification,
    'plain-HTTP release without its hash',
  );
  assert.match(refused.stderr, /came over plain HTTP.*--release-manifest-sha256/, 'the refusal names --release-manifest-sha256');
  const pinned = ['--release-url', fleet.releaseUrl, '--release-manifest-sha256', fleet.manifestSha256];
  const plan = await ctx.x2nestos(guest, ['plan', '--json', ...ignition, ...pinned]);
  assert.equal(plan.code, 0, `plan: ${plan.stderr}`);
  const artifacts = JSON.parse(plan.stdout).plan.release.artifacts;
  assert.deepEqual(
    ['kernel', 'initramfs', 'rootfs'].map((r) => artifacts[r].verifiedBy),
    ['manifest', 'manifest', 'manifest'],
    'verifiedBy',
  );
  // --no-keep-hostname: nothing to add to the user's config but the install-record unit, so it
  // must arrive merged unchanged next to that unit alone.
  const { inspection } = await ctx.convert(guest, [...ignition, ...pinned, '--kexec-from-packages']);
  await ctx.expectConverted(guest, inspection, { destination, installer: '0.20', exact: true });
  // What NestOS's first boot logs (journalctl -t x2nestos): the record the live system's
  // post-install hook left on the new boot partition, here of a first-try install.
  assert.match(
    inspection.installRecord ?? '',
    /^x2nestos \S+ converted \S+ \(.+\) to NestOS, installed on \/dev\/disk\/by-id\/\S+ at \S+\ninstall attempts: 1\nfailsafe verdict: not needed: the first install attempt succeeded\nX2NESTOS_INSTALL \{.*"attempts":1,"failsafe":\[\]\}\n$/,
    `install record on the boot partition: ${inspection.installRecord}`,
  );
  assert.equal(inspection.installer.build, release.build, 'live system build');
  // The console comes from the old host's /proc/cmdline, not from a hard-coded default.
  assert.match(inspection.installer.liveCmdline, /(^|\s)console=ttyS0,115200(\s|$)/, 'live kernel console');
  assert.match(inspection.installer.liveCmdline, /ignition\.firstboot/, 'live kernel runs Ignition');
  assert.ok(ctx.server.requests(/^\/debian\/pool\/main\/kexec-tools_/).length > 0, 'kexec-tools was not installed from the apt repository');
  assert.ok(
    ctx.server.requests(`${ctx.scratchUrlPath}/dest.ign`).some((e) => e.status === 200),
    'the Ignition URL was never fetched',
  );
  assert.ok(
    ctx.server.requests(`${ctx.scratchUrlPath}/fleet/release.json`).some((e) => e.status === 200),
    'release.json was never fetched from the fleet copy',
  );
}
