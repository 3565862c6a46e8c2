/** systemd-networkd: /etc/systemd/network/*.network (the first file in name order that matches wins). */
import type { HostFs } from '../../effects/hostfs.js';
import { iniValue, iniValues, parseIni } from './ini.js';
import { emptyDeclaration, parseCidr, type Declaration } from './types.js';

const DIR = '/etc/systemd/network';

const words = (values: string[]) => values.flatMap((v) => v.split(/\s+/)).filter(Boolean);

function bool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (/^(yes|true|on|1)$/i.test(v)) return true;
  if (/^(no|false|off|0)$/i.test(v)) return false;
  return undefined;
}

/**
 * One declaration per .network file. A [Match] with several names or MACs yields one declaration
 * per name (gather.ts matches each against runtime interfaces).
 */
export function parseNetworkd(source: string, text: string): Declaration[] {
  const ini = parseIni(text);
  const base = emptyDeclaration(source);
  base.kind = 'ethernet';

  const dhcp = (iniValue(ini, 'Network', 'DHCP') ?? 'no').toLowerCase();
  const acceptRa = bool(iniValue(ini, 'Network', 'IPv6AcceptRA'));
  for (const text of [...iniValues(ini, 'Network', 'Address'), ...iniValues(ini, 'Address', 'Address')]) {
    const parsed = parseCidr(text);
    if (parsed) base.addresses.push(parsed);
  }
  const gateways = [...iniValues(ini, 'Network', 'Gateway'), ...iniValues(ini, 'Route', 'Gateway')];
  for (const gw of gateways) {
    if (gw.includes(':')) base.gateway6 ??= gw;
    else if (/^\d/.test(gw)) base.gateway4 ??= gw;
  }
  base.dns = words(iniValues(ini, 'Network', 'DNS')).map((s) => s.replace(/^\[(.+)\](:\d+)?(#.*)?$/, '$1').replace(/#.*$/, ''));
  // Domains= prefixed with ~ are routing-only domains, not search domains.
  base.search = words(iniValues(ini, 'Network', 'Domains')).filter((s) => !s.startsWith('~'));
  const mtu = Number(iniValue(ini, 'Link', 'MTUBytes'));
  if (mtu > 0) base.mtu = mtu;

  const v4dhcp = dhcp === 'yes' || dhcp === 'ipv4' || dhcp === 'true' || dhcp === 'both';
  const v6dhcp = dhcp === 'yes' || dhcp === 'ipv6' || dhcp === 'true' || dhcp === 'both';
  const has = (family: 4 | 6) => base.addresses.some((a) => a.family === family);
  if (v4dhcp) base.ipv4 = 'auto';
  else if (has(4)) base.ipv4 = 'manual';
  if (v6dhcp) base.ipv6 = acceptRa === false ? 'dhcp' : 'auto';
  else if (acceptRa === true) base.ipv6 = 'auto';
  else if (has(6)) base.ipv6 = 'manual';
  else if (acceptRa === false) base.ipv6 = 'ignore';

  const bond = iniValue(ini, 'Network', 'Bond');
  const bridge = iniValue(ini, 'Network', 'Bridge');
  if (bond ?? bridge) base.controller = bond ?? bridge;

  const names = words(iniValues(ini, 'Match', 'Name'));
  const macs = words([...iniValues(ini, 'Match', 'MACAddress'), ...iniValues(ini, 'Match', 'PermanentMACAddress')]);
  const out: Declaration[] = [];
  for (const name of names) out.push({ ...base, name });
  for (const mac of macs) out.push({ ...base, mac: mac.toLowerCase() });
  return out;
}

export async function readNetworkd(fs: HostFs): Promise<Declaration[]> {
  const out: Declaration[] = [];
  for (const file of await fs.list(DIR)) {
    if (!file.endsWith('.network')) continue;
    const path = `${DIR}/${file}`;
    const text = await fs.read(path);
    if (text !== undefined) out.push(...parseNetworkd(path, text));
  }
  return out;
}
