/**
 * withSshKeys / withFiles checked against the real Ignition 2.14: the fetch stage renders the
 * wrapper exactly as on first boot (merges resolved), and the result must show the user's config
 * untouched plus our additions.
 */
import { describe, expect, it } from 'vitest';
import { isX2Error } from '../../../src/errors.js';
import { withFiles, withSshKeys } from '../../../src/ignition/augment.js';
import { decodeDataUrl } from '../../../src/ignition/data-url.js';
import { ignitionFetch, ignitionValidate } from './oracle.js';

const USER_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH7C97gUSERKEYUSERKEYUSERKEYUSERKEYUSERKEY user@laptop';
const HOST_KEY_1 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOLDHOSTKEY1OLDHOSTKEY1OLDHOSTKEY1OLDHOSTKE admin@old-host';
const HOST_KEY_2 = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQOLDHOSTRSA admin@old-host';

/** A user's config as people write it: odd spacing, an unknown key, a second user, units, files. */
const USER_CONFIG = `{
  "ignition": { "version": "3.3.0" },
  "passwd": { "users": [
    { "name": "nest", "passwordHash": "$6$salt$hash", "groups": ["docker"], "sshAuthorizedKeys": ["${USER_KEY}"] },
    { "name": "ops", "uid": 1500 }
  ] },
  "storage": { "files": [
    { "path": "/etc/motd", "mode": 420, "contents": { "source": "data:,managed%20by%20ignition%0A" } }
  ], "links": [ { "path": "/etc/localtime", "target": "../usr/share/zoneinfo/UTC" } ] },
  "systemd": { "units": [ { "name": "app.service", "enabled": true, "contents": "[Service]\\nExecStart=/bin/true\\n[Install]\\nWantedBy=multi-user.target\\n" } ] },
  "x-note": "kept as written"
}
`;

type Rendered = {
  passwd?: { users?: { name: string; sshAuthorizedKeys?: string[] }[] };
  storage?: { files?: { path: string; contents?: { source?: string } }[] };
};
const rendered = (text: string): Rendered => ignitionFetch(text) as Rendered;
const user = (r: Rendered, name: string): Record<string, unknown> | undefined => r.passwd?.users?.find((u) => u.name === name);
const fileText = (r: Rendered, p: string): string | undefined => {
  const source = r.storage?.files?.find((f) => f.path === p)?.contents?.source;
  return source === undefined ? undefined : new TextDecoder().decode(decodeDataUrl(source).data);
};
const innerOf = (wrapper: string): string => {
  const merge = (JSON.parse(wrapper) as { ignition: { config: { merge: { source: string }[] } } }).ignition.config.merge;
  expect(merge).toHaveLength(1);
  return new TextDecoder().decode(decodeDataUrl(merge[0]!.source).data);
};

describe('withSshKeys and withFiles, rendered by the real Ignition', () => {
  it("gives nest the user's and the added keys and leaves every other setting as the user wrote it", () => {
    const out = withSshKeys(USER_CONFIG, 'nest', [HOST_KEY_1, HOST_KEY_2, USER_KEY]);
    expect(ignitionValidate(out)).toMatchObject({ ok: true, errors: [] });
    expect(innerOf(out)).toBe(USER_CONFIG);

    const before = rendered(USER_CONFIG);
    const after = rendered(out);
    const nest = user(after, 'nest') as { sshAuthorizedKeys: string[] };
    expect([...nest.sshAuthorizedKeys].sort()).toEqual([HOST_KEY_1, HOST_KEY_2, USER_KEY].sort());
    // Everything else renders exactly as the user's config alone.
    expect({ ...nest, sshAuthorizedKeys: [] }).toEqual({ ...(user(before, 'nest') as object), sshAuthorizedKeys: [] });
    const { passwd: _p1, ignition: _i1, ...restAfter } = after as Record<string, unknown>;
    const { passwd: _p2, ignition: _i2, ...restBefore } = before as Record<string, unknown>;
    expect(restAfter).toEqual(restBefore);
    expect(user(after, 'ops')).toEqual(user(before, 'ops'));
  });

  it("creates the nest entry when the user's config has none", () => {
    const out = withSshKeys('{"ignition":{"version":"3.0.0"}}', 'nest', [HOST_KEY_1]);
    expect(JSON.parse(out)).toMatchObject({ ignition: { version: '3.0.0' } });
    expect(user(rendered(out), 'nest')).toEqual({ name: 'nest', sshAuthorizedKeys: [HOST_KEY_1] });
  });

  it('adds files the user does not define, and never one the user defines (skipExisting)', () => {
    const hostname = { path: '/etc/hostname', mode: 0o644, contents: 'old-host\n' };
    const hostKey = { path: '/etc/ssh/ssh_host_ed25519_key', mode: 0o600, contents: new Uint8Array([1, 2, 3, 0, 255]) };
    const out = withFiles(USER_CONFIG, [hostname, hostKey]);
    expect(ignitionValidate(out).ok).toBe(true);
    const r = rendered(out);
    expect(fileText(r, '/etc/hostname')).toBe('old-host\n');
    expect(fileText(r, '/etc/motd')).toBe('managed by ignition\n');

    const userHostname = USER_CONFIG.replace('"path": "/etc/motd"', '"path": "/etc/hostname"');
    expect(withFiles(userHostname, [hostname])).toBe(userHostname);
    const onlyKey = withFiles(userHostname, [hostname, hostKey]);
    expect((JSON.parse(onlyKey) as { storage: { files: { path: string }[] } }).storage.files.map((f) => f.path)).toEqual([
      '/etc/ssh/ssh_host_ed25519_key',
    ]);
    expect(fileText(rendered(onlyKey), '/etc/hostname')).toBe('managed by ignition\n');
  });

  it("lets the user's definition win even when skipExisting is off (Ignition merges the user's config last)", () => {
    const userHostname = USER_CONFIG.replace('"path": "/etc/motd"', '"path": "/etc/hostname"');
    const out = withFiles(userHostname, [{ path: '/etc/hostname', mode: 0o644, contents: 'old-host\n' }], { skipExisting: false });
    expect(out).not.toBe(userHostname);
    expect(fileText(rendered(out), '/etc/hostname')).toBe('managed by ignition\n');
  });

  it("composes without nesting: both additions in one wrapper around the user's exact bytes", () => {
    const out = withFiles(withSshKeys(USER_CONFIG, 'nest', [HOST_KEY_1]), [{ path: '/etc/hostname', mode: 0o644, contents: 'old-host\n' }]);
    expect(innerOf(out)).toBe(USER_CONFIG);
    const again = withSshKeys(out, 'nest', [HOST_KEY_1, HOST_KEY_2]);
    expect(innerOf(again)).toBe(USER_CONFIG);
    expect(withSshKeys(again, 'nest', [HOST_KEY_2])).toBe(again);
    const r = rendered(again);
    expect([...(user(r, 'nest') as { sshAuthorizedKeys: string[] }).sshAuthorizedKeys].sort()).toEqual(
      [HOST_KEY_1, HOST_KEY_2, USER_KEY].sort(),
    );
    expect(fileText(r, '/etc/hostname')).toBe('old-host\n');
  });

  it("keeps the additions when the user's config replaces itself", () => {
    const real = JSON.stringify({ ignition: { version: '3.3.0' }, passwd: { users: [{ name: 'nest', sshAuthorizedKeys: [USER_KEY] }] } });
    const replacing = JSON.stringify({
      ignition: { version: '3.3.0', config: { replace: { source: `data:;base64,${Buffer.from(real).toString('base64')}` } } },
      passwd: { users: [{ name: 'nest', sshAuthorizedKeys: ['ssh-ed25519 AAAAreplacedaway'] }] },
    });
    const nest = user(rendered(withSshKeys(replacing, 'nest', [HOST_KEY_1])), 'nest') as { sshAuthorizedKeys: string[] };
    expect([...nest.sshAuthorizedKeys].sort()).toEqual([HOST_KEY_1, USER_KEY].sort());
  });

  it('refuses to augment an invalid config', () => {
    let error: unknown;
    try {
      withSshKeys('{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"rel"}]}}', 'nest', [HOST_KEY_1]);
    } catch (e) {
      error = e;
    }
    expect(isX2Error(error) && error.kind === 'ignition' && error.details).toEqual(['$.storage.files[0].path: path not absolute']);
  });
});
