// Issue 13, the live system's failsafe, second branch: the install fails after writing to the disk
// (stand-in knob nestos.standin.fail_after_write=2: the first two attempts end with an I/O error
// after the image was written, and the installer clears the partition table). The failsafe sees
// the disk touched, restarts the install once; the second failure makes it stay up: network, sshd,
// `nest` with the destination config's key, and a one-line message on the console. The test logs
// in as nest over SSH into the live system and reads the recorded outcome.
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { destinationConfig } from '../ignition.mjs';
import { assert, byId, SYSTEM_SERIAL } from '../harness.mjs';
import { WORK_DIR } from '../prepare.mjs';

export const id = 'failsafe-retry';
export const title = 'install fails after writing → retried once, then the live system stays up, reachable as nest over SSH';
export const weight = 2;
export const needs = { images: ['debian12'], releases: ['r20'] };

const STAYS_UP =
  /x2nestos failsafe: the installer failed after writing to \S+, again after one retry; this live system stays up: ssh nest@/;

export async function run(ctx) {
  const guest = await ctx.switchIntoFailingInstall(
    destinationConfig(id, ctx.nestKey),
    ctx.releases.r20,
    'nestos.standin.fail_after_write=2',
  );

  // The live system must not end: wait for the failsafe's message while QEMU keeps running.
  const since = Date.now();
  let live = '';
  while (Date.now() - since < 12 * 60_000) {
    live = await guest.console();
    if (STAYS_UP.test(live) || !guest.running) break;
    await sleep(3000);
  }
  ctx.time('switch-to-stays-up', (Date.now() - since) / 1000);
  const tail = `\nconsole tail:\n${await guest.consoleTail(50)}`;
  assert.ok(guest.running, `the live system ended instead of staying up${tail}`);
  assert.match(live, STAYS_UP, `no "stays up" message from the failsafe within 12 min${tail}`);
  const disk = byId(SYSTEM_SERIAL);
  assert.equal((live.match(/nestos-standin: Writing image/g) ?? []).length, 2, `expected the install attempted twice${tail}`);
  assert.ok(
    live.includes(`x2nestos failsafe: the installer failed after writing to ${disk}; retrying the install once`),
    `no retry message${tail}`,
  );
  assert.doesNotMatch(live, /RESULT: (REBOOTED|FAILED|INSTALLED)/, `the live system ended otherwise${tail}`);

  // SSH as nest, with the key of the destination config, into the live system (its sshd was started
  // by the failsafe: multi-user.target is never reached during an automated install).
  const key = path.join(WORK_DIR, 'keys/nest_ed25519');
  let login;
  const sshSince = Date.now();
  while (Date.now() - sshSince < 180_000) {
    login = await guest.sshAs('nest', key, 'id -un; cat /etc/os-release; cat /run/x2nestos-failsafe/outcome.json');
    if (login.code === 0) break;
    await sleep(3000);
  }
  ctx.time('stays-up-to-nest-ssh', (Date.now() - sshSince) / 1000);
  assert.equal(login.code, 0, `ssh nest@ the live system failed: ${login.stderr}${tail}`);
  const [user, ...rest] = login.stdout.trim().split('\n');
  assert.equal(user, 'nest');
  assert.match(rest.join('\n'), /^ID=nestos$/m, 'logged in somewhere else than the live system');
  const outcome = JSON.parse(rest.at(-1));
  assert.equal(outcome.reason, 'installer-failed');
  assert.equal(outcome.disk, 'touched');
  assert.equal(outcome.action, 'stayed-up');
  assert.equal(outcome.destDevice, disk);

  // The install record (what NestOS's first boot logs, journalctl -t x2nestos): its post-install
  // hook is enabled in the live system, and the failsafe kept each outcome for it, so an attempt
  // that later succeeds (started again by hand) tells NestOS's journal about both failures. The
  // stand-in runs the hook only after a successful install (its README); the record of a
  // first-try install on a real disk is checked in apt-url, the hook on such a history in
  // test/unit/payload/install-record.test.ts.
  const story = await guest.sshAs(
    'nest',
    key,
    'cat /run/x2nestos-failsafe/outcomes.jsonl; grep -x -e RequiredBy=nestos-installer.target -e "ExecStart=/bin/sh /etc/x2nestos/install-record" /etc/systemd/system/x2nestos-install-record.service; grep -c x2nestos-install-record.service /etc/systemd/system-preset/20-ignition.preset',
  );
  assert.equal(story.code, 0, `reading the outcome history and the install-record hook: ${story.stderr}`);
  const storyLines = story.stdout.trim().split('\n');
  const history = storyLines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  assert.deepEqual(
    history.map((o) => [o.reason, o.action]),
    [
      ['installer-failed', 'retried'],
      ['installer-failed', 'stayed-up'],
    ],
    'the failsafe outcome history',
  );
  assert.deepEqual(
    storyLines.filter((l) => !l.startsWith('{')),
    ['ExecStart=/bin/sh /etc/x2nestos/install-record', 'RequiredBy=nestos-installer.target', '1'],
    'the install-record hook, enabled in the live system',
  );

  // Nobody boots the half-written disk: its partition table was cleared, it is no NestOS disk.
  await guest.kill();
  const inspection = await ctx.inspect(guest, 0);
  assert.equal(inspection.nestos, false, 'the disk left behind looks like an installed NestOS');
  assert.equal(inspection.installRecord, null, 'an install record on a disk that was never installed');
}
