/**
 * The install record (issue 13): the live system's post-install hook, run for real by /bin/sh
 * against a scratch tree (sysfs partitions, the failsafe's outcome history) with mount stubbed;
 * both units judged by `systemd-analyze verify`; the destination unit added to the user's config
 * through the wrapper without touching what the user defined.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withUnits } from '../../../src/ignition/augment.js';
import { validateIgnition } from '../../../src/ignition/validate.js';
import { OUTCOME_HISTORY } from '../../../src/payload/failsafe.js';
import {
  INSTALL_RECORD_DEST_UNIT,
  INSTALL_RECORD_DEST_UNIT_TEXT,
  INSTALL_RECORD_LIVE_UNIT,
  INSTALL_RECORD_LIVE_UNIT_TEXT,
  installRecordLive,
  installRecordScript,
} from '../../../src/payload/install-record.js';

const scratch: string[] = [];
afterEach(() => {
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
};

const DEST = '/dev/disk/by-id/virtio-HOSTDISK1';
const INPUT = { destDevice: DEST, toolVersion: '0.2.0', sourceHost: 'web01 (openEuler 22.03 (LTS-SP3))' };

const outcome = (reason: string, action: string, message: string) =>
  JSON.stringify({
    version: 1,
    at: '2026-12-07T10:00:00Z',
    reason,
    disk: 'touched',
    action,
    destDevice: DEST,
    message,
    installerSaid: 'Error: I/O error',
    log: 'journalctl',
    tool: '0.2.0',
  });

/** A live system's view: the destination disk with three GPT partitions, the third named boot. */
function liveWorld(opts: { bootName?: string; history?: string[]; stayedUp?: boolean } = {}) {
  const dir = tempDir('x2nestos-record-');
  const root = path.join(dir, 'root');
  mkdirSync(path.join(root, 'dev/disk/by-id'), { recursive: true });
  writeFileSync(path.join(root, 'dev/vda'), '');
  symlinkSync('../../vda', path.join(root, DEST));
  ['BIOS-BOOT', 'EFI-SYSTEM', opts.bootName ?? 'boot'].forEach((name, i) => {
    const part = path.join(root, 'sys/class/block/vda', `vda${i + 1}`);
    mkdirSync(part, { recursive: true });
    writeFileSync(path.join(part, 'partition'), `${i + 1}\n`);
    writeFileSync(
      path.join(part, 'uevent'),
      `MAJOR=253\nMINOR=${i + 1}\nDEVNAME=vda${i + 1}\nDEVTYPE=partition\nPARTN=${i + 1}\nPARTNAME=${name}\n`,
    );
  });
  const state = path.join(dir, 'state');
  mkdirSync(state);
  if (opts.history) writeFileSync(path.join(state, OUTCOME_HISTORY), opts.history.map((l) => `${l}\n`).join(''));
  if (opts.stayedUp) writeFileSync(path.join(state, 'stayed-up'), '');
  // mount and umount only say what they were asked: the "mounted" boot partition is the mount point.
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  for (const name of ['mount', 'umount']) {
    writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >>"${dir}/calls"\n`);
    chmodSync(path.join(bin, name), 0o755);
  }
  const script = path.join(dir, 'install-record');
  writeFileSync(script, installRecordScript(INPUT));
  const run = () =>
    spawnSync('/bin/sh', [script], {
      encoding: 'utf8',
      env: { PATH: `${bin}:/usr/bin:/bin`, X2NESTOS_FAILSAFE_ROOT: root, X2NESTOS_FAILSAFE_STATE: state },
    });
  const record = path.join(state, 'new-boot/x2nestos/install.log');
  const calls = () => (existsSync(path.join(dir, 'calls')) ? readFileSync(path.join(dir, 'calls'), 'utf8') : '');
  return { root, state, run, record, calls };
}

describe('the live hook that records the install', () => {
  it('after a first-try install: the tool, the host, one attempt, no failsafe needed, on the boot partition', () => {
    const w = liveWorld();
    const r = w.run();
    expect(r.status).toBe(0);
    expect(w.calls()).toBe(`mount ${w.root}/dev/vda3 ${w.state}/new-boot\numount ${w.state}/new-boot\n`);
    const lines = readFileSync(w.record, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^x2nestos 0\.2\.0 converted web01 \(openEuler 22\.03 \(LTS-SP3\)\) to NestOS, installed on \/dev\/disk\/by-id\/virtio-HOSTDISK1 at \d{4}-\d\d-\d\dT/,
    );
    expect(lines.slice(1, 3)).toEqual(['install attempts: 1', 'failsafe verdict: not needed: the first install attempt succeeded']);
    const json = JSON.parse(lines[3]!.replace(/^X2NESTOS_INSTALL /, '')) as Record<string, unknown>;
    expect(json).toMatchObject({ version: 1, tool: '0.2.0', host: INPUT.sourceHost, destDevice: DEST, attempts: 1, failsafe: [] });
    expect(r.stdout).toContain('x2nestos install record: install attempts: 1');
  });

  it('after a retry: each failed attempt with what the failsafe did and why, and the verdict', () => {
    const failed = outcome('installer-failed', 'retried', 'the installer failed after writing to /dev/disk/by-id/virtio-HOSTDISK1');
    const w = liveWorld({ history: [failed] });
    expect(w.run().status).toBe(0);
    const lines = readFileSync(w.record, 'utf8').trimEnd().split('\n');
    expect(lines.slice(1, 4)).toEqual([
      'install attempts: 2',
      'failsafe (installer-failed): the installer failed after writing to /dev/disk/by-id/virtio-HOSTDISK1; it retried (installer said: Error: I/O error)',
      'failsafe verdict: 1 failed attempt(s) and a retry; attempt 2 succeeded',
    ]);
    const json = JSON.parse(lines[4]!.replace(/^X2NESTOS_INSTALL /, '')) as { attempts: number; failsafe: unknown[] };
    expect(json.attempts).toBe(2);
    expect(json.failsafe).toEqual([JSON.parse(failed)]);
  });

  it('after the failsafe stayed up and someone started the install again by hand', () => {
    const w = liveWorld({
      history: [outcome('installer-failed', 'retried', 'first'), outcome('installer-failed', 'stayed-up', 'first, again after one retry')],
      stayedUp: true,
    });
    expect(w.run().status).toBe(0);
    expect(readFileSync(w.record, 'utf8')).toContain(
      'install attempts: 3\nfailsafe (installer-failed): first; it retried (installer said: Error: I/O error)\nfailsafe (installer-failed): first, again after one retry; it stayed-up (installer said: Error: I/O error)\nfailsafe verdict: it stayed up after 2 failed attempt(s); attempt 3, started again by hand, succeeded\n',
    );
  });

  it('never fails the hook: no partition named boot leaves the record in the journal only', () => {
    const w = liveWorld({ bootName: 'data' });
    const r = w.run();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('x2nestos install record: no partition named boot on');
    expect(w.calls()).toBe('');
    expect(existsSync(w.record)).toBe(false);
  });

  it('is enabled in the live config as a post-install hook', () => {
    const live = installRecordLive(INPUT);
    expect(live.units).toEqual([{ name: INSTALL_RECORD_LIVE_UNIT, enabled: true, contents: INSTALL_RECORD_LIVE_UNIT_TEXT }]);
    expect(live.files.map((f) => [f.path, f.mode])).toEqual([['/etc/x2nestos/install-record', 0o700]]);
    const lines = INSTALL_RECORD_LIVE_UNIT_TEXT.split('\n');
    // The stand-in and systemd run a hook only with all three (contract §9).
    expect(lines).toEqual(
      expect.arrayContaining(['After=nestos-installer.service', 'Before=nestos-installer.target', 'RequiredBy=nestos-installer.target']),
    );
  });
});

function verify(files: Record<string, string>, units: string[]) {
  const dir = tempDir('x2nestos-record-units-');
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...units.map((u) => path.join(dir, u))], {
    env: { ...process.env, SYSTEMD_UNIT_PATH: `${dir}:`, SYSTEMD_LOG_LEVEL: 'notice' },
    encoding: 'utf8',
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('the units pass systemd-analyze verify', () => {
  it("the live hook, with stubs of the live image's installer units", () => {
    const r = verify(
      {
        [INSTALL_RECORD_LIVE_UNIT]: INSTALL_RECORD_LIVE_UNIT_TEXT,
        'nestos-installer.service': '[Service]\nType=oneshot\nExecStart=/bin/true\n',
        'nestos-installer.target': '[Unit]\nDescription=stub\n',
      },
      [INSTALL_RECORD_LIVE_UNIT],
    );
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  it("NestOS's first-boot unit", () => {
    const r = verify({ [INSTALL_RECORD_DEST_UNIT]: INSTALL_RECORD_DEST_UNIT_TEXT }, [INSTALL_RECORD_DEST_UNIT]);
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  it('the check can fail: a unit with a misspelt key is reported', () => {
    const r = verify({ [INSTALL_RECORD_DEST_UNIT]: INSTALL_RECORD_DEST_UNIT_TEXT.replace('ExecStart=', 'ExecStrat=') }, [
      INSTALL_RECORD_DEST_UNIT,
    ]);
    expect(r.output).toMatch(/ExecStrat/);
  });
});

describe("NestOS's first-boot unit in the destination config", () => {
  const user = JSON.stringify({
    ignition: { version: '3.2.0' },
    passwd: { users: [{ name: 'nest', sshAuthorizedKeys: ['ssh-ed25519 AAAA k'] }] },
  });
  const unit = { name: INSTALL_RECORD_DEST_UNIT, contents: INSTALL_RECORD_DEST_UNIT_TEXT };

  it("logs the boot partition's record once, under the identifier x2nestos", () => {
    expect(INSTALL_RECORD_DEST_UNIT).toMatch(/^x2nestos-/);
    const lines = INSTALL_RECORD_DEST_UNIT_TEXT.split('\n');
    expect(lines).toContain(
      'ExecStart=/usr/bin/systemd-cat --identifier=x2nestos --priority=notice /usr/bin/cat /boot/x2nestos/install.log',
    );
    expect(lines).toContain('ConditionPathExists=/boot/x2nestos/install.log');
    expect(lines).toContain('ConditionPathExists=!/var/lib/x2nestos/install.log');
    expect(lines).toContain('ExecStart=/usr/bin/install -D -m 0644 /boot/x2nestos/install.log /var/lib/x2nestos/install.log');
  });

  it('is added enabled, through the wrapper, leaving the user bytes as they were', () => {
    const text = withUnits(user, [unit]);
    const report = validateIgnition(text);
    expect(report.ok).toBe(true);
    const parsed = JSON.parse(text) as { systemd: { units: unknown[] }; ignition: { config: { merge: { source: string }[] } } };
    expect(parsed.systemd.units).toEqual([{ name: INSTALL_RECORD_DEST_UNIT, enabled: true, contents: INSTALL_RECORD_DEST_UNIT_TEXT }]);
    const inner = Buffer.from(parsed.ignition.config.merge[0]!.source.replace(/^data:;base64,/, ''), 'base64').toString();
    expect(inner).toBe(user);
    // Applied again: recognised, nothing nested or repeated.
    expect(withUnits(text, [unit])).toBe(text);
  });

  it("a unit of that name in the user's config wins: nothing is added", () => {
    const own = JSON.stringify({ ignition: { version: '3.2.0' }, systemd: { units: [{ name: INSTALL_RECORD_DEST_UNIT, mask: true }] } });
    expect(withUnits(own, [unit])).toBe(own);
  });
});
