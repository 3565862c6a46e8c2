/**
 * NetworkManager keyfiles for the installed system, one per connection, rendered from the model.
 *
 * Property names are the ones every NetworkManager NestOS ships understands: 22.03 carries NM 1.32,
 * later releases 1.4x. `connection.master` / `connection.slave-type` are used for ports because
 * `controller` / `port-type` exist only from NM 1.46 on (and older versions drop unknown keys
 * without a word, leaving the port unattached). The gateway rides on `address1=A/P,GW`, the form
 * every keyfile reader accepts and NM 1.4x itself still writes.
 */
import { createHash } from 'node:crypto';
import type { Interface, NetworkModel, Route } from './model.js';
import { familyOf } from './address.js';

export interface Keyfile {
  name: string;
  contents: string;
}

type Section = [string, string | number | boolean | undefined][];

/** A stable UUID per connection id, so the same host renders the same files byte for byte. */
export function connectionUuid(id: string): string {
  const h = createHash('sha1').update(`x2nestos-connection:${id}`).digest('hex');
  // Version 5 layout (name-based, SHA-1) with the RFC 4122 variant bits.
  const variant = ((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

const list = (values: string[]) => (values.length > 0 ? `${values.join(';')};` : undefined);

/** Where the resolver's servers and search domains go: one connection per family, the primary first. */
export interface DnsPlacement {
  byInterface: Map<string, { v4: string[]; v6: string[]; search: string[] }>;
  /** Servers no connection could carry (no interface has that family enabled). */
  unplaced: string[];
}

const familyEnabled = (i: Interface, family: 4 | 6) =>
  family === 4 ? i.ipv4Method !== 'disabled' : i.ipv6Method !== 'ignore' && i.ipv6Method !== 'disabled';

export function placeDns(model: NetworkModel, interfaces: Interface[] = model.interfaces): DnsPlacement {
  const byInterface: DnsPlacement['byInterface'] = new Map();
  const unplaced: string[] = [];
  const entry = (name: string) => {
    let e = byInterface.get(name);
    if (!e) byInterface.set(name, (e = { v4: [], v6: [], search: [] }));
    return e;
  };
  const carriers = interfaces.filter((i) => i.controller === undefined);
  const declared = new Set<string>();
  for (const i of carriers) {
    if (!i.dns) continue;
    for (const s of i.dns.servers) {
      const family = familyOf(s);
      if (family && familyEnabled(i, family)) (family === 4 ? entry(i.name).v4 : entry(i.name).v6).push(s);
      else unplaced.push(s);
      declared.add(s);
    }
    if (i.dns.search.length > 0 && (familyEnabled(i, 4) || familyEnabled(i, 6))) entry(i.name).search.push(...i.dns.search);
  }
  // The resolver the host uses now, on the primary connection (or the first that has the family).
  const ordered = [...carriers].sort((a, b) => Number(b.name === model.primary) - Number(a.name === model.primary));
  for (const s of model.dns.servers.filter((s) => !declared.has(s))) {
    const family = familyOf(s);
    const target = family ? ordered.find((i) => familyEnabled(i, family)) : undefined;
    if (!target || !family) unplaced.push(s);
    else (family === 4 ? entry(target.name).v4 : entry(target.name).v6).push(s);
  }
  const searchTarget = ordered.find((i) => familyEnabled(i, 4) || familyEnabled(i, 6));
  const searchDeclared = new Set(carriers.flatMap((i) => i.dns?.search ?? []));
  const search = model.dns.search.filter((d) => !searchDeclared.has(d));
  if (searchTarget && search.length > 0) entry(searchTarget.name).search.push(...search);
  return { byInterface, unplaced };
}

function destination(r: Route): string {
  if (r.destination !== 'default') return r.destination;
  return r.family === 4 ? '0.0.0.0/0' : '::/0';
}

/** The [ipv4] or [ipv6] section of a connection. */
function ipSection(
  iface: Interface,
  family: 4 | 6,
  mode: 'keep' | 'dhcp',
  dns: { v4: string[]; v6: string[]; search: string[] } | undefined,
  primary: { name?: string | undefined; family?: 4 | 6 | undefined; multiDefault: boolean },
): Section {
  let method: string = family === 4 ? iface.ipv4Method : iface.ipv6Method;
  // --network dhcp: DHCP (and router advertisements) on the primary only; what it stands on
  // (a VLAN's parent) carries no address of its own.
  if (mode === 'dhcp') method = iface.name === primary.name ? 'auto' : family === 4 ? 'disabled' : 'ignore';
  const addresses = mode === 'keep' ? iface.addresses.filter((a) => a.family === family && a.method === 'static') : [];
  // NetworkManager refuses method=manual without an address.
  if (method === 'manual' && addresses.length === 0) method = family === 4 ? 'disabled' : 'ignore';
  const section: Section = [];
  if (family === 6 && iface.ipv6AddrGenMode && method !== 'ignore' && method !== 'disabled') {
    section.push(['addr-gen-mode', iface.ipv6AddrGenMode]);
  }
  const routes = mode === 'keep' && method !== 'disabled' && method !== 'ignore' ? iface.routes.filter((r) => r.family === family) : [];
  const defaults = routes.filter((r) => r.destination === 'default');
  const gatewayRoute = method === 'manual' ? defaults.find((r) => r.gateway !== undefined) : undefined;
  addresses.forEach((a, i) => {
    const gateway = i === 0 && gatewayRoute ? `,${gatewayRoute.gateway}` : '';
    section.push([`address${i + 1}`, `${a.address}/${a.prefix}${gateway}`]);
  });
  if (method !== 'disabled' && method !== 'ignore') {
    const servers = family === 4 ? dns?.v4 : dns?.v6;
    section.push(['dns', list(servers ?? [])]);
    const searchFamily = familyEnabled(iface, 4) ? 4 : 6;
    if (family === searchFamily) section.push(['dns-search', list(dns?.search ?? [])]);
  }
  if (iface.name === primary.name && family === primary.family) section.push(['may-fail', false]);
  section.push(['method', method]);

  // A gateway outside every subnet (Hetzner's 172.31.1.1 for a /32, a provider's /128) needs a
  // route to itself first: a device route with no next hop, which every NM version renders (the
  // `onlink` route attribute cannot ride on `gateway`, the only default-route form all versions take).
  const rendered: string[] = [];
  const hostPrefix = family === 4 ? 32 : 128;
  for (const r of routes) {
    if (!r.onLink || !r.gateway) continue;
    const host = `${r.gateway}/${hostPrefix}`;
    if (!rendered.includes(host) && !routes.some((o) => o.destination === host && o.gateway === undefined)) rendered.push(host);
  }
  for (const r of routes) {
    if (r === gatewayRoute) continue;
    const none = family === 4 ? '0.0.0.0' : '::';
    const parts = [destination(r)];
    if (r.gateway !== undefined || r.metric !== undefined) parts.push(r.gateway ?? none);
    if (r.metric !== undefined) parts.push(String(r.metric));
    rendered.push(parts.join(','));
  }
  rendered.forEach((r, i) => section.push([`route${i + 1}`, r]));
  // Several interfaces with a default route: keep the host's preference between them.
  if (primary.multiDefault && gatewayRoute?.metric !== undefined) section.push(['route-metric', gatewayRoute.metric]);
  return section;
}

function serialise(comment: string, sections: [string, Section][]): string {
  const lines = [`# ${comment}`];
  for (const [name, entries] of sections) {
    const present = entries.filter(([, v]) => v !== undefined);
    if (present.length === 0) continue;
    lines.push('', `[${name}]`, ...present.map(([k, v]) => `${k}=${String(v)}`));
  }
  return lines.join('\n') + '\n';
}

/** The interfaces a `--network dhcp` payload keeps: the primary and what it stands on. */
function primaryStack(model: NetworkModel): Interface[] {
  const byName = new Map(model.interfaces.map((i) => [i.name, i]));
  const out = new Set<Interface>();
  const add = (name: string | undefined) => {
    const i = name ? byName.get(name) : undefined;
    if (!i || out.has(i)) return;
    out.add(i);
    if (i.parent) add(i.parent);
    for (const m of i.members ?? []) add(m);
  };
  add(model.primary);
  return [...out];
}

export function renderKeyfiles(model: NetworkModel, mode: 'keep' | 'dhcp'): Keyfile[] {
  const interfaces = mode === 'keep' ? model.interfaces : primaryStack(model);
  const names = new Set(interfaces.map((i) => i.name));
  const dns = mode === 'keep' ? placeDns(model, interfaces).byInterface : new Map<string, never>();
  const primaryIface = interfaces.find((i) => i.name === model.primary);
  // may-fail=false goes on the family that carries the host's default route: the connection is
  // only up when that family is; the other family may come later or never.
  const defaultFamily = (i: Interface | undefined): 4 | 6 | undefined => {
    if (!i) return undefined;
    for (const family of [4, 6] as const) if (i.routes.some((r) => r.family === family && r.destination === 'default')) return family;
    if (i.ipv4Method === 'auto' || (mode === 'dhcp' && i.ipv4Method !== 'disabled')) return 4;
    if (i.ipv6Method === 'auto' || i.ipv6Method === 'dhcp' || mode === 'dhcp') return 6;
    return undefined;
  };
  const defaultsPerFamily = (family: 4 | 6) =>
    interfaces.filter((i) => i.routes.some((r) => r.family === family && r.destination === 'default')).length;

  const out: Keyfile[] = [];
  for (const iface of [...interfaces].sort((a, b) => a.name.localeCompare(b.name))) {
    const id = iface.name;
    const type = iface.kind === 'ethernet' || iface.kind === 'other' || iface.kind === 'team' ? 'ethernet' : iface.kind;
    const connection: Section = [
      ['id', id],
      ['uuid', connectionUuid(id)],
      ['type', type],
    ];
    // Physical NICs are pinned by MAC, not by name: the live and the installed kernels may name
    // them differently (eth0 here, ens3 there), while the permanent MAC stays. Virtual devices
    // (bond, VLAN, bridge) are created by NM under the name it is given, so they keep theirs.
    const pinByName = type !== 'ethernet' || !iface.mac;
    if (pinByName) connection.push(['interface-name', id]);
    const controller = iface.controller && names.has(iface.controller) ? interfaces.find((i) => i.name === iface.controller) : undefined;
    if (controller) {
      connection.push(['master', controller.name], ['slave-type', controller.kind]);
    }
    const sections: [string, Section][] = [['connection', connection]];
    sections.push([
      'ethernet',
      [
        ['mac-address', type === 'ethernet' ? iface.mac : undefined],
        ['mtu', iface.mtu !== undefined && iface.mtu !== 1500 ? iface.mtu : undefined],
      ],
    ]);
    if (iface.kind === 'bond') {
      const options = Object.entries(iface.bondOptions ?? {}).sort(([a], [b]) => a.localeCompare(b));
      sections.push(['bond', [['mode', iface.bondMode ?? 'balance-rr'], ...options]]);
    }
    if (iface.kind === 'bridge') sections.push(['bridge', [['stp', iface.stp ?? false]]]);
    if (iface.kind === 'vlan') {
      // The parent by connection UUID: its name may change under the new kernel, its profile not.
      const parent = iface.parent && names.has(iface.parent) ? connectionUuid(iface.parent) : iface.parent;
      sections.push([
        'vlan',
        [
          ['id', iface.vlanId],
          ['parent', parent],
        ],
      ]);
    }
    if (!controller) {
      const primary = {
        name: model.primary,
        family: iface === primaryIface ? defaultFamily(primaryIface) : undefined,
        multiDefault: false,
      };
      sections.push(['ipv4', ipSection(iface, 4, mode, dns.get(id), { ...primary, multiDefault: defaultsPerFamily(4) > 1 })]);
      sections.push(['ipv6', ipSection(iface, 6, mode, dns.get(id), { ...primary, multiDefault: defaultsPerFamily(6) > 1 })]);
    }
    const origin = iface.declaredIn ? `declared in ${iface.declaredIn}` : 'runtime state';
    const comment = `x2nestos: ${iface.kind} ${id} of the old host (${origin})${iface.mac && !pinByName ? `, pinned to ${iface.mac}` : ''}`;
    out.push({ name: `${id}.nmconnection`, contents: serialise(comment, sections) });
  }
  return out;
}

/** Mode of every embedded keyfile: NetworkManager ignores keyfiles that others can read or write. */
export const KEYFILE_MODE = 0o600;
