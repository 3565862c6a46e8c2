/** What is mounted at `/`, read only to explain what `/` is when no local disk holds it. */
import type { HostFs } from '../effects/hostfs.js';
import { readMountinfo } from './mountinfo.js';

export interface Mount {
  source: string;
  target: string;
  fsType: string;
  /** Mount options as listed (rw or ro first). */
  options?: string[];
}

/** Fields are space separated; spaces, tabs, newlines and backslashes inside them are octal escapes. */
export function parseMounts(text: string): Mount[] {
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const [source, target, fsType, options] = line.split(' ');
    if (source === undefined || target === undefined || fsType === undefined) continue;
    mounts.push({ source: unescape(source), target: unescape(target), fsType, options: (options ?? '').split(',') });
  }
  return mounts;
}

/** The mount that is visible at `/`: the last one listed (later mounts hide earlier ones). */
export async function readRootMount(fs: HostFs): Promise<Mount | undefined> {
  const info = await readMountinfo(fs);
  if (info !== undefined) return info.filter((m) => m.target === '/').at(-1);
  const text = (await fs.read('/proc/self/mounts')) ?? (await fs.read('/proc/mounts'));
  if (text === undefined) return undefined;
  return parseMounts(text)
    .filter((m) => m.target === '/')
    .at(-1);
}
