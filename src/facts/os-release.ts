/**
 * /etc/os-release (falling back to /usr/lib/os-release, as os-release(5) prescribes): the
 * distribution's identity, which picks the package tool and names the host in the plan.
 */
import type { HostFs } from '../effects/hostfs.js';
import type { OsFacts } from './types.js';

const PATHS = ['/etc/os-release', '/usr/lib/os-release'];

/** Shell-like assignments without expansion: quotes and backslash escapes only (os-release(5)). */
export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) continue;
    fields[key] = unquote(line.slice(eq + 1).trim());
  }
  return fields;
}

function unquote(value: string): string {
  const quote = value[0];
  if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
    const inner = value.slice(1, -1);
    // Single quotes keep everything literally; double quotes honour \" \\ \$ \`.
    return quote === "'" ? inner : inner.replace(/\\(["\\$`])/g, '$1');
  }
  return value.replace(/\\(.)/g, '$1');
}

export function osFactsOf(fields: Record<string, string>): OsFacts {
  // Defaults are the ones os-release(5) defines for absent fields.
  const id = (fields.ID ?? 'linux').toLowerCase();
  return {
    id,
    idLike: (fields.ID_LIKE ?? '')
      .split(/\s+/)
      .filter((s) => s !== '')
      .map((s) => s.toLowerCase()),
    versionId: fields.VERSION_ID ?? '',
    prettyName: fields.PRETTY_NAME ?? fields.NAME ?? 'Linux',
  };
}

/** undefined when neither file can be read. */
export async function readOsRelease(fs: HostFs): Promise<OsFacts | undefined> {
  for (const p of PATHS) {
    const text = await fs.read(p);
    if (text !== undefined) return osFactsOf(parseOsRelease(text));
  }
  return undefined;
}
