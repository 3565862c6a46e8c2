/**
 * The failsafe's systemd units, as the live system's Ignition writes them: their content, and
 * systemd's own verdict (`systemd-analyze verify`, Debian's systemd) with stubs of the units they
 * name that the live image ships.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { failsafeInstance, failsafeUnits, FAILSAFE_DROPIN, FAILSAFE_SCRIPT_PATH, LIVE_UNIT_NAMES } from '../../../src/payload/failsafe.js';
import { liveConfig } from '../../../src/ignition/live-config.js';
import { validateIgnition } from '../../../src/ignition/validate.js';

const scratch: string[] = [];
afterEach(() => {
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true });
});

function unitDir(timeoutSeconds: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'x2nestos-units-'));
  scratch.push(dir);
  for (const u of failsafeUnits(timeoutSeconds)) {
    if (u.contents !== undefined) writeFileSync(path.join(dir, u.name), u.contents);
    for (const d of u.dropins ?? []) {
      mkdirSync(path.join(dir, `${u.name}.d`), { recursive: true });
      writeFileSync(path.join(dir, `${u.name}.d`, d.name), d.contents);
    }
  }
  // What the live image ships (contract §9), reduced to what systemd needs to resolve the names.
  writeFileSync(
    path.join(dir, LIVE_UNIT_NAMES.installer),
    '[Unit]\nDescription=stub of the live installer\nOnFailure=emergency.target\nOnFailureJobMode=replace-irreversibly\n\n[Service]\nType=oneshot\nExecStart=/bin/true\n',
  );
  writeFileSync(
    path.join(dir, LIVE_UNIT_NAMES.installerChain),
    '[Unit]\nDescription=stub\nRequires=nestos-installer.service\nAfter=nestos-installer.service\n',
  );
  mkdirSync(path.join(dir, 'etc', 'x2nestos'), { recursive: true });
  return dir;
}

function verify(dir: string, units: string[]): { status: number | null; output: string } {
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...units.map((u) => path.join(dir, u))], {
    // Our directory first, then the system's units (emergency.target, sysinit.target ...).
    env: { ...process.env, SYSTEMD_UNIT_PATH: `${dir}:`, SYSTEMD_LOG_LEVEL: 'notice' },
    encoding: 'utf8',
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('the failsafe units', () => {
  const [dropinUnit, service, timer] = failsafeUnits(1800);

  it("reset the installer's OnFailure= list before naming the failsafe, and pull in the deadline", () => {
    expect(dropinUnit?.name).toBe('nestos-installer.service');
    expect(dropinUnit?.contents).toBeUndefined(); // the live image's unit stays; only a drop-in is added
    const lines = dropinUnit?.dropins?.[0]?.contents.split('\n') ?? [];
    expect(dropinUnit?.dropins?.[0]?.name).toBe(FAILSAFE_DROPIN);
    const reset = lines.indexOf('OnFailure=');
    expect(reset).toBeGreaterThan(lines.indexOf('[Unit]'));
    expect(lines[reset + 1]).toBe('OnFailure=x2nestos-failsafe@installer-failed.service');
    expect(lines).toContain('Wants=x2nestos-failsafe.timer');
  });

  it('run the one script with the reason as the instance', () => {
    expect(service?.name).toBe('x2nestos-failsafe@.service');
    expect(service?.contents).toContain(`ExecStart=/bin/sh ${FAILSAFE_SCRIPT_PATH} %i`);
    expect(service?.contents).toContain('Type=oneshot');
    expect(timer?.contents).toContain('OnBootSec=1800s');
    expect(timer?.contents).toContain(`Unit=${failsafeInstance('timeout')}`);
    expect(failsafeUnits(5400)[2]?.contents).toContain('OnBootSec=5400s');
  });

  it("pass systemd-analyze verify, with stubs of the live image's units", () => {
    const dir = unitDir(1800);
    const r = verify(dir, [
      LIVE_UNIT_NAMES.installer,
      LIVE_UNIT_NAMES.timer,
      failsafeInstance('installer-failed'),
      failsafeInstance('timeout'),
    ]);
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  it('the verify check can fail: a broken drop-in is reported', () => {
    const dir = unitDir(1800);
    writeFileSync(
      path.join(dir, `${LIVE_UNIT_NAMES.installer}.d`, FAILSAFE_DROPIN),
      '[Unit]\nOnFailure=\nOnFailure=x2nestos-failsafe@installer-failed.service\nWants=x2nestos-failsafe.timer\n[Service]\nTypo=oneshot\n',
    );
    const r = verify(dir, [LIVE_UNIT_NAMES.installer]);
    expect(r.output).toMatch(/Unknown key.*'Typo'/);
  });

  it('go into the live config as units Ignition 2.14 accepts', () => {
    const text = liveConfig([], failsafeUnits(1800));
    expect(validateIgnition(text).ok).toBe(true);
    const config = JSON.parse(text) as {
      systemd: { units: { name: string; contents?: string; dropins?: unknown[]; enabled?: boolean }[] };
    };
    expect(config.systemd.units.map((u) => u.name)).toEqual([
      'nestos-installer.service',
      'x2nestos-failsafe@.service',
      'x2nestos-failsafe.timer',
    ]);
    // Started by dependencies only: enabling would need multi-user.target, never reached in an automated install.
    expect(config.systemd.units.every((u) => u.enabled === undefined)).toBe(true);
  });

  it('are checked by the real ignition-validate too', () => {
    const text = liveConfig([], failsafeUnits(1800));
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'x2nestos-ign-')), 'live.ign');
    scratch.push(path.dirname(file));
    writeFileSync(file, text);
    expect(execFileSync('ignition-validate', [file], { encoding: 'utf8' })).toBe('');
  });
});
