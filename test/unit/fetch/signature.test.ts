import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execRunner } from '../../../src/effects/exec.js';
import { hostGuard } from '../../../src/effects/guard.js';
import type { Http } from '../../../src/effects/http.js';
import { keyringFrom, verifySignatures } from '../../../src/fetch/signature.js';
import type { LocalArtifact } from '../../../src/model/artifacts.js';

// Real gpg makes a key and signatures in a throwaway GNUPGHOME; real gpgv checks them.
const work = mkdtempSync(path.join(tmpdir(), 'x2nestos-sig-'));
const home = path.join(work, 'gnupg');
const gpg = (...args: string[]) => {
  const r = spawnSync('gpg', ['--homedir', home, '--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args]);
  if (r.status !== 0) throw new Error(`gpg ${args.join(' ')}: ${r.stderr.toString()}`);
  return r.stdout;
};
const noHttp: Http = { get: () => Promise.reject(new Error('no network in this test')) };
const runner = execRunner(hostGuard({}));

function artifact(name: string, contents: string, signature?: string): LocalArtifact {
  const p = path.join(work, name);
  writeFileSync(p, contents);
  return {
    role: 'kernel',
    name,
    location: p,
    path: p,
    sizeBytes: contents.length,
    sha256: '0'.repeat(64),
    verified: true,
    ...(signature ? { signature } : {}),
  };
}

describe('detached signatures (--signing-key)', () => {
  let armored: string;
  beforeAll(() => {
    spawnSync('mkdir', ['-m', '700', '-p', home]);
    gpg('--quick-gen-key', 'NestOS test <test@example>', 'ed25519', 'sign', 'never');
    armored = path.join(work, 'key.asc');
    writeFileSync(armored, gpg('--export', '--armor'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const sign = (file: string) => {
    gpg('--detach-sign', '--output', `${file}.sig`, file);
    return `${file}.sig`;
  };

  it('dearmors a public key to the same packets gpg exports', async () => {
    expect(await keyringFrom(armored)).toEqual(gpg('--export'));
  });
  it('accepts artifacts signed by the key', async () => {
    const a = artifact('vmlinuz', 'kernel bytes');
    await expect(
      verifySignatures([{ ...a, signature: sign(a.path) }], armored, { http: noHttp, runner, workDir: work }),
    ).resolves.toBeUndefined();
  });
  it('refuses a changed artifact', async () => {
    const a = artifact('initrd', 'initramfs bytes');
    const sig = sign(a.path);
    writeFileSync(a.path, 'initramfs bytes, altered');
    await expect(verifySignatures([{ ...a, signature: sig }], armored, { http: noHttp, runner, workDir: work })).rejects.toMatchObject({
      kind: 'verification',
      message: expect.stringMatching(/is not signed by the key/),
    });
  });
  it('refuses, never skips, when the release has no signature', async () => {
    const a = artifact('rootfs', 'rootfs bytes');
    await expect(verifySignatures([a], armored, { http: noHttp, runner, workDir: work })).rejects.toThrow(
      /publishes no signature for the kernel/,
    );
  });
  it('refuses a signature by another key', async () => {
    const other = path.join(work, 'other-home');
    spawnSync('mkdir', ['-m', '700', '-p', other]);
    const g2 = (...args: string[]) =>
      spawnSync('gpg', ['--homedir', other, '--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args]);
    g2('--quick-gen-key', 'Someone else <x@example>', 'ed25519', 'sign', 'never');
    const a = artifact('other', 'bytes');
    g2('--detach-sign', '--output', `${a.path}.sig`, a.path);
    expect(readFileSync(`${a.path}.sig`).length).toBeGreaterThan(0);
    await expect(
      verifySignatures([{ ...a, signature: `${a.path}.sig` }], armored, { http: noHttp, runner, workDir: work }),
    ).rejects.toMatchObject({ kind: 'verification' });
  });
});
