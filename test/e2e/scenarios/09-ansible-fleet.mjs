// Issue 6: a fleet converted by the Ansible collection (assets/ansible/x2nestos) with Debian's
// ansible-playbook, from one local copy of the release.
//
// The controller (this machine) downloads and verifies the release once with `x2nestos fetch --to`
// from a private copy of the stand-in mirror, which is then taken offline: no guest ever sees it.
// Three guests: `apt` (debian12) converts from the fetched directory copied to it (--release-dir),
// `yum` (openeuler2203) from the same directory served over plain HTTP (--release-url, trusted
// through the release.json hash `fetch` printed, which the role passes on), and `broken`
// (debian12 without /dev/disk/by-id and by-path links, so its disk has no name that survives the
// switch) must fail alone, with x2nestos's reason.
//   1. check mode, in batches of 2 with max_fail_percentage 50 ([apt, broken], then [yum]): only
//      `x2nestos plan` runs; apt and yum report "changed", broken fails with the tool's reason
//      without stopping apt or the next batch; nothing is left on any guest.
//   2. the conversion, one batch of 3 with max_fail_percentage 34 (one failure in three stays under
//      it): apt and yum stage, switch and reach the end of the live installer (the stand-in powers
//      off, so the role's wait for NestOS is off here and it waits for the SSH port to close); their
//      disks are NestOS with the given Ignition config; broken fails with the tool's reason, nothing
//      loaded. The binary reaches apt through SSH, the others from the controller's web server.
//   3. the wait-for-NestOS phase on its own (examples/verify.yml), against `broken` given a `nest`
//      user: refused while its os-release says Debian; once it says ID=nestos, it waits through
//      refused logins until nest's key is accepted. Then, root locked out as after a real conversion,
//      the conversion playbook finds NestOS as nest and reports the host ok and unchanged.
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { destinationConfig } from '../ignition.mjs';
import { assert, byId, SYSTEM_SERIAL } from '../harness.mjs';
import { WORK_DIR } from '../prepare.mjs';
import { run as runProgram } from '../qemu.mjs';
import { GUEST_BASE_URL } from '../server.mjs';
import { EXAMPLES_DIR, failureMessage, installCollection, inventory, playbook, readReports, requireAnsible } from '../ansible/fleet.mjs';

export const id = 'ansible-fleet';
export const title = 'Ansible role: check mode, batches, release fetched once, one unconvertible host fails alone';
export const weight = 5;
// It boots three guests at once: run it alone (run.mjs).
export const exclusive = true;

const NO_STABLE_NAME = /has no stable name in \/dev\/disk\/by-id or \/dev\/disk\/by-path/;

export async function run(ctx) {
  ctx.note = await requireAnsible();
  const release = ctx.releases.r20;
  const fleet = path.join(ctx.runDir, 'fleet');
  await mkdir(fleet, { recursive: true });
  const destination = destinationConfig(id, ctx.nestKey);
  const ignitionFile = path.join(fleet, 'node.ign');
  await writeFile(ignitionFile, destination, { mode: 0o600 });

  // --- the controller fetches the release once --------------------------------------------------
  const publicPrefix = `${ctx.scratchUrlPath}/public`;
  const hostStreams = `${ctx.server.url}${ctx.scratchUrlPath}/public-streams/`;
  const streamDoc = (await readFile(path.join(release.dir, 'streams', `${release.stream}.json`), 'utf8'))
    .split(release.baseUrl + '/')
    .join(`${ctx.server.url}${publicPrefix}/`);
  await ctx.publish(`public-streams/${release.stream}.json`, streamDoc);
  ctx.server.mount(publicPrefix, release.dir);
  ctx.mounts.push(publicPrefix);
  const releaseDir = path.join(fleet, 'release');
  // The stand-in mirror is plain HTTP: the admin vouches for the files with the published sums.
  const sums = path.join(fleet, 'SHA256SUMS');
  await writeFile(
    sums,
    ['kernel', 'initramfs', 'rootfs'].map((r) => `${release.artifacts[r].sha256}  ${path.basename(release.artifacts[r].file)}\n`).join(''),
  );
  const fetchStarted = Date.now();
  const fetched = await runProgram(
    'env',
    [
      'X2NESTOS_FORBID_HOST_CHANGES=1',
      ctx.binary.file,
      'fetch',
      ...ctx.streamArgs(release, hostStreams),
      '--checksums',
      sums,
      '--to',
      releaseDir,
      '--work-dir',
      path.join(fleet, 'fetch-work'),
      '--log-file',
      path.join(fleet, 'fetch.log'),
      '--json',
    ],
    { timeoutMs: 120_000 },
  );
  ctx.time('controller-fetch', (Date.now() - fetchStarted) / 1000);
  assert.equal(fetched.code, 0, `x2nestos fetch exited ${fetched.code}: ${fetched.stderr}`);
  const fetchedDoc = JSON.parse(fetched.stdout);
  assert.equal(fetchedDoc.result, 'fetched');
  const manifestBytes = await readFile(path.join(releaseDir, 'release.json'));
  assert.equal(
    fetchedDoc.manifestSha256,
    createHash('sha256').update(manifestBytes).digest('hex'),
    'fetch --json: manifestSha256 is the hash of release.json',
  );
  const manifest = JSON.parse(manifestBytes.toString('utf8'));
  for (const role of ['kernel', 'initramfs', 'rootfs']) {
    assert.equal(manifest.artifacts[role].sha256, release.artifacts[role].sha256, `release.json: ${role} sha256`);
    assert.equal(manifest.artifacts[role].verifiedBy, 'user-hash', `release.json: ${role} verified against the checksum file`);
  }
  assert.equal((await stat(releaseDir)).mode & 0o777, 0o700, 'fetch --to makes a private directory');
  assert.equal((await stat(path.join(releaseDir, 'release.json'))).mode & 0o777, 0o600, 'release.json is 0600');
  // The "public mirror" goes away: from here on only the controller's copy exists.
  ctx.server.unmount(publicPrefix);
  // What an operator does for a web server that does not run as root (documented in the role README).
  await runProgram('chmod', ['-R', 'a+rX', releaseDir]);
  const releasePrefix = `${ctx.scratchUrlPath}/fleet-release`;
  ctx.server.mount(releasePrefix, releaseDir);
  ctx.mounts.push(releasePrefix);
  const releaseUrl = `${GUEST_BASE_URL}${releasePrefix}/`;
  const requestsBefore = ctx.server.log.length;

  const collections = await installCollection(path.join(ctx.runDir, 'collections'));

  // --- three guests --------------------------------------------------------------------------
  const [apt, yum, broken] = await Promise.all([
    ctx.boot({ image: 'debian12', label: 'apt', dataDisk: false }),
    ctx.boot({ image: 'openeuler2203', label: 'yum', dataDisk: false }),
    ctx.boot({ image: 'debian12', label: 'broken', dataDisk: false }),
  ]);
  // Without udev's links nothing names the disk in a way the live kernel is sure to agree with.
  await broken.sshOk('rm -rf /dev/disk/by-id /dev/disk/by-path && ! ls /dev/disk/by-id 2>/dev/null');

  // The binary reaches apt from the controller through SSH, yum and broken from the controller's
  // web server (x2nestos_binary_url, checked against dist/SHA256SUMS).
  const binPrefix = `${ctx.scratchUrlPath}/bin`;
  ctx.server.mount(binPrefix, path.dirname(ctx.binary.file));
  ctx.mounts.push(binPrefix);
  const byHttp = { x2nestos_binary_dir: '', x2nestos_binary_url: `${GUEST_BASE_URL}${binPrefix}/` };
  const inventoryFile = path.join(fleet, 'inventory.yml');
  // Host order = batch order with serial 2: [apt, broken], then [yum].
  await writeFile(
    inventoryFile,
    inventory(
      {
        apt: { guest: apt, vars: { x2nestos_release_dir: releaseDir } },
        broken: { guest: broken, vars: { x2nestos_release_dir: releaseDir, ...byHttp } },
        // Only here (each small file costs seconds under TCG): options through a --config file.
        // Plain HTTP: the hash fetch printed is what the role hands this host (the others' comes
        // from hashing the controller's release.json).
        yum: {
          guest: yum,
          vars: {
            x2nestos_release_url: releaseUrl,
            x2nestos_release_manifest_sha256: fetchedDoc.manifestSha256,
            ...byHttp,
            x2nestos_options: { 'log-file': '/var/log/x2nestos-e2e.log' },
          },
        },
      },
      {
        ansible_python_interpreter: '/usr/bin/python3',
        x2nestos_binary_dir: path.dirname(ctx.binary.file),
        x2nestos_ignition_file: ignitionFile,
        x2nestos_nest_private_key_file: path.join(WORK_DIR, 'keys/nest_ed25519'),
        // The stand-in installer powers the VM off instead of booting NestOS (see phase 3).
        x2nestos_wait_for_nestos: false,
        x2nestos_shutdown_timeout: 600,
      },
    ),
  );
  // The example's failure budget is a number (ansible-lint's schema wants one), so each phase
  // runs a copy of it with its own budget.
  const example = await readFile(path.join(EXAMPLES_DIR, 'convert.yml'), 'utf8');
  assert.match(example, /^ {2}max_fail_percentage: 20$/m, 'examples/convert.yml sets max_fail_percentage: 20');
  const convertPlaybook = async (budget) => {
    const file = path.join(fleet, `convert-${budget}.yml`);
    await writeFile(file, example.replace(/^ {2}max_fail_percentage: 20$/m, `  max_fail_percentage: ${budget}`));
    return file;
  };
  const verifyPlaybook = path.join(EXAMPLES_DIR, 'verify.yml');
  const common = { inventory: inventoryFile, collections };

  // --- 1. check mode ------------------------------------------------------------------------
  const checkReports = path.join(fleet, 'report-check');
  const check = await playbook(ctx, 'check', {
    ...common,
    playbook: await convertPlaybook(50),
    check: true,
    extraVars: { x2nestos_report_dir: checkReports, x2nestos_serial: 2 },
  });
  ctx.time('ansible-check', check.seconds);
  assert.equal(check.code, 2, `check mode: ansible-playbook exits 2 when a host failed, got ${check.code}\n${check.stdout.slice(-3000)}`);
  for (const host of ['apt', 'yum']) {
    assert.equal(check.recap[host]?.failed, 0, `check mode: ${host} failed: ${failureMessage(check.stdout, host)}`);
    assert.ok(
      check.recap[host]?.changed >= 1,
      `check mode: ${host} must report changed (it would convert): ${JSON.stringify(check.recap[host])}`,
    );
  }
  assert.equal(check.recap.broken?.failed, 1, `check mode: broken must fail: ${JSON.stringify(check.recap)}`);
  assert.match(failureMessage(check.stdout, 'broken'), NO_STABLE_NAME, "check mode: broken fails with x2nestos's reason");
  assert.equal(
    playBanners(check.stdout),
    2,
    'check mode: serial 2 runs the three hosts in two batches, the failure in the first stops neither',
  );
  const checked = await readReports(checkReports);
  for (const host of ['apt', 'yum']) {
    assert.equal(checked[host]?.result, 'convertible', `check report of ${host}: ${JSON.stringify(checked[host])}`);
    assert.equal(checked[host].target, byId(SYSTEM_SERIAL), `check report of ${host}: target`);
    assert.equal(checked[host].release, release.build, `check report of ${host}: release`);
  }
  assert.equal(checked.broken?.result, 'refused', `check report of broken: ${JSON.stringify(checked.broken)}`);
  assert.equal(checked.broken.kind, 'precondition');
  assert.equal(checked.broken.exit_code, 3);
  for (const [name, guest] of [
    ['apt', apt],
    ['yum', yum],
    ['broken', broken],
  ]) {
    const left = await guest.ssh(
      'ls -d /usr/local/sbin/x2nestos /var/lib/x2nestos-fleet /var/lib/x2nestos /var/tmp/x2nestos-check.* 2>/dev/null; cat /sys/kernel/kexec_loaded; command -v kexec || true',
    );
    assert.equal(left.stdout.trim(), '0', `check mode left something on ${name}: ${left.stdout}`);
  }

  // --- 2. the conversion --------------------------------------------------------------------
  const realReports = path.join(fleet, 'report-convert');
  const since = Date.now();
  const conversion = await playbook(ctx, 'convert', {
    ...common,
    playbook: await convertPlaybook(34),
    // One batch: the two conversions run side by side; one failure in three stays under 34 %.
    timeoutMs: 20 * 60_000,
    extraVars: { x2nestos_report_dir: realReports, x2nestos_serial: 3 },
  });
  ctx.time('ansible-convert', conversion.seconds);
  assert.equal(
    conversion.code,
    2,
    `conversion: ansible-playbook exits 2 when a host failed, got ${conversion.code}\n${conversion.stdout.slice(-3000)}`,
  );
  assert.equal(conversion.recap.broken?.failed, 1, `broken must fail: ${JSON.stringify(conversion.recap)}`);
  assert.match(failureMessage(conversion.stdout, 'broken'), NO_STABLE_NAME, "broken fails with x2nestos's reason");
  const reports = await readReports(realReports);
  for (const [host, guest] of [
    ['apt', apt],
    ['yum', yum],
  ]) {
    assert.equal(conversion.recap[host]?.failed, 0, `${host} failed: ${failureMessage(conversion.stdout, host)}`);
    assert.equal(reports[host]?.result, 'switched', `report of ${host}: ${JSON.stringify(reports[host])}`);
    assert.ok(reports[host].gone_after_seconds >= 0, `report of ${host}: the role saw the host go away`);
    // The role waited for the SSH port to close, i.e. for QEMU to end after the installer.
    const exit = await guest.waitForExit(60_000);
    assert.ok(!exit.timedOut, `${host}: still running after the role saw it go away`);
    const inspection = await ctx.inspect(guest, 0);
    await ctx.expectConverted(guest, inspection, { destination, installer: '0.20' });
  }
  ctx.time('convert-to-both-installed', (Date.now() - since) / 1000);
  assert.equal(reports.broken?.result, 'refused', `report of broken: ${JSON.stringify(reports.broken)}`);
  await ctx.expectNothingLoaded(broken, 'broken after the conversion run');

  // No guest ever reached the mirror; yum read the controller's copy over HTTP.
  const requests = ctx.server.log.slice(requestsBefore);
  assert.deepEqual(
    requests.filter((r) => r.path.startsWith(publicPrefix)).map((r) => r.path),
    [],
    'a guest asked the public mirror',
  );
  const served = requests.filter((r) => r.path.startsWith(releasePrefix + '/') && r.status < 300).map((r) => path.posix.basename(r.path));
  for (const role of ['release.json', manifest.artifacts.initramfs.name, manifest.artifacts.rootfs.name]) {
    assert.ok(served.includes(role), `yum did not read ${role} from --release-url (served: ${served.join(', ')})`);
  }

  // --- 3. waiting for NestOS, and a host that already runs it ---------------------------------
  await broken.sshOk(
    `useradd -m -s /bin/sh nest && install -d -m 0700 -o nest -g nest ~nest/.ssh && ` +
      `install -m 0600 -o nest -g nest /dev/stdin ~nest/.ssh/authorized_keys`,
    { input: `${ctx.nestKey}\n` },
  );
  const verifyReports = path.join(fleet, 'report-verify');
  const notYet = await playbook(ctx, 'verify-debian', {
    ...common,
    playbook: verifyPlaybook,
    limit: 'broken',
    extraVars: { x2nestos_report_dir: verifyReports },
  });
  assert.equal(notYet.code, 2, `verify must fail while broken runs Debian: ${notYet.stdout.slice(-2000)}`);
  assert.match(failureMessage(notYet.stdout, 'broken'), /came back as Debian GNU\/Linux 12 \(bookworm\), not NestOS/);

  // NestOS now, but nest's login is refused for a while (as while the live installer runs): the
  // wait must treat refused logins as "not yet" and succeed once the key is accepted.
  await broken.sshOk(
    `rm -f /etc/os-release ~nest/.ssh/authorized_keys && printf '%s\\n' 'NAME="NestOS"' 'ID=nestos' ` +
      `'VERSION="${release.build}"' 'PRETTY_NAME="NestOS For Container ${release.build}"' >/etc/os-release`,
  );
  const waiting = playbook(ctx, 'verify-nestos', {
    ...common,
    playbook: verifyPlaybook,
    limit: 'broken',
    extraVars: { x2nestos_report_dir: verifyReports, x2nestos_nestos_poll: 3, x2nestos_nestos_timeout: 180 },
  });
  await new Promise((resolve) => setTimeout(resolve, 15_000));
  await broken.sshOk('install -m 0600 -o nest -g nest /dev/stdin ~nest/.ssh/authorized_keys', { input: `${ctx.nestKey}\n` });
  const verified = await waiting;
  assert.equal(verified.code, 0, `verify as nest: ${verified.stdout.slice(-3000)}`);
  const final = (await readReports(verifyReports)).broken;
  assert.equal(final?.result, 'converted', `verify report: ${JSON.stringify(final)}`);
  assert.equal(final.os, `NestOS For Container ${release.build}`);
  assert.ok(final.login_attempts >= 2 && final.waited_seconds >= 5, `verify did not wait through refused logins: ${JSON.stringify(final)}`);

  // The old login gone, as after a real conversion: the role finds NestOS as nest and does nothing.
  await broken.sshOk('rm -f /root/.ssh/authorized_keys');
  const rootLogin = await broken.ssh('true', { timeoutMs: 30_000 });
  assert.notEqual(rootLogin.code, 0, 'root can still log in to broken');
  const again = await playbook(ctx, 'convert-nestos', {
    ...common,
    playbook: await convertPlaybook(20),
    limit: 'broken',
    extraVars: { x2nestos_report_dir: verifyReports },
  });
  assert.equal(again.code, 0, `a host already on NestOS: ${again.stdout.slice(-3000)}`);
  assert.deepEqual(
    { changed: again.recap.broken?.changed, failed: again.recap.broken?.failed, unreachable: again.recap.broken?.unreachable },
    { changed: 0, failed: 0, unreachable: 0 },
    `a host already on NestOS is ok and unchanged: ${JSON.stringify(again.recap.broken)}`,
  );
  assert.equal((await readReports(verifyReports)).broken?.result, 'already-nestos');

  ctx.note = `${ctx.note}; check ${check.seconds.toFixed(0)} s, convert ${conversion.seconds.toFixed(0)} s`;
}

const playBanners = (stdout) => [...stdout.matchAll(/^PLAY \[/gm)].length;
