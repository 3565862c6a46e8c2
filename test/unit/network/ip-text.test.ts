import { describe, expect, it } from 'vitest';
import { devOfRouteGet, parseAddrText, parseLinkText, parseRouteText } from '../../../src/network/ip-text.js';

describe('plain iproute2 output', () => {
  it('reads iproute 3.10 link lines: VLAN without `protocol`, bond port without bond_slave details, `@NONE`', () => {
    const links = parseLinkText(
      [
        '2: eth0: <BROADCAST,MULTICAST,SLAVE,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast master bond0 state UP mode DEFAULT qlen 1000\\    link/ether 52:54:00:aa:00:01 brd ff:ff:ff:ff:ff:ff promiscuity 0 ',
        '4: bond0: <BROADCAST,MULTICAST,MASTER,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT \\    link/ether 52:54:00:aa:00:01 brd ff:ff:ff:ff:ff:ff promiscuity 0 \\    bond ',
        '5: bond0.30@bond0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT \\    link/ether 52:54:00:aa:00:01 brd ff:ff:ff:ff:ff:ff promiscuity 0 \\    vlan id 30 <REORDER_HDR> ',
        '6: sit0@NONE: <NOARP> mtu 1480 qdisc noop state DOWN mode DEFAULT \\    link/sit 0.0.0.0 brd 0.0.0.0 promiscuity 0 \\    sit remote any local any ttl 64 nopmtudisc 6rd-prefix 2002::/16 ',
      ].join('\n'),
    );
    expect(links).toEqual([
      {
        ifindex: 2,
        ifname: 'eth0',
        flags: ['BROADCAST', 'MULTICAST', 'SLAVE', 'UP', 'LOWER_UP'],
        mtu: 1500,
        master: 'bond0',
        link_type: 'ether',
        address: '52:54:00:aa:00:01',
      },
      {
        ifindex: 4,
        ifname: 'bond0',
        flags: ['BROADCAST', 'MULTICAST', 'MASTER', 'UP', 'LOWER_UP'],
        mtu: 1500,
        link_type: 'ether',
        address: '52:54:00:aa:00:01',
        linkinfo: { info_kind: 'bond' },
      },
      {
        ifindex: 5,
        ifname: 'bond0.30',
        flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
        mtu: 1500,
        link: 'bond0',
        link_type: 'ether',
        address: '52:54:00:aa:00:01',
        linkinfo: { info_kind: 'vlan', info_data: { id: 30 } },
      },
      { ifindex: 6, ifname: 'sit0', flags: ['NOARP'], mtu: 1480, link_type: 'sit', linkinfo: { info_kind: 'sit' } },
    ]);
  });

  it('reads addresses with peers, flags and labels, and ignores what is not an address line', () => {
    const byName = parseAddrText(
      [
        '3: tun0    inet 10.8.0.6 peer 10.8.0.5/32 scope global tun0\\       valid_lft forever preferred_lft forever',
        '2: eth0    inet 192.0.2.11/24 brd 192.0.2.255 scope global secondary eth0:1\\       valid_lft forever preferred_lft forever',
        '2: eth0    inet6 2001:db8::5/64 scope global dynamic mngtmpaddr \\       valid_lft 86393sec preferred_lft 14393sec',
        'not an address',
      ].join('\n'),
    );
    expect(byName.get('tun0')).toEqual([{ family: 'inet', local: '10.8.0.6', address: '10.8.0.5', prefixlen: 32, scope: 'global' }]);
    expect(byName.get('eth0')).toEqual([
      { family: 'inet', local: '192.0.2.11', prefixlen: 24, scope: 'global', secondary: true },
      { family: 'inet6', local: '2001:db8::5', prefixlen: 64, scope: 'global', dynamic: true, mngtmpaddr: true },
    ]);
  });

  it('reads route types, gateways via another family, and multipath hops on their own lines', () => {
    expect(
      parseRouteText(
        'default proto static metric 100 \n\tnexthop via 10.0.0.1 dev eth0 weight 1 \n\tnexthop via 10.0.1.1 dev eth1 weight 1 \nblackhole 10.66.0.0/16 \ndefault via inet6 fe80::1 dev eth0 proto bird metric 32 \n',
      ),
    ).toEqual([
      {
        dst: 'default',
        protocol: 'static',
        metric: 100,
        nexthops: [
          ['via', '10.0.0.1', 'dev', 'eth0', 'weight', '1'],
          ['via', '10.0.1.1', 'dev', 'eth1', 'weight', '1'],
        ],
      },
      { type: 'blackhole', dst: '10.66.0.0/16' },
      { dst: 'default', via: { family: 'inet6', host: 'fe80::1' }, dev: 'eth0', protocol: 'bird', metric: 32 },
    ]);
  });

  it('finds the device of `ip route get` in 3.10 and 6.x output', () => {
    expect(devOfRouteGet('192.0.2.7 via 10.0.0.1 dev eth1  src 10.0.0.5 \n    cache \n')).toBe('eth1');
    expect(devOfRouteGet('192.0.2.7 via 10.0.0.1 dev bond0 src 10.0.0.5 uid 0 \n    cache \n')).toBe('bond0');
    expect(devOfRouteGet('')).toBeUndefined();
  });
});
