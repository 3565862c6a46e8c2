/** NetworkManager keyfiles (/etc/NetworkManager/system-connections/*.nmconnection). */
import type { HostFs } from '../../effects/hostfs.js';
import { iniValue, parseIni, type IniSection } from './ini.js';
import { emptyDeclaration, parseCidr, type Declaration } from './types.js';

const DIRS = ['/etc/NetworkManager/system-connections', '/run/NetworkManager/system-connections'];

const KINDS: Record<string, Declaration['kind']> = {
  ethernet: 'ethernet',
  '802-3-ethernet': 'ethernet',
  bond: 'bond',
  vlan: 'vlan',
  bridge: 'bridge',
  team: 'team',
};

const IPV4_METHODS: Record<string, Declaration['ipv4']> = { auto: 'auto', manual: 'manual', disabled: 'disabled' };
const IPV6_METHODS: Record<string, Declaration['ipv6']> = {
  auto: 'auto',
  dhcp: 'dhcp',
  manual: 'manual',
  ignore: 'ignore',
  disabled: 'disabled',
};

/** A GKeyFile list: `a;b;` → [a, b]. */
function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[;,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function section(sections: IniSection[], ...names: string[]): string | undefined {
  return names.find((n) => sections.some((s) => s.name === n));
}

export function parseNmConnection(source: string, text: string): Declaration {
  const ini = parseIni(text);
  const d = emptyDeclaration(source);
  const type = iniValue(ini, 'connection', 'type') ?? '';
  d.kind = KINDS[type] ?? 'other';
  d.name = iniValue(ini, 'connection', 'interface-name') || undefined;
  const wired = section(ini, 'ethernet', '802-3-ethernet');
  const mac = wired ? iniValue(ini, wired, 'mac-address') : undefined;
  if (mac) d.mac = mac.toLowerCase();
  const mtu = wired ? Number(iniValue(ini, wired, 'mtu')) : NaN;
  if (mtu > 0) d.mtu = mtu;
  // NM 1.46 renamed master/slave-type to controller/port-type and reads both.
  const controller = iniValue(ini, 'connection', 'controller') ?? iniValue(ini, 'connection', 'master');
  if (controller) d.controller = controller;

  for (const family of [4, 6] as const) {
    const name = family === 4 ? 'ipv4' : 'ipv6';
    const sec = ini.find((s) => s.name === name);
    if (!sec) continue;
    const method = iniValue(ini, name, 'method');
    if (family === 4 && method) d.ipv4 = IPV4_METHODS[method];
    if (family === 6 && method) d.ipv6 = IPV6_METHODS[method];
    // address1=A/P,GW (NM ≥ 1.0) and the older addresses1=A/P;GW; — ordered by their number.
    const numbered = [...sec.entries]
      .map(([key, values]) => ({ n: Number(/^address(?:es)?(\d*)$/.exec(key)?.[1] ?? NaN), values }))
      .filter((e) => !Number.isNaN(e.n))
      .sort((a, b) => a.n - b.n);
    for (const { values } of numbered) {
      for (const item of values) {
        const [cidr = '', gateway] = item.includes(',') ? item.split(',') : item.split(';');
        const address = parseCidr(cidr);
        if (address) d.addresses.push(address);
        if (gateway && family === 4) d.gateway4 ??= gateway;
        if (gateway && family === 6) d.gateway6 ??= gateway;
      }
    }
    const gateway = iniValue(ini, name, 'gateway');
    if (gateway && family === 4) d.gateway4 = gateway;
    if (gateway && family === 6) d.gateway6 = gateway;
    d.dns.push(...list(iniValue(ini, name, 'dns')));
    d.search.push(...list(iniValue(ini, name, 'dns-search')).filter((s) => !d.search.includes(s)));
  }

  if (d.kind === 'bond') {
    const options = Object.fromEntries(ini.find((s) => s.name === 'bond')?.entries ?? []);
    const flat = Object.fromEntries(Object.entries(options).map(([k, v]) => [k, v.at(-1) ?? '']));
    d.bondMode = flat.mode;
    delete flat.mode;
    d.bondOptions = flat;
  }
  if (d.kind === 'vlan') {
    const id = Number(iniValue(ini, 'vlan', 'id'));
    if (Number.isInteger(id)) d.vlanId = id;
    const parent = iniValue(ini, 'vlan', 'parent');
    if (parent) d.parent = parent;
  }
  return d;
}

export async function readNmConnections(fs: HostFs): Promise<Declaration[]> {
  const out: Declaration[] = [];
  for (const dir of DIRS) {
    for (const file of await fs.list(dir)) {
      if (!file.endsWith('.nmconnection')) continue;
      const path = `${dir}/${file}`;
      const text = await fs.read(path);
      if (text !== undefined) out.push(parseNmConnection(path, text));
    }
  }
  return out;
}
