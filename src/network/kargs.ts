/**
 * dracut network arguments for the live system, for when it needs the network itself (rootfs
 * fetched by URL, remote Ignition or image). Syntax from dracut.cmdline(7), which NestOS's
 * initramfs (nm-initrd-generator) reads:
 *   ip=<client-IP>:[<peer>]:<gateway-IP>:<netmask>:<client_hostname>:<interface>:none[:<mtu>]
 *   ip=<interface>:{dhcp|dhcp6|auto6}[:<mtu>]
 *   ifname=<interface>:<MAC>   bond=<bond>:<ports>:<options>   vlan=<vlan>:<parent>
 *   bridge=<bridge>:<ports>    rd.route=<net>/<prefix>:<gateway>[:<interface>]   nameserver=<IP>
 * IPv6 addresses are bracketed in ip= and rd.route; an IPv6 netmask is a prefix length.
 */
import { prefixToNetmask } from './address.js';
import type { Interface, NetworkModel, Route } from './model.js';

/**
 * dracut.cmdline(7): do not give ifname= a kernel-style name (eth0): the live kernel may already
 * have handed that name to another NIC. Such names get a `bootnet` name for the live system only.
 */
function liveNames(stack: Interface[]): Map<string, string> {
  const names = new Map<string, string>();
  let n = 0;
  for (const i of stack) names.set(i.name, i.kind === 'ethernet' && /^eth\d+$/.test(i.name) ? `bootnet${n++}` : i.name);
  return names;
}

const bracket = (address: string) => (address.includes(':') ? `[${address}]` : address);

function routeArg(r: Route, dev: string): string {
  const dst = r.destination === 'default' ? (r.family === 4 ? '0.0.0.0/0' : '::/0') : r.destination;
  const [net = '', prefix = ''] = dst.split('/');
  return `rd.route=${bracket(net)}/${prefix}:${r.gateway ? bracket(r.gateway) : ''}:${dev}`;
}

/** The interface that reaches the source, and everything it stands on, parents and ports first. */
function stackOf(model: NetworkModel, top: Interface): Interface[] {
  const byName = new Map(model.interfaces.map((i) => [i.name, i]));
  const out: Interface[] = [];
  const visit = (i: Interface | undefined) => {
    if (!i || out.includes(i)) return;
    if (i.parent) visit(byName.get(i.parent));
    for (const m of i.members ?? []) visit(byName.get(m));
    out.push(i);
  };
  visit(top);
  return out;
}

/**
 * The interface that carries traffic leaving through NAME: NAME itself, or for a bond or bridge
 * port, its (outermost) controller. Undefined when the model has no NAME.
 */
export function carrierOf(model: NetworkModel, name: string): Interface | undefined {
  const byName = new Map(model.interfaces.map((i) => [i.name, i]));
  let iface = byName.get(name);
  while (iface?.controller && byName.has(iface.controller)) iface = byName.get(iface.controller);
  return iface;
}

export function liveNetworkKargs(model: NetworkModel, opts: { iface?: string; mode: 'keep' | 'dhcp' }): string[] {
  const top = carrierOf(model, opts.iface ?? model.primary ?? '');
  if (!top) return [];
  const stack = stackOf(model, top);
  const live = liveNames(stack);
  const name = (i: Interface) => live.get(i.name) ?? i.name;
  const out: string[] = [];

  for (const i of stack) {
    if (i.kind === 'ethernet' && i.mac) out.push(`ifname=${name(i)}:${i.mac}`);
  }
  for (const i of stack) {
    const ports = (i.members ?? []).map((m) => live.get(m) ?? m).join(',');
    if (i.kind === 'bond') {
      const options = [
        `mode=${i.bondMode ?? 'balance-rr'}`,
        ...Object.entries(i.bondOptions ?? {})
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => `${k}=${v}`),
      ];
      out.push(`bond=${name(i)}:${ports}:${options.join(',')}${i.mtu && i.mtu !== 1500 ? `:${i.mtu}` : ''}`);
    }
    if (i.kind === 'bridge') out.push(`bridge=${name(i)}:${ports}`);
    if (i.kind === 'vlan' && i.parent) out.push(`vlan=${vlanName(i, live.get(i.parent) ?? i.parent)}:${live.get(i.parent) ?? i.parent}`);
  }

  const dev = top.kind === 'vlan' && top.parent ? vlanName(top, live.get(top.parent) ?? top.parent) : name(top);
  const mtu = top.mtu && top.mtu !== 1500 ? `:${top.mtu}` : '';
  const statics = (family: 4 | 6) => top.addresses.filter((a) => a.family === family && a.method === 'static');
  const ipArgs: string[] = [];
  if (opts.mode === 'dhcp') {
    ipArgs.push(
      top.ipv4Method === 'disabled' && top.ipv6Method !== 'disabled' && top.ipv6Method !== 'ignore'
        ? `ip=${dev}:auto6${mtu}`
        : `ip=${dev}:dhcp${mtu}`,
    );
  } else {
    // Measured with nm-initrd-generator (NM 1.42): a later `ip=<if>:<method>` resets the other
    // family to disabled, while a static ip= after it keeps it. So: static forms first, then one
    // form with every automatic method joined by commas (dracut's `dhcp,auto6`).
    const automatic: string[] = [];
    for (const family of [4, 6] as const) {
      const method = family === 4 ? top.ipv4Method : top.ipv6Method;
      const address = statics(family)[0];
      if (method === 'manual' && address) {
        const gateway = top.routes.find((r) => r.family === family && r.destination === 'default')?.gateway;
        const mask = family === 4 ? prefixToNetmask(address.prefix) : String(address.prefix);
        ipArgs.push(`ip=${bracket(address.address)}::${gateway ? bracket(gateway) : ''}:${mask}::${dev}:none${mtu}`);
      } else if (method === 'auto') {
        automatic.push(family === 4 ? 'dhcp' : 'auto6');
      } else if (method === 'dhcp') {
        automatic.push('dhcp6');
      }
    }
    if (automatic.length > 0) ipArgs.push(`ip=${dev}:${automatic.join(',')}${mtu}`);
  }
  if (ipArgs.length === 0) return [];
  out.push(...ipArgs);

  if (opts.mode === 'keep') {
    // Routes other than the default (which ip= carries): on-link host routes first, so the
    // gateway is reachable before anything is routed through it.
    const routes = top.routes.filter((r) => r.destination !== 'default');
    const hostPrefix = (r: Route) => (r.family === 4 ? 32 : 128);
    const onLink = top.routes.filter(
      (r) => r.onLink && r.gateway && !routes.some((o) => o.destination === `${r.gateway}/${hostPrefix(r)}`),
    );
    for (const r of onLink) out.push(routeArg({ family: r.family, destination: `${r.gateway}/${hostPrefix(r)}` }, dev));
    for (const r of routes) out.push(routeArg(r, dev));
    const usesStatic = top.ipv4Method === 'manual' || top.ipv6Method === 'manual';
    const servers = [...(top.dns?.servers ?? []), ...model.dns.servers].filter((s, i, all) => all.indexOf(s) === i);
    if (usesStatic) for (const s of servers) out.push(`nameserver=${s}`);
  }
  return ['rd.neednet=1', ...out];
}

/**
 * dracut derives a VLAN's id from its name (vlan0005, vlan5, eth0.0005, eth0.5), so the live name
 * is vlan<id> as on the host, or <live parent>.<id> (the parent may have a live-only name).
 */
function vlanName(i: Interface, parent: string): string {
  if (/^vlan\d+$/.test(i.name)) return i.name;
  const dotted = `${parent}.${i.vlanId ?? 0}`;
  // Linux interface names are at most 15 characters.
  return dotted.length <= 15 ? dotted : `vlan${i.vlanId ?? 0}`;
}
