/**
 * The interface this host reaches a server through, asked of the kernel (`ip route get`). The live
 * system must bring up that interface when it fetches the rootfs: a mirror on a management
 * network is not behind the default route.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Runner } from '../effects/runner.js';
import { devOfRouteGet } from './ip-text.js';

export interface SourceRoute {
  /** The URL's host as written. */
  host: string;
  /** The address the kernel was asked about (the host itself, or what it resolved to). */
  address: string;
  /** The interface the kernel would send through. */
  dev: string;
}

export type Resolve = (host: string) => Promise<string>;

const systemResolve: Resolve = async (host) => (await lookup(host)).address;

/** Undefined when the URL has no host, the name does not resolve or the kernel has no route: callers fall back to the default route's interface. */
export async function routeToward(url: string, runner: Runner, resolve: Resolve = systemResolve): Promise<SourceRoute | undefined> {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined;
  }
  if (host === '') return undefined;
  const address = isIP(host) ? host : await resolve(host).catch(() => undefined);
  if (address === undefined) return undefined;
  // Plain output: `ip -j route get` needs iproute2 ≥ 4.14; this reads the same on 3.10.
  const result = await runner.probe(['ip', 'route', 'get', address], { allowFailure: true });
  if (result.exitCode !== 0) return undefined;
  const dev = devOfRouteGet(result.stdout);
  return dev === undefined ? undefined : { host, address, dev };
}
