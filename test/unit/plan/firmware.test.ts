import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EfiBootFacts } from '../../../src/facts/efi-boot.js';
import { liveConfig } from '../../../src/ignition/live-config.js';
import { BOOT_ENTRIES_UNIT, bootEntriesEnv, bootEntriesLive } from '../../../src/payload/boot-entries.js';
import { planFirmware } from '../../../src/plan/firmware.js';
import { chooseTarget } from '../../../src/plan/target.js';
import { ignitionValidate } from '../ignition/oracle.js';
import { hostFacts } from './host.js';

const OLD_ESP = '5d1b7328-f81f-41d2-ba4b-00a0c93ec93b';
const OLD_ROOT = '9e8f0a11-2b3c-4d5e-8f90-a1b2c3d4e5f6';
const SPARE = '0f3e7d52-3a51-4c2a-9b5f-7f00aa11bb22';

const efiBoot: EfiBootFacts = {
  bootCurrent: '0004',
  bootOrder: ['0004', '0002', '0001', '0007'],
  entries: [
    { number: '0001', label: 'UEFI PXEv4', active: true, devicePath: 'Node(2,1)/MAC()' },
    {
      number: '0002',
      label: 'spare disk',
      active: true,
      partitionGuid: SPARE,
      partitionNumber: 1,
      file: '\\EFI\\BOOT\\BOOTX64.EFI',
      devicePath: `HD(1,GPT,${SPARE})/File(\\EFI\\BOOT\\BOOTX64.EFI)`,
    },
    {
      number: '0004',
      label: 'openEuler',
      active: true,
      partitionGuid: OLD_ESP,
      partitionNumber: 1,
      file: '\\EFI\\openEuler\\shimx64.efi',
      devicePath: `HD(1,GPT,${OLD_ESP})/File(\\EFI\\openEuler\\shimx64.efi)`,
    },
    {
      number: '0007',
      label: 'old grub',
      active: false,
      partitionGuid: OLD_ROOT,
      partitionNumber: 2,
      file: '\\EFI\\openEuler\\grubx64.efi',
      devicePath: `HD(2,GPT,${OLD_ROOT})/File(\\EFI\\openEuler\\grubx64.efi)`,
    },
  ],
  partitions: { [OLD_ESP]: '/dev/vda1', [OLD_ROOT]: '/dev/vda2', [SPARE]: '/dev/vdb1' },
};

const req = { savePartlabel: [], savePartindex: [], allowRemovableDisk: false };

function plan(overrides: Parameters<typeof hostFacts>[0], opts = { keepBootEntries: false, arch: 'x86_64' }, disk?: string) {
  const facts = hostFacts(overrides);
  const { target } = chooseTarget(facts, { ...req, ...(disk ? { disk } : {}) });
  return planFirmware(facts, target, opts);
}

describe('planFirmware', () => {
  it('on UEFI: NestOS first, the entries on the destination disk removed, other disks and PXE untouched', () => {
    const { firmware, warnings } = plan({ bootMode: 'uefi', efiBoot });
    expect(warnings).toEqual([]);
    expect(firmware).toMatchObject({ bootMode: 'uefi', bootCurrent: '0004', bootOrder: ['0004', '0002', '0001', '0007'] });
    expect(firmware.entries.map((e) => [e.number, e.onTarget])).toEqual([
      ['0001', false],
      ['0002', false],
      ['0004', true],
      ['0007', true],
    ]);
    expect(firmware.bootEntries).toMatchObject({
      action: 'replace',
      affected: ['0004', '0007'],
      oldPartitionGuids: [OLD_ESP, OLD_ROOT].sort(),
      loader: '\\EFI\\openEuler\\shimx64.efi',
      fallbackLoader: 'BOOTX64.EFI',
    });
    expect(firmware.bootEntries.reason).toMatch(/removes Boot0004, Boot0007, which point at the destination disk/);
  });

  it('with --keep-boot-entries demotes them instead', () => {
    const { firmware } = plan({ bootMode: 'uefi', efiBoot }, { keepBootEntries: true, arch: 'x86_64' });
    expect(firmware.bootEntries.action).toBe('demote');
    expect(firmware.bootEntries.reason).toMatch(
      /moves Boot0004, Boot0007, which point at the destination disk, last \(--keep-boot-entries\)/,
    );
  });

  it("targets only the chosen disk: converting the spare disk leaves the system disk's entries alone", () => {
    const facts = hostFacts({ bootMode: 'uefi', efiBoot });
    facts.disks[1]!.partitions = [{ path: '/dev/vdb1', number: 1, startBytes: 1 << 20, sizeBytes: 1 << 30, mountpoints: [] }];
    const { target } = chooseTarget(facts, { ...req, disk: '/dev/vdb' });
    const { firmware } = planFirmware(facts, target, { keepBootEntries: false, arch: 'x86_64' });
    expect(firmware.bootEntries.affected).toEqual(['0002']);
    expect(firmware.bootEntries.oldPartitionGuids).toEqual([SPARE]);
  });

  it('names the aarch64 loaders', () => {
    const { firmware } = plan({ bootMode: 'uefi', efiBoot, arch: 'aarch64' }, { keepBootEntries: false, arch: 'aarch64' });
    expect(firmware.bootEntries).toMatchObject({
      archSuffix: 'aa64',
      loader: '\\EFI\\openEuler\\shimaa64.efi',
      fallbackLoader: 'BOOTAA64.EFI',
    });
  });

  it('does nothing on BIOS hosts', () => {
    const { firmware } = plan({ bootMode: 'bios' });
    expect(firmware.bootEntries.action).toBe('none');
    expect(bootEntriesLive(firmware.bootEntries, '/dev/disk/by-id/x')).toEqual({ files: [], units: [] });
  });

  it('warns when the variables or the partition GUIDs cannot be read, and still adds NestOS first', () => {
    expect(plan({ bootMode: 'uefi' }).warnings[0]).toMatch(/EFI boot variables are not readable/);
    const blind = plan({ bootMode: 'uefi', efiBoot: { ...efiBoot, partitions: {} } });
    expect(blind.firmware.bootEntries).toMatchObject({ action: 'replace', affected: [] });
    expect(blind.warnings[0]).toMatch(/partition GUIDs of \/dev\/vda are unknown/);
  });
});

describe('the post-install hook in the live system', () => {
  const { firmware } = plan({ bootMode: 'uefi', efiBoot });
  const live = bootEntriesLive(firmware.bootEntries, '/dev/disk/by-id/virtio-HOSTDISK1');

  it('is a unit ordered after the installer and required by its target (contract §9), valid for Ignition 2.14', () => {
    expect(live.units.map((u) => [u.name, u.enabled])).toEqual([[BOOT_ENTRIES_UNIT, true]]);
    const unit = live.units[0]!.contents ?? '';
    for (const line of [
      'After=nestos-installer.service',
      'Before=nestos-installer.target',
      'RequiredBy=nestos-installer.target',
      'Type=oneshot',
    ]) {
      expect(unit.split('\n')).toContain(line);
    }
    const text = liveConfig([{ path: '/etc/nestos/dest.ign', mode: 0o600, contents: '{}' }, ...live.files], live.units);
    expect(ignitionValidate(text)).toEqual({ ok: true, errors: [], warnings: [], unplaced: [] });
  });

  it('hands its parameters over in a file that sh reads back exactly, whatever the characters', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'x2n-env-'));
    try {
      const env = path.join(dir, 'env');
      writeFileSync(env, bootEntriesEnv({ ...firmware.bootEntries, label: "it's $(NestOS)" }, "/dev/disk/by-id/odd'name"));
      const r = spawnSync(
        'sh',
        ['-c', '. "$1"; printf "%s|" "$DEST" "$ARCH_SUFFIX" "$FALLBACK" "$OLD_GUIDS" "$MODE" "$LABEL"', 'sh', env],
        { encoding: 'utf8' },
      );
      expect(r.stdout).toBe(`/dev/disk/by-id/odd'name|x64|BOOTX64.EFI|${[OLD_ESP, OLD_ROOT].sort().join(' ')}|replace|it's $(NestOS)|`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is syntactically valid POSIX sh for both bash and busybox', () => {
    const script = live.files.find((f) => f.path.endsWith('.sh'))!.contents as string;
    for (const shell of ['sh', 'bash']) {
      expect(spawnSync(shell, ['-n'], { input: script, encoding: 'utf8' }).status, shell).toBe(0);
    }
  });
});
