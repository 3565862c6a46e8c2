/**
 * applyIdentity judged by the real Ignition 2.14: ignition-validate accepts the result, and the
 * fetch stage (which performs Ignition's own merge, see test/unit/ignition/oracle.ts) renders a
 * `nest` user holding both the user's keys and the inherited ones, with everything else unchanged.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyIdentity } from '../../../src/identity/apply.js';
import { inheritableKeys, type InheritedKey } from '../../../src/identity/authorized-keys.js';
import type { HostKeyFile } from '../../../src/identity/host-keys.js';
import { decodeDataUrl } from '../../../src/ignition/data-url.js';
import { ignitionFetch, ignitionValidate } from '../ignition/oracle.js';
import { fakeHost, keyFixture } from './fake-host.js';
import { fileHost } from './scenarios.js';

const USER_KEY = keyFixture('deploy_ed25519');
const USER_CONFIG = `{
  "ignition": { "version": "3.2.0" },
  "passwd": { "users": [
    { "name": "nest", "groups": ["docker"], "sshAuthorizedKeys": ["${USER_KEY}"] },
    { "name": "ops", "uid": 1500, "sshAuthorizedKeys": ["${keyFixture('bob_ecdsa521')}"] }
  ] },
  "storage": { "files": [ { "path": "/etc/motd", "mode": 420, "contents": { "source": "data:,hello%0A" } } ] }
}
`;

interface Rendered {
  passwd?: { users?: { name: string; groups?: string[]; sshAuthorizedKeys?: string[] }[] };
  storage?: { files?: { path: string; mode?: number; contents?: { source?: string } }[] };
}
const render = (text: string) => ignitionFetch(text) as Rendered;
const userOf = (r: Rendered, name: string) => r.passwd?.users?.find((u) => u.name === name);
const fileOf = (r: Rendered, p: string) => {
  const f = r.storage?.files?.find((x) => x.path === p);
  return f === undefined ? undefined : { mode: f.mode, text: new TextDecoder().decode(decodeDataUrl(f.contents!.source!).data) };
};

let inherited: InheritedKey[];
let hostKeyFiles: HostKeyFile[];
beforeAll(async () => {
  inherited = (await inheritableKeys(fakeHost(fileHost()))).keys;
  const dir = mkdtempSync(path.join(tmpdir(), 'x2n-apply-'));
  hostKeyFiles = [];
  for (const type of ['ed25519', 'rsa']) {
    const file = path.join(dir, `ssh_host_${type}_key`);
    const r = spawnSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', '', '-f', file]);
    if (r.status !== 0) throw new Error('ssh-keygen failed: apt-get install -y openssh-client');
    hostKeyFiles.push({ path: `/etc/ssh/ssh_host_${type}_key`, mode: 0o600, contents: readFileSync(file, 'utf8') });
    hostKeyFiles.push({ path: `/etc/ssh/ssh_host_${type}_key.pub`, mode: 0o644, contents: readFileSync(`${file}.pub`, 'utf8') });
  }
});

describe('applyIdentity, rendered by the real Ignition', () => {
  it("gives nest the inherited keys next to the user's own, and writes hostname and host keys", () => {
    const { text, additions } = applyIdentity(USER_CONFIG, { keys: inherited, hostKeyFiles, hostname: 'web-01' });
    expect(ignitionValidate(text)).toMatchObject({ ok: true, errors: [], warnings: [] });

    const before = render(USER_CONFIG);
    const after = render(text);
    const nest = userOf(after, 'nest')!;
    expect([...nest.sshAuthorizedKeys!].sort()).toEqual([USER_KEY, ...inherited.map((k) => k.key)].sort());
    expect(nest.groups).toEqual(['docker']);
    expect(userOf(after, 'ops')).toEqual(userOf(before, 'ops'));
    expect(fileOf(after, '/etc/motd')).toEqual(fileOf(before, '/etc/motd'));
    expect(fileOf(after, '/etc/hostname')).toEqual({ mode: 0o644, text: 'web-01\n' });
    for (const f of hostKeyFiles) expect(fileOf(after, f.path)).toEqual({ mode: f.mode, text: f.contents });

    expect(additions).toEqual([
      ...inherited.map((k) => `ssh key for nest: ${k.fingerprint} (${k.type}, from ${k.user}'s ${k.source})`),
      '/etc/hostname = web-01',
      'SSH host keys: ed25519, rsa',
    ]);
    expect(additions).toContain(`ssh key for nest: ${inherited[0]!.fingerprint} (ssh-ed25519, from root's /root/.ssh/authorized_keys)`);
  });

  it('keeps what the user wrote: keys nest already has, their hostname, their half of a host key pair', () => {
    // The user already gives nest alice's key (under another comment) and writes /etc/hostname
    // and an RSA host public key of their own.
    const alice = inherited.find((k) => k.type === 'ecdsa-sha2-nistp256')!;
    const own = USER_CONFIG.replace(
      `"${USER_KEY}"`,
      `"${USER_KEY}", "${alice.key.split(' ').slice(0, 2).join(' ')} alice on her desk"`,
    ).replace(
      '"path": "/etc/motd"',
      '"path": "/etc/hostname", "overwrite": true, "contents": { "source": "data:,mine%0A" } }, { "path": "/etc/ssh/ssh_host_rsa_key.pub"',
    );
    expect(ignitionValidate(own).ok).toBe(true);
    const { text, additions } = applyIdentity(own, { keys: inherited, hostKeyFiles, hostname: 'web-01' });
    expect(additions.filter((a) => a.includes(alice.fingerprint))).toEqual([]);
    expect(additions).not.toContain('/etc/hostname = web-01');
    expect(additions).toContain('SSH host keys: ed25519');
    expect(additions).toContain('SSH host keys not carried, the config writes its own: rsa');

    const after = render(text);
    expect(userOf(after, 'nest')!.sshAuthorizedKeys!.filter((k) => k.startsWith('ecdsa-sha2-nistp256'))).toHaveLength(1);
    expect(fileOf(after, '/etc/hostname')?.text).toBe('mine\n');
    expect(fileOf(after, '/etc/ssh/ssh_host_rsa_key')).toBeUndefined();
    expect(fileOf(after, '/etc/ssh/ssh_host_ed25519_key')?.mode).toBe(0o600);
  });

  it('changes nothing when there is nothing to add, and never shows key material in the plan lines', () => {
    expect(applyIdentity(USER_CONFIG, { keys: [], hostKeyFiles: [] })).toEqual({ text: USER_CONFIG, additions: [] });
    const { additions } = applyIdentity(USER_CONFIG, { keys: inherited, hostKeyFiles });
    const material = [
      ...inherited.map((k) => k.key.split(' ')[1]!),
      ...hostKeyFiles.flatMap((f) => f.contents.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))),
    ];
    for (const m of material) expect(additions.join('\n')).not.toContain(m.slice(0, 40));
  });

  it('applies to a spec 3.0.0 config without a nest user', () => {
    const { text } = applyIdentity('{"ignition":{"version":"3.0.0"}}', { keys: inherited.slice(0, 1), hostKeyFiles: [] });
    expect(ignitionValidate(text).ok).toBe(true);
    expect(userOf(render(text), 'nest')).toEqual({ name: 'nest', sshAuthorizedKeys: [inherited[0]!.key] });
  });
});
