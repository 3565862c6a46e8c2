import { beforeAll, describe, expect, it } from 'vitest';
import { gatherNetwork } from '../../../src/network/gather.js';
import { connectionUuid, renderKeyfiles, type Keyfile } from '../../../src/network/keyfiles.js';
import type { NetworkModel } from '../../../src/network/model.js';
import { SHAPES, fixtureHost } from './fixture-host.js';
import { NMCLI_MISSING, nmJudge, nmcliVersion } from './nm-oracle.js';

const models = new Map<string, NetworkModel>();
beforeAll(async () => {
  for (const shape of SHAPES) models.set(shape, await gatherNetwork(fixtureHost(shape)));
});
const render = (shape: string, mode: 'keep' | 'dhcp' = 'keep') => renderKeyfiles(models.get(shape)!, mode);
const file = (files: Keyfile[], name: string): string => {
  const f = files.find((k) => k.name === name);
  if (!f) throw new Error(`no ${name} among ${files.map((k) => k.name).join(', ')}`);
  return f.contents;
};
/** The key=value lines of one [section]. */
const section = (contents: string, name: string): string[] => {
  const lines = contents.split('\n');
  const start = lines.indexOf(`[${name}]`);
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l.startsWith('['));
  return lines.slice(start + 1, end < 0 ? undefined : end).filter((l) => l.includes('='));
};

describe('a real NetworkManager reads every rendered keyfile as written', () => {
  it('nmcli is installed', () => {
    // Not a skip: without the oracle the keyfiles would go unchecked.
    expect(nmcliVersion(), NMCLI_MISSING).toMatch(/nmcli tool, version 1\.(4\d|[5-9]\d)/);
  });

  for (const shape of SHAPES) {
    for (const mode of ['keep', 'dhcp'] as const) {
      it(`${shape} (--network ${mode})`, () => {
        const files = render(shape, mode);
        expect(files.length).toBeGreaterThan(0);
        for (const f of files) {
          const verdict = nmJudge(f.contents);
          expect(verdict.problems, `${f.name}:\n${f.contents}`).toEqual([]);
        }
      });
    }
  }
});

describe('the oracle rejects what NetworkManager would not apply', () => {
  const base = '# broken on purpose\n\n[connection]\nid=eth0\nuuid=4dc46a37-5bde-5115-8283-91fe383ead29\ntype=ethernet\n';
  it.each([
    ['an invalid method', `${base}\n[ipv4]\nmethod=static\n`, /ipv4\.method/],
    ['manual without an address', `${base}\n[ipv4]\nmethod=manual\n`, /ipv4\.addresses/],
    ['a prefix NM silently repairs', `${base}\n[ipv4]\nmethod=manual\naddress1=192.0.2.10/99\n`, /came back as 192\.0\.2\.10\/24/],
    [
      'NM 1.46 port names that NM 1.42 drops',
      `${base}controller=bond0\nport-type=bond\n\n[ethernet]\nmac-address=52:54:00:b0:00:01\n`,
      /controller=bond0 was dropped/,
    ],
    ['a short MAC', `${base}\n[ethernet]\nmac-address=52:54:00:b0:00\n`, /mac-address=52:54:00:b0:00 was dropped/],
    ['a route whose gateway is of the other family', `${base}\n[ipv4]\nmethod=auto\nroute1=10.0.0.0/8,fe80::1\n`, /route1=.* was dropped/],
    ['DNS on a disabled family', `${base}\n[ipv4]\nmethod=disabled\ndns=192.0.2.53;\n`, /ipv4\.dns/],
    ['a line that is not key=value', `${base}\n[ipv4]\nmethod=auto\ngarbage\n`, /garbage/],
  ])('%s', (_what, contents, problem) => {
    const verdict = nmJudge(contents);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems.join('\n')).toMatch(problem);
  });
});

describe('renderKeyfiles', () => {
  it('pins NICs by MAC and never by name; virtual devices keep their names', () => {
    const files = render('bond-lacp-ifcfg');
    expect(files.map((f) => f.name)).toEqual(['bond0.nmconnection', 'eth0.nmconnection', 'eth1.nmconnection']);
    const eth1 = file(files, 'eth1.nmconnection');
    expect(section(eth1, 'connection')).toEqual([
      'id=eth1',
      `uuid=${connectionUuid('eth1')}`,
      'type=ethernet',
      'master=bond0',
      'slave-type=bond',
    ]);
    expect(section(eth1, 'ethernet')).toEqual(['mac-address=52:54:00:b0:00:02', 'mtu=9000']);
    expect(eth1).not.toMatch(/^\[ipv[46]\]/m);
    const bond0 = file(files, 'bond0.nmconnection');
    expect(section(bond0, 'connection')).toContain('interface-name=bond0');
    expect(section(bond0, 'bond')).toEqual(['mode=802.3ad', 'lacp_rate=fast', 'miimon=100', 'xmit_hash_policy=layer3+4']);
    expect(section(bond0, 'ipv4')).toEqual([
      'address1=203.0.113.10/24,203.0.113.1',
      'dns=203.0.113.53;',
      'may-fail=false',
      'method=manual',
    ]);
  });

  it('static IPv4 + IPv6 with DNS split by family and the search list once', () => {
    const f = file(render('dual-stack-ifupdown'), 'eth0.nmconnection');
    expect(section(f, 'ethernet')).toEqual(['mac-address=52:54:00:d5:00:01', 'mtu=9000']);
    expect(section(f, 'ipv4')).toEqual([
      'address1=198.51.100.20/24,198.51.100.1',
      'dns=198.51.100.53;',
      'dns-search=corp.example;lab.example;',
      'may-fail=false',
      'method=manual',
    ]);
    expect(section(f, 'ipv6')).toEqual(['address1=2001:db8:100::20/64,2001:db8:100::1', 'dns=2001:db8:100::53;', 'method=manual']);
  });

  it('a /32 behind an on-link gateway gets a device route to the gateway', () => {
    const f = file(render('hetzner-onlink'), 'eth0.nmconnection');
    expect(section(f, 'ipv4')).toEqual([
      'address1=203.0.113.77/32,172.31.1.1',
      'dns=185.12.64.1;185.12.64.2;',
      'may-fail=false',
      'method=manual',
      'route1=172.31.1.1/32',
    ]);
    expect(section(f, 'ipv6')).toEqual(['address1=2001:db8:4::2/64,fe80::1', 'dns=2a01:4ff:ff00::add:1;', 'method=manual']);
  });

  it('a /128 behind an on-link IPv6 gateway, IPv4 disabled, may-fail only on IPv6', () => {
    const f = file(render('ipv6-128-networkd'), 'eth0.nmconnection');
    expect(section(f, 'ipv4')).toEqual(['method=disabled']);
    expect(section(f, 'ipv6')).toEqual([
      'address1=2001:db8:7::10/128,2001:db8:7::1',
      'dns=2001:db8:7::53;',
      'may-fail=false',
      'method=manual',
      'route1=2001:db8:7::1/128',
    ]);
  });

  it('SLAAC keeps an EUI-64 address, DHCPv6 stays DHCPv6', () => {
    expect(section(file(render('slaac-networkd'), 'enp1s0.nmconnection'), 'ipv6')).toEqual(['addr-gen-mode=eui64', 'method=auto']);
    expect(section(file(render('dhcpv6-nm'), 'eth0.nmconnection'), 'ipv6')).toEqual([
      'dns=2001:db8:6::53;',
      'may-fail=false',
      'method=dhcp',
    ]);
  });

  it('a VLAN names its parent by connection UUID, with its static route', () => {
    const f = file(render('vlan-nm'), 'eth0.100.nmconnection');
    expect(section(f, 'vlan')).toEqual(['id=100', `parent=${connectionUuid('eth0')}`]);
    expect(section(f, 'ipv4')).toEqual(['address1=10.100.0.5/24', 'method=manual', 'route1=10.200.0.0/16,10.100.0.1,50']);
    expect(section(f, 'ipv6')).toEqual(['method=disabled']);
  });

  it('a bridge keeps spanning tree off', () => {
    const files = render('bridge-netplan');
    expect(section(file(files, 'br0.nmconnection'), 'bridge')).toEqual(['stp=false']);
    expect(section(file(files, 'eno1.nmconnection'), 'connection')).toContain('slave-type=bridge');
  });

  it('several addresses on one NIC; routes with and without a gateway', () => {
    const files = render('multi-runtime');
    expect(files.map((f) => f.name)).toEqual(['ens4.nmconnection', 'eth0.nmconnection']);
    expect(section(file(files, 'eth0.nmconnection'), 'ipv4')).toEqual([
      'address1=192.0.2.10/24,192.0.2.1',
      'address2=192.0.2.11/24',
      'dns=192.0.2.53;',
      'dns-search=example.net;',
      'may-fail=false',
      'method=manual',
    ]);
    expect(section(file(files, 'ens4.nmconnection'), 'ipv4')).toEqual([
      'address1=10.10.0.5/16',
      'method=manual',
      'route1=10.20.0.0/16,10.10.0.1',
      'route2=10.30.0.0/16,0.0.0.0,10',
    ]);
  });

  it('--network dhcp: the primary only, by MAC, DHCP, nothing else of the host', () => {
    const files = render('multi-runtime', 'dhcp');
    expect(files.map((f) => f.name)).toEqual(['eth0.nmconnection']);
    const f = file(files, 'eth0.nmconnection');
    expect(section(f, 'ethernet')).toEqual(['mac-address=00:16:3e:11:22:33']);
    expect(section(f, 'ipv4')).toEqual(['may-fail=false', 'method=auto']);
    expect(f).not.toMatch(/address1|dns=|route1/);
    // A bond primary brings its ports along.
    expect(render('bond-lacp-ifcfg', 'dhcp').map((k) => k.name)).toEqual(['bond0.nmconnection', 'eth0.nmconnection', 'eth1.nmconnection']);
    // A VLAN's parent carries no address of its own under --network dhcp.
    const vlan = renderKeyfiles({ ...models.get('vlan-nm')!, primary: 'eth0.100' }, 'dhcp');
    expect(section(file(vlan, 'eth0.nmconnection'), 'ipv4')).toEqual(['method=disabled']);
    expect(section(file(vlan, 'eth0.100.nmconnection'), 'ipv4')).toEqual(['may-fail=false', 'method=auto']);
  });

  it('is deterministic', async () => {
    const again = await gatherNetwork(fixtureHost('bond-lacp-ifcfg'));
    expect(renderKeyfiles(again, 'keep')).toEqual(render('bond-lacp-ifcfg'));
    expect(connectionUuid('eth0')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('shapes no fixture host has', () => {
  const model: NetworkModel = {
    primary: 'bond0.42',
    dns: { servers: ['192.0.2.53', '2001:db8::53'], search: ['x.example'] },
    notCarried: [],
    interfaces: [
      {
        name: 'bond0',
        kind: 'bond',
        bondMode: 'active-backup',
        bondOptions: { miimon: '100', primary: 'ens1' },
        members: ['ens1', 'ens2'],
        mtu: 9000,
        addresses: [],
        routes: [],
        ipv4Method: 'disabled',
        ipv6Method: 'ignore',
      },
      {
        name: 'bond0.42',
        kind: 'vlan',
        parent: 'bond0',
        vlanId: 42,
        mtu: 9000,
        ipv4Method: 'manual',
        ipv6Method: 'ignore',
        addresses: [{ family: 4, address: '192.0.2.10', prefix: 24, method: 'static' }],
        routes: [{ family: 4, destination: 'default', gateway: '192.0.2.1', metric: 100 }],
      },
      {
        name: 'ens1',
        kind: 'ethernet',
        mac: '52:54:00:00:00:01',
        controller: 'bond0',
        mtu: 9000,
        addresses: [],
        routes: [],
        ipv4Method: 'disabled',
        ipv6Method: 'disabled',
      },
      {
        name: 'ens2',
        kind: 'ethernet',
        mac: '52:54:00:00:00:02',
        controller: 'bond0',
        mtu: 9000,
        addresses: [],
        routes: [],
        ipv4Method: 'disabled',
        ipv6Method: 'disabled',
      },
      {
        name: 'ens3',
        kind: 'ethernet',
        mac: '52:54:00:00:00:03',
        ipv4Method: 'manual',
        ipv6Method: 'ignore',
        addresses: [{ family: 4, address: '198.51.100.10', prefix: 24, method: 'static' }],
        routes: [{ family: 4, destination: 'default', gateway: '198.51.100.1', metric: 200 }],
      },
    ],
  };

  it('a VLAN on a bond with jumbo frames, two default routes keeping their order; NM reads it all', () => {
    const files = renderKeyfiles(model, 'keep');
    for (const f of files) expect(nmJudge(f.contents).problems, f.contents).toEqual([]);
    const vlan = file(files, 'bond0.42.nmconnection');
    expect(section(vlan, 'ethernet')).toEqual(['mtu=9000']);
    // The parent by its connection's UUID, whatever the kernel calls it.
    expect(section(vlan, 'vlan')).toEqual(['id=42', `parent=${connectionUuid('bond0')}`]);
    expect(section(vlan, 'ipv4')).toEqual([
      'address1=192.0.2.10/24,192.0.2.1',
      'dns=192.0.2.53;',
      'dns-search=x.example;',
      'may-fail=false',
      'method=manual',
      'route-metric=100',
    ]);
    expect(section(file(files, 'ens3.nmconnection'), 'ipv4')).toEqual([
      'address1=198.51.100.10/24,198.51.100.1',
      'method=manual',
      'route-metric=200',
    ]);
    expect(section(file(files, 'bond0.nmconnection'), 'bond')).toEqual(['mode=active-backup', 'miimon=100', 'primary=ens1']);
  });

  it('a DNS server of a family no interface has is reported, not dropped', async () => {
    const { networkPayload } = await import('../../../src/network/override.js');
    expect(networkPayload(model, { mode: 'keep', userKeyfiles: [] }).notes).toContain(
      'not carried: DNS server 2001:db8::53 — no carried interface has its address family enabled',
    );
  });
});
