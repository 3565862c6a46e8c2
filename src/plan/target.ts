/**
 * Which disk NestOS goes to, and the name the installer will see it by (contract §7): /dev/sdX and
 * /dev/vdX order can change under the live kernel, so the installer always gets a stable link.
 */
import type { Disk, HostFacts } from '../facts/types.js';
import type { Blocker } from '../model/blocker.js';
import type { TargetDisk } from './types.js';
import { formatBytes } from './memory.js';

/** NestOS needs this much disk (UNCONFIRMED for NestOS; Fedora CoreOS documents 8 GB). */
export const MIN_DISK_BYTES = 8 * 1024 ** 3;
/** Saved partitions must start past the NestOS image's own partitions (UNCONFIRMED: image layout ends well before this). */
export const IMAGE_FOOTPRINT_BYTES = 8 * 1024 ** 3;
/** NestOS's own partitions are 1–4 (BIOS-BOOT, EFI-SYSTEM, boot, root). */
const FIRST_FREE_INDEX = 5;

export interface TargetRequest {
  disk?: string;
  savePartlabel: string[];
  savePartindex: string[];
  allowRemovableDisk: boolean;
}

export function chooseTarget(facts: HostFacts, req: TargetRequest): { target?: TargetDisk; blockers: Blocker[] } {
  const blockers: Blocker[] = [];
  let disk: Disk | undefined;
  if (req.disk) {
    disk = findDisk(facts.disks, req.disk);
    if (!disk) {
      const known = facts.disks.map((d) => d.path).join(', ') || 'none';
      return {
        blockers: [
          { kind: 'usage', message: `no disk ${req.disk} on this host (disks: ${known})`, remedy: 'pass --disk with one of those' },
        ],
      };
    }
  } else if (facts.rootDisk.ok) {
    const rootPath = facts.rootDisk.disk;
    disk = facts.disks.find((d) => d.path === rootPath);
  } else {
    return { blockers: [{ kind: 'precondition', message: facts.rootDisk.reason, remedy: 'name the target with --disk' }] };
  }
  if (!disk) {
    return {
      blockers: [
        { kind: 'precondition', message: 'the disk behind / is not among the disks lsblk reports', remedy: 'name the target with --disk' },
      ],
    };
  }

  const isRootDisk = facts.rootDisk.ok && facts.rootDisk.disk === disk.path;
  const installerName = disk.stableNames[0];
  if (!installerName) {
    blockers.push({
      kind: 'precondition',
      message: `${disk.path} has no stable name in /dev/disk/by-id or /dev/disk/by-path, and kernel names can change under the live kernel`,
      remedy: 'give the disk a serial or WWN (hypervisor setting), or pass --disk /dev/disk/by-path/... if udev provides one',
    });
  }
  if (disk.removable && !req.allowRemovableDisk) {
    blockers.push({
      kind: 'precondition',
      message: `${disk.path} is removable`,
      remedy: 'pick a fixed disk with --disk, or pass --allow-removable-disk',
    });
  }
  if (disk.readOnly)
    blockers.push({ kind: 'precondition', message: `${disk.path} is read-only`, remedy: 'pick a writable disk with --disk' });
  if (disk.sizeBytes < MIN_DISK_BYTES) {
    blockers.push({
      kind: 'precondition',
      message: `${disk.path} has ${formatBytes(disk.sizeBytes)}; NestOS needs at least ${formatBytes(MIN_DISK_BYTES)}`,
      remedy: 'pick a larger disk with --disk',
    });
  }
  if (!isRootDisk && disk.mountpoints.length > 0) {
    blockers.push({
      kind: 'precondition',
      message: `${disk.path} is in use (mounted at ${disk.mountpoints.join(', ')})`,
      remedy: 'unmount it first, or pick another disk with --disk',
    });
  }
  const kept = keptPartitions(disk, req, blockers);
  return {
    target: {
      device: disk.path,
      installerName: installerName ?? disk.path,
      sizeBytes: disk.sizeBytes,
      ...(disk.model ? { model: disk.model } : {}),
      ...(disk.serial ? { serial: disk.serial } : {}),
      isRootDisk,
      kept,
    },
    blockers,
  };
}

/** --disk accepts a kernel name or any of the disk's stable links. */
function findDisk(disks: Disk[], name: string): Disk | undefined {
  return disks.find((d) => d.path === name || d.stableNames.includes(name));
}

function keptPartitions(disk: Disk, req: TargetRequest, blockers: Blocker[]): TargetDisk['kept'] {
  const kept: TargetDisk['kept'] = [];
  for (const glob of req.savePartlabel) {
    const invalid = globProblems([glob]);
    if (invalid.length > 0) {
      blockers.push(...invalid);
      continue;
    }
    const re = globToRegExp(glob);
    const hits = disk.partitions.filter((p) => p.label !== undefined && re.test(p.label));
    if (hits.length === 0) {
      blockers.push({
        kind: 'usage',
        message: `--save-partlabel ${glob} matches no partition on ${disk.path}`,
        remedy: 'check the labels with `lsblk -o NAME,PARTLABEL`',
      });
    }
    for (const p of hits)
      kept.push({
        number: p.number,
        ...(p.label ? { label: p.label } : {}),
        startBytes: p.startBytes,
        sizeBytes: p.sizeBytes,
        matchedBy: `partlabel ${glob}`,
      });
  }
  for (const range of req.savePartindex) {
    const [lo, hi] = parseRange(range);
    const hits = disk.partitions.filter((p) => p.number >= lo && p.number <= hi);
    if (hits.length === 0) {
      blockers.push({
        kind: 'usage',
        message: `--save-partindex ${range} matches no partition on ${disk.path}`,
        remedy: 'check the numbers with `lsblk`',
      });
    }
    for (const p of hits) {
      if (!kept.some((k) => k.number === p.number)) {
        kept.push({
          number: p.number,
          ...(p.label ? { label: p.label } : {}),
          startBytes: p.startBytes,
          sizeBytes: p.sizeBytes,
          matchedBy: `partindex ${range}`,
        });
      }
    }
  }
  for (const k of kept) {
    if (k.number < FIRST_FREE_INDEX || k.startBytes < IMAGE_FOOTPRINT_BYTES) {
      blockers.push({
        kind: 'precondition',
        message: `partition ${k.number} of ${disk.path} (${k.matchedBy}) lies where NestOS's own partitions go (numbers 1-4, first ${formatBytes(IMAGE_FOOTPRINT_BYTES)})`,
        remedy: 'only partitions numbered 5 or higher that start beyond that can be kept; back the data up instead',
      });
    }
  }
  return kept.sort((a, b) => a.number - b.number);
}

function parseRange(range: string): [number, number] {
  if (!range.includes('-')) return [Number(range), Number(range)];
  const [a, b] = range.split('-');
  return [a ? Number(a) : 1, b ? Number(b) : Number.MAX_SAFE_INTEGER];
}

/**
 * Shell-style glob (* ? [...] [!...]) as nestos-installer matches partition labels. A glob it
 * would refuse (an unclosed `[`, an empty or reversed range) is refused here too, before anything
 * else happens, rather than reaching the RegExp constructor.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) throw new GlobError(glob, 'a [ is not closed by ]');
      let set = glob.slice(i + 1, close);
      const negate = set.startsWith('!');
      if (negate) set = set.slice(1);
      if (set === '') throw new GlobError(glob, 'an empty [] matches nothing');
      for (const m of set.matchAll(/(.)-(.)/gu)) {
        if (m[1]! > m[2]!) throw new GlobError(glob, `the range ${m[1]}-${m[2]} is reversed`);
      }
      re += `[${negate ? '^' : ''}${set.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'u');
}

export class GlobError extends Error {
  constructor(
    readonly glob: string,
    readonly why: string,
  ) {
    super(`${glob}: ${why}`);
  }
}

/** Usage problems with --save-partlabel globs, for the checks that run before anything else. */
export function globProblems(globs: string[]): Blocker[] {
  const problems: Blocker[] = [];
  for (const glob of globs) {
    try {
      globToRegExp(glob);
    } catch (e) {
      if (!(e instanceof GlobError)) throw e;
      problems.push({
        kind: 'usage',
        message: `--save-partlabel ${glob} is not a valid glob: ${e.why}`,
        remedy: 'use * ? and [...] as in the shell, e.g. --save-partlabel "data*"',
      });
    }
  }
  return problems;
}
