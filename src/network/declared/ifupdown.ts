/** Debian's ifupdown: /etc/network/interfaces and what it sources (interfaces.d/*). */
import type { HostFs } from '../../effects/hostfs.js';
import { netmaskToPrefix } from '../address.js';
import { emptyDeclaration, globMatch, parseCidr, type Declaration } from './types.js';

const MAIN = '/etc/network/interfaces';

interface Stanza {
  source: string;
  name: string;
  family: 'inet' | 'inet6' | string;
  method: string;
  options: [string, string][];
}

/** Split into `iface` stanzas; `source` / `source-directory` lines are returned for the reader. */
export function parseInterfacesFile(source: string, text: string): { stanzas: Stanza[]; includes: string[] } {
  const stanzas: Stanza[] = [];
  const includes: string[] = [];
  let current: Stanza | undefined;
  // A trailing backslash continues the line.
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const raw of lines) {
    const line = raw.replace(/^\s*#.*$/, '').trim();
    if (line === '') continue;
    const [word = '', ...rest] = line.split(/\s+/);
    if (word === 'iface') {
      const [name = '', family = '', method = ''] = rest;
      current = { source, name, family, method, options: [] };
      stanzas.push(current);
    } else if (word === 'source' || word === 'source-directory') {
      includes.push(`${word} ${rest.join(' ')}`);
      current = undefined;
    } else if (['auto', 'allow-hotplug', 'mapping', 'no-auto-down', 'no-scripts', 'rename'].includes(word) || word.startsWith('allow-')) {
      current = undefined;
    } else if (current) {
      current.options.push([word.replace(/_/g, '-'), rest.join(' ')]);
    }
  }
  return { stanzas, includes };
}

/** Merge every stanza of one interface (Debian allows a second `iface eth0 inet static` for more addresses). */
export function declarationsFromStanzas(stanzas: Stanza[]): Declaration[] {
  const byName = new Map<string, Declaration>();
  for (const st of stanzas) {
    if (st.method === 'loopback') continue;
    const d = byName.get(st.name) ?? { ...emptyDeclaration(st.source), name: st.name, kind: 'ethernet' as const };
    byName.set(st.name, d);
    const opt = (key: string) => st.options.find(([k]) => k === key)?.[1];
    const all = (key: string) => st.options.filter(([k]) => k === key).map(([, v]) => v);
    const family = st.family === 'inet6' ? 6 : st.family === 'inet' ? 4 : undefined;
    if (family === undefined) continue;

    if (st.method === 'static') {
      const netmask = opt('netmask');
      for (const text of all('address')) {
        const prefix = netmask ? (family === 4 ? netmaskToPrefix(netmask) : Number(netmask)) : undefined;
        const parsed = parseCidr(text.includes('/') || prefix === undefined ? text : `${text}/${prefix}`);
        if (parsed) d.addresses.push(parsed);
      }
      if (family === 4) d.ipv4 = 'manual';
      else d.ipv6 = d.ipv6 === 'auto' ? 'auto' : 'manual';
      const gateway = opt('gateway');
      if (gateway && family === 4) d.gateway4 = gateway;
      if (gateway && family === 6) d.gateway6 = gateway;
    } else if (st.method === 'dhcp') {
      if (family === 4) d.ipv4 = 'auto';
      // ifupdown's inet6 dhcp accepts router advertisements unless accept_ra is 0.
      else d.ipv6 = opt('accept-ra') === '0' ? 'dhcp' : 'auto';
    } else if (st.method === 'auto' && family === 6) {
      d.ipv6 = 'auto';
    }

    const mtu = Number(opt('mtu'));
    if (mtu > 0) d.mtu = mtu;
    const hw = opt('hwaddress')?.split(/\s+/).pop();
    if (hw) d.mac = hw.toLowerCase();
    for (const dns of all('dns-nameservers')) d.dns.push(...dns.split(/\s+/).filter(Boolean));
    for (const search of [...all('dns-search'), ...all('dns-domain')]) d.search.push(...search.split(/\s+/).filter(Boolean));

    const slaves = opt('bond-slaves');
    const bondMode = opt('bond-mode');
    if ((slaves && slaves !== 'none') || bondMode) {
      d.kind = 'bond';
      if (slaves && slaves !== 'none') d.members = slaves.split(/\s+/);
      if (bondMode) d.bondMode = bondMode;
      const options: Record<string, string> = {};
      for (const [k, v] of st.options) {
        if (k.startsWith('bond-') && !['bond-slaves', 'bond-mode', 'bond-master', 'bond-primary-reselect'].includes(k)) {
          options[k.slice(5).replace(/-/g, '_')] = v;
        }
      }
      d.bondOptions = { ...d.bondOptions, ...options };
    }
    const master = opt('bond-master');
    if (master) d.controller = master;
    const ports = opt('bridge-ports');
    if (ports !== undefined) {
      d.kind = 'bridge';
      d.members = ports === 'none' ? [] : ports.split(/\s+/);
    }
    const raw = opt('vlan-raw-device');
    const dotted = /^(.+)\.(\d+)$/.exec(st.name);
    if (raw || dotted) {
      d.kind = 'vlan';
      d.parent = raw ?? dotted?.[1];
      d.vlanId = Number(dotted?.[2] ?? /(\d+)$/.exec(st.name)?.[1]);
    }
  }
  return [...byName.values()];
}

async function expand(fs: HostFs, spec: string): Promise<string[]> {
  const [directive = '', pattern = ''] = spec.split(/\s+/, 2);
  const abs = pattern.startsWith('/') ? pattern : `/etc/network/${pattern}`;
  if (directive === 'source-directory') {
    // run-parts naming rules: letters, digits, underscores and hyphens only.
    return (await fs.list(abs)).filter((f) => /^[A-Za-z0-9_-]+$/.test(f)).map((f) => `${abs}/${f}`);
  }
  if (!/[*?[]/.test(abs)) return [abs];
  const dir = abs.slice(0, abs.lastIndexOf('/'));
  const glob = abs.slice(abs.lastIndexOf('/') + 1);
  return (await fs.list(dir)).filter((f) => globMatch(glob, f)).map((f) => `${dir}/${f}`);
}

export async function readIfupdown(fs: HostFs): Promise<Declaration[]> {
  const stanzas: Stanza[] = [];
  const queue = [MAIN];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const text = await fs.read(path);
    if (text === undefined) continue;
    const parsed = parseInterfacesFile(path, text);
    stanzas.push(...parsed.stanzas);
    for (const include of parsed.includes) queue.push(...(await expand(fs, include)));
  }
  return declarationsFromStanzas(stanzas);
}
