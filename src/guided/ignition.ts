/**
 * Step 4: the Ignition config NestOS boots with. A URL, a file here, or one built from a few answers:
 * SSH keys for `nest` (this host's, pasted, or from a file), an optional console password (hashed
 * here; the password itself goes nowhere) and the hostname. Keys and files are checked as they are
 * given, so a config that would lock the user out is refused at the question, not after it.
 */
import path from 'node:path';
import { parseAuthorizedKeyLine } from '../ignition/authorized-key.js';
import { validateIgnition } from '../ignition/validate.js';
import type { Translator } from '../i18n/translate.js';
import { buildIgnition, hostnameProblem } from './built-ignition.js';
import type { Prompter } from './prompter.js';

export type IgnitionAnswer =
  /** Given on the command line (--ignition): not asked. */
  | { kind: 'given'; source: string }
  | { kind: 'url'; url: string; allowHttp: boolean }
  | { kind: 'file'; path: string }
  | {
      kind: 'build';
      /** The config to write; holds keys and a password hash, never logged. */
      text: string;
      /** Also give `nest` the keys that log in to this host now (--inherit-ssh-keys). */
      inheritKeys: boolean;
      keyCount: number;
      password: boolean;
      hostname: string;
    };

export interface IgnitionHost {
  cwd: string;
  hostname: string;
  readFile(path: string): Promise<Uint8Array>;
  /** Keys that log in as root or a sudo user here now, as --inherit-ssh-keys would carry them. */
  inheritableKeys(): Promise<{ keys: { user: string; fingerprint: string }[]; notes: string[] }>;
  hashPassword(password: string): string;
}

const MIN_PASSWORD = 8;

export async function askIgnition(ask: Prompter, tr: Translator, host: IgnitionHost, given?: string): Promise<IgnitionAnswer> {
  const { t } = tr;
  if (given) {
    ask.say(t('Ignition config: {source} (given on the command line)', { source: given }));
    return { kind: 'given', source: given };
  }
  const how = await ask.select<'build' | 'url' | 'file'>({
    message: t('Ignition config for NestOS (users, SSH keys, files)'),
    default: 'build',
    choices: [
      {
        value: 'build',
        name: t('Build one for me'),
        description: t('user nest with SSH keys, an optional console password, the hostname'),
      },
      { value: 'url', name: t('From a URL') },
      { value: 'file', name: t('From a file on this host') },
    ],
  });
  if (how === 'url') return askUrl(ask, tr);
  if (how === 'file') return askFile(ask, tr, host);
  return askBuild(ask, tr, host);
}

async function askUrl(ask: Prompter, tr: Translator): Promise<IgnitionAnswer> {
  const { t } = tr;
  const url = (
    await ask.input({
      message: t('URL of the Ignition config'),
      validate: (value) =>
        /^https?:\/\/\S+$/i.test(value.trim()) && URL.canParse(value.trim()) ? true : t('give an http:// or https:// URL'),
    })
  ).trim();
  if (!/^http:/i.test(url)) return { kind: 'url', url, allowHttp: false };
  const allowHttp = await ask.confirm({
    message: t('This URL is plain http: anyone on the path could change the config. Use it anyway?'),
    default: false,
  });
  return allowHttp ? { kind: 'url', url, allowHttp } : askUrl(ask, tr);
}

async function askFile(ask: Prompter, tr: Translator, host: IgnitionHost): Promise<IgnitionAnswer> {
  const { t } = tr;
  let resolved = '';
  await ask.input({
    message: t('Path of the Ignition config file'),
    validate: async (value) => {
      const p = path.resolve(host.cwd, value.trim());
      let bytes: Uint8Array;
      try {
        bytes = await host.readFile(p);
      } catch {
        return t('cannot read {path}', { path: p });
      }
      const report = validateIgnition(bytes);
      const first = report.errors[0];
      if (!report.ok) return t('not a valid Ignition config: {problem}', { problem: first ? `${first.path}: ${first.message}` : '?' });
      resolved = p;
      return true;
    },
  });
  return { kind: 'file', path: resolved };
}

async function askBuild(ask: Prompter, tr: Translator, host: IgnitionHost): Promise<IgnitionAnswer> {
  const { t, msg } = tr;
  const inherited = await host.inheritableKeys();
  const users = [...new Set(inherited.keys.map((k) => k.user))];
  const source = await ask.select<'inherit' | 'paste' | 'file'>({
    message: t('SSH keys for user nest (NestOS allows SSH with keys only)'),
    default: inherited.keys.length > 0 ? 'inherit' : 'paste',
    choices: [
      inherited.keys.length > 0
        ? {
            value: 'inherit',
            name: t("This host's keys ({count}, of {users})", { count: inherited.keys.length, users: users.join(', ') }),
            description: t('the keys that log in as root or a sudo user here now'),
          }
        : // Shown, not hidden: a user looking for their keys learns why they are not offered.
          { value: 'inherit', name: t("This host's keys"), disabled: t('no key logs in as root or a sudo user here') },
      { value: 'paste', name: t('Paste a public key') },
      { value: 'file', name: t('Read public keys from a file') },
    ],
  });
  let keys: string[] = [];
  if (source === 'paste') {
    const line = await ask.input({
      message: t('Public key (ssh-ed25519 AAAA... comment)'),
      validate: (value) => {
        const parsed = parseAuthorizedKeyLine(value);
        if ('key' in parsed) return true;
        return 'problem' in parsed ? msg(parsed.problem) : t('paste one line: key type, key data, optional comment');
      },
    });
    keys = [line.trim()];
  } else if (source === 'file') {
    await ask.input({
      message: t('File with public keys (one per line, like authorized_keys)'),
      validate: async (value) => {
        const p = path.resolve(host.cwd, value.trim());
        let text: string;
        try {
          text = Buffer.from(await host.readFile(p)).toString('utf8');
        } catch {
          return t('cannot read {path}', { path: p });
        }
        const lines = text.split(/\r?\n/).map((l) => ({ line: l.trim(), parsed: parseAuthorizedKeyLine(l) }));
        const good = lines.filter((l) => 'key' in l.parsed).map((l) => l.line);
        if (good.length === 0) {
          const problem = lines.map((l) => l.parsed).find((p): p is { problem: string } => 'problem' in p);
          return t('no usable public key in {path}{problem}', { path: p, problem: problem ? ` (${msg(problem.problem)})` : '' });
        }
        keys = good;
        return true;
      },
    });
  }

  let passwordHash: string | undefined;
  if (await ask.confirm({ message: t('Also set a console password for nest? (SSH stays key-only)'), default: false })) {
    const password = await ask.password({
      message: t('Console password for nest'),
      validate: (value) => (value.length >= MIN_PASSWORD ? true : t('use at least {count} characters', { count: MIN_PASSWORD })),
    });
    await ask.password({
      message: t('The same password again'),
      validate: (value) => (value === password ? true : t('the two passwords differ')),
    });
    passwordHash = host.hashPassword(password);
  }

  const suggested = host.hostname && host.hostname !== 'localhost' ? host.hostname : undefined;
  const hostname = (
    await ask.input({
      message: t('Hostname of the NestOS system'),
      ...(suggested ? { default: suggested } : {}),
      validate: (value) => {
        const problem = hostnameProblem(value.trim());
        return problem === undefined ? true : msg(problem);
      },
    })
  ).trim();

  const text = buildIgnition({ sshKeys: keys, ...(passwordHash ? { passwordHash } : {}), hostname });
  return {
    kind: 'build',
    text,
    inheritKeys: source === 'inherit',
    keyCount: source === 'inherit' ? inherited.keys.length : keys.length,
    password: passwordHash !== undefined,
    hostname,
  };
}
