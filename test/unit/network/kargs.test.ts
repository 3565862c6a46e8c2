/**
 * Expected strings follow dracut.cmdline(7):
 *   ip=<client-IP>:[<peer>]:<gateway-IP>:<netmask>:<client_hostname>:<interface>:{none|off|dhcp|on|any|dhcp6|auto6|ibft}[:[<mtu>][:<macaddr>]]
 *   ip=<interface>:{dhcp|on|any|dhcp6|auto6|either6|link6}[:[<mtu>][:<macaddr>]]
 *   "IPv6 addresses must be put in brackets"; for IPv6 the netmask is a prefix length
 *   ifname=<interface>:<MAC>   (do not use eth[0-9]+ as <interface>)
 *   bond=<bondname>[:<bondslaves>:[:<options>[:<mtu>]]]  options comma separated
 *   vlan=<vlanname>:<phydevice>  (vlan id from the name: vlan0005, vlan5, eth0.0005, eth0.5)
 *   bridge=<bridgename>:<ethnames>
 *   rd.route=<net>/<netmask>:<gateway>[:<interface>]   nameserver=<IP>   rd.neednet=1
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gatherNetwork } from '../../../src/network/gather.js';
import { liveNetworkKargs } from '../../../src/network/kargs.js';
import { EMPTY_NETWORK, type NetworkModel } from '../../../src/network/model.js';
import { SHAPES, fixtureHost } from './fixture-host.js';
import { GENERATOR, nmInitrdGenerator, numbered } from './initrd-oracle.js';

const models = new Map<string, NetworkModel>();
beforeAll(async () => {
  for (const shape of SHAPES) models.set(shape, await gatherNetwork(fixtureHost(shape)));
});
const kargs = (shape: string, opts: { iface?: string; mode: 'keep' | 'dhcp' } = { mode: 'keep' }) =>
  liveNetworkKargs(models.get(shape)!, opts).join(' ');

describe('liveNetworkKargs', () => {
  it('static IPv4: dotted netmask, gateway, DNS; a kernel-style name gets a live-only name', () => {
    expect(kargs('static-ipv4-ifcfg')).toBe(
      'rd.neednet=1 ifname=bootnet0:52:54:00:12:34:56 ip=192.0.2.10::192.0.2.1:255.255.255.0::bootnet0:none nameserver=192.0.2.53 nameserver=192.0.2.54',
    );
  });

  it('DHCP keeps the predictable name and needs no nameserver=', () => {
    expect(kargs('dhcp-netplan-resolved')).toBe('rd.neednet=1 ifname=ens3:52:54:00:aa:bb:01 ip=ens3:dhcp');
  });

  it('dual stack: one ip= per family, IPv6 bracketed with a prefix length, MTU appended', () => {
    expect(kargs('dual-stack-ifupdown')).toBe(
      'rd.neednet=1 ifname=bootnet0:52:54:00:d5:00:01 ' +
        'ip=198.51.100.20::198.51.100.1:255.255.255.0::bootnet0:none:9000 ' +
        'ip=[2001:db8:100::20]::[2001:db8:100::1]:64::bootnet0:none:9000 ' +
        'nameserver=198.51.100.53 nameserver=2001:db8:100::53',
    );
  });

  it('SLAAC and DHCPv6', () => {
    expect(kargs('slaac-networkd')).toBe('rd.neednet=1 ifname=enp1s0:52:54:00:5a:ac:01 ip=enp1s0:dhcp,auto6');
    expect(kargs('dhcpv6-nm')).toBe('rd.neednet=1 ifname=bootnet0:52:54:00:d6:00:01 ip=bootnet0:dhcp6');
  });

  it('on-link gateways: a device route to the gateway first', () => {
    expect(kargs('hetzner-onlink')).toBe(
      'rd.neednet=1 ifname=bootnet0:96:00:01:aa:bb:cc ' +
        'ip=203.0.113.77::172.31.1.1:255.255.255.255::bootnet0:none ' +
        'ip=[2001:db8:4::2]::[fe80::1]:64::bootnet0:none ' +
        'rd.route=172.31.1.1/32::bootnet0 ' +
        'nameserver=185.12.64.1 nameserver=185.12.64.2 nameserver=2a01:4ff:ff00::add:1',
    );
    expect(kargs('ipv6-128-networkd')).toBe(
      'rd.neednet=1 ifname=bootnet0:52:54:00:12:81:28 ip=[2001:db8:7::10]::[2001:db8:7::1]:128::bootnet0:none ' +
        'rd.route=[2001:db8:7::1]/128::bootnet0 nameserver=2001:db8:7::53',
    );
  });

  it('a bond: its ports by MAC, bond= with options and MTU, ip= on the bond', () => {
    expect(kargs('bond-lacp-ifcfg')).toBe(
      'rd.neednet=1 ifname=bootnet0:52:54:00:b0:00:01 ifname=bootnet1:52:54:00:b0:00:02 ' +
        'bond=bond0:bootnet0,bootnet1:mode=802.3ad,lacp_rate=fast,miimon=100,xmit_hash_policy=layer3+4:9000 ' +
        'ip=203.0.113.10::203.0.113.1:255.255.255.0::bond0:none:9000 nameserver=203.0.113.53',
    );
    // Asked for a port, the bond is what reaches the source.
    expect(kargs('bond-lacp-ifcfg', { iface: 'eth1', mode: 'keep' })).toBe(kargs('bond-lacp-ifcfg'));
  });

  it('a VLAN: vlan= named so dracut reads the id, its static route', () => {
    expect(kargs('vlan-nm', { iface: 'eth0.100', mode: 'keep' })).toBe(
      'rd.neednet=1 ifname=bootnet0:52:54:00:71:00:01 vlan=bootnet0.100:bootnet0 ' +
        'ip=10.100.0.5:::255.255.255.0::bootnet0.100:none rd.route=10.200.0.0/16:10.100.0.1:bootnet0.100 nameserver=172.16.5.1',
    );
  });

  it('a bridge', () => {
    expect(kargs('bridge-netplan')).toBe(
      'rd.neednet=1 ifname=eno1:3c:ec:ef:10:20:31 bridge=br0:eno1 ip=192.168.10.5::192.168.10.1:255.255.255.0::br0:none nameserver=192.168.10.1 nameserver=9.9.9.9',
    );
  });

  it('the interface that reaches the source, not always the primary', () => {
    expect(kargs('multi-runtime', { iface: 'ens4', mode: 'keep' })).toBe(
      'rd.neednet=1 ifname=ens4:00:16:3e:44:55:66 ip=10.10.0.5:::255.255.0.0::ens4:none ' +
        'rd.route=10.20.0.0/16:10.10.0.1:ens4 rd.route=10.30.0.0/16::ens4 nameserver=192.0.2.53',
    );
  });

  it('--network dhcp: DHCP on the interface, nothing static', () => {
    expect(kargs('hetzner-onlink', { mode: 'dhcp' })).toBe('rd.neednet=1 ifname=bootnet0:96:00:01:aa:bb:cc ip=bootnet0:dhcp');
    expect(kargs('ipv6-128-networkd', { mode: 'dhcp' })).toBe('rd.neednet=1 ifname=bootnet0:52:54:00:12:81:28 ip=bootnet0:auto6');
  });

  it('nothing usable: no kargs', () => {
    expect(liveNetworkKargs(EMPTY_NETWORK, { mode: 'keep' })).toEqual([]);
    expect(liveNetworkKargs(models.get('static-ipv4-ifcfg')!, { iface: 'nosuch0', mode: 'keep' })).toEqual([]);
  });
});

describe("NetworkManager's initrd generator reads the kargs as the host's network", () => {
  it('nm-initrd-generator is installed', () => {
    expect(GENERATOR, 'apt-get install -y network-manager').toBeDefined();
  });

  const cases: [string, string | undefined][] = [
    ...SHAPES.map((s): [string, undefined] => [s, undefined]),
    ['vlan-nm', 'eth0.100'],
    ['multi-runtime', 'ens4'],
  ];
  for (const [shape, iface] of cases) {
    for (const mode of ['keep', 'dhcp'] as const) {
      it(`${shape}${iface ? ` via ${iface}` : ''} (--network ${mode})`, () => {
        const model = models.get(shape)!;
        const args = liveNetworkKargs(model, { ...(iface ? { iface } : {}), mode });
        const out = nmInitrdGenerator(args);
        expect(out.warnings).toEqual([]);
        let top = model.interfaces.find((i) => i.name === (iface ?? model.primary))!;
        while (top.controller) top = model.interfaces.find((i) => i.name === top.controller)!;
        // The connection the ip= arguments configure.
        const dev = /^ip=(?:.*:)?([^:\]]+):(?:none|(?:dhcp6?|auto6)(?:,(?:dhcp6?|auto6))*)(?::\d+)?$/.exec(
          args.find((a) => a.startsWith('ip='))!,
        )![1]!;
        const conn = out.connections.get(dev);
        expect(conn, `${dev} among ${[...out.connections.keys()].join(', ')}`).toBeDefined();
        if (top.mtu && top.mtu !== 1500) expect(conn!.get('ethernet')?.get('mtu')).toBe(String(top.mtu));

        for (const family of [4, 6] as const) {
          const section = family === 4 ? 'ipv4' : 'ipv6';
          const method = conn!.get(section)?.get('method');
          const declared = family === 4 ? top.ipv4Method : top.ipv6Method;
          const addresses = numbered(conn, section, 'address').map((a) => a.split(',')[0]);
          const statics = top.addresses.filter((a) => a.family === family && a.method === 'static');
          if (mode === 'dhcp') {
            if (family === 4 && top.ipv4Method !== 'disabled') expect(method).toBe('auto');
            expect(addresses).toEqual([]);
            continue;
          }
          if (declared === 'manual') {
            expect(method).toBe('manual');
            // ip= carries one address per family: the first.
            expect(addresses).toEqual([`${statics[0]!.address}/${statics[0]!.prefix}`]);
            const gateway = top.routes.find((r) => r.family === family && r.destination === 'default')?.gateway;
            const given = numbered(conn, section, 'address')[0]?.split(',')[1] ?? conn!.get(section)?.get('gateway');
            expect(given).toBe(gateway);
            const routes = numbered(conn, section, 'route');
            for (const r of top.routes.filter((r) => r.family === family && r.destination !== 'default')) {
              expect(routes).toContain(r.gateway ? `${r.destination},${r.gateway}` : r.destination);
            }
            for (const r of top.routes.filter((r) => r.family === family && r.onLink && r.gateway)) {
              expect(routes).toContain(`${r.gateway}/${family === 4 ? 32 : 128}`);
            }
            const dns = (conn!.get(section)?.get('dns') ?? '').split(';').filter(Boolean);
            const wanted = [...(top.dns?.servers ?? []), ...model.dns.servers].filter((s) => s.includes(':') === (family === 6));
            expect(new Set(dns)).toEqual(new Set(wanted));
          } else if (declared === 'auto') {
            expect(method).toBe('auto');
          } else if (declared === 'dhcp') {
            // nm-initrd-generator turns dracut's dhcp6 into ipv6.method=auto (RA, then DHCPv6).
            expect(method).toBe('auto');
          }
        }

        if (top.kind === 'bond') {
          const bond = conn!.get('bond')!;
          expect(bond.get('mode')).toBe(top.bondMode);
          for (const [k, v] of Object.entries(top.bondOptions ?? {})) expect(bond.get(k)).toBe(v);
          const ports = [...out.connections.values()].filter((c) => c.get('connection')?.get('slave-type') === 'bond');
          expect(ports).toHaveLength(top.members!.length);
          for (const p of ports) expect(p.get('connection')?.get('master')).toBe(conn!.get('connection')?.get('uuid'));
        }
        if (top.kind === 'vlan') {
          expect(conn!.get('connection')?.get('type')).toBe('vlan');
          expect(conn!.get('vlan')?.get('id')).toBe(String(top.vlanId));
        }
        if (top.kind === 'bridge') {
          const ports = [...out.connections.values()].filter((c) => c.get('connection')?.get('slave-type') === 'bridge');
          expect(ports).toHaveLength(top.members!.length);
        }
      });
    }
  }

  it('the generator does flag a broken argument (the check can fail)', () => {
    expect(nmInitrdGenerator(['ip=10.0.0.1::10.0.0.254:255.255.0::eth0:none']).warnings.join('\n')).toMatch(/Invalid IP mask/);
    expect(nmInitrdGenerator(['ip=2001:db8::1::2001:db8::2:64::eth0:none']).warnings.join('\n')).toMatch(/Invalid IP address/);
    expect(nmInitrdGenerator(['bond=bond0:a,b:mode=bogus']).warnings.join('\n')).toMatch(/invalid bond option/i);
  });
});
