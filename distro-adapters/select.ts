/** The one adapter for the package family that fact gathering detected (src/facts/family.ts). */
import type { Family } from '../src/facts/types.js';
import type { DistroAdapter } from './adapter.js';
import { aptAdapter } from './apt.js';
import { yumAdapter } from './yum.js';

/**
 * The adapter for the family gatherFacts already detected (HostFacts.family / packageTool): no second
 * probe. Undefined for an unsupported host, which the planner refuses with the reason facts recorded.
 */
export function adapterFor(family: Family | undefined, packageTool: string | undefined): DistroAdapter | undefined {
  if (family === 'yum') return yumAdapter(packageTool === 'dnf' ? 'dnf' : 'yum');
  if (family === 'apt') return aptAdapter();
  return undefined;
}
