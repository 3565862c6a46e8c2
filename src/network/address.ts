/** Arithmetic on IP addresses and prefixes that the model and its renderers share. */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export function familyOf(address: string): 4 | 6 | undefined {
  if (isIPv4(address)) return 4;
  if (isIPv6(address)) return 6;
  return undefined;
}

/** 24 → 255.255.255.0 (dracut's `ip=` wants a dotted netmask for IPv4). */
export function prefixToNetmask(prefix: number): string {
  const bits = prefix <= 0 ? 0 : (0xffffffff << (32 - Math.min(prefix, 32))) >>> 0;
  return [24, 16, 8, 0].map((shift) => (bits >>> shift) & 0xff).join('.');
}

/** 255.255.255.0 → 24; a bare number is already a prefix; undefined for a non-contiguous mask. */
export function netmaskToPrefix(mask: string): number | undefined {
  if (/^\d+$/.test(mask)) return Number(mask);
  if (!isIPv4(mask)) return undefined;
  const bits = mask.split('.').reduce((acc, octet) => ((acc << 8) | Number(octet)) >>> 0, 0);
  const prefix = bits.toString(2).replace(/0+$/, '').length;
  return prefixToNetmask(prefix) === mask ? prefix : undefined;
}

/** Is `address` inside `network/prefix`? */
export function inSubnet(address: string, network: string, prefix: number): boolean {
  const family = familyOf(address);
  if (family === undefined || family !== familyOf(network)) return false;
  const list = new BlockList();
  list.addSubnet(network, prefix, family === 4 ? 'ipv4' : 'ipv6');
  return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The eight 16-bit groups of an IPv6 address. */
export function ipv6Groups(address: string): number[] {
  const [head = '', tail] = address.toLowerCase().split('%')[0]!.split('::');
  const parse = (part: string): number[] => {
    if (part === '') return [];
    return part.split(':').flatMap((group) => {
      if (isIPv4(group)) {
        const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
        return [(a << 8) | b, (c << 8) | d];
      }
      return [parseInt(group, 16)];
    });
  };
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

export function isIPv6LinkLocal(address: string): boolean {
  return familyOf(address) === 6 && ((ipv6Groups(address)[0] ?? 0) & 0xffc0) === 0xfe80;
}

export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || (familyOf(address) === 6 && ipv6Groups(address).every((g, i) => g === (i === 7 ? 1 : 0)));
}

/**
 * Was this SLAAC address built from the MAC (modified EUI-64: ff:fe in the middle, the
 * universal/local bit flipped)? Then the new system must use addr-gen-mode=eui64 to keep it.
 */
export function isEui64From(address: string, mac: string): boolean {
  const bytes = mac.split(':').map((b) => parseInt(b, 16));
  if (bytes.length !== 6 || bytes.some((b) => Number.isNaN(b))) return false;
  const [m0 = 0, m1 = 0, m2 = 0, m3 = 0, m4 = 0, m5 = 0] = bytes;
  const iid = [((m0 ^ 0x02) << 8) | m1, (m2 << 8) | 0xff, (0xfe << 8) | m3, (m4 << 8) | m5];
  return ipv6Groups(address)
    .slice(4)
    .every((g, i) => g === iid[i]);
}

/** 'default' stays; a bare host address gets its full-length prefix, as iproute2 omits it. */
export function normaliseDestination(dst: string, family: 4 | 6): string {
  if (dst === 'default' || dst.includes('/')) return dst;
  return `${dst}/${family === 4 ? 32 : 128}`;
}
