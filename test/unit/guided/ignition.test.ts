/**
 * Step 4, the Ignition config: a URL, a file, or one built from answers. Keys and files are refused
 * at the question with the reason; the built config passes the real `ignition-validate` (Ignition
 * 2.14, as NestOS ships it) and carries the password only as a SHA-512 crypt hash.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { askIgnition, type IgnitionHost } from '../../../src/guided/ignition.js';
import { buildIgnition, hostnameProblem } from '../../../src/guided/built-ignition.js';
import { isPromptInterrupt } from '../../../src/guided/prompter.js';
import { hashPassword, sha512Crypt } from '../../../src/guided/sha512-crypt.js';
import { english } from '../../../src/i18n/translate.js';
import { validateIgnition } from '../../../src/ignition/validate.js';
import { answer, drive, shows, type Shown } from './drive.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO+cZGxEZWNEQHNj2tHRpvh0+6KC7Q6j0DemPx26L/xR admin@example';
const KEYS_DIR = path.resolve(import.meta.dirname, '../../fixtures/ignition/keys');
const dir = mkdtempSync(path.join(tmpdir(), 'x2nestos-guided-ign-'));
function host(over: Partial<IgnitionHost> = {}): IgnitionHost {
  return {
    cwd: dir,
    hostname: 'web-01',
    readFile: (p) => Promise.resolve(readFileSync(p)),
    inheritableKeys: async () => ({ keys: [], notes: [] }),
    hashPassword: (pw) => hashPassword(pw),
    ...over,
  };
}

const clear = (p: Shown, n = 80) => {
  for (let i = 0; i < n; i++) p.events.keypress('backspace');
};

function ignitionValidate(text: string): { status: number | null; out: string } {
  const file = path.join(dir, `check-${Math.random()}.ign`);
  writeFileSync(file, text);
  const r = spawnSync('ignition-validate', [file], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('guided: Ignition step', () => {
  it('builds a config from a pasted key, a console password and the hostname, refusing bad answers on the way', async () => {
    const d = await drive();
    const step = askIgnition(d.ask, english, host());
    const how = await d.next();
    expect(shows(how, '❯ Build one for me')).toBe(true);
    expect(shows(how, 'From a URL')).toBe(true);
    how.events.keypress('enter');

    const source = await d.next();
    // Nothing to inherit: the choice stays visible, disabled, with the reason instead of a count of 0.
    expect(shows(source, "- This host's keys (no key logs in as root or a sudo user here)")).toBe(true);
    expect(source.getScreen()).not.toMatch(/0, of/);
    expect(shows(source, '❯ Paste a public key')).toBe(true);
    source.events.keypress('enter');

    const paste = await d.next();
    answer(paste, 'ssh-dss AAAAB3NzaC1kc3MAAACBAP');
    await vi.waitFor(() => expect(shows(paste, 'DSA keys are refused by the OpenSSH in NestOS')).toBe(true));
    clear(paste);
    answer(paste, 'hello world');
    await vi.waitFor(() => expect(shows(paste, 'not an OpenSSH public key (unknown key type)')).toBe(true));
    clear(paste);
    answer(paste, KEY);

    const wantPassword = await d.next();
    expect(shows(wantPassword, 'Also set a console password for nest? (SSH stays key-only) (y/N)')).toBe(true);
    answer(wantPassword, 'y');
    const pw = await d.next();
    answer(pw, 'short');
    await vi.waitFor(() => expect(shows(pw, 'use at least 8 characters')).toBe(true));
    expect(pw.getScreen()).not.toContain('short');
    clear(pw);
    answer(pw, 'correct horse');
    const again = await d.next();
    answer(again, 'correct horsE');
    await vi.waitFor(() => expect(shows(again, 'the two passwords differ')).toBe(true));
    clear(again);
    answer(again, 'correct horse');

    const name = await d.next();
    expect(shows(name, 'Hostname of the NestOS system (web-01)')).toBe(true);
    answer(name, 'bad_name');
    await vi.waitFor(() => expect(shows(name, 'use letters, digits and hyphens')).toBe(true));
    clear(name, 'bad_name'.length); // one more would clear the default too
    name.events.keypress('enter'); // the default: this host's name

    const result = await step;
    expect(result).toMatchObject({ kind: 'build', inheritKeys: false, keyCount: 1, password: true, hostname: 'web-01' });
    if (result.kind !== 'build') throw new Error('unreachable');
    expect(result.text).not.toContain('correct horse');
    const report = validateIgnition(result.text);
    expect(report.ok).toBe(true);
    const users = (report.config!.passwd as { users: { name: string; sshAuthorizedKeys: string[]; passwordHash: string }[] }).users;
    expect(users[0]).toMatchObject({ name: 'nest', sshAuthorizedKeys: [KEY] });
    const salt = users[0]!.passwordHash.split('$')[2]!;
    expect(users[0]!.passwordHash).toBe(sha512Crypt('correct horse', salt));
    expect(result.text).toContain('data:,web-01%0A');
  });

  it('builds configs the real ignition-validate accepts', () => {
    for (const text of [
      buildIgnition({ sshKeys: [KEY], passwordHash: sha512Crypt('pw', 'abcdefgh'), hostname: 'node-1.example.com' }),
      buildIgnition({ sshKeys: [], hostname: 'x' }),
      buildIgnition({ sshKeys: [KEY, readFileSync(path.join(KEYS_DIR, 'rsa3072.pub'), 'utf8').trim()] }),
    ]) {
      const r = ignitionValidate(text);
      expect(r.out).toBe('');
      expect(r.status).toBe(0);
    }
  });

  it("offers this host's keys when there are some, and then carries them with --inherit-ssh-keys", async () => {
    const d = await drive();
    const step = askIgnition(
      d.ask,
      english,
      host({
        inheritableKeys: async () => ({
          keys: [
            { user: 'root', fingerprint: 'SHA256:a' },
            { user: 'alice', fingerprint: 'SHA256:b' },
          ],
          notes: [],
        }),
      }),
    );
    (await d.next()).events.keypress('enter');
    const source = await d.next();
    expect(shows(source, "❯ This host's keys (2, of root, alice)")).toBe(true);
    source.events.keypress('enter');
    answer(await d.next(), 'n');
    answer(await d.next(), 'nestos-1');
    const result = await step;
    expect(result).toMatchObject({ kind: 'build', inheritKeys: true, keyCount: 2, password: false, hostname: 'nestos-1' });
    expect(validateIgnition((result as { text: string }).text).ok).toBe(true);
  });

  it('reads keys from a file, refusing a file without a usable key', async () => {
    const keyFile = path.join(dir, 'keys.pub');
    writeFileSync(
      keyFile,
      `# admins\n${readFileSync(path.join(KEYS_DIR, 'ed25519.pub'), 'utf8')}garbage line\n${readFileSync(path.join(KEYS_DIR, 'ecdsa256.pub'), 'utf8')}`,
    );
    const junk = path.join(dir, 'junk.pub');
    writeFileSync(junk, 'ssh-rsa AAAA!!!\n');
    const d = await drive();
    const step = askIgnition(d.ask, english, host());
    (await d.next()).events.keypress('enter');
    const source = await d.next();
    source.events.keypress('down');
    source.events.keypress('enter');
    const file = await d.next();
    answer(file, 'missing.pub');
    await vi.waitFor(() => expect(shows(file, `cannot read ${path.join(dir, 'missing.pub')}`)).toBe(true));
    clear(file);
    answer(file, 'junk.pub');
    await vi.waitFor(() => expect(shows(file, `no usable public key in ${junk} (the ssh-rsa key data is not base64)`)).toBe(true));
    clear(file);
    answer(file, 'keys.pub');
    answer(await d.next(), 'n');
    (await d.next()).events.keypress('enter');
    const result = await step;
    expect(result).toMatchObject({ kind: 'build', keyCount: 2 });
    const users = (validateIgnition((result as { text: string }).text).config!.passwd as { users: { sshAuthorizedKeys: string[] }[] })
      .users;
    expect(users[0]!.sshAuthorizedKeys).toHaveLength(2);
  });

  it('takes an https URL at once, and a plain http one only once the risk is accepted', async () => {
    const d = await drive();
    const step = askIgnition(d.ask, english, host());
    const how = await d.next();
    how.events.keypress('down');
    how.events.keypress('enter');
    const url = await d.next();
    answer(url, 'ftp://x/y.ign');
    await vi.waitFor(() => expect(shows(url, 'give an http:// or https:// URL')).toBe(true));
    clear(url);
    answer(url, 'http://10.0.0.1/node.ign');
    const risk = await d.next();
    expect(shows(risk, 'This URL is plain http: anyone on the path could change the config. Use it anyway? (y/N)')).toBe(true);
    risk.events.keypress('enter'); // no: asked again
    answer(await d.next(), 'https://example.com/node.ign');
    await expect(step).resolves.toEqual({ kind: 'url', url: 'https://example.com/node.ign', allowHttp: false });
  });

  it('takes a file only when it is a valid Ignition config', async () => {
    writeFileSync(path.join(dir, 'bad.ign'), '{"ignition":{"version":"2.2.0"}}');
    writeFileSync(path.join(dir, 'node.ign'), buildIgnition({ sshKeys: [KEY] }));
    const d = await drive();
    const step = askIgnition(d.ask, english, host());
    const how = await d.next();
    how.events.keypress('down');
    how.events.keypress('down');
    how.events.keypress('enter');
    const file = await d.next();
    answer(file, 'bad.ign');
    await vi.waitFor(() => expect(shows(file, 'not a valid Ignition config: ')).toBe(true));
    clear(file);
    answer(file, 'node.ign');
    await expect(step).resolves.toEqual({ kind: 'file', path: path.join(dir, 'node.ign') });
  });

  it('ends on Ctrl-C at the password with an interrupt', async () => {
    const d = await drive();
    const step = askIgnition(d.ask, english, host());
    (await d.next()).events.keypress('enter');
    (await d.next()).events.keypress('enter');
    answer(await d.next(), KEY);
    answer(await d.next(), 'y');
    (await d.next()).events.keypress({ name: 'c', ctrl: true });
    expect(isPromptInterrupt(await step.catch((x: unknown) => x))).toBe(true);
  });

  it('knows a host name when it sees one', () => {
    expect(hostnameProblem('node-1.example.com')).toBeUndefined();
    expect(hostnameProblem('')).toBe('the hostname is empty');
    expect(hostnameProblem('-x')).toMatch(/letters, digits and hyphens/);
    expect(hostnameProblem('a'.repeat(65))).toBe('a hostname has at most 64 characters');
  });
});

describe('guided: Ignition given on the command line', () => {
  it('is not asked for again', async () => {
    const d = await drive();
    await expect(askIgnition(d.ask, english, host(), '/srv/node.ign')).resolves.toEqual({ kind: 'given', source: '/srv/node.ign' });
    expect(d.said).toEqual(['Ignition config: /srv/node.ign (given on the command line)']);
  });
});
