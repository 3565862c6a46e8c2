/**
 * What the installed system receives, after `--network keep|dhcp|none` and `--network-keyfile`:
 * the keyfiles to embed (etc/nestos-firstboot-network/, copied on with copy-network) and the
 * lines the plan prints about them.
 */
import { X2Error } from '../errors.js';
import { placeDns, renderKeyfiles, type Keyfile } from './keyfiles.js';
import type { NetworkModel } from './model.js';

export interface NetworkPayload {
  keyfiles: Keyfile[];
  notes: string[];
}

/** A user keyfile must at least be an INI file with a [connection] group that names its type. */
export function checkUserKeyfile(file: Keyfile): void {
  const lines = file.contents.split('\n').map((l) => l.trim());
  const start = lines.indexOf('[connection]');
  const end = start < 0 ? -1 : lines.findIndex((l, i) => i > start && /^\[.+\]$/.test(l));
  const group = start < 0 ? [] : lines.slice(start + 1, end < 0 ? undefined : end);
  const stray = lines.find((l) => l !== '' && !/^[#;]/.test(l) && !/^\[.+\]$/.test(l) && !l.includes('='));
  const problem =
    start < 0
      ? 'it has no [connection] section'
      : !group.some((l) => /^type\s*=\s*\S/.test(l))
        ? 'its [connection] section names no type='
        : stray !== undefined
          ? `line "${stray}" is not key=value`
          : undefined;
  if (problem) {
    throw new X2Error('usage', `--network-keyfile ${file.name} is not a NetworkManager keyfile: ${problem}`, {
      remedy: 'pass a file as `nmcli --offline connection add ...` writes it (see nm-settings-keyfile(5))',
    });
  }
}

/** The embedded name: the file's base name, with the .nmconnection suffix NM's keyfile plugin loads. */
function embeddedName(name: string): string {
  const base = name.split('/').pop() ?? name;
  return base.endsWith('.nmconnection') ? base : `${base}.nmconnection`;
}

/**
 * Read `--network-keyfile` files through `read` (undefined = unreadable); fails with the flag named.
 */
export async function loadUserKeyfiles(paths: string[], read: (path: string) => Promise<string | undefined>): Promise<Keyfile[]> {
  const out: Keyfile[] = [];
  for (const path of paths) {
    const contents = await read(path);
    if (contents === undefined) {
      throw new X2Error('usage', `--network-keyfile ${path} cannot be read`, { remedy: 'check the path and its permissions' });
    }
    const file = { name: path, contents };
    checkUserKeyfile(file);
    out.push(file);
  }
  return out;
}

export function networkPayload(model: NetworkModel, opts: { mode: 'keep' | 'dhcp' | 'none'; userKeyfiles: Keyfile[] }): NetworkPayload {
  if (opts.mode === 'none') {
    if (opts.userKeyfiles.length > 0) {
      throw new X2Error('usage', '--network none and --network-keyfile contradict each other', {
        remedy: 'drop --network none to embed your keyfiles, or drop --network-keyfile',
      });
    }
    return {
      keyfiles: [],
      notes: ['--network none: no network configuration is carried; NestOS starts with NetworkManager defaults (DHCP on every NIC)'],
    };
  }

  if (opts.userKeyfiles.length > 0) {
    const keyfiles: Keyfile[] = [];
    for (const file of opts.userKeyfiles) {
      checkUserKeyfile(file);
      const name = embeddedName(file.name);
      if (keyfiles.some((k) => k.name === name)) {
        throw new X2Error('usage', `--network-keyfile is given two files named ${name}`, { remedy: 'rename one of them' });
      }
      keyfiles.push({ name, contents: file.contents });
    }
    keyfiles.sort((a, b) => a.name.localeCompare(b.name));
    return {
      keyfiles,
      notes: [`${keyfiles.length} keyfile(s) from --network-keyfile replace the configuration measured on this host`],
    };
  }

  const keyfiles = renderKeyfiles(model, opts.mode);
  const notes: string[] = [];
  if (keyfiles.length === 0) {
    notes.push(
      opts.mode === 'dhcp' && model.interfaces.length > 0
        ? 'no interface holds the default route: nothing to pin DHCP to; NestOS uses DHCP on every NIC'
        : 'no interface to carry: NestOS starts with NetworkManager defaults (DHCP on every NIC)',
    );
  } else if (opts.mode === 'dhcp') {
    notes.push(`--network dhcp: DHCP on ${model.primary} only (pinned by MAC); addresses, routes and DNS of this host are not kept`);
  }
  if (opts.mode === 'keep') {
    for (const s of placeDns(model).unplaced)
      notes.push(`not carried: DNS server ${s} — no carried interface has its address family enabled`);
    for (const n of model.notCarried) notes.push(`not carried: ${n.what} — ${n.why}`);
  }
  return { keyfiles, notes };
}
