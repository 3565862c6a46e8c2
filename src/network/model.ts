/**
 * One model of the host's network, measured once and rendered for each target (NetworkManager
 * keyfiles for the installed system, kernel arguments for the live system).
 *
 * Pure data: it is printed by `x2nestos plan --json`, so everything here stays JSON-serialisable
 * (no Maps, no class instances, no undefined inside arrays).
 */
export type AddressMethod = 'static' | 'dhcp' | 'auto' /* SLAAC / RA */ | 'link-local' | 'unknown';

export interface Address {
  family: 4 | 6;
  address: string;
  prefix: number;
  /** How this address came to be, from the declared config first, runtime flags second. */
  method: AddressMethod;
}

export interface Route {
  family: 4 | 6;
  /** 'default' or a CIDR. */
  destination: string;
  gateway?: string;
  metric?: number;
  /** Gateway outside every address's subnet: needs an on-link route. */
  onLink?: boolean;
}

export interface Interface {
  name: string;
  /**
   * The permanent MAC address (for a bond port, the NIC's own address, not the one the bond
   * lent it): NetworkManager matches `ethernet.mac-address` against the permanent address.
   */
  mac?: string;
  mtu?: number;
  kind: 'ethernet' | 'bond' | 'vlan' | 'bridge' | 'team' | 'other';
  /** For bond/bridge/team: member interface names. For vlan: parent in `parent`. */
  members?: string[];
  /** For a bond or bridge port: the interface it belongs to. */
  controller?: string;
  parent?: string;
  vlanId?: number;
  bondMode?: string;
  bondOptions?: Record<string, string>;
  /** Bridges: spanning tree on or off (NetworkManager turns it on unless told otherwise). */
  stp?: boolean;
  addresses: Address[];
  routes: Route[];
  /** Per family: dhcp/auto/static as declared, for rendering ipv4.method / ipv6.method. */
  ipv4Method: 'manual' | 'auto' | 'disabled';
  ipv6Method: 'manual' | 'auto' | 'dhcp' | 'ignore' | 'disabled';
  /**
   * How SLAAC derived the interface identifier: 'eui64' when the host's SLAAC address is built
   * from the MAC (the new system must do the same to keep the address), 'stable-privacy' otherwise.
   */
  ipv6AddrGenMode?: 'eui64' | 'stable-privacy';
  /** DNS servers and search domains declared for this interface (netplan, ifcfg DNS1, ...). */
  dns?: { servers: string[]; search: string[] };
  /** Where the declared config was read from (ifcfg file, keyfile, netplan, ...). */
  declaredIn?: string;
}

export interface NetworkModel {
  interfaces: Interface[];
  /** The resolver the host uses now (resolv.conf, or systemd-resolved's upstream servers). */
  dns: { servers: string[]; search: string[] };
  /** Things seen on the host that the rendered configuration cannot carry, with the reason. */
  notCarried: { what: string; why: string }[];
  /** Interface holding the default route (IPv4 first, then IPv6). */
  primary?: string;
}

export const EMPTY_NETWORK: NetworkModel = { interfaces: [], dns: { servers: [], search: [] }, notCarried: [] };
