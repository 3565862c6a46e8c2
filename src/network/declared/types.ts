/**
 * What a host's network configuration files say about one interface, whichever tool wrote them.
 * Each parser (ifcfg, NetworkManager keyfile, ifupdown, netplan, systemd-networkd) reduces its
 * format to this; gather.ts matches it to a runtime interface. A field left undefined means "the
 * file does not say", so runtime state decides.
 */
import type { Interface } from '../model.js';

export interface DeclaredAddress {
  family: 4 | 6;
  address: string;
  prefix: number;
}

export interface Declaration {
  /** File it came from, for the plan ("declared in /etc/netplan/50-cloud-init.yaml"). */
  source: string;
  /** Interface name; systemd-networkd and netplan allow shell globs (`en*`). */
  name?: string;
  /** MAC address the file matches on, lower case. */
  mac?: string;
  kind?: Interface['kind'];
  ipv4?: Interface['ipv4Method'];
  ipv6?: Interface['ipv6Method'];
  addresses: DeclaredAddress[];
  gateway4?: string;
  gateway6?: string;
  dns: string[];
  search: string[];
  mtu?: number;
  bondMode?: string;
  /** Bond options in the kernel's names (miimon, lacp_rate, xmit_hash_policy, ...). */
  bondOptions?: Record<string, string>;
  members?: string[];
  /** For a bond or bridge port: the controller's name. */
  controller?: string;
  vlanId?: number;
  parent?: string;
}

export function emptyDeclaration(source: string): Declaration {
  return { source, addresses: [], dns: [], search: [] };
}

/** "192.0.2.10/24" or "2001:db8::1/64" → a declared address; undefined when unparsable. */
export function parseCidr(text: string, defaultPrefix?: number): DeclaredAddress | undefined {
  const [address = '', prefixText] = text.trim().split('/');
  const family = address.includes(':') ? 6 : /^\d+\.\d+\.\d+\.\d+$/.test(address) ? 4 : undefined;
  if (family === undefined) return undefined;
  const prefix = prefixText === undefined ? (defaultPrefix ?? (family === 4 ? 32 : 128)) : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) return undefined;
  return { family, address, prefix };
}

/** Case-insensitive shell glob (`*`, `?`, `[...]`) as used by networkd's Name= and netplan's match. */
export function globMatch(pattern: string, name: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(name);
}
