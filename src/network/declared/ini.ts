/**
 * The INI dialect shared by NetworkManager keyfiles (GKeyFile) and systemd-networkd units: `[section]`
 * headers, `key=value` lines, `#`/`;` comments. Keys may repeat (networkd's Address=), so each key
 * maps to every value in order. Several sections of one name (networkd's [Address]) stay separate.
 */
export interface IniSection {
  name: string;
  entries: Map<string, string[]>;
}

export function parseIni(text: string): IniSection[] {
  const sections: IniSection[] = [];
  let current: IniSection | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = { name: header[1]!.trim(), entries: new Map() };
      sections.push(current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0 || current === undefined) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    current.entries.set(key, [...(current.entries.get(key) ?? []), value]);
  }
  return sections;
}

/** Last value of a key in the first section of that name (GKeyFile: the last assignment wins). */
export function iniValue(sections: IniSection[], section: string, key: string): string | undefined {
  return sections
    .find((s) => s.name === section)
    ?.entries.get(key)
    ?.at(-1);
}

/** Every value of a key across every section of that name (networkd: lists accumulate). */
export function iniValues(sections: IniSection[], section: string, key: string): string[] {
  return sections.filter((s) => s.name === section).flatMap((s) => s.entries.get(key) ?? []);
}
