/** Red Hat style ifcfg files (/etc/sysconfig/network-scripts/ifcfg-*: openEuler, CentOS, RHEL ≤ 9). */
import type { HostFs } from '../../effects/hostfs.js';
import { netmaskToPrefix } from '../address.js';
import { emptyDeclaration, parseCidr, type Declaration } from './types.js';

const DIR = '/etc/sysconfig/network-scripts';

/** The shell-variable assignments of an ifcfg file, quotes removed (the files are sourced by sh). */
export function parseShellVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(raw);
    if (!m) continue;
    let value = m[2]!.trim();
    const quoted = /^"((?:[^"\\]|\\.)*)"|^'([^']*)'/.exec(value);
    if (quoted) value = quoted[1] !== undefined ? quoted[1].replace(/\\(.)/g, '$1') : (quoted[2] ?? '');
    else value = value.replace(/\s+#.*$/, '');
    vars[m[1]!] = value;
  }
  return vars;
}

const yes = (v: string | undefined) => v !== undefined && /^(yes|true|y|1)$/i.test(v);
const no = (v: string | undefined) => v !== undefined && /^(no|false|n|0)$/i.test(v);

/** Bond options as written in BONDING_OPTS="mode=802.3ad miimon=100". */
function bondingOpts(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split(/\s+/)
      .filter((kv) => kv.includes('='))
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
}

export function parseIfcfg(source: string, text: string): Declaration {
  const v = parseShellVars(text);
  const d = emptyDeclaration(source);
  d.name =
    v.DEVICE ||
    source
      .split('/')
      .pop()!
      .replace(/^ifcfg-/, '');
  const mac = v.HWADDR || v.MACADDR;
  if (mac) d.mac = mac.toLowerCase();
  if (v.MTU && Number(v.MTU) > 0) d.mtu = Number(v.MTU);

  const type = (v.TYPE ?? '').toLowerCase();
  if (yes(v.VLAN) || type === 'vlan') d.kind = 'vlan';
  else if (type === 'bond' || v.BONDING_OPTS !== undefined || v.BONDING_MASTER !== undefined) d.kind = 'bond';
  else if (type === 'bridge') d.kind = 'bridge';
  else if (type === 'team' || type === 'teamport') d.kind = 'team';
  else d.kind = 'ethernet';

  if (v.MASTER && (yes(v.SLAVE) || v.SLAVE === undefined)) d.controller = v.MASTER;
  if (v.BRIDGE) d.controller = v.BRIDGE;

  if (d.kind === 'bond' && v.BONDING_OPTS) {
    const opts = bondingOpts(v.BONDING_OPTS);
    d.bondMode = opts.mode;
    delete opts.mode;
    d.bondOptions = opts;
  }
  if (d.kind === 'vlan') {
    const id = Number(v.VLAN_ID ?? /\.(\d+)$/.exec(d.name)?.[1] ?? /^vlan(\d+)$/.exec(d.name)?.[1]);
    if (Number.isInteger(id)) d.vlanId = id;
    d.parent = v.PHYSDEV ?? /^(.+)\.\d+$/.exec(d.name)?.[1];
  }

  // IPADDR, IPADDR0..IPADDR255 with the matching PREFIXn or NETMASKn.
  for (const suffix of ['', ...Array.from({ length: 256 }, (_, i) => String(i))]) {
    const address = v[`IPADDR${suffix}`];
    if (!address) continue;
    const prefix = v[`PREFIX${suffix}`] ?? (v[`NETMASK${suffix}`] ? String(netmaskToPrefix(v[`NETMASK${suffix}`]!)) : undefined);
    const parsed = parseCidr(prefix ? `${address}/${prefix}` : address, 32);
    if (parsed) d.addresses.push(parsed);
  }
  for (const text6 of [v.IPV6ADDR, ...(v.IPV6ADDR_SECONDARIES ?? '').split(/\s+/)]) {
    const parsed = text6 ? parseCidr(text6, 64) : undefined;
    if (parsed) d.addresses.push(parsed);
  }
  if (v.GATEWAY) d.gateway4 = v.GATEWAY;
  if (v.IPV6_DEFAULTGW) d.gateway6 = v.IPV6_DEFAULTGW.split('%')[0];

  const bootproto = (v.BOOTPROTO ?? 'none').toLowerCase();
  if (d.controller === undefined) {
    if (bootproto === 'dhcp' || bootproto === 'bootp') d.ipv4 = 'auto';
    else if (d.addresses.some((a) => a.family === 4)) d.ipv4 = 'manual';
    else d.ipv4 = 'disabled';

    if (yes(v.IPV6_DISABLED)) d.ipv6 = 'disabled';
    else if (no(v.IPV6INIT)) d.ipv6 = 'ignore';
    else if (yes(v.IPV6INIT)) {
      const hasStatic = d.addresses.some((a) => a.family === 6);
      if (yes(v.IPV6_AUTOCONF)) d.ipv6 = 'auto';
      else if (yes(v.DHCPV6C)) d.ipv6 = no(v.IPV6_AUTOCONF) ? 'dhcp' : 'auto';
      else if (hasStatic) d.ipv6 = 'manual';
      else if (!no(v.IPV6_AUTOCONF)) d.ipv6 = 'auto';
    }
  }

  for (let i = 1; i <= 10; i++) if (v[`DNS${i}`]) d.dns.push(v[`DNS${i}`]!);
  if (v.DOMAIN) d.search.push(...v.DOMAIN.split(/\s+/).filter(Boolean));
  return d;
}

export async function readIfcfgs(fs: HostFs): Promise<Declaration[]> {
  const out: Declaration[] = [];
  for (const file of await fs.list(DIR)) {
    // ifcfg-lo is loopback; initscripts itself skips backups and package-manager leftovers.
    if (!file.startsWith('ifcfg-') || file === 'ifcfg-lo') continue;
    if (/(~|\.bak|\.orig|\.rpmnew|\.rpmorig|\.rpmsave|\.old)$/.test(file)) continue;
    const path = `${DIR}/${file}`;
    const text = await fs.read(path);
    if (text !== undefined) out.push(parseIfcfg(path, text));
  }
  return out;
}
