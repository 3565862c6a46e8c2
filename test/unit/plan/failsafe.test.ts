// The failsafe as planned: --live-timeout, what goes into the payload, the facts it rests on, and
// the warnings when the host could not give them.
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Runner, RunResult } from '../../../src/effects/runner.js';
import { outcomeFilesystem, parsePairs } from '../../../src/facts/outcome-fs.js';
import type { FailsafeFacts } from '../../../src/facts/failsafe.js';
import { loadOptions, validateOptions } from '../../../src/options/load.js';
import { planConversion } from '../../../src/plan/plan.js';
import { withFiles, withSshKeys } from '../../../src/ignition/augment.js';
import { nestKeysOf } from '../../../src/payload/failsafe.js';
import { memoryFs } from '../facts/memory-host.js';
import { HOST_KEXEC, hostFacts, release } from './host.js';

const DEST = Buffer.from(
  JSON.stringify({
    ignition: { version: '3.3.0' },
    passwd: {
      users: [
        { name: 'nest', sshAuthorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey nest@laptop', 'bad\nkey'] },
        { name: 'other', sshAuthorizedKeys: ['ssh-rsa AAAAother'] },
      ],
    },
  }),
);

const FACTS: FailsafeFacts = {
  disk: { ok: true, fingerprint: { device: '/dev/vda', regions: [{ startSector: 0, sectors: 2048, sha256: 'b'.repeat(64) }] } },
  outcomeFs: { ok: true, fs: { uuid: '4f2c-11', fsType: 'ext4', dir: '/var/lib/x2nestos' } },
};

function plan(failsafe: FailsafeFacts | undefined, liveTimeout?: string) {
  return planConversion({
    facts: hostFacts(),
    options: validateOptions(liveTimeout ? { liveTimeout } : {}),
    release: release({ kernel: 10e6, initramfs: 80e6, rootfs: 900e6 }),
    ignition: undefined,
    destIgnition: DEST,
    userKeyfiles: [],
    kexecTool: HOST_KEXEC,
    kexecToolBlockers: [],
    workDir: '/var/lib/x2nestos/',
    toolVersion: '0.2.0',
    purpose: 'plan',
    failsafe,
  });
}

/** The live config inside the gzip'd newc payload (its first member). */
function liveConfigOf(payload: Buffer): {
  storage: { files: { path: string; mode: number; contents: { source: string } }[] };
  systemd: { units: { name: string }[] };
} {
  const cpio = gunzipSync(payload).toString('latin1');
  const start = cpio.indexOf('{"ignition"');
  const end = cpio.indexOf('\0', start);
  return JSON.parse(cpio.slice(start, end)) as ReturnType<typeof liveConfigOf>;
}

describe('--live-timeout', () => {
  it('takes s, m, min and h, defaults to 30 minutes, and refuses what is out of range', async () => {
    expect(validateOptions({}).liveTimeout).toBe(1800);
    expect(validateOptions({ liveTimeout: '45m' }).liveTimeout).toBe(2700);
    expect(validateOptions({ liveTimeout: '2h' }).liveTimeout).toBe(7200);
    expect(validateOptions({ liveTimeout: '900s' }).liveTimeout).toBe(900);
    expect(validateOptions({ liveTimeout: '10min' }).liveTimeout).toBe(600);
    expect((await loadOptions({}, '/c.yaml', async () => 'live-timeout: 1h\n')).liveTimeout).toBe(3600);
    for (const bad of ['30', '1m', '25h', 'soon', '-5m', '1.5h']) {
      expect(() => validateOptions({ liveTimeout: bad }), bad).toThrow(
        '--live-timeout: must be a duration between 5m and 24h, written like 45m, 2h or 900s',
      );
    }
  });
});

describe('the planned failsafe', () => {
  it("goes into the live config: drop-in, units, script, and nest's keys from the destination config", () => {
    const { plan: p, payload } = plan(FACTS, '45m');
    expect(p.live.failsafe).toEqual({
      timeoutSeconds: 2700,
      installerUnit: 'nestos-installer.service',
      units: ['x2nestos-failsafe@.service', 'x2nestos-failsafe.timer'],
      diskCheck: { device: '/dev/vda', regions: [{ startSector: 0, sectors: 2048, sha256: 'b'.repeat(64) }] },
      outcomeFile: { uuid: '4f2c-11', fsType: 'ext4', path: '/var/lib/x2nestos/x2nestos-outcome.json' },
      nestKeys: 1,
    });
    const live = liveConfigOf(payload!);
    expect(live.systemd.units.map((u) => u.name)).toEqual([
      'nestos-installer.service',
      'x2nestos-failsafe@.service',
      'x2nestos-failsafe.timer',
      'x2nestos-install-record.service',
    ]);
    expect(live.systemd.units.at(-1)).toMatchObject({ enabled: true });
    const files = Object.fromEntries(live.storage.files.map((f) => [f.path, f]));
    expect(files['/etc/x2nestos/failsafe']?.mode).toBe(0o700);
    expect(files['/etc/x2nestos/nest-authorized-keys']?.mode).toBe(0o600);
    const script = Buffer.from(files['/etc/x2nestos/failsafe']!.contents.source.replace(/^data:;base64,/, ''), 'base64').toString();
    expect(script).toContain("DEST_DEVICE='/dev/disk/by-id/virtio-HOSTDISK1'");
    expect(script).toContain(`DISK_REGIONS='0:2048:${'b'.repeat(64)}'`);
    expect(script).toContain("OUTCOME_UUID='4f2c-11'");
    expect(script).toContain("TIMEOUT_SECONDS='2700'");
    // The payload listing shows the units (they are no secret) but never the keys.
    const listed = p.live.payload.map((f) => f.path);
    expect(listed).toEqual(
      expect.arrayContaining([
        '/etc/systemd/system/nestos-installer.service.d/50-x2nestos-failsafe.conf',
        '/etc/systemd/system/x2nestos-failsafe.timer',
        '/etc/x2nestos/failsafe',
      ]),
    );
    expect(p.live.payload.find((f) => f.path === '/etc/x2nestos/nest-authorized-keys')?.preview).toBeUndefined();
    expect(p.warnings.join('\n')).not.toMatch(/failsafe/);
  });

  it('says what the failsafe cannot do when the host could not tell it', () => {
    const { plan: p } = plan({
      disk: { ok: false, device: '/dev/vda', reason: 'cannot read /dev/vda' },
      outcomeFs: { ok: false, reason: '/var/lib/x2nestos is on /dev/mapper/vg-root, which the live system does not assemble' },
    });
    expect(p.live.failsafe).toMatchObject({ diskCheck: null, outcomeFile: null });
    expect(p.warnings).toEqual(
      expect.arrayContaining([
        'the failsafe cannot tell later whether the installer wrote to /dev/disk/by-id/virtio-HOSTDISK1 (cannot read /dev/vda): if the install fails, the live system stays up instead of rebooting into this system',
        'the failsafe cannot leave its outcome where this system reads it (/var/lib/x2nestos is on /dev/mapper/vg-root, which the live system does not assemble): after a failed attempt, `x2nestos status` cannot explain it',
      ]),
    );
  });
});

describe("nest's keys for the live system", () => {
  it("are found in the user's config also when x2nestos wrapped it (merge through a data: URL)", () => {
    const user = JSON.stringify({
      ignition: { version: '3.3.0' },
      passwd: { users: [{ name: 'nest', sshAuthorizedKeys: ['ssh-ed25519 AAAAuser nest@laptop'] }] },
    });
    const wrapped = withSshKeys(withFiles(user, [{ path: '/etc/hostname', mode: 0o644, contents: 'web-01\n' }]), 'nest', [
      'ssh-ed25519 AAAAinherited root@old',
    ]);
    expect(JSON.parse(wrapped).ignition.config.merge).toHaveLength(1);
    expect(nestKeysOf(Buffer.from(wrapped)).sort()).toEqual(['ssh-ed25519 AAAAinherited root@old', 'ssh-ed25519 AAAAuser nest@laptop']);
    expect(nestKeysOf(Buffer.from('not json'))).toEqual([]);
  });
});

describe('the filesystem the outcome goes back to', () => {
  const runner = (stdout: string, exitCode = 0): Runner => ({
    probe: async (argv): Promise<RunResult> => ({ argv, exitCode, stdout, stderr: '', notFound: false }),
    change: async () => {
      throw new Error('no changes here');
    },
    which: async () => undefined,
  });
  const fs = memoryFs({ '/var/lib/x2nestos/state.json': '{}', '/srv/x2/a': '' });

  it("is named by UUID, with the work directory's path inside it (mount point and subvolume root)", async () => {
    expect(parsePairs('UUID="a b" TARGET="/mnt/with\\x20space"')).toEqual({ UUID: 'a b', TARGET: '/mnt/with space' });
    const root = await outcomeFilesystem(
      { runner: runner('UUID="9a7c" FSTYPE="ext4" TARGET="/" FSROOT="/" SOURCE="/dev/vda2"\n'), fs },
      '/var/lib/x2nestos',
    );
    expect(root).toEqual({ ok: true, fs: { uuid: '9a7c', fsType: 'ext4', dir: '/var/lib/x2nestos' } });
    const sub = await outcomeFilesystem(
      { runner: runner('UUID="77" FSTYPE="btrfs" TARGET="/srv" FSROOT="/@srv" SOURCE="/dev/vda3[/@srv]"\n'), fs },
      '/srv/x2',
    );
    expect(sub).toEqual({ ok: true, fs: { uuid: '77', fsType: 'btrfs', dir: '/@srv/x2' } });
  });

  it('is refused, with the reason, when the live system could not reach it', async () => {
    const lvm = await outcomeFilesystem(
      { runner: runner('UUID="1" FSTYPE="xfs" TARGET="/" FSROOT="/" SOURCE="/dev/mapper/vg-root"\n'), fs },
      '/var/lib/x2nestos',
    );
    expect(lvm).toEqual({ ok: false, reason: '/var/lib/x2nestos is on /dev/mapper/vg-root, which the live system does not assemble' });
    const tmpfs = await outcomeFilesystem(
      { runner: runner('UUID="" FSTYPE="tmpfs" TARGET="/run" FSROOT="/" SOURCE="tmpfs"\n'), fs },
      '/var/lib/x2nestos',
    );
    expect(tmpfs).toEqual({ ok: false, reason: 'the filesystem holding /var/lib/x2nestos (tmpfs) has no UUID' });
    expect(await outcomeFilesystem({ runner: runner('', 1), fs }, '/var/lib/x2nestos')).toEqual({
      ok: false,
      reason: 'cannot tell which filesystem holds /var/lib/x2nestos',
    });
  });
});
