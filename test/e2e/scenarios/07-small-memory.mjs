// Issue 3, scenario 7: a machine too small for the appended rootfs. With 1 GiB of RAM and a rootfs
// padded to ~320 MiB, appending needs kernel + 3×initramfs + 2×rootfs + 512 MiB ≈ 1.2 GiB while the
// rootfs by URL needs ≈ 0.9 GiB: `--rootfs-mode auto` must pick the URL (the live system fetches
// the rootfs from the server), or refuse with the numbers (exit 3). Never an out-of-memory kill,
// neither in the old system (loading) nor in the live one.
import { destinationConfig } from '../ignition.mjs';
import { assert, EXIT, convertArgs } from '../harness.mjs';

export const id = 'small-ram';
export const title = '1 GiB machine, padded rootfs: rootfs by URL (or exit 3 with numbers), never OOM';
export const weight = 3;
const MEM_MIB = 1024;

export async function run(ctx) {
  const release = ctx.releases.r20pad;
  const destination = destinationConfig(id, ctx.nestKey);
  const guest = await ctx.boot({ image: 'debian12', memMiB: MEM_MIB });
  await ctx.prepareGuest(guest, destination);
  const rootfsPath = new URL(release.artifacts.rootfs.url).pathname;

  const result = await ctx.x2nestos(guest, convertArgs([...(await ctx.releaseArgs(guest, release)), '--rootfs-mode', 'auto']));
  const since = Date.now();
  if (result.code === EXIT.precondition) {
    // A refusal is acceptable only with the numbers that explain it.
    assert.match(result.stderr, /\d+(\.\d+)?\s*(MiB|GiB|MB|GB)/, `exit 3 without the memory figures:\n${result.stderr}`);
    await ctx.expectNothingLoaded(guest, 'small machine refusal');
    const dmesg = await guest.sshOk('dmesg');
    assert.doesNotMatch(dmesg.stdout, /Out of memory|oom-kill/, 'OOM in the old system');
    ctx.note = 'refused with exit 3';
    await ctx.finishUntouched(guest);
    return;
  }
  assert.ok(result.code === 0 || result.code === 255, `x2nestos exited ${result.code}:\n${result.stderr}\n${result.stdout.slice(-3000)}`);
  const inspection = await ctx.waitForConversion(guest, { since });
  const consoleText = await guest.console();
  assert.doesNotMatch(consoleText, /Out of memory|oom-kill|Kernel panic/, 'the live system ran out of memory');
  await ctx.expectConverted(guest, inspection, { destination, installer: '0.20' });
  assert.equal(inspection.installer.rootfs, 'url', 'the rootfs must come by URL on this machine');
  assert.match(inspection.installer.liveCmdline, /nestos\.live\.rootfs_url=http:\/\/10\.0\.2\.100\//, 'live kernel rootfs_url');
  // Told apart by who asked, not by when: x2nestos (user agent x2nestos/…) fetches and verifies the
  // rootfs before the switch, and under TCG the live system may fetch it before the switch's SSH
  // session is seen to end.
  const liveFetches = ctx.server.requests(rootfsPath).filter((r) => !r.userAgent.startsWith('x2nestos/'));
  assert.ok(liveFetches.length > 0, 'the live system did not fetch the rootfs from the server');
}
