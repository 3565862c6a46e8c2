/**
 * The shapes of `ip -j -d addr show` and `ip -j route show` (iproute2 ≥ 4.14; fields that older or
 * newer versions omit are optional), and the reading of them into plain values.
 */

export interface IpAddrInfo {
  family: string;
  local?: string;
  /** The peer of a point-to-point address. */
  address?: string;
  prefixlen?: number;
  scope?: string;
  dynamic?: boolean;
  mngtmpaddr?: boolean;
  temporary?: boolean;
  noprefixroute?: boolean;
  deprecated?: boolean;
  tentative?: boolean;
}

export interface IpLink {
  ifindex?: number;
  ifname: string;
  flags?: string[];
  mtu?: number;
  operstate?: string;
  link_type?: string;
  address?: string;
  /** Permanent address, printed when it differs from the current one (iproute2 ≥ 5.10). */
  permaddr?: string;
  master?: string;
  /** For a VLAN (and other stacked devices): the lower device. */
  link?: string;
  linkinfo?: {
    info_kind?: string;
    info_data?: Record<string, unknown>;
    info_slave_kind?: string;
    info_slave_data?: Record<string, unknown>;
  };
  addr_info?: IpAddrInfo[];
}

export interface IpRoute {
  type?: string;
  dst: string;
  gateway?: string;
  via?: { family: string; host: string };
  dev?: string;
  protocol?: string;
  scope?: string;
  metric?: number;
  flags?: string[];
  nexthops?: unknown[];
}

/** Parse one command's JSON array; undefined when it is not one (old iproute2 ignores -j). */
export function parseIpJson<T>(text: string): T[] | undefined {
  try {
    const value: unknown = JSON.parse(text.trim() === '' ? '[]' : text);
    return Array.isArray(value) ? (value as T[]) : undefined;
  } catch {
    return undefined;
  }
}

export const kindOf = (link: IpLink): string | undefined => link.linkinfo?.info_kind;

export function familyOfInfo(info: IpAddrInfo): 4 | 6 | undefined {
  return info.family === 'inet' ? 4 : info.family === 'inet6' ? 6 : undefined;
}

/** Addresses that identify the host on a network: not loopback, not link-local, not privacy. */
export function isGlobal(info: IpAddrInfo): boolean {
  if (!info.local || info.scope === 'host' || info.scope === 'link') return false;
  if (info.temporary) return false;
  if (info.family === 'inet' && info.local.startsWith('169.254.')) return false;
  if (info.family === 'inet6' && /^fe[89ab]/i.test(info.local)) return false;
  return info.family === 'inet' || info.family === 'inet6';
}

/** iproute2 names RTPROT_RA "ra"; some builds print the older "kernel_ra" or the number. */
export const isRaProtocol = (p: string | undefined) => p === 'ra' || p === 'kernel_ra' || p === '9';
