/**
 * Measure the host's network once: runtime state from iproute2 and /sys, the declared
 * configuration to tell DHCP from static, and the resolver. The only module of src/network that
 * touches the host, and only through the injected Runner and HostFs.
 */
import type { HostFs } from '../effects/hostfs.js';
import type { Runner } from '../effects/runner.js';
import { inSubnet, isEui64From, isIPv6LinkLocal, normaliseDestination } from './address.js';
import { declarationFor, readDeclarations, type Declaration } from './declared/index.js';
import { familyOfInfo, isGlobal, isRaProtocol, kindOf, parseIpJson, type IpAddrInfo, type IpLink, type IpRoute } from './iproute.js';
import type { Address, Interface, NetworkModel, Route } from './model.js';
import { ADDR_TEXT_ARGV, LINK_TEXT_ARGV, linksFromText, parseRouteText, ROUTE4_TEXT_ARGV, ROUTE6_TEXT_ARGV } from './ip-text.js';
import { readResolver } from './resolver.js';

export const ADDR_ARGV = ['ip', '-j', '-d', 'addr', 'show'] as const;
export const ROUTE4_ARGV = ['ip', '-j', '-4', 'route', 'show', 'table', 'main'] as const;
export const ROUTE6_ARGV = ['ip', '-j', '-6', 'route', 'show', 'table', 'main'] as const;

type NotCarried = NetworkModel['notCarried'];

/** Interfaces that container and VM runtimes create on their own; NestOS's runtime makes its own. */
const RUNTIME_NAMES = /^(docker\d|br-[0-9a-f]{12}|veth|virbr|vnet\d|cni|flannel|cali|cilium|podman|lxcbr|lxdbr|kube-|weave|tunl\d)/;

/** Why a link is left out; `silent` for those nobody expects to be carried. */
function exclusion(link: IpLink, wireless: boolean): { why: string; silent?: boolean } | undefined {
  const kind = kindOf(link);
  if (link.link_type === 'loopback' || link.ifname === 'lo') return { why: 'loopback', silent: true };
  if (kind === 'ifb' || kind === 'nlmon') return { why: kind, silent: true };
  if (RUNTIME_NAMES.test(link.ifname) || kind === 'veth') {
    return { why: 'created at run time by a container or VM runtime (Docker, libvirt, CNI, ...), not by the network configuration' };
  }
  if (kind === 'wireguard') {
    return { why: 'WireGuard keys and peers are not read; recreate the tunnel on NestOS with --network-keyfile or an Ignition config' };
  }
  if (kind === 'tun')
    return { why: 'a tun/tap device belongs to the program that opened it (a VPN, a VM), not to the network configuration' };
  if (kind === 'team') return { why: 'teamd configuration is not read; describe it as a bond with --network-keyfile' };
  if (wireless) return { why: 'Wi-Fi networks and their secrets are not carried' };
  if (kind !== undefined && !['bond', 'vlan', 'bridge'].includes(kind)) {
    return { why: `${kind} interfaces are not rendered (x2nestos carries ethernet, bond, VLAN and bridge interfaces)` };
  }
  if (link.link_type !== undefined && link.link_type !== 'ether') {
    return { why: `${link.link_type} links are not rendered (x2nestos carries ethernet, bond, VLAN and bridge interfaces)` };
  }
  return undefined;
}

const lower = (mac: string | undefined) => (mac ? mac.toLowerCase() : undefined);
const firstWord = (text: string | undefined) => text?.trim().split(/\s+/)[0] || undefined;

/** Bond options worth carrying: those that differ from the kernel's defaults, in the kernel's names. */
function bondOptions(data: Record<string, unknown>, mode: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const num = (key: string) => (typeof data[key] === 'number' ? (data[key] as number) : undefined);
  const str = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : undefined);
  for (const key of ['miimon', 'updelay', 'downdelay', 'arp_interval', 'min_links']) {
    const v = num(key);
    if (v !== undefined && v > 0) out[key] = String(v);
  }
  const targets = data.arp_ip_target;
  if (Array.isArray(targets) && targets.length > 0 && out.arp_interval) out.arp_ip_target = targets.join(',');
  if (mode === '802.3ad') {
    if (str('ad_lacp_rate') === 'fast') out.lacp_rate = 'fast';
    const select = str('ad_select');
    if (select && select !== 'stable') out.ad_select = select;
  }
  const hash = str('xmit_hash_policy');
  if (hash && hash !== 'layer2' && ['balance-xor', '802.3ad', 'balance-tlb'].includes(mode ?? '')) out.xmit_hash_policy = hash;
  const primary = str('primary');
  if (primary && ['active-backup', 'balance-tlb', 'balance-alb'].includes(mode ?? '')) out.primary = primary;
  const failOver = str('fail_over_mac');
  if (failOver && failOver !== 'none') out.fail_over_mac = failOver;
  return out;
}

interface RuntimeRoute extends Route {
  dev: string;
  protocol: string;
}

function readRoutes(raw: IpRoute[], family: 4 | 6, kept: Set<string>, notCarried: NotCarried, raSeen: Set<string>): RuntimeRoute[] {
  const out: RuntimeRoute[] = [];
  for (const r of raw) {
    const dst = normaliseDestination(r.dst, family);
    if (r.type !== undefined && r.type !== 'unicast') {
      if (r.type !== 'multicast' && r.type !== 'local' && r.type !== 'broadcast') {
        notCarried.push({ what: `${r.type} route ${dst}`, why: 'only unicast routes are rendered; add it with --network-keyfile' });
      }
      continue;
    }
    if (r.nexthops) {
      notCarried.push({ what: `multipath route ${dst}`, why: 'ECMP routes are not rendered; add it with --network-keyfile' });
      continue;
    }
    if (!r.dev || !kept.has(r.dev)) continue;
    const protocol = r.protocol ?? 'boot';
    if (isRaProtocol(protocol)) raSeen.add(r.dev);
    if (protocol === 'kernel' || isRaProtocol(protocol)) continue;
    if (family === 6 && (dst.startsWith('fe80:') || dst.startsWith('ff'))) continue;
    const gateway = r.gateway ?? r.via?.host;
    out.push({
      family,
      destination: dst,
      ...(gateway ? { gateway } : {}),
      ...(r.metric !== undefined && r.metric !== 0 ? { metric: r.metric } : {}),
      dev: r.dev,
      protocol,
    });
  }
  return out;
}

/** How an address came to be, when the declared config does not say. */
function runtimeMethod(info: IpAddrInfo, family: 4 | 6): Address['method'] {
  if (!info.dynamic) return 'static';
  if (family === 4) return 'dhcp';
  // The kernel's (and NetworkManager's) SLAAC addresses are /64; DHCPv6 leases are /128.
  return info.mngtmpaddr || info.prefixlen !== 128 ? 'auto' : 'dhcp';
}

function decideIpv4(declared: Declaration | undefined, addresses: Address[]): Interface['ipv4Method'] {
  const v4 = addresses.filter((a) => a.family === 4);
  const runtime = v4.some((a) => a.method === 'dhcp') ? 'auto' : v4.length > 0 ? 'manual' : 'disabled';
  if (declared?.ipv4 === undefined) return runtime;
  // Addresses present now but not explained by the declaration (added by hand, or by a tool the
  // parsers do not know) still have to reach the new system.
  if (declared.ipv4 === 'disabled' && runtime !== 'disabled') return runtime;
  return declared.ipv4;
}

function decideIpv6(declared: Declaration | undefined, addresses: Address[], raSeen: boolean): Interface['ipv6Method'] {
  const v6 = addresses.filter((a) => a.family === 6);
  const dynamic = v6.some((a) => a.method === 'auto' || a.method === 'dhcp');
  // A DHCPv6 lease alone still means "auto": NetworkManager's auto follows the router's M flag,
  // and the default route only ever comes from router advertisements.
  const runtime = dynamic || raSeen ? 'auto' : v6.length > 0 ? 'manual' : 'ignore';
  const d = declared?.ipv6;
  if (d === undefined) return runtime;
  if (d === 'manual' && dynamic) return 'auto';
  if ((d === 'ignore' || d === 'disabled') && v6.length > 0) return runtime;
  return d;
}

/** The runtime state, or why it could not be read. */
export type RuntimeReading = { links: IpLink[]; routes4: IpRoute[]; routes6: IpRoute[] } | { why: string };

/**
 * The default reading: iproute2's plain output plus /sys (src/network/ip-text.ts), which reads the
 * same on iproute 3.10 as on 6.x.
 */
export async function readRuntimeText(runner: Runner, fs: HostFs): Promise<RuntimeReading> {
  const [linkOut, addrOut, route4Out, route6Out] = await Promise.all(
    [LINK_TEXT_ARGV, ADDR_TEXT_ARGV, ROUTE4_TEXT_ARGV, ROUTE6_TEXT_ARGV].map((argv) => runner.probe(argv, { allowFailure: true })),
  );
  for (const [out, argv] of [
    [linkOut, LINK_TEXT_ARGV],
    [addrOut, ADDR_TEXT_ARGV],
  ] as const) {
    if (out?.notFound) return { why: 'iproute2 (`ip`) is not installed' };
    if (out === undefined || out.exitCode !== 0) return { why: `\`${argv.join(' ')}\` failed: ${out?.stderr.trim() || 'no output'}` };
  }
  return {
    links: await linksFromText(fs, linkOut!.stdout, addrOut!.stdout),
    routes4: route4Out?.exitCode === 0 ? parseRouteText(route4Out.stdout) : [],
    routes6: route6Out?.exitCode === 0 ? parseRouteText(route6Out.stdout) : [],
  };
}

/** The JSON reading (iproute2 ≥ 4.14): kept to prove the plain reading gives the same model. */
export async function readRuntimeJson(runner: Runner): Promise<RuntimeReading> {
  const [addrOut, route4Out, route6Out] = await Promise.all(
    [ADDR_ARGV, ROUTE4_ARGV, ROUTE6_ARGV].map((argv) => runner.probe(argv, { allowFailure: true })),
  );
  const links = addrOut && addrOut.exitCode === 0 ? parseIpJson<IpLink>(addrOut.stdout) : undefined;
  if (links === undefined) {
    return {
      why: addrOut?.notFound
        ? 'iproute2 (`ip`) is not installed'
        : `\`${ADDR_ARGV.join(' ')}\` gave no JSON (iproute2 older than 4.14?): ${addrOut?.stderr.trim() || 'no output'}`,
    };
  }
  return {
    links,
    routes4: parseIpJson<IpRoute>(route4Out?.stdout ?? '') ?? [],
    routes6: parseIpJson<IpRoute>(route6Out?.stdout ?? '') ?? [],
  };
}

export async function gatherNetwork(
  host: { runner: Runner; fs: HostFs },
  read: (runner: Runner, fs: HostFs) => Promise<RuntimeReading> = readRuntimeText,
): Promise<NetworkModel> {
  const { runner, fs } = host;
  const notCarried: NotCarried = [];
  const runtime = await read(runner, fs);
  const resolver = await readResolver(fs);
  if ('why' in runtime) {
    return {
      interfaces: [],
      dns: resolver.dns,
      notCarried: [
        { what: 'the network configuration', why: `${runtime.why}; pass --network dhcp or --network-keyfile` },
        ...resolver.notCarried,
      ],
    };
  }
  const { links } = runtime;

  const byName = new Map(links.map((l) => [l.ifname, l]));
  const excluded = new Map<string, string>();
  for (const link of links) {
    const wireless =
      (await fs.exists(`/sys/class/net/${link.ifname}/wireless`)) || (await fs.exists(`/sys/class/net/${link.ifname}/phy80211`));
    const ex = exclusion(link, wireless);
    if (!ex) continue;
    excluded.set(link.ifname, ex.why);
    const addresses = (link.addr_info ?? []).filter(isGlobal).map((a) => `${a.local}/${a.prefixlen}`);
    if (!ex.silent && addresses.length > 0) notCarried.push({ what: `interface ${link.ifname} (${addresses.join(', ')})`, why: ex.why });
  }

  // Keep every interface that carries an address, then what it stands on: VLAN parents and the
  // ports of bonds and bridges, until nothing changes.
  const kept = new Set(links.filter((l) => !excluded.has(l.ifname) && (l.addr_info ?? []).some(isGlobal)).map((l) => l.ifname));
  for (let changed = true; changed;) {
    changed = false;
    for (const link of links) {
      if (kept.has(link.ifname) || excluded.has(link.ifname)) continue;
      const isPort =
        link.master !== undefined && kept.has(link.master) && ['bond', 'bridge'].includes(kindOf(byName.get(link.master)!) ?? '');
      const isParent = links.some((l) => kept.has(l.ifname) && kindOf(l) === 'vlan' && l.link === link.ifname);
      if (isPort || isParent) {
        kept.add(link.ifname);
        changed = true;
      }
    }
  }
  for (const name of kept) {
    const link = byName.get(name)!;
    if (kindOf(link) === 'vlan' && link.link && excluded.has(link.link)) {
      kept.delete(name);
      notCarried.push({ what: `VLAN ${name}`, why: `its parent ${link.link} is not carried: ${excluded.get(link.link)}` });
    }
  }

  const raSeen = new Set<string>();
  const routes = [...readRoutes(runtime.routes4, 4, kept, notCarried, raSeen), ...readRoutes(runtime.routes6, 6, kept, notCarried, raSeen)];
  let declarations: Declaration[] = [];
  try {
    declarations = await readDeclarations(fs);
  } catch (e) {
    notCarried.push({
      what: 'the declared network configuration',
      why: `it could not be read (${(e as Error).message}); runtime state decides DHCP or static`,
    });
  }

  const interfaces: Interface[] = [];
  for (const link of links.filter((l) => kept.has(l.ifname))) {
    interfaces.push(await buildInterface(fs, link, links, kept, routes, declarations, raSeen, notCarried));
  }
  interfaces.sort((a, b) => a.name.localeCompare(b.name));

  const defaultRoute = (family: 4 | 6) =>
    routes
      .filter((r) => r.family === family && r.destination === 'default' && kept.has(r.dev))
      .sort((a, b) => (a.metric ?? 0) - (b.metric ?? 0))[0];
  const primary = defaultRoute(4)?.dev ?? defaultRoute(6)?.dev ?? primaryFromRa(interfaces, raSeen);
  return { interfaces, dns: resolver.dns, notCarried: [...notCarried, ...resolver.notCarried], ...(primary ? { primary } : {}) };
}

/** An IPv6-only host whose default route came from router advertisements. */
function primaryFromRa(interfaces: Interface[], raSeen: Set<string>): string | undefined {
  return interfaces.find((i) => raSeen.has(i.name) && i.addresses.some((a) => a.family === 6))?.name;
}

async function buildInterface(
  fs: HostFs,
  link: IpLink,
  links: IpLink[],
  kept: Set<string>,
  allRoutes: RuntimeRoute[],
  declarations: Declaration[],
  raSeen: Set<string>,
  notCarried: NotCarried,
): Promise<Interface> {
  const name = link.ifname;
  const kind = kindOf(link);
  const sys = `/sys/class/net/${name}`;
  const slaveData = link.linkinfo?.info_slave_data ?? {};
  const isBondPort =
    link.linkinfo?.info_slave_kind === 'bond' ||
    (link.master !== undefined && kindOf(links.find((l) => l.ifname === link.master) ?? { ifname: '' }) === 'bond');
  // A bond lends its MAC to every port; NetworkManager matches ports by their permanent address.
  const mac = lower(
    (isBondPort
      ? ((slaveData.perm_hwaddr as string | undefined) ?? (await fs.read(`${sys}/bonding_slave/perm_hwaddr`))?.trim())
      : undefined) ??
      link.permaddr ??
      link.address ??
      (await fs.read(`${sys}/address`))?.trim(),
  );

  const ifaceKind = kind === 'bond' || kind === 'vlan' || kind === 'bridge' ? kind : 'ethernet';
  const declared = declarationFor(declarations, { name, mac, kind: ifaceKind });
  const iface: Interface = {
    name,
    ...(mac ? { mac } : {}),
    kind: ifaceKind,
    addresses: [],
    routes: [],
    ipv4Method: 'disabled',
    ipv6Method: 'disabled',
  };
  const mtu = link.mtu ?? Number((await fs.read(`${sys}/mtu`))?.trim());
  if (mtu > 0) iface.mtu = mtu;
  if (declared) iface.declaredIn = declared.source;

  if (kind === 'bond') {
    const data = link.linkinfo?.info_data ?? {};
    const mode = (data.mode as string | undefined) ?? firstWord(await fs.read(`${sys}/bonding/mode`)) ?? declared?.bondMode;
    if (mode) iface.bondMode = mode;
    iface.bondOptions = link.linkinfo?.info_data ? bondOptions(data, mode) : { ...declared?.bondOptions };
  }
  if (kind === 'bond' || kind === 'bridge') {
    iface.members = links
      .filter((l) => l.master === name && kept.has(l.ifname))
      .map((l) => l.ifname)
      .sort();
    if (iface.members.length === 0 && kind === 'bond') {
      iface.members = ((await fs.read(`${sys}/bonding/slaves`)) ?? '')
        .split(/\s+/)
        .filter((s) => kept.has(s))
        .sort();
    }
  }
  if (kind === 'bridge') iface.stp = Number(link.linkinfo?.info_data?.stp_state ?? 0) !== 0;
  if (kind === 'vlan') {
    const id = link.linkinfo?.info_data?.id;
    if (typeof id === 'number') iface.vlanId = id;
    else if (declared?.vlanId !== undefined) iface.vlanId = declared.vlanId;
    const parent = link.link ?? declared?.parent;
    if (parent) iface.parent = parent;
  }
  if (link.master && kept.has(link.master)) {
    iface.controller = link.master;
    // A port carries no IP configuration of its own.
    return iface;
  }

  const declaredAddress = (a: { address: string; prefix: number }) =>
    declared?.addresses.some((d) => d.address === a.address && d.prefix === a.prefix) ?? false;
  for (const info of (link.addr_info ?? []).filter(isGlobal)) {
    const family = familyOfInfo(info)!;
    const address = { family, address: info.local!, prefix: info.prefixlen ?? (family === 4 ? 32 : 128) };
    const declaredMethod = family === 4 ? declared?.ipv4 : declared?.ipv6;
    let method = runtimeMethod(info, family);
    if (declaredMethod === 'manual' && method !== 'auto') method = 'static';
    // Under DHCP, an address the file does not list is the lease even if the client set no lifetime.
    else if ((declaredMethod === 'auto' || declaredMethod === 'dhcp') && method === 'static' && !declaredAddress(address)) {
      method = family === 4 ? 'dhcp' : 'auto';
    }
    iface.addresses.push({ ...address, method });
  }
  iface.ipv4Method = decideIpv4(declared, iface.addresses);
  iface.ipv6Method = decideIpv6(declared, iface.addresses, raSeen.has(name));

  // Routes learnt from DHCP come back by themselves; so does the default route of a DHCP family.
  const dynamicFamily = (family: 4 | 6) =>
    family === 4 ? iface.ipv4Method === 'auto' : iface.ipv6Method === 'auto' || iface.ipv6Method === 'dhcp';
  for (const r of allRoutes.filter((r) => r.dev === name)) {
    if (r.protocol === 'dhcp' || (dynamicFamily(r.family) && r.destination === 'default')) continue;
    const route: Route = { family: r.family, destination: r.destination };
    if (r.gateway) route.gateway = r.gateway;
    if (r.metric !== undefined) route.metric = r.metric;
    // Decided from the addresses, not from the kernel's `onlink` flag: ifupdown sets that flag on
    // every gateway route, also for a gateway inside the subnet, where an extra host route to it
    // would only be noise in the rendered keyfile.
    const onLink =
      r.gateway !== undefined &&
      !isIPv6LinkLocal(r.gateway) &&
      !iface.addresses.some((a) => a.family === r.family && a.prefix > 0 && inSubnet(r.gateway!, a.address, a.prefix));
    if (onLink) route.onLink = true;
    iface.routes.push(route);
  }

  if (iface.ipv6Method === 'auto') {
    const slaac = iface.addresses.filter((a) => a.family === 6 && a.method === 'auto');
    const current = lower(link.address);
    if (slaac.some((a) => current && isEui64From(a.address, current))) iface.ipv6AddrGenMode = 'eui64';
    else if (slaac.length > 0) {
      iface.ipv6AddrGenMode = 'stable-privacy';
      for (const a of slaac) {
        notCarried.push({
          what: `SLAAC address ${a.address} on ${name}`,
          why: 'it is derived from a secret of this host (stable privacy): NestOS derives another address in the same prefix',
        });
      }
    }
  }
  if (declared && (declared.dns.length > 0 || declared.search.length > 0))
    iface.dns = { servers: [...declared.dns], search: [...declared.search] };
  return iface;
}
