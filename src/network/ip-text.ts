/**
 * iproute2's plain output, read into the same shapes as its JSON (src/network/iproute.ts), so the
 * network model comes out the same whether or not `ip` knows `-j` (added in iproute2 4.14; CentOS 7's
 * iproute 3.10 answers `Option "-j" is unknown`). The plain formats below are stable since 3.x:
 *
 *   ip -d -o link show    `3: bond0: <…,MASTER,UP> mtu 9000 … master br0 state UP …\    link/ether 52:54:… brd …
 *                          promiscuity 0 …\    bond mode 802.3ad …\    bond_slave … perm_hwaddr 52:54:…`
 *                          (-o joins a link's lines with `\`; the first word of a later line is the kind,
 *                          `<kind>_slave` the kind of its controller)
 *   ip -o addr show       `2: eth0    inet 192.0.2.10/24 brd 192.0.2.255 scope global dynamic eth0\ valid_lft …`
 *   ip -4|-6 route show   `default via 192.0.2.1 dev eth0 proto dhcp metric 100`, multipath hops on
 *                          indented `nexthop` lines, a route type (blackhole, unreachable…) first
 *
 * What plain text does not carry, the kernel serves under /sys/class/net (same files since 3.10):
 * bond options (`bonding/mode` = "802.3ad 4", `bonding/lacp_rate` = "fast 1", …) and a bridge's STP state.
 */
import type { HostFs } from '../effects/hostfs.js';
import type { IpAddrInfo, IpLink, IpRoute } from './iproute.js';

export const LINK_TEXT_ARGV = ['ip', '-d', '-o', 'link', 'show'] as const;
export const ADDR_TEXT_ARGV = ['ip', '-o', 'addr', 'show'] as const;
export const ROUTE4_TEXT_ARGV = ['ip', '-4', 'route', 'show', 'table', 'main'] as const;
export const ROUTE6_TEXT_ARGV = ['ip', '-6', 'route', 'show', 'table', 'main'] as const;

const ADDRESS_FLAGS = new Set([
  'secondary',
  'temporary',
  'dynamic',
  'mngtmpaddr',
  'noprefixroute',
  'nodad',
  'optimistic',
  'deprecated',
  'tentative',
  'dadfailed',
  'permanent',
  'home',
  'autojoin',
  'stable-privacy',
]);

/** `3: eth0.100@eth0: <…> mtu 1500 … master br0 …` → name, lower device, the header's key/values. */
function header(line: string): { ifindex: number; ifname: string; lower: string | undefined; words: string[] } | undefined {
  const m = /^(\d+):\s+([^:\s]+):\s*(.*)$/.exec(line);
  if (!m) return undefined;
  const [name, lower] = m[2]!.split('@');
  return { ifindex: Number(m[1]), ifname: name!, lower, words: m[3]!.trim().split(/\s+/) };
}

const after = (words: string[], key: string) => {
  const i = words.indexOf(key);
  return i >= 0 ? words[i + 1] : undefined;
};

export function parseLinkText(text: string): IpLink[] {
  const links: IpLink[] = [];
  for (const line of text.split('\n')) {
    const segments = line.split('\\').map((s) => s.trim());
    const head = header(segments[0] ?? '');
    if (head === undefined) continue;
    const flags = /<([^>]*)>/
      .exec(segments[0]!)?.[1]
      ?.split(',')
      .filter((f) => f !== '');
    const link: IpLink = { ifindex: head.ifindex, ifname: head.ifname };
    if (flags) link.flags = flags;
    const mtu = Number(after(head.words, 'mtu'));
    if (mtu > 0) link.mtu = mtu;
    const master = after(head.words, 'master');
    if (master) link.master = master;
    // `@if5` / `@NONE`: the peer of a veth in another namespace, or no lower device.
    if (head.lower && !/^(if\d+|NONE)$/.test(head.lower)) link.link = head.lower;

    const ll = segments.find((s) => s.startsWith('link/'))?.split(/\s+/) ?? [];
    if (ll[0]) link.link_type = ll[0].slice('link/'.length);
    if (ll[1] && ll[1].includes(':') && !['brd', 'peer'].includes(ll[1])) link.address = ll[1];
    const permaddr = after(ll, 'permaddr');
    if (permaddr) link.permaddr = permaddr;

    const info: NonNullable<IpLink['linkinfo']> = {};
    for (const segment of segments.slice(1)) {
      const words = segment.split(/\s+/);
      const first = words[0] ?? '';
      if (first === '' || first.startsWith('link/') || first === 'altname' || first === 'addrgenmode' || first === 'promiscuity') continue;
      if (first.endsWith('_slave')) {
        info.info_slave_kind = first.slice(0, -'_slave'.length);
        const perm = after(words, 'perm_hwaddr');
        if (perm) info.info_slave_data = { perm_hwaddr: perm };
      } else if (info.info_kind === undefined && /^[a-z][a-z0-9_]*$/.test(first)) {
        info.info_kind = first;
        const id = Number(after(words, 'id'));
        if (first === 'vlan' && Number.isInteger(id)) info.info_data = { id };
      }
    }
    if (Object.keys(info).length > 0) link.linkinfo = info;
    links.push(link);
  }
  return links;
}

export function parseAddrText(text: string): Map<string, IpAddrInfo[]> {
  const byName = new Map<string, IpAddrInfo[]>();
  for (const line of text.split('\n')) {
    const m = /^\d+:\s+(\S+)\s+(inet6?)\s+(.*)$/.exec(line.split('\\')[0] ?? '');
    if (!m) continue;
    const name = m[1]!.split('@')[0]!;
    const words = m[3]!.trim().split(/\s+/);
    const [local, prefix] = (words[0] ?? '').split('/');
    const info: IpAddrInfo = { family: m[2]!, local: local! };
    let prefixlen = prefix === undefined ? undefined : Number(prefix);
    for (let i = 1; i < words.length; i++) {
      const w = words[i]!;
      if (w === 'peer') {
        const [peer, peerPrefix] = (words[++i] ?? '').split('/');
        info.address = peer!;
        if (peerPrefix !== undefined) prefixlen = Number(peerPrefix);
      } else if (w === 'brd' || w === 'any' || w === 'metric' || w === 'proto') i++;
      else if (w === 'scope') info.scope = words[++i]!;
      else if (ADDRESS_FLAGS.has(w)) (info as unknown as Record<string, boolean>)[w] = true;
    }
    info.prefixlen = prefixlen ?? (m[2] === 'inet' ? 32 : 128);
    byName.set(name, [...(byName.get(name) ?? []), info]);
  }
  return byName;
}

const ROUTE_TYPES = new Set([
  'unicast',
  'blackhole',
  'unreachable',
  'prohibit',
  'local',
  'broadcast',
  'multicast',
  'throw',
  'nat',
  'anycast',
]);

export function parseRouteText(text: string): IpRoute[] {
  // A multipath route continues on indented `nexthop` lines.
  const entries: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (/^\s/.test(line) && entries.length > 0) entries[entries.length - 1] += ` ${line.trim()}`;
    else entries.push(line.trim());
  }
  return entries.map((entry) => {
    const words = entry.split(/\s+/);
    let i = 0;
    const route: IpRoute = { dst: '' };
    if (ROUTE_TYPES.has(words[0]!)) route.type = words[i++]!;
    route.dst = words[i++] ?? '';
    const hops: string[][] = [];
    for (; i < words.length; i++) {
      const w = words[i]!;
      if (w === 'nexthop') hops.push([]);
      else if (hops.length > 0) hops[hops.length - 1]!.push(w);
      else if (w === 'via') {
        if (words[i + 1] === 'inet' || words[i + 1] === 'inet6') {
          route.via = { family: words[i + 1]!, host: words[i + 2]! };
          i += 2;
        } else route.gateway = words[++i]!;
      } else if (w === 'dev') route.dev = words[++i]!;
      else if (w === 'proto') route.protocol = words[++i]!;
      else if (w === 'scope') route.scope = words[++i]!;
      else if (w === 'metric') route.metric = Number(words[++i]);
      else if (
        ['src', 'pref', 'expires', 'mtu', 'advmss', 'hoplimit', 'table', 'realm', 'weight', 'from', 'tos', 'initcwnd', 'initrwnd'].includes(
          w,
        )
      )
        i++;
    }
    if (hops.length > 0) route.nexthops = hops;
    return route;
  });
}

/** `ip route get A`: `192.0.2.7 via 10.0.0.1 dev eth1 src 10.0.0.5 uid 0` (then `cache`). */
export function devOfRouteGet(text: string): string | undefined {
  const words = text.trim().split(/\s+/);
  return after(words, 'dev');
}

const firstWord = (s: string | undefined) => s?.trim().split(/\s+/)[0] || undefined;

/** Bond options the JSON prints under info_data, from the bonding driver's sysfs files. */
async function bondData(fs: HostFs, name: string): Promise<Record<string, unknown>> {
  const dir = `/sys/class/net/${name}/bonding`;
  const read = async (f: string) => (await fs.read(`${dir}/${f}`))?.trim();
  const data: Record<string, unknown> = {};
  const mode = firstWord(await read('mode'));
  if (mode) data.mode = mode;
  for (const key of ['miimon', 'updelay', 'downdelay', 'arp_interval', 'min_links']) {
    const v = Number(firstWord(await read(key)));
    if (Number.isFinite(v)) data[key] = v;
  }
  const targets = (await read('arp_ip_target'))?.split(/\s+/).filter((t) => t !== '') ?? [];
  if (targets.length > 0) data.arp_ip_target = targets;
  const words: [string, string][] = [
    ['lacp_rate', 'ad_lacp_rate'],
    ['ad_select', 'ad_select'],
    ['xmit_hash_policy', 'xmit_hash_policy'],
    ['fail_over_mac', 'fail_over_mac'],
    ['primary', 'primary'],
  ];
  for (const [file, key] of words) {
    const v = firstWord(await read(file));
    if (v) data[key] = v;
  }
  return data;
}

/** Links with their addresses, from the plain output and /sys: the shape `ip -j -d addr show` prints. */
export async function linksFromText(fs: HostFs, linkText: string, addrText: string): Promise<IpLink[]> {
  const links = parseLinkText(linkText);
  const addresses = parseAddrText(addrText);
  for (const link of links) {
    link.addr_info = addresses.get(link.ifname) ?? [];
    const kind = link.linkinfo?.info_kind;
    if (kind === 'bond') link.linkinfo = { ...link.linkinfo, info_data: await bondData(fs, link.ifname) };
    if (kind === 'bridge') {
      const stp = Number((await fs.read(`/sys/class/net/${link.ifname}/bridge/stp_state`))?.trim() ?? 0);
      link.linkinfo = { ...link.linkinfo, info_data: { stp_state: stp } };
    }
  }
  return links;
}
