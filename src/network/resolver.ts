/** The resolver the host uses now, from resolv.conf, looking through systemd-resolved's stub. */
import type { HostFs } from '../effects/hostfs.js';
import { familyOf, isLoopback } from './address.js';
import type { NetworkModel } from './model.js';

const STUB = /^127\.0\.0\.5[34]$/;
const RESOLVED_UPSTREAM = '/run/systemd/resolve/resolv.conf';

export function parseResolvConf(text: string): { servers: string[]; search: string[] } {
  const servers: string[] = [];
  let search: string[] = [];
  for (const raw of text.split('\n')) {
    const [word, ...rest] = raw
      .replace(/[#;].*$/, '')
      .trim()
      .split(/\s+/);
    if (word === 'nameserver' && rest[0] && !servers.includes(rest[0])) servers.push(rest[0]);
    // The last search or domain line wins (resolv.conf(5)).
    if (word === 'search') search = rest.filter((d) => d !== '.');
    if (word === 'domain' && rest[0]) search = [rest[0]];
  }
  return { servers, search };
}

export async function readResolver(fs: HostFs): Promise<{ dns: NetworkModel['dns']; notCarried: NetworkModel['notCarried'] }> {
  const notCarried: NetworkModel['notCarried'] = [];
  let conf = parseResolvConf((await fs.read('/etc/resolv.conf')) ?? '');
  if (conf.servers.some((s) => STUB.test(s))) {
    // The stub listens on the old system only; its upstream servers are what NestOS needs.
    const upstream = await fs.read(RESOLVED_UPSTREAM);
    if (upstream === undefined) {
      notCarried.push({
        what: `DNS via the systemd-resolved stub (${conf.servers.join(', ')})`,
        why: `${RESOLVED_UPSTREAM} is missing, so the upstream servers are unknown; NestOS keeps only what DHCP or --network-keyfile gives it`,
      });
    } else {
      const real = parseResolvConf(upstream);
      conf = { servers: real.servers, search: real.search.length > 0 ? real.search : conf.search };
    }
  }
  const servers: string[] = [];
  for (const server of conf.servers) {
    const address = server.split('%')[0]!;
    if (STUB.test(address)) continue;
    if (isLoopback(address)) {
      notCarried.push({
        what: `DNS server ${server}`,
        why: 'it is a resolver running on this host (dnsmasq, unbound, ...), which NestOS does not have',
      });
    } else if (server.includes('%')) {
      notCarried.push({ what: `DNS server ${server}`, why: 'link-scoped DNS servers cannot be written to a NetworkManager keyfile' });
    } else if (familyOf(address) !== undefined) {
      servers.push(address);
    }
  }
  return { dns: { servers, search: conf.search }, notCarried };
}
