// Staging while the rootfs still downloads (issue 20): the reader that follows a download, and the
// staging that starts before the downloads are done. Whatever the head start meets, the staged
// initrd must be byte for byte what staging from the finished files gives.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nodeHttp } from '../../../src/effects/http-node.js';
import { fetchArtifact } from '../../../src/fetch/download.js';
import type { ArtifactRef, LocalArtifact } from '../../../src/model/artifacts.js';
import { FollowDiverged, FollowedDownload } from '../../../src/stage/follow.js';
import { stageFiles, startStaging, type Downloading } from '../../../src/stage/stage.js';
import { startServer, type TestServer } from '../fetch/server.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const FAST = { attempts: 4, initialDelayMs: 10, maxDelayMs: 20, stallTimeoutMs: 5000, retryWindowMs: 20_000 };
const http = nodeHttp({});
const kernel = Buffer.from('MZ a kernel of 23 bytes');
const initramfs = randomBytes(70_001);
const rootfs = randomBytes(2 * 1024 * 1024 + 3);
const payload = Buffer.from('the payload: holds the destination config');
// Past the first 1 MiB write batch of the download (src/fetch/part-writer.ts), so bytes are on disk during the pause.
const PAUSE_AT = 1536 * 1024;

let server: TestServer;
let dir: string;

beforeAll(async () => {
  server = await startServer();
  server.set('/kernel', kernel);
  server.set('/initramfs', initramfs);
  server.set('/rootfs', rootfs);
});
afterAll(async () => server.close());
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'x2n-headstart-'));
  server.behave('/rootfs', {});
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const ref = (name: 'kernel' | 'initramfs' | 'rootfs', body: Buffer): ArtifactRef => ({
  role: name,
  location: server.url(`/${name}`),
  name,
  sha256: sha(body),
  sha256Source: 'stream',
  verifiedBy: 'tls',
});

/** The three downloads as convert starts them, the rootfs followed. */
function download(cache: string, signal = new AbortController().signal) {
  const follower = new FollowedDownload(path.join(cache, 'rootfs.part'));
  const get = (name: 'kernel' | 'initramfs' | 'rootfs', body: Buffer, onWritten?: (n: number) => void) =>
    fetchArtifact(ref(name, body), cache, { http, policy: FAST, signal, ...(onWritten ? { onWritten } : {}) });
  const k = get('kernel', kernel);
  const i = k.then(() => get('initramfs', initramfs));
  const r = i.then(() => get('rootfs', rootfs, (n) => follower.wrote(n)));
  follower.settle(r);
  const downloading: Downloading = { kernel: k, initramfs: i, rootfs: follower, rootfsSizeHint: rootfs.length };
  return { downloading, all: Promise.all([k, i, r]).then(([kernel, initramfs, rootfs]) => ({ kernel, initramfs, rootfs })) };
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of chunks) out.push(Buffer.from(c));
  return Buffer.concat(out);
}

const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);

describe('FollowedDownload', () => {
  it('yields the artifact while it downloads, then the rest from the committed file', async () => {
    server.behave('/rootfs', { pauseAfter: PAUSE_AT, pauseMs: 1500 });
    const { downloading, all } = download(dir);
    let doneAt = Infinity;
    void all.then(() => (doneAt = Date.now()));
    const firstChunkAt: number[] = [];
    const chunks: Buffer[] = [];
    for await (const c of downloading.rootfs.chunks(new AbortController().signal)) {
      firstChunkAt.push(Date.now());
      chunks.push(Buffer.from(c));
    }
    await all;
    expect(Buffer.concat(chunks).equals(rootfs)).toBe(true);
    // Bytes were in hand before the server's pause ended, so before the download was.
    expect(firstChunkAt[0]).toBeLessThan(doneAt - 1000);
  });

  it('reads a file that was already complete (reused, nothing written) from its final name', async () => {
    await writeFile(path.join(dir, 'rootfs'), rootfs);
    const follower = new FollowedDownload(path.join(dir, 'rootfs.part'));
    follower.settle(Promise.resolve(local('rootfs', rootfs)));
    expect((await collect(follower.chunks(new AbortController().signal))).equals(rootfs)).toBe(true);
  });

  it('gives up with FollowDiverged when the transfer starts over, or the bytes are not the verified file', async () => {
    const part = path.join(dir, 'rootfs.part');
    await writeFile(part, rootfs.subarray(0, 1000));
    const restarted = new FollowedDownload(part);
    restarted.wrote(1000);
    const reading = restarted.chunks(new AbortController().signal);
    expect((await reading.next()).value).toHaveLength(1000);
    restarted.wrote(0); // a server that ignored Range: the .part was truncated
    expect(await caught(reading.next())).toBeInstanceOf(FollowDiverged);

    const swapped = new FollowedDownload(part);
    swapped.wrote(1000);
    const reading2 = collect(swapped.chunks(new AbortController().signal));
    await writeFile(path.join(dir, 'rootfs'), rootfs); // committed file is not what was followed
    swapped.settle(Promise.resolve({ ...local('rootfs', rootfs), sha256: sha(Buffer.from('other')) }));
    expect(await caught(reading2)).toBeInstanceOf(FollowDiverged);
  });

  it("rejects with the download's own error when it failed, and stops when aborted", async () => {
    const failed = new FollowedDownload(path.join(dir, 'rootfs.part'));
    const why = new Error('mirror gone');
    failed.settle(Promise.reject(why));
    expect(await caught(collect(failed.chunks(new AbortController().signal)))).toBe(why);

    const waiting = new FollowedDownload(path.join(dir, 'rootfs.part'));
    const controller = new AbortController();
    const reading = collect(waiting.chunks(controller.signal));
    controller.abort(new Error('stop'));
    expect(await caught(reading)).toMatchObject({ message: 'stop' });
  });

  it('follows a .part that grows in steps, never reading past what was reported written', async () => {
    const part = path.join(dir, 'rootfs.part');
    const follower = new FollowedDownload(part);
    const reading = collect(follower.chunks(new AbortController().signal));
    for (let at = 0; at < rootfs.length; at += 300_000) {
      const end = Math.min(at + 300_000, rootfs.length);
      await appendFile(part, rootfs.subarray(at, end));
      // Bytes beyond the report are garbage that must never be read.
      await appendFile(part, Buffer.from('GARBAGE'));
      follower.wrote(end);
      await new Promise((r) => setTimeout(r, 5));
      const { size } = await stat(part);
      await writeFile(part, (await readFile(part)).subarray(0, size - 7));
    }
    await writeFile(path.join(dir, 'rootfs'), rootfs);
    follower.settle(Promise.resolve(local('rootfs', rootfs)));
    expect((await reading).equals(rootfs)).toBe(true);
  });
});

describe('startStaging', () => {
  const expected = () => Buffer.concat([pad(initramfs), pad(rootfs), pad(payload)]);

  it('stages while the rootfs downloads, byte for byte what staging from the files gives', async () => {
    server.behave('/rootfs', { pauseAfter: PAUSE_AT, pauseMs: 1500 });
    const cache = path.join(dir, 'cache');
    const work = path.join(dir, 'work');
    const lines: string[] = [];
    const { downloading, all } = download(cache);
    const staging = startStaging(work, downloading, 'append', { signal: new AbortController().signal, log: (l) => lines.push(l) });
    // While the server holds the rest of the rootfs, the initrd already holds its first bytes.
    const partial = path.join(work, 'staged/initrd.img.part');
    await waitUntil(async () => ((await stat(partial).catch(() => undefined))?.size ?? 0) > initramfs.length + 4);
    expect(existsSync(path.join(cache, 'rootfs'))).toBe(false);

    const staged = await staging.finish(await all, payload, 'append', {});
    const initrd = await readFile(staged.initrd);
    expect(initrd.equals(expected())).toBe(true);
    expect(staged).toMatchObject({ initrdBytes: initrd.length, initrdSha256: sha(initrd) });
    expect(await readFile(staged.kernel)).toEqual(kernel);
    expect(lines).toEqual([]);
  });

  it('stages anew from the files when the mode changed or the head start failed, with the same result', async () => {
    const reference = path.join(dir, 'reference');
    const cache = path.join(dir, 'cache');
    const { downloading, all } = download(cache);
    const files = await all;
    const plain = await stageFiles(reference, files, payload, 'url', {});

    const lines: string[] = [];
    const work = path.join(dir, 'work');
    const modeChanged = startStaging(work, downloading, 'append', { signal: new AbortController().signal, log: (l) => lines.push(l) });
    const staged = await modeChanged.finish(files, payload, 'url', {});
    expect(await readFile(staged.initrd)).toEqual(await readFile(plain.initrd));
    expect(lines).toEqual(['staging from the downloaded files: the rootfs is fetched by URL after all']);

    // A followed rootfs that turns out not to be the verified file.
    const diverging: Downloading = { ...downloading, rootfs: new FollowedDownload(path.join(cache, 'rootfs.part')) };
    diverging.rootfs.wrote(10);
    diverging.rootfs.wrote(0);
    diverging.rootfs.settle(Promise.resolve(files.rootfs));
    lines.length = 0;
    const fallback = await startStaging(work, diverging, 'append', {
      signal: new AbortController().signal,
      log: (l) => lines.push(l),
    }).finish(files, payload, 'append', {});
    expect((await readFile(fallback.initrd)).equals(expected())).toBe(true);
    expect(lines).toEqual(['staging from the downloaded files: the download started over']);
  });

  it('cancel stops the head start and leaves no staged file behind', async () => {
    server.behave('/rootfs', { pauseAfter: PAUSE_AT, pauseMs: 1500 });
    const work = path.join(dir, 'work');
    const { downloading, all } = download(path.join(dir, 'cache'));
    const staging = startStaging(work, downloading, 'append', { signal: new AbortController().signal, log: () => undefined });
    await waitUntil(async () => existsSync(path.join(work, 'staged/initrd.img.part')));
    await staging.cancel();
    expect(existsSync(path.join(work, 'staged'))).toBe(false);
    await all;
  });
});

/** What a promise rejects with (it must reject). */
async function caught(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

function local(name: 'kernel' | 'initramfs' | 'rootfs', body: Buffer): LocalArtifact {
  return { ...ref(name, body), path: path.join(dir, name), sizeBytes: body.length, sha256: sha(body), verified: true };
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
