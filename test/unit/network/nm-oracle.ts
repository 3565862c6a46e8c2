/**
 * A real NetworkManager as the judge of rendered keyfiles, without a daemon and without touching
 * this machine's networking: `nmcli --offline connection modify` (NM ≥ 1.40) reads a keyfile on
 * stdin with NM's own keyfile reader, normalises and verifies the connection, and writes it back.
 *
 * Verification failures make nmcli exit non-zero. But the reader also drops keys it does not know
 * and repairs some bad values without a word (an unknown `controller=` vanishes on NM 1.42, a
 * `/99` prefix becomes `/24`), so a keyfile is accepted only when every key we wrote comes back
 * with the same value.
 */
import { spawnSync } from 'node:child_process';

export const NMCLI_MISSING = 'nmcli is not installed: the keyfile tests need a real NetworkManager (apt-get install -y network-manager)';

export function nmcliVersion(): string | undefined {
  const r = spawnSync('nmcli', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

type Groups = Map<string, Map<string, string>>;

/** Section aliases NM writes under their short names. */
const ALIASES: Record<string, string> = { '802-3-ethernet': 'ethernet' };

function groups(text: string): Groups {
  const out: Groups = new Map();
  let current: Map<string, string> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      const name = ALIASES[header[1]!] ?? header[1]!;
      current = out.get(name) ?? new Map();
      out.set(name, current);
    } else if (current && line.includes('=')) {
      current.set(line.slice(0, line.indexOf('=')).trim(), line.slice(line.indexOf('=') + 1).trim());
    }
  }
  return out;
}

/** Values NM writes differently but means the same by: list separators, MAC case. */
function same(key: string, ours: string, theirs: string): boolean {
  const norm = (v: string) => v.replace(/;$/, '');
  if (key === 'mac-address') return ours.toLowerCase() === theirs.toLowerCase();
  return norm(ours) === norm(theirs);
}

export interface NmVerdict {
  ok: boolean;
  /** What NM objected to, or which keys did not survive its reader. */
  problems: string[];
  /** The connection as NM writes it back. */
  normalised: string;
}

export function nmJudge(keyfile: string): NmVerdict {
  const ours = groups(keyfile);
  const id = ours.get('connection')?.get('id') ?? 'x2nestos-test';
  // Setting the id to itself: the smallest modification, so what comes back is NM's reading.
  const r = spawnSync('nmcli', ['--offline', 'connection', 'modify', 'connection.id', id], {
    input: keyfile,
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C' },
  });
  if (r.error) return { ok: false, problems: [`nmcli did not run: ${r.error.message}`], normalised: '' };
  if (r.status !== 0) return { ok: false, problems: [r.stderr.trim() || `nmcli exited with ${r.status}`], normalised: r.stdout };
  const theirs = groups(r.stdout);
  const problems: string[] = [];
  for (const [section, entries] of ours) {
    for (const [key, value] of entries) {
      const back = theirs.get(section)?.get(key);
      if (back === undefined) problems.push(`[${section}] ${key}=${value} was dropped by NetworkManager`);
      else if (!same(key, value, back)) problems.push(`[${section}] ${key}=${value} came back as ${back}`);
    }
  }
  return { ok: problems.length === 0, problems, normalised: r.stdout };
}
