/**
 * Who may run everything as root through sudo, read from /etc/sudoers and the files it includes.
 * A deliberately small reading of the grammar: rules of the form `who host = (runas) ALL` for the
 * host's name or ALL. Aliases, netgroups and negations are reported, not evaluated: missing one of
 * those users only means fewer keys carried, never a key carried that should not be.
 */
import path from 'node:path';
import type { HostFs } from '../effects/hostfs.js';

export interface SudoersFile {
  path: string;
  text: string;
}

export interface SudoGrants {
  users: string[];
  groups: string[];
  notes: string[];
}

const ALIAS_KINDS = /^(User_Alias|Runas_Alias|Host_Alias|Cmnd_Alias|Cmd_Alias)\b/;
const INCLUDE = /^[#@](include|includedir)\s+(.+)$/;
// sudo stops at this nesting depth too; it also keeps a cyclic include from looping.
const MAX_INCLUDE_DEPTH = 128;

/** Lines with `\` continuations joined and comments removed (`#123` as a user is a uid, not a comment). */
function logicalLines(text: string): string[] {
  const out: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = pending + raw;
    if (/\\$/.test(line)) {
      pending = line.slice(0, -1) + ' ';
      continue;
    }
    pending = '';
    out.push(line);
  }
  if (pending !== '') out.push(pending);
  return out.map((l) => l.trim()).filter((l) => l !== '');
}

function stripComment(line: string): string {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '#' && !/\d/.test(line[i + 1] ?? '') && (i === 0 || /[\s,:=!(]/.test(line[i - 1]!))) return line.slice(0, i).trim();
  }
  return line;
}

/** /etc/sudoers plus every file it includes, in sudo's order. */
export async function readSudoers(fs: HostFs, file = '/etc/sudoers'): Promise<SudoersFile[]> {
  const out: SudoersFile[] = [];
  const visit = async (p: string, depth: number): Promise<void> => {
    if (depth > MAX_INCLUDE_DEPTH || out.some((f) => f.path === p)) return;
    const text = await fs.read(p);
    if (text === undefined) return;
    out.push({ path: p, text });
    for (const line of logicalLines(text)) {
      const inc = INCLUDE.exec(line);
      if (inc === null) continue;
      const target = path.resolve(path.dirname(p), inc[2]!.trim().replace(/^"(.*)"$/, '$1'));
      if (inc[1] === 'include') {
        await visit(target, depth + 1);
      } else {
        // sudo skips names with a dot or ending in ~ (editor backups, package leftovers).
        for (const name of await fs.list(target))
          if (!name.includes('.') && !name.endsWith('~')) await visit(path.join(target, name), depth + 1);
      }
    }
  };
  await visit(file, 0);
  return out;
}

/** Splits on commas outside parentheses and quotes. */
function splitList(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(s.slice(start).trim());
  return out.filter((x) => x !== '');
}

/** Does a command spec list (`(ALL:ALL) NOPASSWD: ALL, /bin/ls`) include running everything as root? */
function grantsAllAsRoot(specs: string): boolean {
  let runasRoot = true; // no runas list means root
  for (let spec of splitList(specs)) {
    const runas = /^\(([^)]*)\)\s*/.exec(spec);
    if (runas !== null) {
      const users = runas[1]!
        .split(':')[0]!
        .split(',')
        .map((u) => u.trim());
      // `(:wheel)` runs as the invoking user with another group: not root.
      runasRoot = users.some((u) => u === 'ALL' || u === 'root' || u === '#0');
      spec = spec.slice(runas[0].length);
    }
    // Tags (NOPASSWD:, SETENV: ...) and per-command options (ROLE=, TIMEOUT= ...) precede the command.
    spec = spec.replace(/^(?:[A-Z_]+:\s*|[A-Z_]+=\S+\s+)*/, '').trim();
    if (spec === 'ALL' && runasRoot) return true;
  }
  return false;
}

/** The users and %groups granted ALL as root on this host by these files. */
export function sudoGrants(files: readonly SudoersFile[], hostname: string): SudoGrants {
  const users = new Set<string>();
  const groups = new Set<string>();
  const notes: string[] = [];
  const short = hostname.split('.')[0] ?? hostname;
  for (const file of files) {
    for (const raw of logicalLines(file.text)) {
      if (INCLUDE.test(raw)) continue;
      const line = stripComment(raw);
      if (line === '' || /^Defaults([\s:@>!]|$)/.test(line)) continue;
      if (ALIAS_KINDS.test(line)) {
        if (line.startsWith('User_Alias'))
          notes.push(`${file.path}: User_Alias not evaluated; members of aliases are not looked at for SSH keys`);
        continue;
      }
      const rule = /^((?:(?:\\.|[^\s,\\])+\s*,\s*)*(?:\\.|[^\s,\\])+)\s+(.+)$/.exec(line);
      if (rule === null) continue;
      // `host = specs` pairs, joined by ':' before the next host list.
      const pairs = rule[2]!.split(/\s*:\s*(?=(?:[\w.*-]+\s*,\s*)*[\w.*-]+\s*=)/);
      const granted = pairs.some((pair) => {
        const eq = pair.indexOf('=');
        if (eq < 0) return false;
        const hosts = splitList(pair.slice(0, eq));
        const onThisHost = hosts.some((h) => h === 'ALL' || h === hostname || h === short);
        return onThisHost && grantsAllAsRoot(pair.slice(eq + 1));
      });
      if (!granted) continue;
      for (const who of splitList(rule[1]!)) {
        if (who === 'ALL') notes.push(`${file.path}: sudo rule for ALL users; only root and named sudoers are looked at for SSH keys`);
        else if (who.startsWith('%:') || who.startsWith('%#') || who.startsWith('+') || who.startsWith('!') || who.startsWith('#'))
          notes.push(`${file.path}: sudoers entry "${who}" not evaluated (non-Unix group, gid/uid, netgroup or negation)`);
        else if (who.startsWith('%')) groups.add(who.slice(1).replace(/\\ /g, ' '));
        else if (/^[A-Z][A-Z0-9_]*$/.test(who)) notes.push(`${file.path}: sudoers alias ${who} not evaluated`);
        else users.add(who);
      }
    }
  }
  return { users: [...users], groups: [...groups], notes };
}
