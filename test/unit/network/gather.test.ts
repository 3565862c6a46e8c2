import { describe, expect, it } from 'vitest';
import { readRuntimeJson, gatherNetwork } from '../../../src/network/gather.js';
import type { Interface, NetworkModel } from '../../../src/network/model.js';
import { SHAPES, fixtureHost } from './fixture-host.js';

const gather = (shape: string) => gatherNetwork(fixtureHost(shape));
const iface = (model: NetworkModel, name: string): Interface => {
  const found = model.interfaces.find((i) => i.name === name);
  if (!found) throw new Error(`no ${name} in ${model.interfaces.map((i) => i.name).join(', ')}`);
  return found;
};

describe('gatherNetwork on captured hosts', () => {
  it('static IPv4 from an openEuler ifcfg file', async () => {
    const m = await gather('static-ipv4-ifcfg');
    expect(m.primary).toBe('eth0');
    expect(m.interfaces.map((i) => i.name)).toEqual(['eth0']);
    expect(iface(m, 'eth0')).toMatchObject({
      mac: '52:54:00:12:34:56',
      kind: 'ethernet',
      ipv4Method: 'manual',
      ipv6Method: 'ignore',
      addresses: [{ family: 4, address: '192.0.2.10', prefix: 24, method: 'static' }],
      routes: [{ family: 4, destination: 'default', gateway: '192.0.2.1', metric: 100 }],
      dns: { servers: ['192.0.2.53', '192.0.2.54'], search: ['example.com'] },
      declaredIn: '/etc/sysconfig/network-scripts/ifcfg-eth0',
    });
    expect(m.dns).toEqual({ servers: ['192.0.2.53', '192.0.2.54'], search: ['example.com'] });
    expect(m.notCarried).toEqual([]);
  });

  it('DHCP from netplan, DNS through the systemd-resolved stub', async () => {
    const m = await gather('dhcp-netplan-resolved');
    expect(iface(m, 'ens3')).toMatchObject({
      ipv4Method: 'auto',
      addresses: [{ family: 4, address: '10.0.2.15', prefix: 24, method: 'dhcp' }],
      // The DHCP default route and the lease's host routes come back by themselves.
      routes: [],
      declaredIn: '/etc/netplan/50-cloud-init.yaml',
    });
    // 127.0.0.53 is replaced by the upstream servers systemd-resolved uses.
    expect(m.dns).toEqual({ servers: ['10.0.2.3'], search: ['internal.example'] });
  });

  it('static IPv4 + IPv6 with DNS and search domains from ifupdown (sourced interfaces.d)', async () => {
    const m = await gather('dual-stack-ifupdown');
    const eth0 = iface(m, 'eth0');
    expect(eth0).toMatchObject({ ipv4Method: 'manual', ipv6Method: 'manual', mtu: 9000, declaredIn: '/etc/network/interfaces.d/eth0' });
    expect(eth0.addresses).toEqual([
      { family: 4, address: '198.51.100.20', prefix: 24, method: 'static' },
      { family: 6, address: '2001:db8:100::20', prefix: 64, method: 'static' },
    ]);
    expect(eth0.routes).toEqual([
      { family: 4, destination: 'default', gateway: '198.51.100.1' },
      { family: 6, destination: 'default', gateway: '2001:db8:100::1', metric: 1024 },
    ]);
    expect(eth0.dns).toEqual({ servers: ['198.51.100.53', '2001:db8:100::53'], search: ['corp.example', 'lab.example'] });
  });

  it('SLAAC with an EUI-64 address (systemd-networkd DHCP=yes)', async () => {
    const m = await gather('slaac-networkd');
    expect(iface(m, 'enp1s0')).toMatchObject({
      ipv4Method: 'auto',
      ipv6Method: 'auto',
      ipv6AddrGenMode: 'eui64',
      addresses: [
        { family: 4, address: '192.168.122.50', method: 'dhcp' },
        { family: 6, address: '2001:db8:5:0:5054:ff:fe5a:ac01', prefix: 64, method: 'auto' },
      ],
      routes: [],
    });
    expect(m.notCarried).toEqual([]);
  });

  it('DHCPv6 on an IPv6-only host (NetworkManager keyfile method=dhcp)', async () => {
    const m = await gather('dhcpv6-nm');
    expect(m.primary).toBe('eth0');
    expect(iface(m, 'eth0')).toMatchObject({
      ipv4Method: 'disabled',
      ipv6Method: 'dhcp',
      addresses: [{ family: 6, address: '2001:db8:6::1234', prefix: 128, method: 'dhcp' }],
    });
    expect(m.dns.servers).toEqual(['2001:db8:6::53']);
  });

  it('802.3ad bond with two ports, ports pinned by their permanent MAC', async () => {
    const m = await gather('bond-lacp-ifcfg');
    expect(m.interfaces.map((i) => i.name)).toEqual(['bond0', 'eth0', 'eth1']);
    expect(iface(m, 'bond0')).toMatchObject({
      kind: 'bond',
      bondMode: '802.3ad',
      bondOptions: { miimon: '100', lacp_rate: 'fast', xmit_hash_policy: 'layer3+4' },
      members: ['eth0', 'eth1'],
      mtu: 9000,
      ipv4Method: 'manual',
      addresses: [{ family: 4, address: '203.0.113.10', prefix: 24, method: 'static' }],
    });
    // Both ports show the bond's MAC at runtime; each keeps its own permanent one in the model.
    expect(iface(m, 'eth0')).toMatchObject({ controller: 'bond0', mac: '52:54:00:b0:00:01', addresses: [] });
    expect(iface(m, 'eth1')).toMatchObject({ controller: 'bond0', mac: '52:54:00:b0:00:02', addresses: [] });
  });

  it('VLAN on a DHCP ethernet, each matched to its own NetworkManager keyfile', async () => {
    const m = await gather('vlan-nm');
    expect(m.primary).toBe('eth0');
    expect(iface(m, 'eth0')).toMatchObject({ ipv4Method: 'auto', declaredIn: '/etc/NetworkManager/system-connections/eth0.nmconnection' });
    expect(iface(m, 'eth0.100')).toMatchObject({
      kind: 'vlan',
      vlanId: 100,
      parent: 'eth0',
      ipv4Method: 'manual',
      ipv6Method: 'disabled',
      addresses: [{ family: 4, address: '10.100.0.5', prefix: 24, method: 'static' }],
      routes: [{ family: 4, destination: '10.200.0.0/16', gateway: '10.100.0.1', metric: 50 }],
      declaredIn: '/etc/NetworkManager/system-connections/vlan100.nmconnection',
    });
  });

  it('bridge with one port, spanning tree off (netplan)', async () => {
    const m = await gather('bridge-netplan');
    expect(iface(m, 'br0')).toMatchObject({ kind: 'bridge', members: ['eno1'], stp: false, ipv4Method: 'manual' });
    expect(iface(m, 'eno1')).toMatchObject({ controller: 'br0', mac: '3c:ec:ef:10:20:31' });
    expect(iface(m, 'br0').dns).toEqual({ servers: ['192.168.10.1', '9.9.9.9'], search: ['home.example'] });
  });

  it('bond → VLAN → bridge as a real kernel reports it (captured in the bond-vlan e2e guest)', async () => {
    const m = await gather('bond-vlan-bridge-kernel');
    expect(iface(m, 'bond0')).toMatchObject({
      kind: 'bond',
      members: ['enp0s4', 'enp0s5'],
      bondMode: 'active-backup',
      bondOptions: { miimon: '100', primary: 'enp0s4' },
      addresses: [{ family: 4, address: '192.168.100.10', prefix: 24, method: 'static' }],
    });
    // Both ports wear the bond's MAC (a random one here); each is pinned to its own permanent address.
    expect(iface(m, 'enp0s4')).toMatchObject({ controller: 'bond0', mac: '52:54:00:12:34:57', addresses: [] });
    expect(iface(m, 'enp0s5')).toMatchObject({ controller: 'bond0', mac: '52:54:00:12:34:58', addresses: [] });
    expect(iface(m, 'bond0.100')).toMatchObject({ kind: 'vlan', parent: 'bond0', vlanId: 100, controller: 'br100' });
    expect(iface(m, 'br100')).toMatchObject({
      kind: 'bridge',
      members: ['bond0.100'],
      stp: false,
      addresses: [{ family: 4, address: '192.168.200.10', prefix: 24, method: 'static' }],
      routes: [{ family: 4, destination: '172.16.0.0/16', gateway: '192.168.200.1' }],
    });
    expect(iface(m, 'enp0s3').ipv4Method).toBe('auto');
    expect(m.notCarried).toEqual([]);
  });

  it('Hetzner-style /32 with an on-link gateway, IPv6 via fe80::1', async () => {
    const m = await gather('hetzner-onlink');
    const eth0 = iface(m, 'eth0');
    expect(eth0.addresses).toEqual([
      { family: 4, address: '203.0.113.77', prefix: 32, method: 'static' },
      { family: 6, address: '2001:db8:4::2', prefix: 64, method: 'static' },
    ]);
    expect(eth0.routes).toEqual([
      { family: 4, destination: 'default', gateway: '172.31.1.1', onLink: true },
      { family: 4, destination: '172.31.1.1/32' },
      // A link-local gateway is always on the link: no flag.
      { family: 6, destination: 'default', gateway: 'fe80::1', metric: 1024 },
    ]);
  });

  it('IPv6 /128 with a gateway outside it (systemd-networkd, matched by MAC)', async () => {
    const m = await gather('ipv6-128-networkd');
    expect(iface(m, 'eth0')).toMatchObject({
      ipv4Method: 'disabled',
      ipv6Method: 'manual',
      addresses: [{ family: 6, address: '2001:db8:7::10', prefix: 128, method: 'static' }],
      routes: [{ family: 6, destination: 'default', gateway: '2001:db8:7::1', metric: 1024, onLink: true }],
      declaredIn: '/etc/systemd/network/10-eth0.network',
    });
  });

  it('several interfaces and addresses, runtime only; what cannot be carried is named', async () => {
    const m = await gather('multi-runtime');
    expect(m.interfaces.map((i) => i.name)).toEqual(['ens4', 'eth0']);
    expect(m.primary).toBe('eth0');
    expect(
      iface(m, 'eth0')
        .addresses.filter((a) => a.family === 4)
        .map((a) => a.address),
    ).toEqual(['192.0.2.10', '192.0.2.11']);
    expect(iface(m, 'eth0')).toMatchObject({ ipv4Method: 'manual', ipv6Method: 'auto', ipv6AddrGenMode: 'stable-privacy' });
    expect(iface(m, 'ens4').routes).toEqual([
      { family: 4, destination: '10.20.0.0/16', gateway: '10.10.0.1' },
      { family: 4, destination: '10.30.0.0/16', metric: 10 },
    ]);
    const what = m.notCarried.map((n) => n.what);
    expect(what).toEqual([
      'interface docker0 (172.17.0.1/16)',
      'interface tun0 (10.8.0.6/32)',
      'interface wg0 (10.99.0.2/24)',
      'blackhole route 10.66.0.0/16',
      'SLAAC address 2001:db8:8:0:a1b2:c3d4:e5f6:789 on eth0',
      'DNS server 127.0.0.1',
    ]);
    expect(m.notCarried.find((n) => n.what.startsWith('interface wg0'))?.why).toMatch(/WireGuard/);
    // The docker bridge's veth port has no address: excluded without a word.
    expect(what.some((w) => w.includes('veth'))).toBe(false);
    expect(m.dns).toEqual({ servers: ['192.0.2.53'], search: ['example.net'] });
  });

  it("this machine's own capture", async () => {
    const m = await gather('this-machine');
    expect(m.primary).toBe('eth0');
    expect(iface(m, 'eth0')).toMatchObject({ mtu: 1400, ipv4Method: 'manual', ipv6Method: 'manual' });
  });

  it.each(SHAPES)('%s: the model survives JSON unchanged (it is printed by plan --json)', async (shape) => {
    const m = await gather(shape);
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });

  it('runs exactly the four plain iproute2 probes, which iproute 3.10 knows too', async () => {
    const seen: string[][] = [];
    const host = fixtureHost('static-ipv4-ifcfg');
    const runner = { ...host.runner, probe: (argv: readonly string[], o?: object) => (seen.push([...argv]), host.runner.probe(argv, o)) };
    await gatherNetwork({ runner, fs: host.fs });
    expect(seen).toEqual([
      ['ip', '-d', '-o', 'link', 'show'],
      ['ip', '-o', 'addr', 'show'],
      ['ip', '-4', 'route', 'show', 'table', 'main'],
      ['ip', '-6', 'route', 'show', 'table', 'main'],
    ]);
  });

  it.each(SHAPES)('%s: the plain reading (ip -o, /sys) gives the same model as the JSON reading (ip -j)', async (shape) => {
    const plain = await gatherNetwork(fixtureHost(shape));
    const json = await gatherNetwork(fixtureHost(shape), (runner) => readRuntimeJson(runner));
    expect(plain.interfaces.length + plain.notCarried.length).toBeGreaterThan(0);
    expect(plain).toEqual(json);
  });

  it('without iproute2 the model is empty and says why', async () => {
    const host = fixtureHost('static-ipv4-ifcfg');
    const runner = {
      ...host.runner,
      probe: async (argv: readonly string[]) => ({ argv, exitCode: 127, stdout: '', stderr: 'ip: not found', notFound: true }),
    };
    const m = await gatherNetwork({ runner, fs: host.fs });
    expect(m.interfaces).toEqual([]);
    expect(m.notCarried[0]?.why).toMatch(/iproute2 \(`ip`\) is not installed.*--network dhcp or --network-keyfile/);
  });
});
