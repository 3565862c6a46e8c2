// Issue 3, scenario 8: the server drops the connection in the middle of a download.
//
// Phase 1: a mirror that never delivers the initramfs past half its size (every response stops at
// that file offset). The tool may retry (with Range, resuming at the cut) but cannot finish: it must
// give up with exit 6 (network), nothing loaded, the partial file kept.
// Phase 2: the mirror is healthy again. The next run must resume the partial file — a request with
// `Range: bytes=<cut>-` in the server's log, never the whole file again — and convert.
import { destinationConfig } from '../ignition.mjs';
import { assert, EXIT, convertArgs } from '../harness.mjs';

export const id = 'resume';
export const title = 'connection dropped mid-download → exit 6, nothing loaded; the next run resumes (Range) and converts';
export const weight = 2;

export async function run(ctx) {
  const release = ctx.releases.r20;
  const destination = destinationConfig(id, ctx.nestKey);
  const flaky = await ctx.mirror(release, 'flaky');
  const target = flaky.urlPath('initramfs');
  const cut = Math.floor(release.artifacts.initramfs.size / 2);
  ctx.server.dropAfter(target, cut, { times: Infinity, absolute: true });

  const guest = await ctx.boot({ image: 'debian12' });
  await ctx.prepareGuest(guest, destination);
  const args = convertArgs([
    '--ignition',
    '/root/dest.ign',
    ...ctx.streamArgs(release, flaky.streamBaseUrl),
    ...(await ctx.checksums(guest, release)),
  ]);

  const first = await ctx.x2nestos(guest, args);
  const cutRequests = ctx.server.requests(target).filter((e) => e.aborted);
  assert.ok(cutRequests.length >= 1, `the fault was not hit: ${JSON.stringify(ctx.server.requests(target))}`);
  assert.equal(
    first.code,
    EXIT.network,
    `a download that cannot finish must end with exit 6, got ${first.code}:\n${first.stderr}\n${first.stdout.slice(-2000)}`,
  );
  assert.ok(guest.running, 'the VM stopped after a network failure');
  await ctx.expectNothingLoaded(guest, 'after the dropped download');

  ctx.server.clearFaults(ctx.scratchUrlPath);
  const seen = ctx.server.requests(target).length;
  const second = await ctx.x2nestos(guest, args);
  const since = Date.now();
  assert.ok(second.code === 0 || second.code === 255, `second run exited ${second.code}:\n${second.stderr}\n${second.stdout.slice(-3000)}`);
  const afterwards = ctx.server.requests(target).slice(seen);
  assert.ok(
    afterwards.some((e) => e.range === `bytes=${cut}-` && e.status === 206 && !e.aborted),
    `the second run did not resume at byte ${cut}: ${JSON.stringify(afterwards)}`,
  );
  assert.ok(!afterwards.some((e) => e.status === 200), `the second run downloaded the whole file again: ${JSON.stringify(afterwards)}`);
  const inspection = await ctx.waitForConversion(guest, { since });
  await ctx.expectConverted(guest, inspection, { destination, installer: '0.20' });
}
