/**
 * Step 3: the disk NestOS goes to. Every disk is listed with its model, size, serial and current
 * use; the disk behind / is marked; a disk the planner would refuse (removable, in use, too small,
 * read-only, no stable name) is shown with the planner's reason and cannot be picked.
 */
import { X2Error } from '../errors.js';
import type { Disk, HostFacts } from '../facts/types.js';
import type { Options } from '../options/schema.js';
import { formatBytes } from '../plan/memory.js';
import { IMAGE_FOOTPRINT_BYTES, chooseTarget } from '../plan/target.js';
import type { Translator } from '../i18n/translate.js';
import type { Prompter } from './prompter.js';

export interface DiskAnswer {
  /** Kernel name on this host (/dev/vda): what the confirmation asks to type. */
  device: string;
  /** The stable name given to the installer and saved in the answers. */
  installerName: string;
  isRootDisk: boolean;
  sizeBytes: number;
  /** Partition numbers to keep (--save-partindex); empty: the whole disk is erased. */
  keep?: number[];
}

export interface DiskOffer {
  disk: Disk;
  isRootDisk: boolean;
  installerName: string;
  /** The planner's first objection, translated; undefined when the disk can be taken. */
  refusal?: string;
}

export function diskOffers(
  facts: HostFacts,
  options: Pick<Options, 'savePartlabel' | 'savePartindex' | 'allowRemovableDisk'>,
  { msg }: Translator,
): DiskOffer[] {
  return facts.disks.map((disk) => {
    const { target, blockers } = chooseTarget(facts, {
      disk: disk.path,
      savePartlabel: options.savePartlabel,
      savePartindex: options.savePartindex,
      allowRemovableDisk: options.allowRemovableDisk,
    });
    const first = blockers[0];
    return {
      disk,
      isRootDisk: target?.isRootDisk ?? false,
      installerName: target?.installerName ?? disk.path,
      ...(first ? { refusal: msg(first.message) } : {}),
    };
  });
}

function currentUse(disk: Disk, { t }: Translator): string {
  if (disk.mountpoints.length > 0) return t('mounted at {mountpoints}', { mountpoints: disk.mountpoints.join(', ') });
  const filesystems = [...new Set(disk.partitions.map((p) => p.fsType).filter((f): f is string => f !== undefined))];
  if (disk.partitions.length > 0) {
    return t('{count} partition(s), not mounted{filesystems}', {
      count: disk.partitions.length,
      filesystems: filesystems.length ? ` (${filesystems.join(', ')})` : '',
    });
  }
  return t('no partitions');
}

export function describeDisk(offer: DiskOffer, tr: Translator): string {
  const { t } = tr;
  const d = offer.disk;
  // A refused disk shows the reason instead (beside it, in the list), which names its use.
  const use = offer.refusal === undefined ? currentUse(d, tr) : '';
  const facts = [
    formatBytes(d.sizeBytes).padStart(9),
    d.model ?? '',
    d.serial ? t('serial {serial}', { serial: d.serial }) : '',
    use,
  ].filter(Boolean);
  return `${d.path.padEnd(12)} ${facts.join('  ')}${offer.isRootDisk ? t('  ← the disk behind /') : ''}`;
}

export async function askDisk(ask: Prompter, tr: Translator, facts: HostFacts, options: Options): Promise<DiskAnswer> {
  const { t } = tr;
  const offers = diskOffers(facts, options, tr);
  const open = offers.filter((o) => o.refusal === undefined);
  if (open.length === 0) {
    const reasons = offers.map((o) => `${o.disk.path}: ${o.refusal}`).join('; ');
    throw new X2Error('precondition', `no disk on this host can take NestOS (${reasons || 'no disks found'})`, {
      remedy: 'free or attach a disk of at least 8 GiB, or pass --allow-removable-disk for a removable one',
    });
  }
  const preferred = options.disk
    ? offers.find((o) => o.disk.path === options.disk || o.disk.stableNames.includes(options.disk!))
    : undefined;
  const fallback = open.find((o) => o.isRootDisk) ?? open[0]!;
  const chosen = await ask.select<string>({
    message: t('Disk to install NestOS on (everything on it is erased)'),
    default: (preferred && preferred.refusal === undefined ? preferred : fallback).disk.path,
    choices: offers.map((o) => ({
      value: o.disk.path,
      name: describeDisk(o, tr),
      description: t('installer name: {name}', { name: o.installerName }),
      short: `${o.disk.path} (${formatBytes(o.disk.sizeBytes)})`,
      ...(o.refusal ? { disabled: t('refused: {reason}', { reason: o.refusal }) } : {}),
    })),
  });
  const offer = offers.find((o) => o.disk.path === chosen)!;
  return { device: offer.disk.path, installerName: offer.installerName, isRootDisk: offer.isRootDisk, sizeBytes: offer.disk.sizeBytes };
}

/**
 * Step 3b: partitions of the chosen disk to keep (--save-partindex). Not asked when the disk has no
 * partitions or they were named on the command line; when none can be kept, one line says why
 * instead of a question with nothing to choose. Each partition the planner would refuse is shown
 * with its reason and cannot be picked.
 */
export async function askKeep(ask: Prompter, tr: Translator, facts: HostFacts, options: Options, disk: DiskAnswer): Promise<number[]> {
  const { t, msg } = tr;
  const d = facts.disks.find((x) => x.path === disk.device);
  if (d === undefined || d.partitions.length === 0 || options.savePartindex.length > 0 || options.savePartlabel.length > 0) return [];
  const request = { disk: d.path, savePartlabel: [], allowRemovableDisk: options.allowRemovableDisk };
  const before = chooseTarget(facts, { ...request, savePartindex: [] }).blockers.length;
  // The planner's own objection to keeping each one, so the screen and the plan never disagree.
  const offers = d.partitions.map((p) => {
    const objection = chooseTarget(facts, { ...request, savePartindex: [String(p.number)] }).blockers[before];
    return { p, ...(objection ? { refusal: msg(objection.message) } : {}) };
  });
  const keepable = offers.filter((o) => o.refusal === undefined).map((o) => o.p.number);
  if (keepable.length === 0) {
    ask.say(
      t('Partitions of {disk}: none can be kept, NestOS takes partitions 1-4 and the first {size} of the disk.', {
        disk: d.path,
        size: formatBytes(IMAGE_FOOTPRINT_BYTES),
      }),
    );
    return [];
  }
  const chosen = await ask.select<string>({
    message: t('Keep a partition of {disk}? (everything else on it is erased)', { disk: d.path }),
    default: 'none',
    choices: [
      { value: 'none', name: t('No, erase the whole disk') },
      ...(keepable.length > 1 ? [{ value: 'all', name: t('Keep partitions {numbers}', { numbers: keepable.join(', ') }) }] : []),
      ...offers.map((o) => ({
        value: String(o.p.number),
        name: t('Keep partition {number}: {facts}', { number: o.p.number, facts: describePartition(o.p) }),
        ...(o.refusal ? { disabled: o.refusal } : {}),
      })),
    ],
  });
  if (chosen === 'none') return [];
  return chosen === 'all' ? keepable : [Number(chosen)];
}

function describePartition(p: Disk['partitions'][number]): string {
  return [p.path, formatBytes(p.sizeBytes), p.label, p.fsType, p.mountpoints.length ? p.mountpoints.join(', ') : undefined]
    .filter(Boolean)
    .join('  ');
}
