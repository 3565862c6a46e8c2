/**
 * NetworkManager's own dracut command-line parser as the judge of live kernel arguments:
 * `nm-initrd-generator -s` (shipped in Debian's network-manager package, the same program
 * NestOS's initramfs runs) prints the connections it would create and writes nothing: every
 * output directory is pointed at a temporary one anyway. It never fails on bad input, it warns:
 * any `<warn>` line is a rejection.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const CANDIDATES = ['/usr/lib/NetworkManager/nm-initrd-generator', '/usr/libexec/nm-initrd-generator'];
export const GENERATOR = CANDIDATES.find((p) => existsSync(p));

export type Groups = Map<string, Map<string, string>>;

export interface Generated {
  warnings: string[];
  /** Connections by id, each as section → key → value. */
  connections: Map<string, Groups>;
}

export function nmInitrdGenerator(kargs: string[]): Generated {
  if (!GENERATOR) throw new Error('nm-initrd-generator is missing: apt-get install -y network-manager');
  const tmp = mkdtempSync(path.join(tmpdir(), 'x2n-initrd-'));
  try {
    const dirs = ['-c', `${tmp}/c`, '-p', `${tmp}/p`, '-i', `${tmp}/i`, '-r', `${tmp}/r`, '-d', tmp];
    const r = spawnSync(GENERATOR, [...dirs, '-s', '--', ...kargs], {
      encoding: 'utf8',
      cwd: tmp,
      env: { PATH: process.env.PATH ?? '', LC_ALL: 'C' },
    });
    if (r.status !== 0) throw new Error(`nm-initrd-generator exited with ${r.status}: ${r.stderr}`);
    const connections = new Map<string, Groups>();
    for (const chunk of r.stdout
      .split(/^\*\*\* Connection '(.+)' \*\*\*$/m)
      .slice(1)
      .reduce<[string, string][]>((acc, part, i, all) => {
        if (i % 2 === 0) acc.push([part, all[i + 1] ?? '']);
        return acc;
      }, [])) {
      const [id, body] = chunk;
      const groups: Groups = new Map();
      let current: Map<string, string> | undefined;
      for (const line of body.split('\n')) {
        const header = /^\[(.+)\]$/.exec(line.trim());
        if (header) groups.set(header[1]!, (current = new Map()));
        else if (current && line.includes('=')) current.set(line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1));
      }
      connections.set(id, groups);
    }
    return { warnings: r.stderr.split('\n').filter((l) => l.includes('<warn>')), connections };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** All values of numbered keys (address1, address2, ...) of a section. */
export function numbered(groups: Groups | undefined, section: string, key: string): string[] {
  const entries = [...(groups?.get(section) ?? new Map<string, string>())].filter(([k]) => new RegExp(`^${key}\\d+$`).test(k));
  return entries.sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })).map(([, v]) => v);
}
