/**
 * The live system's failsafe as the built binary shows it: what `plan --json` says it will check and
 * where the outcome goes (read through the sandbox: the target disk is a sparse file there), the
 * --live-timeout refusal, and `x2nestos status` after the failsafe brought the old system back.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/types.js';
import { changes, mirrorFixture, run, sandboxHost } from './harness.js';

const HOST = 'openeuler-22.03-lts-sp3';

describe('the failsafe (built binary, sandboxed host)', () => {
  const env = mirrorFixture('cli-failsafe');
  const { ign } = env;

  const base = () => ['plan', '--stream-base-url', env.server.streamBase, '--ignition', ign, '--allow-http-ignition', '--json'];

  it('plan --json: what the failsafe compares and where its outcome goes, or why it cannot', async () => {
    // A capture whose lsblk reports partition starts (the head region is then known).
    const sandbox = sandboxHost('debian-12');
    const first = await run(base(), { sandbox });
    expect(first.code).toBe(0);
    const blind = first.json!.plan as Plan;
    // The sandbox has no block device to read and no findmnt: the plan says what that costs.
    expect(blind.live.failsafe).toMatchObject({
      timeoutSeconds: 1800,
      installerUnit: 'nestos-installer.service',
      diskCheck: null,
      outcomeFile: null,
      nestKeys: 1,
    });
    expect(blind.warnings.join('\n')).toMatch(
      /the failsafe cannot tell later whether the installer wrote to \/dev\/disk\/by-\S+ \(cannot read \/dev\/\w+\)/,
    );
    expect(first.stderr).toMatch(/Warning +the failsafe cannot leave its outcome where this system reads it \(findmnt is not installed\)/);

    // Give the sandbox its target disk (a sparse file with a partition table's worth of bytes) and findmnt.
    const target = blind.target!;
    const disk = path.join(sandbox, 'root', target.device);
    mkdirSync(path.dirname(disk), { recursive: true });
    writeFileSync(disk, 'x2nestos test partition table');
    truncateSync(disk, target.sizeBytes);
    const spec = JSON.parse(readFileSync(path.join(sandbox, 'commands.json'), 'utf8')) as {
      programs: Record<string, string>;
      commands: unknown[];
    };
    spec.programs.findmnt = '/usr/bin/findmnt';
    spec.commands.push({
      argv: ['findmnt'],
      prefix: true,
      stdout: 'UUID="6f1c2d3e" FSTYPE="xfs" TARGET="/" FSROOT="/" SOURCE="/dev/vda3"\n',
    });
    writeFileSync(path.join(sandbox, 'commands.json'), JSON.stringify(spec));

    const seeing = await run([...base(), '--live-timeout', '45m'], { sandbox });
    expect(seeing.code).toBe(0);
    const plan = seeing.json!.plan as Plan;
    const head = Buffer.alloc(512 * plan.live.failsafe!.diskCheck!.regions[0]!.sectors);
    head.write('x2nestos test partition table');
    expect(plan.live.failsafe!.diskCheck!.regions[0]).toMatchObject({
      startSector: 0,
      sha256: createHash('sha256').update(head).digest('hex'),
    });
    expect(plan.live.failsafe).toMatchObject({
      timeoutSeconds: 2700,
      outcomeFile: { uuid: '6f1c2d3e', fsType: 'xfs', path: `${path.join(sandbox, 'work')}/x2nestos-outcome.json` },
    });
    expect(plan.warnings.join('\n')).not.toMatch(/failsafe/);
    expect(plan.live.payload.map((f) => f.path)).toEqual(
      expect.arrayContaining(['/etc/systemd/system/nestos-installer.service.d/50-x2nestos-failsafe.conf', '/etc/x2nestos/failsafe']),
    );
    expect(changes(sandbox)).toEqual([]);
  });

  it('refuses a --live-timeout it cannot honour, in one line, before doing anything', async () => {
    const sandbox = sandboxHost(HOST);
    for (const bad of ['1m', '30', 'tomorrow']) {
      const r = await run([...base().filter((a) => a !== '--json'), '--live-timeout', bad], { sandbox });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([
        'x2nestos: error: --live-timeout: must be a duration between 5m and 24h, written like 45m, 2h or 900s: see `x2nestos --help` for the options and their values',
      ]);
    }
    expect(changes(sandbox)).toEqual([]);
  });

  it('status explains the last attempt the failsafe recorded, in words and in JSON', async () => {
    const sandbox = sandboxHost(HOST);
    const work = path.join(sandbox, 'work');
    mkdirSync(work, { recursive: true });
    writeFileSync(
      path.join(work, 'x2nestos-outcome.json'),
      JSON.stringify({
        version: 1,
        at: '2026-12-07T07:55:00Z',
        reason: 'installer-failed',
        disk: 'missing',
        action: 'rebooted',
        destDevice: '/dev/disk/by-id/virtio-HOSTDISK1',
        message: 'the live system could not find the disk /dev/disk/by-id/virtio-HOSTDISK1',
        installerSaid: '',
        log: 'journalctl -u nestos-installer.service',
        tool: '0.2.0',
      }) + '\n',
    );
    const human = await run(['status'], { sandbox });
    expect(human.code).toBe(0);
    expect(`${human.stdout}${human.stderr}`).toContain(
      'Attempt     2026-12-07T07:55:00Z: the live system could not find the disk /dev/disk/by-id/virtio-HOSTDISK1; your system was rebooted unchanged',
    );
    const json = await run(['status', '--json'], { sandbox });
    expect(json.json).toMatchObject({
      ok: true,
      status: {
        lastAttempt: {
          at: '2026-12-07T07:55:00Z',
          reason: 'installer-failed',
          disk: 'missing',
          action: 'rebooted',
          destDevice: '/dev/disk/by-id/virtio-HOSTDISK1',
          message: 'the live system could not find the disk /dev/disk/by-id/virtio-HOSTDISK1',
        },
      },
    });

    writeFileSync(path.join(work, 'x2nestos-outcome.json'), '{"version":1,');
    const broken = await run(['status', '--json'], { sandbox });
    expect(broken.code).toBe(0);
    expect(broken.json).toMatchObject({ status: { lastAttempt: { unreadable: 'x2nestos-outcome.json is not valid JSON' } } });
    expect(broken.stderr).not.toMatch(/internal error/);
  });

  it('status without an attempt says nothing about one', async () => {
    const r = await run(['status', '--json'], { sandbox: sandboxHost(HOST) });
    expect(r.json).toMatchObject({ status: { lastAttempt: null } });
  });
});
