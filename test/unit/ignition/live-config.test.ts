import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isX2Error } from '../../../src/errors.js';
import { decodeDataUrl } from '../../../src/ignition/data-url.js';
import { liveConfig } from '../../../src/ignition/live-config.js';
import { ignitionValidate } from './oracle.js';

const installer = 'dest-device: /dev/disk/by-id/wwn-0x5000c500a0b1c2d3\nignition-file: /etc/nestos/dest.ign\noffline: true\n';
const dest = '{"ignition":{"version":"3.3.0"},"passwd":{"users":[{"name":"nest","sshAuthorizedKeys":["ssh-ed25519 AAAA x"]}]}}\n';
const binary = new Uint8Array(randomBytes(4096));
const files = [
  { path: '/etc/nestos/installer.d/0010-x2nestos.yaml', mode: 0o600, contents: installer },
  { path: '/etc/nestos/dest.ign', mode: 0o600, contents: dest },
  { path: '/etc/x2nestos/blob.bin', mode: 0o644, contents: binary },
  { path: '/etc/x2nestos/empty', mode: 0o600, contents: '' },
];

describe('liveConfig', () => {
  it('passes the real ignition-validate without warnings', () => {
    const verdict = ignitionValidate(liveConfig(files));
    expect(verdict).toEqual({ ok: true, errors: [], warnings: [], unplaced: [] });
  });

  it('uses nothing newer than spec 3.0.0, so Ignition 2.9 (NestOS 22.03) reads it too', () => {
    const config = JSON.parse(liveConfig(files)) as { ignition: { version: string } };
    expect(config.ignition.version).toBe('3.2.0');
    config.ignition.version = '3.0.0';
    // An unknown field would show up as an "Unused key" warning under the older spec.
    expect(ignitionValidate(JSON.stringify(config))).toEqual({ ok: true, errors: [], warnings: [], unplaced: [] });
  });

  it('writes every file with overwrite, its mode, and contents that decode back byte for byte', () => {
    const config = JSON.parse(liveConfig(files)) as {
      storage: { files: { path: string; mode: number; overwrite: boolean; contents: { source: string } }[] };
    };
    expect(config.storage.files.map((f) => [f.path, f.mode, f.overwrite])).toEqual(files.map((f) => [f.path, f.mode, true]));
    config.storage.files.forEach((f, i) => {
      const original = files[i]!.contents;
      const expected = typeof original === 'string' ? new TextEncoder().encode(original) : original;
      expect(decodeDataUrl(f.contents.source).data).toEqual(expected);
    });
  });

  it('refuses paths Ignition would refuse, repeated paths and non-permission modes', () => {
    for (const bad of [
      [{ path: 'etc/x', mode: 0o600, contents: '' }],
      [{ path: '/etc/../x', mode: 0o600, contents: '' }],
      [
        { path: '/etc/x', mode: 0o600, contents: '' },
        { path: '/etc/x', mode: 0o600, contents: '' },
      ],
      [{ path: '/etc/x', mode: 0o4755, contents: '' }],
    ]) {
      let error: unknown;
      try {
        liveConfig(bad);
      } catch (e) {
        error = e;
      }
      expect(isX2Error(error) && error.kind === 'internal').toBe(true);
    }
  });
});
