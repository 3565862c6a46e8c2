/**
 * Detached OpenPGP signatures, checked only when the user names a key (--signing-key): no NestOS
 * signing key is published, so integrity normally rests on the sha256 from the stream. When a key is
 * given, every artifact must carry a valid signature by it; a missing signature is an error, never a
 * silent fallback. The check is gpgv's (present wherever apt or rpm verify packages), fed a
 * one-key keyring so no other trust on the host counts.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { X2Error } from '../errors.js';
import type { Http } from '../effects/http.js';
import type { Runner } from '../effects/runner.js';
import type { LocalArtifact } from '../model/artifacts.js';
import { isRemote } from '../model/location.js';

const MAX_SIGNATURE_BYTES = 64 * 1024;

export async function verifySignatures(
  artifacts: LocalArtifact[],
  keyFile: string,
  deps: { http: Http; runner: Runner; workDir: string; signal?: AbortSignal },
): Promise<void> {
  const keyring = await keyringFrom(keyFile);
  const scratch = await mkdtemp(path.join(deps.workDir, '.gpgv-'));
  try {
    const keyringPath = path.join(scratch, 'key.gpg');
    await writeFile(keyringPath, keyring, { mode: 0o600 });
    for (const a of artifacts) {
      if (!a.signature) {
        throw new X2Error('verification', `--signing-key was given but the release publishes no signature for the ${a.role} (${a.name})`, {
          remedy: 'use a signed release, or drop --signing-key (integrity then rests on the sha256 from the stream or --*-sha256)',
        });
      }
      const sigPath = path.join(scratch, `${a.name}.sig`);
      await writeFile(sigPath, await signatureBytes(a.signature, deps), { mode: 0o600 });
      const r = await deps.runner.probe(['gpgv', '--keyring', keyringPath, sigPath, a.path], { allowFailure: true, timeoutMs: 600_000 });
      if (r.notFound)
        throw new X2Error('precondition', 'gpgv is not installed, so --signing-key cannot be checked', {
          remedy: 'install gnupg (gpgv), or drop --signing-key',
        });
      if (r.exitCode !== 0) {
        throw new X2Error('verification', `the ${a.role} (${a.name}) is not signed by the key in ${keyFile}`, {
          remedy: 'check --signing-key and the mirror; do not convert from this release',
          details: r.stderr.trim().split('\n'),
        });
      }
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function signatureBytes(location: string, deps: { http: Http; signal?: AbortSignal }): Promise<Buffer> {
  if (!isRemote(location)) return readFile(location);
  const res = await deps.http.get(location, deps.signal ? { signal: deps.signal } : {});
  if (res.status !== 200) {
    await res.cancel();
    throw new X2Error('network', `fetching the signature ${location} failed with HTTP ${res.status}`, { remedy: 'check the mirror' });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > MAX_SIGNATURE_BYTES)
      throw new X2Error('verification', `the signature ${location} is larger than any detached signature`, { remedy: 'check the mirror' });
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** An armored or binary public key → binary OpenPGP packets, which gpgv takes as a keyring. */
export async function keyringFrom(keyFile: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(keyFile);
  } catch (e) {
    throw new X2Error('usage', `cannot read --signing-key ${keyFile}: ${(e as Error).message}`, { remedy: 'check the path' });
  }
  const text = bytes.toString('latin1');
  if (!text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) return bytes;
  const body = /-----BEGIN PGP PUBLIC KEY BLOCK-----\r?\n([\s\S]*?)-----END PGP PUBLIC KEY BLOCK-----/.exec(text)?.[1];
  if (!body)
    throw new X2Error('usage', `--signing-key ${keyFile} is not a complete armored public key`, {
      remedy: 'export it with `gpg --export --armor KEYID`',
    });
  // Armor: optional headers, a blank line, base64 lines, then an optional "=XXXX" CRC line.
  const lines = body.split(/\r?\n/);
  const blank = lines.findIndex((l) => l.trim() === '');
  const data = (lines.some((l) => l.includes(':')) && blank >= 0 ? lines.slice(blank + 1) : lines).filter(
    (l) => l.trim() !== '' && !l.startsWith('='),
  );
  return Buffer.from(data.join(''), 'base64');
}
