/**
 * Filesystem labels NestOS's first boot looks up machine-wide, and the filesystems on this host
 * that would answer to them after the install (contract §10). Read in Fedora CoreOS's initramfs,
 * which NestOS's nestos-config carries under the same structure:
 *
 *   boot  coreos-ignition-unique-boot.service runs `rdcore verify-unique-fs-label --rereadpt boot`
 *         and coreos-boot-edit.sh mounts /dev/disk/by-label/boot (fedora-coreos-config,
 *         overlay.d/05core/usr/lib/dracut/modules.d/35coreos-ignition): a second `boot` stops
 *         the first boot in the emergency shell.
 *   root  the first boot's initramfs waits for dev-disk-by\x2dlabel-root.device and mounts the
 *         root filesystem from /dev/disk/by-label/root; with two, udev's link names either one.
 *
 * EFI-SYSTEM is a label too, but the boot loader and bootupd find the ESP on the boot disk by its
 * partition, not machine-wide by label: another disk's EFI-SYSTEM does not matter.
 *
 * A filesystem counts when it survives the install: on another disk, or in a partition of the
 * target kept by --save-partlabel / --save-partindex. Everything else on the target is erased.
 */
import type { FilesystemLabel, HostFacts } from '../facts/types.js';
import type { Blocker } from '../model/blocker.js';
import type { TargetDisk } from './types.js';

export const LABELS_NESTOS_BOOTS_BY = ['boot', 'root'] as const;

/** The command that renames a filesystem of this type; `undefined` when there is none we know. */
function relabelCommand(fsType: string | undefined, device: string): string | undefined {
  switch (fsType) {
    case 'ext2':
    case 'ext3':
    case 'ext4':
      return `e2label ${device} <new-label>`;
    case 'xfs':
      return `xfs_admin -L <new-label> ${device} (unmounted)`;
    case 'vfat':
      return `fatlabel ${device} <NEW-LABEL>`;
    case 'btrfs':
      return `btrfs filesystem label ${device} <new-label>`;
    case 'swap':
      return `swaplabel -L <new-label> ${device}`;
    default:
      return undefined;
  }
}

/** Erased by the install: it lives on the target disk alone, in no partition kept. */
function erasedByInstall(fs: FilesystemLabel, target: TargetDisk, keptPaths: Set<string>): boolean {
  return fs.disks.length > 0 && fs.disks.every((d) => d === target.device) && ![fs.device, ...fs.partitions].some((p) => keptPaths.has(p));
}

export function bootLabelBlockers(facts: HostFacts, target: TargetDisk | undefined): Blocker[] {
  if (target === undefined) return [];
  const disk = facts.disks.find((d) => d.path === target.device);
  const keptPaths = new Set((disk?.partitions ?? []).filter((p) => target.kept.some((k) => k.number === p.number)).map((p) => p.path));
  const blockers: Blocker[] = [];
  for (const fs of facts.labels) {
    if (!(LABELS_NESTOS_BOOTS_BY as readonly string[]).includes(fs.label)) continue;
    if (erasedByInstall(fs, target, keptPaths)) continue;
    const kept = [fs.device, ...fs.partitions].some((p) => keptPaths.has(p));
    const where = kept ? `a partition kept on ${target.device}` : fs.disks.join(', ');
    const other = fs.disks.find((d) => d !== target.device) ?? fs.device;
    const rename = relabelCommand(fs.fsType, fs.device);
    blockers.push({
      kind: 'precondition',
      message: `${fs.device} (${fs.fsType ?? 'filesystem'} on ${where}) is labelled "${fs.label}", the label NestOS finds its own ${fs.label} filesystem by: the converted server would stop at its first boot`,
      remedy: `${rename ? `rename it (${rename}) and run again` : 'give it another label and run again'}, or ${kept ? 'do not keep that partition' : `convert that disk instead (--disk ${other})`}`,
    });
  }
  return blockers;
}
