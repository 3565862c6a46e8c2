/** Every declared network configuration on the host, in the order that decides ties. */
import type { HostFs } from '../../effects/hostfs.js';
import { readIfcfgs } from './ifcfg.js';
import { readIfupdown } from './ifupdown.js';
import { readNetplan } from './netplan.js';
import { readNetworkd } from './networkd.js';
import { readNmConnections } from './nmconnection.js';
import { globMatch, type Declaration } from './types.js';

export type { Declaration } from './types.js';

/**
 * NetworkManager first: on hosts that carry several formats (ifcfg files read by NM's ifcfg-rh
 * plugin next to keyfiles, netplan rendering for NM) the keyfile is what is actually applied.
 */
export async function readDeclarations(fs: HostFs): Promise<Declaration[]> {
  const readers = [readNmConnections, readIfcfgs, readNetplan, readNetworkd, readIfupdown];
  const out: Declaration[] = [];
  for (const read of readers) out.push(...(await read(fs)));
  return out;
}

/**
 * The declaration for an interface: its exact name first, then (for a NIC only: VLANs, bonds and
 * bridges borrow a NIC's MAC) its MAC, then a networkd/netplan name glob.
 */
export function declarationFor(
  declarations: Declaration[],
  iface: { name: string; mac?: string | undefined; kind: string },
): Declaration | undefined {
  const mac = iface.mac?.toLowerCase();
  const nic = iface.kind === 'ethernet';
  return (
    declarations.find((d) => d.name === iface.name && (d.mac === undefined || !nic || d.mac === mac)) ??
    (nic ? declarations.find((d) => d.mac !== undefined && d.mac === mac && (d.kind === undefined || d.kind === 'ethernet')) : undefined) ??
    declarations.find((d) => d.mac === undefined && d.name !== undefined && /[*?[]/.test(d.name) && globMatch(d.name, iface.name))
  );
}
