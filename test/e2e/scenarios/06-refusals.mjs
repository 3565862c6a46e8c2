// Issue 3, scenario 6: four conversions that must be refused before anything irreversible happens,
// all on one apt host: an invalid Ignition config and a lock-out config (exit 4), a mirror that
// serves tampered bytes (exit 5), and an initramfs and rootfs of different builds (exit 5). After
// each: no kernel loaded, no shutdown queued, the host still answers. At the end the VM is powered
// off and its disks compared with the images it booted from.
import { destinationConfig, invalidConfig, lockOutConfig } from '../ignition.mjs';
import { EXIT } from '../harness.mjs';

export const id = 'refusals';
export const title = 'invalid Ignition, lock-out Ignition, tampered mirror, mixed builds → refused, host untouched';
export const weight = 3;

export async function run(ctx) {
  const r20 = ctx.releases.r20;
  const r20b = ctx.releases.r20b;
  const guest = await ctx.boot({ image: 'debian12' });
  await ctx.installBinary(guest);
  for (const [file, text] of [
    ['invalid.ign', invalidConfig(ctx.nestKey)],
    ['lockout.ign', lockOutConfig()],
    ['dest.ign', destinationConfig(id, ctx.nestKey)],
  ]) {
    await guest.sshOk(`install -m 0600 /dev/stdin /root/${file}`, { input: text });
  }
  const sums = await ctx.checksums(guest, r20);
  const stream = ['--stream', r20.stream, '--stream-base-url', r20.streamBaseUrl, ...sums];
  // The mirror's own hashes came over plain HTTP: without a trusted hash nothing is even fetched.
  await ctx.expectRefusal(
    guest,
    ['--ignition', '/root/dest.ign', '--stream', r20.stream, '--stream-base-url', r20.streamBaseUrl],
    EXIT.verification,
    'plain-HTTP stream, no trusted hash',
  );

  await ctx.expectRefusal(guest, ['--ignition', '/root/invalid.ign', ...stream], EXIT.ignition, 'invalid Ignition');
  await ctx.expectRefusal(guest, ['--ignition', '/root/lockout.ign', ...stream], EXIT.ignition, 'lock-out Ignition');

  const tampered = await ctx.mirror(r20, 'tampered');
  const size = r20.artifacts.rootfs.size;
  ctx.server.tamper(tampered.urlPath('rootfs'), [Math.floor(size / 2), size - 1]);
  await ctx.expectRefusal(
    guest,
    ['--ignition', '/root/dest.ign', '--stream', r20.stream, '--stream-base-url', tampered.streamBaseUrl, ...sums],
    EXIT.verification,
    'tampered mirror',
  );
  ctx.server.clearFaults(ctx.scratchUrlPath);

  const a = r20.artifacts;
  const b = r20b.artifacts;
  await ctx.expectRefusal(
    guest,
    [
      '--ignition',
      '/root/dest.ign',
      '--kernel',
      a.kernel.url,
      '--kernel-sha256',
      a.kernel.sha256,
      '--initramfs',
      a.initramfs.url,
      '--initramfs-sha256',
      a.initramfs.sha256,
      '--rootfs',
      b.rootfs.url,
      '--rootfs-sha256',
      b.rootfs.sha256,
    ],
    EXIT.verification,
    'initramfs and rootfs of different builds',
  );

  await ctx.finishUntouched(guest);
}
