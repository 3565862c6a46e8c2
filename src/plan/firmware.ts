/**
 * What happens to the firmware's boot menu (issue 14.1). On UEFI, the entries that point at a
 * partition of the destination disk name the old system's loader; after the install they point at
 * nothing, and firmware that does not fall through to the next entry (many servers drop to setup
 * or PXE) never boots NestOS. The live system therefore adds an entry for NestOS's shim first in
 * BootOrder and removes those entries (demotes them with --keep-boot-entries). Entries of other
 * disks, network boot and firmware applications are never touched.
 */
import type { HostFacts } from '../facts/types.js';
import type { BootEntriesPlan } from '../model/payload.js';
import type { FirmwarePlan, TargetDisk } from './types.js';

export const NESTOS_ENTRY_LABEL = 'NestOS';

export function archSuffix(arch: string): 'x64' | 'aa64' {
  return arch === 'aarch64' ? 'aa64' : 'x64';
}

export function planFirmware(
  facts: HostFacts,
  target: TargetDisk | undefined,
  opts: { keepBootEntries: boolean; arch: string },
): { firmware: FirmwarePlan; warnings: string[] } {
  const warnings: string[] = [];
  const suffix = archSuffix(opts.arch);
  const efi = facts.efiBoot;
  const disk = target === undefined ? undefined : facts.disks.find((d) => d.path === target.device);
  const diskParts = new Set(disk?.partitions.map((p) => p.path) ?? []);
  const oldPartitionGuids = Object.entries(efi?.partitions ?? {})
    .filter(([, dev]) => diskParts.has(dev))
    .map(([guid]) => guid)
    .sort();
  const onTarget = (guid: string | undefined) => guid !== undefined && oldPartitionGuids.includes(guid);
  const entries = (efi?.entries ?? []).map((e) => ({
    number: e.number,
    label: e.label,
    active: e.active,
    devicePath: e.devicePath,
    onTarget: onTarget(e.partitionGuid),
  }));
  const affected = entries.filter((e) => e.onTarget).map((e) => e.number);

  let action: BootEntriesPlan['action'];
  let reason: string;
  if (facts.bootMode === 'bios') {
    action = 'none';
    reason = 'this host boots through BIOS: there is no boot menu in NVRAM to change';
  } else {
    action = opts.keepBootEntries ? 'demote' : 'replace';
    const loader = `\\EFI\\openEuler\\shim${suffix}.efi`;
    const names = affected.map((n) => `Boot${n}`).join(', ');
    if (affected.length === 0)
      reason = `after the install, the live system adds "${NESTOS_ENTRY_LABEL}" (${loader} on the new ESP) first in BootOrder; no entry points at the destination disk now`;
    else if (action === 'demote')
      reason = `after the install, the live system adds "${NESTOS_ENTRY_LABEL}" (${loader} on the new ESP) first in BootOrder and moves ${names}, which point at the destination disk, last (--keep-boot-entries)`;
    else
      reason = `after the install, the live system adds "${NESTOS_ENTRY_LABEL}" (${loader} on the new ESP) first in BootOrder and removes ${names}, which point at the destination disk`;
    if (efi === undefined) {
      warnings.push(
        'the EFI boot variables are not readable here (efivarfs not mounted?): the plan cannot list the boot entries; the live system still adds NestOS first in BootOrder',
      );
    } else if (oldPartitionGuids.length === 0 && disk !== undefined && disk.partitions.length > 0) {
      warnings.push(
        `the partition GUIDs of ${disk.path} are unknown (no /dev/disk/by-partuuid links): old boot entries on it cannot be recognised and stay in the boot menu, after NestOS`,
      );
    }
  }

  return {
    firmware: {
      bootMode: facts.bootMode,
      secureBoot: facts.kexec.secureBoot,
      bootCurrent: efi?.bootCurrent,
      bootOrder: efi?.bootOrder ?? [],
      entries,
      bootEntries: {
        action,
        reason,
        label: NESTOS_ENTRY_LABEL,
        archSuffix: suffix,
        loader: `\\EFI\\openEuler\\shim${suffix}.efi`,
        fallbackLoader: `BOOT${suffix.toUpperCase()}.EFI`,
        oldPartitionGuids,
        affected,
      },
    },
    warnings,
  };
}
