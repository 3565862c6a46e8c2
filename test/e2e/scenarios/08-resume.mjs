// Issue 3, scenario 8: the server drops the connection in the middle of a download. The first run
// fails with exit 6 (network) and leaves nothing loaded — or retries by itself; a second run resumes
// the partial file with an HTTP Range request (seen in the server's log) and converts.
import { destinationConfig } from '../ignition.mjs';
import { assert, EXIT, convertArgs } from '../harness.mjs';

export const id = 'resume';
export const title = 'connection dropped mid-download → exit 6 or retry; the next run resumes (Range) and converts';
export const weight = 2;

export async function run(ctx) {
  const release = ctx.releases.r20;
  const destination = destinationConfig(id, ctx.nestKey);
  const flaky = await ctx.mirror(release, 'flaky');
  const target = flaky.urlPath('initramfs');
  const cut = Math.floor(release.artifacts.initramfs.size / 2);
  ctx.server.dropAfter(target, cut, { times: 1 });

  const guest = await ctx.boot({ image: 'debian12' });
  await guest.sshOk('install -m 0600 /dev/stdin /root/dest.ign', { input: destination });
  await ctx.installBinary(guest);
  const args = convertArgs(['--ignition', '/root/dest.ign', '--stream', release.stream, '--stream-base-url', flaky.streamBaseUrl]);

  let since = Date.now();
  const first = await ctx.x2nestos(guest, args);
  const dropped = ctx.server.requests(target).filter((e) => e.aborted);
  assert.equal(dropped.length, 1, `the fault was not hit: ${JSON.stringify(ctx.server.requests(target))}`);
  if (first.code === EXIT.network) {
    assert.ok(guest.running, 'the VM stopped after a network failure');
    await ctx.expectNothingLoaded(guest, 'after the dropped download');
    since = Date.now();
    const second = await ctx.x2nestos(guest, args);
    assert.ok(second.code === 0 || second.code === 255, `second run exited ${second.code}:\n${second.stderr}\n${second.stdout.slice(-3000)}`);
  } else {
    assert.ok(first.code === 0 || first.code === 255, `first run exited ${first.code} (expected 6, or success after a retry):\n${first.stderr}\n${first.stdout.slice(-3000)}`);
  }
  const ranged = ctx.server.requests(target).filter((e) => e.range && /^bytes=[1-9]\d*-/.test(e.range));
  assert.ok(ranged.length > 0, `no Range request resumed ${target}: ${JSON.stringify(ctx.server.requests(target))}`);
  const inspection = await ctx.waitForConversion(guest, { since });
  await ctx.expectConverted(guest, inspection, { destination, installer: '0.20' });
}
