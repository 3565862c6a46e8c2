/**
 * Additions to the user's destination config (identity carry-over: SSH keys for `nest`,
 * /etc/hostname, SSH host keys) that change nothing the user wrote.
 *
 * Form chosen: a wrapper config of the user's spec version that carries the additions and pulls
 * the user's config in, byte for byte, through `ignition.config.merge` with a data: URL — rather
 * than editing the user's JSON in place. Why:
 * - The user's bytes are never re-serialized, so nothing can drift: unknown keys, repeated keys
 *   and key case (which Go's decoder resolves in ways JSON.parse does not), number literals.
 * - Ignition itself does the merge, with its documented semantics: the merged config (the user's)
 *   wins over the parent (ours) on every conflict, even across types (a user's directory at a path
 *   drops our file there); users merge by name and sshAuthorizedKeys accumulate without duplicates.
 * - A `replace` in the user's config replaces only the user's part: the rendered child is merged
 *   into the wrapper, so our additions survive it (an in-place edit would be replaced away).
 * All of this was checked against the real Ignition 2.14 fetch stage, see
 * test/unit/ignition/augment.test.ts. Costs: the user's config is base64 in the result (4/3 of its
 * size) and is not validated by ignition-validate through the wrapper, so the caller validates it
 * first (augmenting an invalid config is refused here).
 *
 * Applying both functions nests nothing: a wrapper made here is recognised (it re-serializes to the
 * very same bytes) and extended instead of wrapped again.
 */
import { X2Error } from '../errors.js';
import { decodeDataUrl, encodeDataUrl } from './data-url.js';
import { array, record, renderVisible } from './references.js';
import { validateIgnition } from './validate.js';

interface UserAddition {
  name: string;
  sshAuthorizedKeys: string[];
}

interface FileAddition {
  path: string;
  mode: number;
  overwrite: true;
  contents: { source: string };
}

interface UnitAddition {
  name: string;
  enabled: true;
  contents: string;
}

interface Wrapper {
  version: string;
  inner: Uint8Array;
  users: UserAddition[];
  files: FileAddition[];
  units: UnitAddition[];
}

export interface AddedFile {
  path: string;
  mode: number;
  contents: string | Uint8Array;
}

/** Give `user` these SSH keys too; keys the config already gives that user are not repeated. */
export function withSshKeys(text: string, user: string, keys: string[]): string {
  const wrapper = open(text);
  const existing = new Set<string>(wrapper.users.filter((u) => u.name === user).flatMap((u) => u.sshAuthorizedKeys));
  for (const config of userConfigs(wrapper)) {
    for (const u of array(record(record(config)['passwd'])['users'])) {
      if (record(u)['name'] === user) array(record(u)['sshAuthorizedKeys']).forEach((k) => existing.add(String(k)));
    }
  }
  const fresh = [...new Set(keys.map((k) => k.trim()).filter((k) => k !== ''))].filter((k) => !existing.has(k));
  if (fresh.length === 0) return text;
  const entry = wrapper.users.find((u) => u.name === user);
  if (entry === undefined) wrapper.users.push({ name: user, sshAuthorizedKeys: fresh });
  else entry.sshAuthorizedKeys.push(...fresh);
  return serialize(wrapper);
}

/**
 * Write these files too (mode as given, overwriting what the image has there). With skipExisting
 * (the default) a path the user's config already defines as a file, directory or link is left
 * out; without it the entry is kept, but the user's own definition still wins at first boot.
 */
export function withFiles(text: string, files: AddedFile[], opts: { skipExisting: boolean } = { skipExisting: true }): string {
  const wrapper = open(text);
  const defined = new Set<string>();
  if (opts.skipExisting) {
    for (const config of userConfigs(wrapper)) {
      const storage = record(record(config)['storage']);
      for (const list of ['files', 'directories', 'links']) {
        for (const node of array(storage[list])) defined.add(String(record(node)['path']));
      }
    }
  }
  const entries = files
    .filter((f) => !defined.has(f.path))
    .map((f): FileAddition => ({ path: f.path, mode: f.mode, overwrite: true, contents: { source: encodeDataUrl(f.contents) } }));
  if (entries.length === 0) return text;
  upsert(wrapper.files, entries, (e) => e.path);
  return serialize(wrapper);
}

/**
 * Add these systemd units, enabled. A unit the user's config already names is left out: the
 * user's own definition would win the merge anyway, and half of ours must not end up in theirs.
 */
export function withUnits(text: string, units: { name: string; contents: string }[]): string {
  const wrapper = open(text);
  const defined = new Set<string>();
  for (const config of userConfigs(wrapper)) {
    for (const unit of array(record(record(config)['systemd'])['units'])) defined.add(String(record(unit)['name']));
  }
  const entries = units
    .filter((u) => !defined.has(u.name))
    .map((u): UnitAddition => ({ name: u.name, enabled: true, contents: u.contents }));
  if (entries.length === 0) return text;
  upsert(wrapper.units, entries, (e) => e.name);
  return serialize(wrapper);
}

/** Our own earlier addition under the same key is replaced; anything new is appended. */
function upsert<T>(list: T[], entries: T[], key: (entry: T) => string): void {
  for (const entry of entries) {
    const at = list.findIndex((e) => key(e) === key(entry));
    if (at >= 0) list[at] = entry;
    else list.push(entry);
  }
}

/** The wrapper this text already is, or a new empty one around it. */
function open(text: string): Wrapper {
  const report = validateIgnition(text);
  if (!report.ok || report.version === undefined) {
    throw new X2Error('ignition', 'cannot add SSH keys, files or units to an Ignition config that is not valid', {
      remedy: 'fix the errors reported for --ignition first',
      details: report.errors.map((e) => `${e.path}: ${e.message}`),
    });
  }
  return recognise(text) ?? { version: report.version, inner: new TextEncoder().encode(text), users: [], files: [], units: [] };
}

function recognise(text: string): Wrapper | undefined {
  let parsed: Record<string, unknown>;
  try {
    parsed = record(JSON.parse(text));
  } catch {
    return undefined;
  }
  const ignition = record(parsed['ignition']);
  const merge = array(record(ignition['config'])['merge']);
  const source = record(merge[0])['source'];
  if (merge.length !== 1 || typeof source !== 'string' || typeof ignition['version'] !== 'string') return undefined;
  let inner: Uint8Array;
  try {
    inner = decodeDataUrl(source).data;
  } catch {
    return undefined;
  }
  const candidate: Wrapper = {
    version: ignition['version'],
    inner,
    users: array(record(parsed['passwd'])['users']).map((u) => structuredClone(u) as UserAddition),
    files: array(record(parsed['storage'])['files']).map((f) => structuredClone(f) as FileAddition),
    units: array(record(parsed['systemd'])['units']).map((u) => structuredClone(u) as UnitAddition),
  };
  // Only a byte-identical round trip proves that nothing else was written here.
  return serialize(candidate) === text ? candidate : undefined;
}

function serialize(w: Wrapper): string {
  const config: Record<string, unknown> = {
    ignition: { version: w.version, config: { merge: [{ source: encodeDataUrl(w.inner) }] } },
  };
  if (w.users.length > 0) config['passwd'] = { users: w.users };
  if (w.files.length > 0) config['storage'] = { files: w.files };
  if (w.units.length > 0) config['systemd'] = { units: w.units };
  return `${JSON.stringify(config)}\n`;
}

/** The user's side of the wrapper as Ignition renders it (embedded configs followed). */
function userConfigs(w: Wrapper): Record<string, unknown>[] {
  const report = validateIgnition(w.inner);
  return report.config === undefined ? [] : renderVisible(report.config).configs;
}
