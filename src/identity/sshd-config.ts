/**
 * What the host's own sshd would do for a user: its effective configuration from `sshd -T` (Match
 * blocks evaluated for that user), where it looks for keys, and whether it lets the user in at all.
 * Asking sshd beats parsing sshd_config: Include, Match and compiled-in defaults all come out right.
 */
import type { Runner } from '../effects/runner.js';
import type { Account } from './accounts.js';

export const SSHD = '/usr/sbin/sshd';

export interface SshdView {
  /** `authorizedkeysfile` entries as sshd prints them (tokens not yet expanded); empty for `none`. */
  authorizedKeysFiles: string[];
  authorizedKeysCommand?: string;
  authorizedKeysCommandUser?: string;
  permitRootLogin: string;
  pubkeyAuthentication: boolean;
  strictModes: boolean;
  allowUsers: string[];
  denyUsers: string[];
  allowGroups: string[];
  denyGroups: string[];
  hostKeys: string[];
}

/** What sshd does when its configuration says nothing (OpenSSH ≥ 7.0). */
export const SSHD_DEFAULTS: SshdView = {
  authorizedKeysFiles: ['.ssh/authorized_keys', '.ssh/authorized_keys2'],
  permitRootLogin: 'prohibit-password',
  pubkeyAuthentication: true,
  strictModes: true,
  allowUsers: [],
  denyUsers: [],
  allowGroups: [],
  denyGroups: [],
  hostKeys: [],
};

export function parseSshdT(text: string): SshdView {
  const view: SshdView = { ...SSHD_DEFAULTS, allowUsers: [], denyUsers: [], allowGroups: [], denyGroups: [], hostKeys: [] };
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(.*)$/.exec(line.trim());
    if (m === null) continue;
    const key = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    const some = value === 'none' ? undefined : value;
    switch (key) {
      case 'authorizedkeysfile':
        view.authorizedKeysFiles = value === 'none' ? [] : value.split(/\s+/);
        break;
      case 'authorizedkeyscommand':
        view.authorizedKeysCommand = some;
        break;
      case 'authorizedkeyscommanduser':
        view.authorizedKeysCommandUser = some;
        break;
      case 'permitrootlogin':
        view.permitRootLogin = value;
        break;
      case 'pubkeyauthentication':
        view.pubkeyAuthentication = value === 'yes';
        break;
      case 'strictmodes':
        view.strictModes = value === 'yes';
        break;
      case 'allowusers':
      case 'denyusers':
      case 'allowgroups':
      case 'denygroups': {
        const list = { allowusers: view.allowUsers, denyusers: view.denyUsers, allowgroups: view.allowGroups, denygroups: view.denyGroups }[
          key
        ];
        list.push(...value.split(/\s+/));
        break;
      }
      case 'hostkey':
        view.hostKeys.push(value);
        break;
    }
  }
  return view;
}

export type SshdAnswer = { view: SshdView } | { view: SshdView; fallback: string };

/** `sshd -T` for one user as if they connected from the host itself. */
export async function sshdViewFor(runner: Runner, user: string, hostname: string): Promise<SshdAnswer> {
  const r = await runner.probe([SSHD, '-T', '-C', `user=${user},host=${hostname},addr=127.0.0.1`], { allowFailure: true });
  if (r.notFound) return { view: SSHD_DEFAULTS, fallback: `${SSHD} is not installed` };
  if (r.exitCode !== 0) {
    const why = r.stderr.trim().split('\n').pop() ?? '';
    return { view: SSHD_DEFAULTS, fallback: `\`sshd -T\` failed (exit ${r.exitCode}${why ? `: ${why}` : ''})` };
  }
  return { view: parseSshdT(r.stdout) };
}

/** OpenSSH's match_pattern: `*` and `?` wildcards over the whole string. */
export function matchPattern(s: string, pattern: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(s);
}

/** OpenSSH's match_pattern_list: 1 when a pattern matches, -1 when a negated (`!`) one does, else 0. */
export function matchPatternList(s: string, list: string): -1 | 0 | 1 {
  let verdict: -1 | 0 | 1 = 0;
  for (const p of list.split(',')) {
    if (p.startsWith('!')) {
      if (matchPattern(s, p.slice(1))) return -1;
    } else if (matchPattern(s, p)) verdict = 1;
  }
  return verdict;
}

/**
 * Why sshd would refuse this user's keys, or undefined when it accepts them. `user@host` patterns
 * only let a user in from some addresses: such a user counts as refused, since NestOS's sshd
 * would not know the restriction.
 */
export function sshdRefusal(view: SshdView, user: string, groups: readonly string[] | undefined): string | undefined {
  if (!view.pubkeyAuthentication) return 'sshd does not accept public keys for this user (PubkeyAuthentication no)';
  if (user === 'root') {
    if (view.permitRootLogin === 'no') return 'sshd refuses root logins (PermitRootLogin no)';
    if (view.permitRootLogin === 'forced-commands-only')
      return 'sshd lets root in only with forced-command keys (PermitRootLogin forced-commands-only), and those are not carried';
  }
  const userPart = (p: string) => p.split('@')[0]!;
  const limitedByHost = (p: string) => p.includes('@') && p.slice(p.indexOf('@') + 1) !== '*';
  const deny = view.denyUsers.find((p) => matchPattern(user, userPart(p)));
  if (deny !== undefined) return `sshd denies this user (DenyUsers ${deny})`;
  if (view.allowUsers.length > 0) {
    const allows = view.allowUsers.filter((p) => matchPattern(user, userPart(p)));
    if (allows.length === 0) return 'sshd does not allow this user (AllowUsers)';
    if (allows.every(limitedByHost)) return `sshd allows this user only from some addresses (AllowUsers ${allows.join(' ')})`;
  }
  if (view.denyGroups.length > 0 || view.allowGroups.length > 0) {
    if (groups === undefined) return "the user's groups could not be read to check AllowGroups/DenyGroups";
    // Like sshd's ga_match_pattern_list: the first group with any verdict decides, and only a
    // positive match counts (a negated one neither allows nor denies).
    const inAny = (patterns: string[]) =>
      patterns.find((p) => {
        for (const g of groups) {
          const verdict = matchPatternList(g, p);
          if (verdict !== 0) return verdict === 1;
        }
        return false;
      });
    const denied = inAny(view.denyGroups);
    if (denied !== undefined) return `sshd denies this user's group (DenyGroups ${denied})`;
    if (view.allowGroups.length > 0 && inAny(view.allowGroups) === undefined)
      return "sshd does not allow any of this user's groups (AllowGroups)";
  }
  return undefined;
}

/** sshd's percent_expand: every `%x` must be a known token, `%%` is a literal percent sign. */
export function expandTokens(s: string, tokens: Record<string, string>): { value: string } | { unknown: string } {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '%') {
      out += s[i];
      continue;
    }
    const t = s[i + 1] ?? '';
    i++;
    if (t === '%') out += '%';
    else if (t in tokens) out += tokens[t];
    else return { unknown: `%${t}` };
  }
  return { value: out };
}

/** An AuthorizedKeysFile entry as a path: tokens expanded, relative entries under the home directory. */
export function authorizedKeysPath(entry: string, account: Account): { path: string } | { problem: string } {
  const expanded = expandTokens(entry, { h: account.home, u: account.name, U: String(account.uid) });
  if ('unknown' in expanded) return { problem: `AuthorizedKeysFile ${entry} uses ${expanded.unknown}, which sshd does not know` };
  const p = expanded.value;
  return { path: p.startsWith('/') ? p : `${account.home.replace(/\/+$/, '')}/${p}` };
}

/** OpenSSH's argv_split: blanks separate, single and double quotes group, backslash escapes quotes, backslash and blank. */
export function splitCommand(s: string): string[] | undefined {
  const argv: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (i >= s.length) break;
    let arg = '';
    let quote = '';
    for (; i < s.length; i++) {
      const c = s[i]!;
      const next = s[i + 1];
      if (c === '\\' && (next === "'" || next === '"' || next === '\\' || (quote === '' && next === ' '))) {
        arg += next;
        i++;
      } else if (quote === '' && (c === ' ' || c === '\t')) break;
      else if (quote === '' && (c === '"' || c === "'")) quote = c;
      else if (quote !== '' && c === quote) quote = '';
      else arg += c;
    }
    if (quote !== '') return undefined;
    argv.push(arg);
  }
  return argv;
}

/** Tokens sshd knows in AuthorizedKeysCommand that only exist during a connection or for one offered key. */
const CONNECTION_TOKENS: Record<string, string> = {
  C: 'the connection',
  D: 'the routing domain',
  t: 'an offered key',
  f: 'an offered key',
  k: 'an offered key',
};

/**
 * The argv sshd would run for this user, or why it cannot be run ahead of a login. Tokens are only
 * expanded in the arguments, and a command without arguments gets the user name, as sshd does.
 */
export function keysCommandArgv(command: string, account: Account): { argv: string[] } | { problem: string } {
  const argv = splitCommand(command);
  if (argv === undefined || argv.length === 0) return { problem: `AuthorizedKeysCommand ${command} cannot be split into arguments` };
  if (!argv[0]!.startsWith('/')) return { problem: `AuthorizedKeysCommand ${argv[0]} is not an absolute path, so sshd does not run it` };
  if (argv.length === 1) return { argv: [argv[0]!, account.name] };
  const out = [argv[0]!];
  for (const arg of argv.slice(1)) {
    const needs = Object.keys(CONNECTION_TOKENS).find((t) => arg.replace(/%%/g, '').includes(`%${t}`));
    if (needs !== undefined)
      return {
        problem: `AuthorizedKeysCommand needs %${needs} (${CONNECTION_TOKENS[needs]}), so its keys cannot be listed ahead of a login`,
      };
    const expanded = expandTokens(arg, { u: account.name, U: String(account.uid), h: account.home });
    if ('unknown' in expanded) return { problem: `AuthorizedKeysCommand uses ${expanded.unknown}, which sshd does not know` };
    out.push(expanded.value);
  }
  return { argv: out };
}
