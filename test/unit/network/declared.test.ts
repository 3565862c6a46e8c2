import { describe, expect, it } from 'vitest';
import { declarationFor } from '../../../src/network/declared/index.js';
import { parseIfcfg, parseShellVars } from '../../../src/network/declared/ifcfg.js';
import { declarationsFromStanzas, parseInterfacesFile, readIfupdown } from '../../../src/network/declared/ifupdown.js';
import { parseNetplan } from '../../../src/network/declared/netplan.js';
import { parseNetworkd } from '../../../src/network/declared/networkd.js';
import { parseNmConnection } from '../../../src/network/declared/nmconnection.js';
import { emptyDeclaration } from '../../../src/network/declared/types.js';
import { parseResolvConf } from '../../../src/network/resolver.js';
import type { HostFs } from '../../../src/effects/hostfs.js';

describe('ifcfg', () => {
  it('reads shell quoting the way sh does', () => {
    expect(parseShellVars(`A="x y"\nB='z # w'\nC=plain # comment\nexport D="q\\"r"\n#E=no\n`)).toEqual({
      A: 'x y',
      B: 'z # w',
      C: 'plain',
      D: 'q"r',
    });
  });

  it('numbered addresses, netmask, IPv6 with autoconf off and DHCPv6 on', () => {
    const d = parseIfcfg(
      '/etc/sysconfig/network-scripts/ifcfg-ens3',
      'BOOTPROTO=static\nIPADDR0=192.0.2.5\nNETMASK0=255.255.255.128\nIPADDR1=192.0.2.6\nPREFIX1=25\nIPV6INIT=yes\nIPV6_AUTOCONF=no\nDHCPV6C=yes\nHWADDR=52:54:00:AA:BB:CC\n',
    );
    expect(d).toMatchObject({ name: 'ens3', mac: '52:54:00:aa:bb:cc', ipv4: 'manual', ipv6: 'dhcp', kind: 'ethernet' });
    expect(d.addresses).toEqual([
      { family: 4, address: '192.0.2.5', prefix: 25 },
      { family: 4, address: '192.0.2.6', prefix: 25 },
    ]);
  });

  it('DHCP, IPv6 disabled, static IPv6 with secondaries', () => {
    expect(parseIfcfg('/x/ifcfg-eth0', 'BOOTPROTO=dhcp\nIPV6INIT=no\n')).toMatchObject({ ipv4: 'auto', ipv6: 'ignore' });
    const d = parseIfcfg(
      '/x/ifcfg-eth0',
      'BOOTPROTO=none\nIPV6INIT=yes\nIPV6_AUTOCONF=no\nIPV6ADDR=2001:db8::5/64\nIPV6ADDR_SECONDARIES="2001:db8::6/64 2001:db8::7"\nIPV6_DEFAULTGW=2001:db8::1%eth0\n',
    );
    expect(d).toMatchObject({ ipv4: 'disabled', ipv6: 'manual', gateway6: '2001:db8::1' });
    expect(d.addresses.map((a) => `${a.address}/${a.prefix}`)).toEqual(['2001:db8::5/64', '2001:db8::6/64', '2001:db8::7/64']);
  });

  it('VLAN and bridge port', () => {
    expect(parseIfcfg('/x/ifcfg-eth0.20', 'VLAN=yes\nBOOTPROTO=dhcp\n')).toMatchObject({ kind: 'vlan', vlanId: 20, parent: 'eth0' });
    const port = parseIfcfg('/x/ifcfg-eth1', 'BRIDGE=br0\n');
    expect(port.controller).toBe('br0');
    expect(port.ipv4).toBeUndefined();
  });
});

describe('NetworkManager keyfile', () => {
  it('addresses in both spellings, gateway, DNS, NM 1.46 controller', () => {
    const d = parseNmConnection(
      '/etc/NetworkManager/system-connections/a.nmconnection',
      '[connection]\nid=a\ntype=802-3-ethernet\ncontroller=br0\n[802-3-ethernet]\nmac-address=AA:BB:CC:DD:EE:FF\n[ipv4]\nmethod=manual\naddresses1=192.0.2.5/24;192.0.2.1;\naddress2=192.0.2.6/24\ndns=192.0.2.53;192.0.2.54;\ndns-search=a.example;\n[ipv6]\nmethod=auto\n',
    );
    expect(d).toMatchObject({
      kind: 'ethernet',
      mac: 'aa:bb:cc:dd:ee:ff',
      controller: 'br0',
      gateway4: '192.0.2.1',
      ipv4: 'manual',
      ipv6: 'auto',
      dns: ['192.0.2.53', '192.0.2.54'],
      search: ['a.example'],
    });
    expect(d.addresses.map((a) => a.address)).toEqual(['192.0.2.5', '192.0.2.6']);
  });
});

describe('ifupdown', () => {
  it('netmask forms, several stanzas of one interface, bonds and their slaves', () => {
    const { stanzas } = parseInterfacesFile(
      '/etc/network/interfaces',
      `auto bond0
iface bond0 inet static
    address 10.0.0.5
    netmask 255.255.255.0
    bond-slaves eno1 eno2
    bond-mode 802.3ad
    bond_miimon 100
    bond-lacp-rate fast
iface bond0 inet static
    address 10.0.1.5/24
iface bond0 inet6 dhcp
    accept_ra 0
iface eno1 inet manual
    bond-master bond0
`,
    );
    const [bond0, eno1] = declarationsFromStanzas(stanzas);
    expect(bond0).toMatchObject({
      kind: 'bond',
      members: ['eno1', 'eno2'],
      bondMode: '802.3ad',
      bondOptions: { miimon: '100', lacp_rate: 'fast' },
      ipv4: 'manual',
      ipv6: 'dhcp',
    });
    expect(bond0!.addresses.map((a) => `${a.address}/${a.prefix}`)).toEqual(['10.0.0.5/24', '10.0.1.5/24']);
    expect(eno1?.controller).toBe('bond0');
    expect(eno1?.ipv4).toBeUndefined();
  });

  it('follows source and source-directory', async () => {
    const files: Record<string, string> = {
      '/etc/network/interfaces': 'source-directory interfaces.d\nsource /etc/network/extra/*.cfg\n',
      '/etc/network/interfaces.d/eth0': 'iface eth0 inet dhcp\n',
      '/etc/network/interfaces.d/eth0.dpkg-old': 'iface eth0 inet static\n',
      '/etc/network/extra/vlan.cfg': 'iface vlan7 inet6 auto\n  vlan-raw-device eth0\n',
    };
    const fs = {
      read: async (p: string) => files[p],
      list: async (d: string) =>
        Object.keys(files)
          .filter((p) => p.startsWith(`${d}/`))
          .map((p) => p.slice(d.length + 1))
          .sort(),
    } as unknown as HostFs;
    const decls = await readIfupdown(fs);
    expect(decls.map((d) => [d.name, d.kind, d.ipv4, d.ipv6])).toEqual([
      ['eth0', 'ethernet', 'auto', undefined],
      ['vlan7', 'vlan', undefined, 'auto'],
    ]);
    expect(decls[1]).toMatchObject({ parent: 'eth0', vlanId: 7 });
  });
});

describe('netplan', () => {
  it('merges files in order and resolves ports matched by MAC to their controller', () => {
    const decls = parseNetplan([
      {
        path: '/etc/netplan/01-base.yaml',
        text: `network:
  version: 2
  ethernets:
    port1: {match: {macaddress: "52:54:00:00:00:01"}, set-name: eno1}
    eno2: {}
  bonds:
    bond0:
      interfaces: [port1, eno2]
      parameters: {mode: active-backup, primary: eno1, mii-monitor-interval: 100}
      dhcp4: yes
  vlans:
    vlan30: {id: 30, link: bond0, addresses: ["2001:db8:30::5/64"], accept-ra: false}
`,
      },
      {
        path: '/etc/netplan/90-override.yaml',
        text: 'network:\n  bonds:\n    bond0:\n      dhcp4: false\n      addresses: [10.3.0.5/24]\n',
      },
    ]);
    const by = (name: string) => decls.find((d) => d.name === name);
    expect(by('eno1')).toMatchObject({ mac: '52:54:00:00:00:01', controller: 'bond0' });
    expect(by('eno2')).toMatchObject({ controller: 'bond0' });
    expect(by('bond0')).toMatchObject({
      kind: 'bond',
      members: ['eno1', 'eno2'],
      bondMode: 'active-backup',
      bondOptions: { primary: 'eno1', miimon: '100' },
      ipv4: 'manual',
      source: '/etc/netplan/90-override.yaml',
    });
    expect(by('vlan30')).toMatchObject({ kind: 'vlan', vlanId: 30, parent: 'bond0', ipv4: 'disabled', ipv6: 'manual' });
  });
});

describe('systemd-networkd', () => {
  it('one declaration per matched name or MAC; routing-only domains are not search domains', () => {
    const decls = parseNetworkd(
      '/etc/systemd/network/10-uplinks.network',
      '[Match]\nName=en* eth0\n\n[Network]\nDHCP=ipv4\nDNS=192.0.2.53 [2001:db8::53]:53\nDomains=a.example ~corp.example\n\n[Link]\nMTUBytes=9000\n',
    );
    expect(decls.map((d) => d.name)).toEqual(['en*', 'eth0']);
    expect(decls[0]?.ipv6).toBeUndefined();
    expect(decls[0]).toMatchObject({ ipv4: 'auto', dns: ['192.0.2.53', '2001:db8::53'], search: ['a.example'], mtu: 9000 });
  });
});

describe('declarationFor', () => {
  const d = (over: object) => ({ ...emptyDeclaration('/x'), ...over });
  it('name first; MAC only for NICs; globs last', () => {
    const byMac = d({ mac: '52:54:00:00:00:01', kind: 'ethernet', source: 'mac' });
    const byName = d({ name: 'eth0.100', kind: 'vlan', source: 'name' });
    const glob = d({ name: 'en*', source: 'glob' });
    const decls = [byMac, byName, glob];
    expect(declarationFor(decls, { name: 'eth0.100', mac: '52:54:00:00:00:01', kind: 'vlan' })?.source).toBe('name');
    expect(declarationFor(decls, { name: 'bond0', mac: '52:54:00:00:00:01', kind: 'bond' })).toBeUndefined();
    expect(declarationFor(decls, { name: 'eth9', mac: '52:54:00:00:00:01', kind: 'ethernet' })?.source).toBe('mac');
    expect(declarationFor(decls, { name: 'enp1s0', mac: '52:54:00:00:00:09', kind: 'ethernet' })?.source).toBe('glob');
  });
});

describe('resolv.conf', () => {
  it('the last search/domain line wins; "." is no domain', () => {
    expect(parseResolvConf('domain a.example\nsearch b.example . c.example\nnameserver 192.0.2.1 # x\nnameserver 192.0.2.1\n')).toEqual({
      servers: ['192.0.2.1'],
      search: ['b.example', 'c.example'],
    });
  });
});
