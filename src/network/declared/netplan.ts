/** Netplan (Ubuntu): /etc/netplan/*.yaml, merged in file-name order as netplan itself does. */
import { parse } from 'yaml';
import type { HostFs } from '../../effects/hostfs.js';
import { emptyDeclaration, parseCidr, type Declaration } from './types.js';

const DIRS = ['/lib/netplan', '/etc/netplan', '/run/netplan'];

type Yaml = Record<string, unknown>;

const isMap = (v: unknown): v is Yaml => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Netplan's merge rule: mappings merge key by key, anything else is replaced by the later file. */
function merge(a: unknown, b: unknown): unknown {
  if (!isMap(a) || !isMap(b)) return b;
  const out: Yaml = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? merge(out[k], v) : v;
  return out;
}

/** Netplan booleans accept true/yes/on in either case (YAML 1.2 reads `yes` as a string). */
function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    if (/^(true|yes|on|y)$/i.test(v)) return true;
    if (/^(false|no|off|n)$/i.test(v)) return false;
  }
  return undefined;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Netplan bond parameter names → the kernel's (which NetworkManager uses too). */
const BOND_PARAMETERS: Record<string, string> = {
  'mii-monitor-interval': 'miimon',
  'lacp-rate': 'lacp_rate',
  'transmit-hash-policy': 'xmit_hash_policy',
  'up-delay': 'updelay',
  'down-delay': 'downdelay',
  'arp-interval': 'arp_interval',
  'arp-ip-targets': 'arp_ip_target',
  primary: 'primary',
  'ad-select': 'ad_select',
  'min-links': 'min_links',
  'fail-over-mac-policy': 'fail_over_mac',
};

function declaration(source: string, id: string, body: Yaml, kind: Declaration['kind']): Declaration {
  const d = emptyDeclaration(source);
  d.kind = kind;
  const match = isMap(body.match) ? body.match : undefined;
  // An id with a match block is only a label; set-name (or the matched name) is the interface.
  d.name = typeof body['set-name'] === 'string' ? body['set-name'] : match ? (typeof match.name === 'string' ? match.name : undefined) : id;
  const mac = match?.macaddress ?? body.macaddress;
  if (typeof mac === 'string' && match) d.mac = mac.toLowerCase();
  if (typeof body.mtu === 'number') d.mtu = body.mtu;

  for (const entry of Array.isArray(body.addresses) ? body.addresses : []) {
    // An address is a string, or a one-key mapping {address: {lifetime, label}}.
    const text = typeof entry === 'string' ? entry : isMap(entry) ? Object.keys(entry)[0] : undefined;
    const parsed = text ? parseCidr(text) : undefined;
    if (parsed) d.addresses.push(parsed);
  }
  if (typeof body.gateway4 === 'string') d.gateway4 = body.gateway4;
  if (typeof body.gateway6 === 'string') d.gateway6 = body.gateway6;
  for (const route of Array.isArray(body.routes) ? body.routes : []) {
    if (!isMap(route) || typeof route.via !== 'string') continue;
    if (route.to === 'default' || route.to === '0.0.0.0/0') d.gateway4 ??= route.via;
    if (route.to === '::/0' || (route.to === 'default' && route.via.includes(':'))) d.gateway6 ??= route.via;
  }
  const ns = isMap(body.nameservers) ? body.nameservers : {};
  d.dns.push(...strings(ns.addresses));
  d.search.push(...strings(ns.search));

  const dhcp4 = bool(body.dhcp4);
  const dhcp6 = bool(body.dhcp6);
  const acceptRa = bool(body['accept-ra']);
  const says = 'dhcp4' in body || 'dhcp6' in body || 'addresses' in body;
  if (dhcp4) d.ipv4 = 'auto';
  else if (d.addresses.some((a) => a.family === 4)) d.ipv4 = 'manual';
  else if (says) d.ipv4 = 'disabled';
  if (dhcp6) d.ipv6 = acceptRa === false ? 'dhcp' : 'auto';
  else if (acceptRa) d.ipv6 = 'auto';
  else if (d.addresses.some((a) => a.family === 6)) d.ipv6 = 'manual';
  else if (acceptRa === false) d.ipv6 = 'ignore';

  if (kind === 'bond' || kind === 'bridge') d.members = strings(body.interfaces);
  const params = isMap(body.parameters) ? body.parameters : {};
  if (kind === 'bond') {
    if (typeof params.mode === 'string') d.bondMode = params.mode;
    d.bondOptions = {};
    for (const [k, v] of Object.entries(params)) {
      const name = BOND_PARAMETERS[k];
      if (name && (typeof v === 'string' || typeof v === 'number')) d.bondOptions[name] = String(v);
      if (name && Array.isArray(v)) d.bondOptions[name] = v.join(',');
    }
  }
  if (kind === 'vlan') {
    if (typeof body.id === 'number') d.vlanId = body.id;
    if (typeof body.link === 'string') d.parent = body.link;
  }
  return d;
}

const SECTIONS: [string, Declaration['kind']][] = [
  ['ethernets', 'ethernet'],
  ['bonds', 'bond'],
  ['vlans', 'vlan'],
  ['bridges', 'bridge'],
];

/** `files` in netplan's order; returns one declaration per interface id, ports pointing at their controller. */
export function parseNetplan(files: { path: string; text: string }[]): Declaration[] {
  let merged: unknown = {};
  const sourceOf = new Map<string, string>();
  for (const { path, text } of files) {
    const doc: unknown = parse(text);
    if (!isMap(doc) || !isMap(doc.network)) continue;
    for (const [section] of SECTIONS) {
      const ids = doc.network[section];
      if (isMap(ids)) for (const id of Object.keys(ids)) sourceOf.set(`${section}/${id}`, path);
    }
    merged = merge(merged, doc.network);
  }
  const network = isMap(merged) ? merged : {};
  const byId = new Map<string, Declaration>();
  for (const [section, kind] of SECTIONS) {
    const ids = network[section];
    if (!isMap(ids)) continue;
    for (const [id, body] of Object.entries(ids)) {
      byId.set(id, declaration(sourceOf.get(`${section}/${id}`) ?? '/etc/netplan', id, isMap(body) ? body : {}, kind));
    }
  }
  // Netplan names members by their id, which is a label when the port has a match block.
  for (const d of byId.values()) {
    if (d.kind !== 'bond' && d.kind !== 'bridge') continue;
    d.members = (d.members ?? []).map((id) => {
      const port = byId.get(id);
      if (!port) return id;
      port.controller = d.name;
      return port.name ?? id;
    });
  }
  return [...byId.values()];
}

export async function readNetplan(fs: HostFs): Promise<Declaration[]> {
  // Netplan orders by file name across its three directories; a later directory shadows the same name.
  const byName = new Map<string, string>();
  for (const dir of DIRS) for (const f of await fs.list(dir)) if (f.endsWith('.yaml')) byName.set(f, `${dir}/${f}`);
  const files: { path: string; text: string }[] = [];
  for (const name of [...byName.keys()].sort()) {
    const path = byName.get(name)!;
    const text = await fs.read(path);
    if (text !== undefined) files.push({ path, text });
  }
  try {
    return parseNetplan(files);
  } catch {
    // A file netplan itself would reject: the host runs without it, so runtime state decides.
    return [];
  }
}
