/** RAM from /proc/meminfo: the planner compares it with what the live system will need. */
import type { HostFs } from '../effects/hostfs.js';

export interface Memory {
  totalBytes: number;
  availableBytes: number;
}

/** Values in /proc/meminfo are kibibytes despite the "kB" label. */
export function parseMeminfo(text: string): Memory | undefined {
  const kib = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) kib.set(m[1], Number(m[2]));
  }
  const total = kib.get('MemTotal');
  if (total === undefined) return undefined;
  // MemAvailable appeared in Linux 3.14; before it, free + reclaimable page cache is the estimate.
  const available =
    kib.get('MemAvailable') ??
    (kib.get('MemFree') ?? 0) + (kib.get('Buffers') ?? 0) + (kib.get('Cached') ?? 0) + (kib.get('SReclaimable') ?? 0);
  return { totalBytes: total * 1024, availableBytes: Math.min(available, total) * 1024 };
}

export async function readMemory(fs: HostFs): Promise<Memory | undefined> {
  const text = await fs.read('/proc/meminfo');
  return text === undefined ? undefined : parseMeminfo(text);
}
