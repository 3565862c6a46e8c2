/**
 * `storage` checks, mirroring Ignition's config/v3_x/types: storage.go, node.go, file.go,
 * directory.go, mode.go, path.go, disk.go, partition.go, filesystem.go, raid.go, luks.go,
 * clevis.go, tang.go. Messages are Ignition's.
 */
import { type GoStruct, int, list, nilOrEmpty, optBool, optInt, optStr, str, strings, struct, structs } from './go-decode.js';
import type { IssuePath, Issues } from './issues.js';
import { reportDuplicates, urlErrorNilOk, validateResource } from './validate-resource.js';
import { parseGoUrl } from './go-url.js';

/** Go's path.Clean. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** path.go validatePath: absolute and already clean (no `..`, `//`, `.` or trailing `/`). */
export function pathError(p: string): string | undefined {
  if (p === '') return 'path not specified';
  if (!p.startsWith('/')) return 'path not absolute';
  if (cleanPath(p) !== p) return 'path is not fully simplified';
  return undefined;
}

function pathErrorNilOk(p: string | undefined): string | undefined {
  return nilOrEmpty(p) ? undefined : pathError(p!);
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

export function validateStorage(storage: GoStruct, path: IssuePath, minor: number, issues: Issues): void {
  const at = (...rest: (string | number)[]): IssuePath => [...path, ...rest];
  const directories = structs(storage, 'directories');
  const files = structs(storage, 'files');
  const links = structs(storage, 'links');

  directories.forEach((d, i) => {
    validateNode(d, at('directories', i), issues);
    validateMode(d, at('directories', i, 'mode'), minor, issues);
  });
  files.forEach((f, i) => {
    validateNode(f, at('files', i), issues);
    validateMode(f, at('files', i, 'mode'), minor, issues);
    // file.go validateOverwrite: overwriting needs something to write.
    if (optBool(f, 'overwrite') === true && optStr(struct(f, 'contents'), 'source') === undefined) {
      issues.error(at('files', i, 'overwrite'), 'overwrite must be false if source is unspecified');
    }
    validateResource(struct(f, 'contents'), at('files', i, 'contents'), 'contents', minor, issues);
    structs(f, 'append').forEach((a, j) => validateResource(a, at('files', i, 'append', j), 'contents', minor, issues));
  });
  links.forEach((l, i) => {
    validateNode(l, at('links', i), issues);
    // Since 3.3.0 the target is a pointer and a link without one is refused.
    if (minor >= 3 && nilOrEmpty(optStr(l, 'target'))) issues.error(at('links', i, 'target'), 'link target is required');
  });

  // storage.go: nothing may be written through a link the same config creates.
  const linkPrefixes = links.map((l) => `${str(l, 'path')}/`);
  const underLink = (p: string): number => linkPrefixes.filter((prefix) => p.startsWith(prefix)).length;
  directories.forEach((d, i) =>
    repeat(underLink(str(d, 'path')), () => issues.error(at('directories', i), 'directory path includes link in config')),
  );
  files.forEach((f, i) => repeat(underLink(str(f, 'path')), () => issues.error(at('files', i), 'file path includes link in config')));
  links.forEach((l, i) => {
    repeat(underLink(str(l, 'path')), () => issues.error(at('links', i), 'link path includes link in config'));
    // Only absolute targets are compared; a relative one would depend on the link's directory.
    const target = cleanPath(str(l, 'target'));
    if (optBool(l, 'hard') !== true || !target.startsWith('/')) return;
    for (const d of directories) {
      if (str(d, 'path') === target) issues.error(at('links', i), 'hard link target is a directory');
    }
  });

  // Files, directories and links share one key space: the path.
  reportDuplicates(
    [...directories, ...files, ...links].map((n) => str(n, 'path')),
    (i) =>
      i < directories.length
        ? at('directories', i)
        : i < directories.length + files.length
          ? at('files', i - directories.length)
          : at('links', i - directories.length - files.length),
    issues,
  );

  // Disk.Key, Filesystem.Key: the device; Raid.Key, Luks.Key: the name.
  const disks = structs(storage, 'disks');
  disks.forEach((disk, i) => validateDisk(disk, at('disks', i), issues));
  reportDuplicates(
    disks.map((d) => str(d, 'device')),
    (i) => at('disks', i),
    issues,
  );

  const filesystems = structs(storage, 'filesystems');
  filesystems.forEach((fs, i) => validateFilesystem(fs, at('filesystems', i), minor, issues));
  reportDuplicates(
    filesystems.map((f) => str(f, 'device')),
    (i) => at('filesystems', i),
    issues,
  );

  const raids = structs(storage, 'raid');
  raids.forEach((raid, i) => validateRaid(raid, at('raid', i), minor, issues));
  reportDuplicates(
    raids.map((r) => str(r, 'name')),
    (i) => at('raid', i),
    issues,
  );

  if (minor >= 2) {
    const luks = structs(storage, 'luks');
    luks.forEach((l, i) => validateLuks(l, at('luks', i), minor, issues));
    reportDuplicates(
      luks.map((l) => str(l, 'name')),
      (i) => at('luks', i),
      issues,
    );
  }
}

function repeat(times: number, fn: () => void): void {
  for (let i = 0; i < times; i++) fn();
}

/** node.go: a valid path; owner and group by id or by name, not both. */
function validateNode(node: GoStruct, path: IssuePath, issues: Issues): void {
  issues.errorIf([...path, 'path'], pathError(str(node, 'path')));
  for (const owner of ['user', 'group']) {
    const o = struct(node, owner);
    if (optInt(o, 'id') !== undefined && !nilOrEmpty(optStr(o, 'name'))) issues.error([...path, owner], 'cannot set both id and name');
  }
}

/** mode.go: 0..07777; setuid/setgid/sticky only honoured since 3.4.0, a warning before. */
function validateMode(node: GoStruct, path: IssuePath, minor: number, issues: Issues): void {
  const mode = optInt(node, 'mode');
  if (mode === undefined) return;
  if (mode < 0 || mode > 0o7777) issues.error(path, 'illegal file mode');
  if (minor < 4 && Number(BigInt.asIntN(64, BigInt(mode)) & 0o7000n) !== 0) {
    issues.warn(path, 'setuid/setgid/sticky bits are not supported in spec versions older than 3.4.0');
  }
}

const GUID = /^(|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})$/;

/** disk.go and partition.go. */
function validateDisk(disk: GoStruct, path: IssuePath, issues: Issues): void {
  const partitions = structs(disk, 'partitions');
  const at = (...rest: (string | number)[]): IssuePath => [...path, ...rest];

  partitions.forEach((p, i) => {
    // partition.go Validate.
    const label = optStr(p, 'label');
    const shouldNotExist = optBool(p, 'shouldExist') === false;
    const others =
      label !== undefined ||
      !nilOrEmpty(optStr(p, 'typeGuid')) ||
      !nilOrEmpty(optStr(p, 'guid')) ||
      optInt(p, 'startMiB') !== undefined ||
      optInt(p, 'sizeMiB') !== undefined;
    // validateShouldExist: a partition to delete takes no other settings.
    if (shouldNotExist && others) issues.error(at('partitions', i), 'shouldExist specified false with other options also specified');
    // Number 0 means "next free", so such a partition is found again by its label.
    if (int(p, 'number') === 0 && label === undefined)
      issues.error(at('partitions', i), 'a partition number >= 1 or a label must be specified');
    if (label !== undefined) {
      // GPT names hold 36 UTF-16 units; Ignition counts bytes. sgdisk cannot escape colons.
      if (utf8Length(label) > 36) issues.error(at('partitions', i, 'label'), 'partition labels may not exceed 36 characters');
      else if (label.includes(':'))
        issues.error(at('partitions', i, 'label'), 'partition label will be truncated to text before the colon');
    }
    // validateGUID: GUIDs are given literally, no aliases such as "linux".
    for (const field of ['guid', 'typeGuid']) {
      const guid = optStr(p, field);
      if (guid !== undefined && !GUID.test(guid)) {
        issues.error(at('partitions', i, field), 'doesn\'t match the form "01234567-89AB-CDEF-EDCB-A98765432101"');
      }
    }
  });
  // Partition.Key: by number when it has one, else by label.
  reportDuplicates(
    partitions.map((p) => {
      const number = int(p, 'number');
      const label = optStr(p, 'label');
      return number !== 0 ? `number:${number}` : label !== undefined ? `label:${label}` : '';
    }),
    (i) => at('partitions', i),
    issues,
  );

  // disk.go Validate; it stops at a missing device.
  const device = str(disk, 'device');
  if (device === '') {
    issues.error(at('device'), 'disk device is required');
    return;
  }
  issues.errorIf(at('device'), pathError(device));

  // Number 0 means "next free number", so several partitions may use it.
  const firstRepeat = (keys: (string | undefined)[]): number => {
    const seen = new Set<string>();
    return keys.findIndex((k) => {
      if (k === undefined) return false;
      if (seen.has(k)) return true;
      seen.add(k);
      return false;
    });
  };
  // partitionNumbersCollide. Ignition ranges over a Go map here, so when several numbers repeat
  // it names a random one of them; we name the first.
  const numberRepeat = firstRepeat(partitions.map((p) => (int(p, 'number') !== 0 ? String(int(p, 'number')) : undefined)));
  if (numberRepeat >= 0) issues.error(at('partitions', numberRepeat), 'partition numbers collide');

  const overlap = firstOverlap(partitions);
  if (overlap >= 0) issues.error(at('partitions', overlap), 'partitions overlap');

  // partitionsMixZeroesAndNonexistence (the message speaks of start or size, the check of numbers).
  const anyNumberZero = partitions.some((p) => int(p, 'number') === 0);
  const anyShouldNotExist = partitions.some((p) => optBool(p, 'shouldExist') === false);
  if (anyNumberZero && anyShouldNotExist) {
    issues.error(at('partitions'), 'shouldExist is false for a partition and other partition(s) has start or size 0');
  }

  // partitionLabelsCollide.
  const labelRepeat = firstRepeat(partitions.map((p) => optStr(p, 'label')));
  if (labelRepeat >= 0) issues.error(at('partitions', labelRepeat), 'cannot use the same partition label twice');
}

/** disk.go partitionsOverlap: only partitions with an explicit non-zero start and size count. */
function firstOverlap(partitions: GoStruct[]): number {
  const ranges = partitions.map((p) => {
    const start = optInt(p, 'startMiB');
    const size = optInt(p, 'sizeMiB');
    return start === undefined || size === undefined || start === 0 || size === 0 ? undefined : { start, end: start + size };
  });
  for (let i = 0; i < ranges.length; i++) {
    const a = ranges[i];
    if (a === undefined) continue;
    for (let j = 0; j < ranges.length; j++) {
      const b = ranges[j];
      if (j === i || b === undefined) continue;
      if (a.start < b.end && b.start < a.end) return j;
    }
  }
  return -1;
}

const LABEL_LIMITS: Record<string, [number, string]> = {
  ext4: [16, 'ext4'],
  btrfs: [256, 'btrfs'],
  xfs: [12, 'xfs'],
  swap: [15, 'swap'],
  vfat: [11, 'vfat'],
};

/** filesystem.go. */
function validateFilesystem(fs: GoStruct, path: IssuePath, minor: number, issues: Issues): void {
  // validatePath / validateDevice / validateFormat / validateLabel.
  issues.errorIf([...path, 'path'], pathErrorNilOk(optStr(fs, 'path')));
  issues.errorIf([...path, 'device'], pathError(str(fs, 'device')));
  const format = optStr(fs, 'format');
  const label = optStr(fs, 'label');
  if (nilOrEmpty(format)) {
    const others =
      !nilOrEmpty(optStr(fs, 'path')) ||
      !nilOrEmpty(label) ||
      !nilOrEmpty(optStr(fs, 'uuid')) ||
      optBool(fs, 'wipeFilesystem') === true ||
      list(fs, 'mountOptions').length > 0 ||
      list(fs, 'options').length > 0;
    if (others) {
      issues.error(
        [...path, 'format'],
        'format cannot be empty when path, label, uuid, wipeFilesystem, options, or mountOptions is specified',
      );
    }
  } else {
    // "none" (keep whatever is there, just mount it) arrived in 3.3.0.
    const formats = ['ext4', 'btrfs', 'xfs', 'swap', 'vfat', ...(minor >= 3 ? ['none'] : [])];
    if (!formats.includes(format!)) issues.error([...path, 'format'], 'invalid filesystem format');
  }
  if (!nilOrEmpty(label)) {
    if (nilOrEmpty(format)) {
      issues.error([...path, 'label'], 'filesystem must specify format if label is specified');
    } else {
      const limit = LABEL_LIMITS[format!];
      if (limit !== undefined && utf8Length(label!) > limit[0]) {
        issues.error([...path, 'label'], `filesystem labels cannot be longer than ${limit[0]} characters when using ${limit[1]}`);
      }
    }
  }
}

const RAID_LEVELS = ['linear', 'raid0', '0', 'stripe', 'raid1', '1', 'mirror', 'raid4', '4', 'raid5', '5', 'raid6', '6', 'raid10', '10'];

/** raid.go. */
function validateRaid(raid: GoStruct, path: IssuePath, minor: number, issues: Issues): void {
  // validateLevel: required by name since 3.3.0; spares make no sense without redundancy.
  const level = optStr(raid, 'level');
  if (minor >= 3 && nilOrEmpty(level)) {
    issues.error([...path, 'level'], 'raid level is required');
  } else if (!RAID_LEVELS.includes(level ?? '')) {
    issues.error([...path, 'level'], 'unrecognized raid level');
  } else if (['linear', 'raid0', '0', 'stripe'].includes(level!) && (optInt(raid, 'spares') ?? 0) !== 0) {
    issues.error([...path, 'level'], 'spares unsupported for linear and raid0 arrays');
  }
  // validateDevices; each device is a path (Device.Validate) and appears once.
  const devices = strings(raid, 'devices');
  if (devices.length === 0) issues.error([...path, 'devices'], 'raid devices required');
  devices.forEach((d, i) => issues.errorIf([...path, 'devices', i], pathError(d)));
  reportDuplicates(devices, (i) => [...path, 'devices', i], issues);
}

/** luks.go, clevis.go, tang.go (3.2.0+). */
function validateLuks(luks: GoStruct, path: IssuePath, minor: number, issues: Issues): void {
  const at = (...rest: (string | number)[]): IssuePath => [...path, ...rest];
  // luks.go validateName / validateLabel / validateDevice.
  if (str(luks, 'name').includes('/')) issues.error(at('name'), 'device names cannot contain slashes');
  const label = optStr(luks, 'label');
  if (!nilOrEmpty(label) && utf8Length(label!) > 47) issues.error(at('label'), 'luks device labels cannot be longer than 47 characters');
  const device = optStr(luks, 'device');
  if (nilOrEmpty(device)) issues.error(at('device'), 'disk device is required');
  else issues.errorIf(at('device'), pathError(device!));

  // validateKeyFile, reported at the historical `keys` path.
  const keyFile = struct(luks, 'keyFile');
  if (urlErrorNilOk(optStr(keyFile, 'source'), minor) !== undefined) issues.error(at('keys'), 'invalid key-file source');
  validateResource(keyFile, at('keyFile'), 'keyFile', minor, issues);

  const clevis = struct(luks, 'clevis');
  const tang = structs(clevis, 'tang');
  const otherPins = tang.length > 0 || optBool(clevis, 'tpm2') === true || (optInt(clevis, 'threshold') ?? 0) !== 0;
  const customError = (field: string, message: string): void => issues.error(at('clevis', 'custom', field), message);
  const pinKnown = (pin: string): boolean => ['tpm2', 'tang', 'sss'].includes(pin);
  if (minor === 2) {
    // 3.2.0: a `custom` object (even empty) counts as present; it is checked once pin or config is set.
    const given = clevis['custom'] !== undefined;
    const custom = struct(clevis, 'custom');
    const pin = str(custom, 'pin');
    const config = str(custom, 'config');
    if (given && (pin !== '' || config !== '')) {
      if (!pinKnown(pin)) customError('pin', 'unsupported clevis pin');
      if (config === '') customError('config', 'missing required custom clevis config');
    }
    if (given && otherPins) issues.error(at('clevis'), 'cannot use custom clevis config with tpm2, tang, or threshold');
  } else {
    const custom = struct(clevis, 'custom');
    const pin = optStr(custom, 'pin');
    const config = optStr(custom, 'config');
    if (!nilOrEmpty(pin) || !nilOrEmpty(config) || optBool(custom, 'needsNetwork') === true) {
      if (nilOrEmpty(pin)) customError('pin', 'missing required custom clevis pin');
      else if (!pinKnown(pin!)) customError('pin', 'unsupported clevis pin');
      if (nilOrEmpty(config)) customError('config', 'missing required custom clevis config');
    }
    if (!nilOrEmpty(pin) && otherPins) issues.error(at('clevis'), 'cannot use custom clevis config with tpm2, tang, or threshold');
  }
  // tang.go: an http(s) URL and the server's thumbprint; Tang.Key is the URL.
  tang.forEach((t, i) => {
    issues.errorIf(at('clevis', 'tang', i, 'url'), tangUrlError(str(t, 'url')));
    if (nilOrEmpty(optStr(t, 'thumbprint'))) issues.error(at('clevis', 'tang', i, 'thumbprint'), 'thumbprint is required');
  });
  reportDuplicates(
    tang.map((t) => str(t, 'url')),
    (i) => at('clevis', 'tang', i),
    issues,
  );
}

function tangUrlError(url: string): string | undefined {
  let scheme: string;
  try {
    scheme = parseGoUrl(url).scheme;
  } catch {
    return 'unable to parse url';
  }
  return scheme === 'http' || scheme === 'https' ? undefined : 'invalid url scheme';
}
