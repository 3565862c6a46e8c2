// Issue 13, the live system's failsafe, first branch: the destination disk cannot be found under the
// live kernel (stand-in knob nestos.standin.hide_disk: HOSTDISK1 gets no stable names, as behind a
// controller the live kernel has no driver for). The installer fails before writing anything; the
// failsafe unit x2nestos put behind the installer's OnFailure= sees the disk untouched, leaves the
// outcome in the old system's work directory and reboots. Under -no-reboot that reboot ends QEMU, so
// the machine is powered on again on the same disks: the old system boots from its own disk,
// `x2nestos status` explains what happened, and the disk's partition tables are as before.
import { destinationConfig } from '../ignition.mjs';
import { assert, byId, SYSTEM_SERIAL } from '../harness.mjs';

export const id = 'failsafe-disk-missing';
export const title = 'disk missing under the live kernel → the failsafe reboots into the old system, x2nestos status explains';
export const weight = 2;
export const needs = { images: ['debian12'], releases: ['r20'] };

export async function run(ctx) {
  const guest = await ctx.switchIntoFailingInstall(
    destinationConfig(id, ctx.nestKey),
    ctx.releases.r20,
    `nestos.standin.hide_disk=${SYSTEM_SERIAL}`,
  );
  const since = Date.now();
  const exit = await guest.waitForExit(12 * 60_000);
  ctx.time('switch-to-failsafe-reboot', (Date.now() - since) / 1000);
  const live = await guest.console();
  const tail = `\nconsole tail:\n${await guest.consoleTail(40)}`;
  assert.ok(!exit.timedOut, `the live system did not reboot within 12 min${tail}`);
  const disk = byId(SYSTEM_SERIAL);
  assert.match(live, /nestos-standin: hiding vda \(nestos\.standin\.hide_disk=HOSTDISK1\)/, `the knob did not hide the disk${tail}`);
  assert.match(
    live,
    /nestos-standin: FATAL: nestos-installer 0\.20: Error: opening \/dev\/disk\/by-id\/virtio-HOSTDISK1: No such file or directory/,
    `the installer did not fail on the missing disk${tail}`,
  );
  assert.match(
    live,
    /OnFailure=x2nestos-failsafe@installer-failed\.service/,
    `the installer's OnFailure= drop-in was not in effect${tail}`,
  );
  assert.ok(
    live.includes(`x2nestos failsafe: the live system could not find the disk ${disk}; rebooting into the original system, unchanged`),
    `no failsafe message on the console${tail}`,
  );
  assert.match(live, /nestos-standin: RESULT: REBOOTED/, `the failsafe did not reboot${tail}`);
  assert.doesNotMatch(live, /Writing image|RESULT: (FAILED|INSTALLED)/, `the live system wrote or ended otherwise${tail}`);

  // Power on again: the disk's own system must come up, and say what happened.
  await guest.restart('after-failsafe');
  const seconds = await guest.waitForSsh();
  ctx.time('boot-to-ssh(old system again)', seconds);
  const json = await ctx.x2nestos(guest, ['status', '--json']);
  assert.equal(json.code, 0, `status --json exited ${json.code}: ${json.stderr}`);
  const last = JSON.parse(json.stdout).status?.lastAttempt;
  assert.ok(last, `status --json has no lastAttempt: ${json.stdout.slice(0, 1000)}`);
  assert.equal(last.reason, 'installer-failed');
  assert.equal(last.disk, 'missing');
  assert.equal(last.action, 'rebooted');
  assert.equal(last.destDevice, disk);
  assert.equal(last.message, `the live system could not find the disk ${disk}`);
  const human = await ctx.x2nestos(guest, ['status']);
  assert.equal(human.code, 0);
  assert.match(
    `${human.stdout}${human.stderr}`,
    new RegExp(
      `Attempt +\\S+: the live system could not find the disk ${disk.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}; your system was rebooted unchanged`,
    ),
  );

  // Nothing of NestOS reached the disk: its partition tables and boot area are the old ones.
  const off = await guest.powerOff();
  assert.ok(!off.timedOut, 'the old system did not power off');
  await ctx.expectSystemDiskIntact(guest);
}
