import { caught } from '../../support/caught.js';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nodeHttp } from '../../../src/effects/http-node.js';
import { fetchArtifact } from '../../../src/fetch/download.js';
import type { FetchDeps, FetchProgress } from '../../../src/fetch/transfer.js';
import type { ArtifactRef } from '../../../src/model/artifacts.js';
import { startServer, type TestServer } from './server.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const FAST = { attempts: 4, initialDelayMs: 10, maxDelayMs: 20, stallTimeoutMs: 400, retryWindowMs: 20_000 };

let server: TestServer;
let dir: string;
const http = nodeHttp({});
const body = randomBytes(3 * 1024 * 1024 + 12345);
const deps = (extra: Partial<FetchDeps> = {}): FetchDeps => ({ http, policy: FAST, ...extra });

function ref(file: string, extra: Partial<ArtifactRef> = {}): ArtifactRef {
  return { role: 'rootfs', location: server.url(`/${file}`), name: file, sha256: sha(body), sha256Source: 'stream', ...extra };
}

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'x2n-fetch-'));
  server.requests.length = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fetchArtifact over HTTP', () => {
  it('downloads, verifies and renames into place as 0600 with a sidecar', async () => {
    server.set('/a.img', body);
    const progress: FetchProgress[] = [];
    const got = await fetchArtifact(ref('a.img'), dir, deps({ onProgress: (p) => progress.push(p) }));

    expect(got).toMatchObject({ path: path.join(dir, 'a.img'), sizeBytes: body.length, sha256: sha(body), verified: true });
    expect(sha(await readFile(got.path))).toBe(sha(body));
    expect((await stat(got.path)).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).sort()).toEqual(['a.img', 'a.img.sha256']);
    expect(JSON.parse(await readFile(path.join(dir, 'a.img.sha256'), 'utf8'))).toMatchObject({ sha256: sha(body), size: body.length });
    expect(progress.at(-1)).toMatchObject({ role: 'rootfs', bytes: body.length, total: body.length });
    expect(server.requestsFor('/a.img')[0]?.userAgent).toMatch(/^x2nestos\/\d+\.\d+\.\d+/);
  });

  it('resumes with a Range request after the connection drops mid-body', async () => {
    server.set('/drop.img', body, { dropAfter: 1_000_000 });
    const got = await fetchArtifact(ref('drop.img'), dir, deps());

    expect(got.sha256).toBe(sha(body));
    const reqs = server.requestsFor('/drop.img');
    expect(reqs).toHaveLength(2);
    expect(reqs[0]).toMatchObject({ range: undefined, status: 200 });
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(reqs[1]!.range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(1_000_000);
    expect(reqs[1]!.status).toBe(206);
  });

  it('resumes a .part left by an earlier run, re-hashing its prefix', async () => {
    server.set('/b.img', body);
    await writeFile(path.join(dir, 'b.img.part'), body.subarray(0, 2_000_000));
    const got = await fetchArtifact(ref('b.img'), dir, deps());

    expect(got.sha256).toBe(sha(body));
    expect(server.requestsFor('/b.img').map((r) => r.range)).toEqual(['bytes=2000000-']);
  });

  it('starts over cleanly when the server ignores Range', async () => {
    server.set('/c.img', body, { ignoreRange: true });
    await writeFile(path.join(dir, 'c.img.part'), body.subarray(0, 500_000));
    const got = await fetchArtifact(ref('c.img'), dir, deps());

    expect(sha(await readFile(got.path))).toBe(sha(body));
    expect(server.requestsFor('/c.img').map((r) => [r.range, r.status])).toEqual([['bytes=500000-', 200]]);
  });

  it('starts over on 416 when the .part is longer than the file', async () => {
    server.set('/d.img', body);
    await writeFile(path.join(dir, 'd.img.part'), Buffer.concat([body, Buffer.from('extra')]));
    const got = await fetchArtifact(ref('d.img'), dir, deps());

    expect(got.sha256).toBe(sha(body));
    expect(server.requestsFor('/d.img').map((r) => r.status)).toEqual([416, 200]);
  });

  it('treats a complete .part answered by 416 as done', async () => {
    server.set('/e.img', body);
    await writeFile(path.join(dir, 'e.img.part'), body);
    const got = await fetchArtifact(ref('e.img'), dir, deps());

    expect(got.sha256).toBe(sha(body));
    expect(server.requestsFor('/e.img').map((r) => r.status)).toEqual([416]);
  });

  it('abandons a stalled connection after the stall timeout and resumes', async () => {
    server.set('/stall.img', body, { stallAfter: 700_000 });
    const started = Date.now();
    const got = await fetchArtifact(ref('stall.img'), dir, deps());

    expect(got.sha256).toBe(sha(body));
    expect(Date.now() - started).toBeGreaterThanOrEqual(FAST.stallTimeoutMs);
    const reqs = server.requestsFor('/stall.img');
    expect(reqs).toHaveLength(2);
    expect(reqs[1]!.range).toMatch(/^bytes=[1-9]\d*-$/);
  });

  it('refuses a file whose sha256 does not match, deleting it, without retrying a clean transfer', async () => {
    server.set('/bad.img', body, { corrupt: true });
    const error = await caught(fetchArtifact(ref('bad.img'), dir, deps()));

    expect(error.kind).toBe('verification');
    expect(error.message).toContain(sha(body));
    expect(error.message).toContain('the stream metadata');
    expect(error.remedy).toContain('--stream-base-url');
    expect(error.details.join('\n')).toMatch(/got +[0-9a-f]{64}/);
    expect(await readdir(dir)).toEqual([]);
    expect(server.requestsFor('/bad.img')).toHaveLength(1);
  });

  it('retries a mismatch once from scratch when the file was resumed, and no more', async () => {
    server.set('/bad2.img', body, { corrupt: true });
    await writeFile(path.join(dir, 'bad2.img.part'), body.subarray(0, 100_000));
    const error = await caught(fetchArtifact(ref('bad2.img', { sha256Source: 'user' }), dir, deps()));

    expect(error.kind).toBe('verification');
    expect(error.message).toContain('--rootfs-sha256');
    expect(server.requestsFor('/bad2.img').map((r) => r.range)).toEqual(['bytes=100000-', undefined]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('recovers from a damaged .part prefix by restarting once', async () => {
    server.set('/f.img', body);
    const damaged = Buffer.from(body.subarray(0, 300_000));
    damaged[10] = damaged[10]! ^ 1;
    await writeFile(path.join(dir, 'f.img.part'), damaged);
    const got = await fetchArtifact(ref('f.img'), dir, deps());

    expect(got.sha256).toBe(sha(body));
    expect(server.requestsFor('/f.img').map((r) => r.range)).toEqual(['bytes=300000-', undefined]);
  });

  it('checks the size the metadata announced', async () => {
    server.set('/g.img', body);
    const error = await caught(fetchArtifact(ref('g.img', { sizeBytes: body.length + 1 }), dir, deps()));
    expect(error.kind).toBe('verification');
    expect(error.message).toContain(`expected ${body.length + 1}`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('reuses a verified file without a request, trusting the sidecar or re-hashing when it is stale', async () => {
    server.set('/h.img', body);
    const first = await fetchArtifact(ref('h.img'), dir, deps());
    expect(server.requestsFor('/h.img')).toHaveLength(1);

    const again = await fetchArtifact(ref('h.img'), dir, deps());
    expect(again).toMatchObject({ sha256: sha(body), verified: true, path: first.path });

    // Touched (new mtime): the sidecar no longer vouches for it, so it is hashed again — still no download.
    await utimes(first.path, new Date(), new Date(Date.now() + 5000));
    await fetchArtifact(ref('h.img'), dir, deps());
    const sidecar = JSON.parse(await readFile(`${first.path}.sha256`, 'utf8')) as { mtimeNs: string };
    expect(sidecar.mtimeNs).toBe((await stat(first.path, { bigint: true })).mtimeNs.toString());
    expect(server.requestsFor('/h.img')).toHaveLength(1);

    // Changed content: replaced by a fresh download.
    await truncate(first.path, 10);
    const fresh = await fetchArtifact(ref('h.img'), dir, deps());
    expect(fresh.sha256).toBe(sha(body));
    expect(server.requestsFor('/h.img')).toHaveLength(2);
  });

  it('leaves only a resumable .part when aborted, and the next run resumes it', async () => {
    server.set('/i.img', body, { stallAfter: 1_500_000 });
    const controller = new AbortController();
    const started = Date.now();
    const error = await caught(
      fetchArtifact(ref('i.img'), dir, {
        ...deps({ policy: { ...FAST, stallTimeoutMs: 10_000 } }),
        signal: controller.signal,
        onProgress: (p) => {
          // Abort while the transfer hangs mid-body (the server stops after 1.5 MB).
          if (p.bytes > 0) setTimeout(() => controller.abort(), 300);
        },
      }),
    );
    expect(error.kind).toBe('interrupted');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await readdir(dir)).toEqual(['i.img.part']);
    const kept = (await stat(path.join(dir, 'i.img.part'))).size;
    expect(kept).toBeGreaterThan(0);

    const got = await fetchArtifact(ref('i.img'), dir, deps());
    expect(got.sha256).toBe(sha(body));
    expect(server.requestsFor('/i.img').at(-1)?.range).toBe(`bytes=${kept}-`);
  });

  it('allows one writer per name: a concurrent fetch of the same name is refused, other names proceed', async () => {
    server.set('/j.img', body, { delayMs: 200 });
    server.set('/k.img', body);
    const results = await Promise.allSettled([
      fetchArtifact(ref('j.img'), dir, deps()),
      fetchArtifact(ref('j.img'), dir, deps()),
      fetchArtifact(ref('k.img'), dir, deps()),
    ]);
    const same = results.slice(0, 2);
    expect(same.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const loser = same.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(loser?.reason).toMatchObject({ kind: 'precondition', message: expect.stringContaining(`pid ${process.pid}`) });
    expect(results[2]?.status).toBe('fulfilled');
    expect((await readdir(dir)).sort()).toEqual(['j.img', 'j.img.sha256', 'k.img', 'k.img.sha256']);
  });

  it('takes over a lock left by a process that no longer exists', async () => {
    server.set('/l.img', body);
    await writeFile(path.join(dir, 'l.img.lock'), '999999999\n');
    const got = await fetchArtifact(ref('l.img'), dir, deps());
    expect(got.verified).toBe(true);
    expect(await readdir(dir)).not.toContain('l.img.lock');
  });

  it('refuses names that would escape the directory or collide with our own files', async () => {
    for (const name of ['../evil', 'a/b', '.hidden', 'x.part', 'release.json']) {
      const error = await caught(fetchArtifact(ref('a.img', { name }), dir, deps()));
      expect(error.kind).toBe('internal');
    }
  });

  it('does not retry a 404, retries 500s within the policy, and gives up after the attempts', async () => {
    const missing = await caught(fetchArtifact(ref('missing.img'), dir, deps()));
    expect(missing.kind).toBe('network');
    expect(missing.message).toContain('404');
    expect(server.requestsFor('/missing.img')).toHaveLength(1);

    server.set('/flaky.img', body, { status: 500, statusTimes: 2 });
    expect((await fetchArtifact(ref('flaky.img'), dir, deps())).sha256).toBe(sha(body));
    expect(server.requestsFor('/flaky.img').map((r) => r.status)).toEqual([500, 500, 200]);

    server.set('/down.img', body, { status: 503 });
    const down = await caught(fetchArtifact(ref('down.img'), dir, deps()));
    expect(down.kind).toBe('network');
    expect(down.message).toContain(`after ${FAST.attempts} attempts`);
    expect(down.remedy).toContain('--stream-base-url');
    expect(server.requestsFor('/down.img')).toHaveLength(FAST.attempts);
  });

  it('gives up on a connection that is refused, within the bounded policy', async () => {
    const closed = await startServer();
    const url = closed.url('/x.img');
    await closed.close();
    const error = await caught(
      fetchArtifact({ role: 'kernel', location: url, name: 'x.img', sha256: sha(body), sha256Source: 'stream' }, dir, deps()),
    );
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('counts a server that never answers as stalled', async () => {
    server.set('/mute.img', body, { delayMs: 3000 });
    const started = Date.now();
    const error = await caught(fetchArtifact(ref('mute.img'), dir, deps({ policy: { ...FAST, attempts: 2 } })));
    expect(error.kind).toBe('network');
    expect(error.message).toContain('no data received');
    expect(Date.now() - started).toBeLessThan(2500);
    // Nothing arrived: an empty .part would resume nothing, so it is not left behind (issue 13).
    expect(await readdir(dir)).toEqual([]);
  });

  it('follows redirects', async () => {
    server.set('/real.img', body);
    server.set('/moved.img', new Uint8Array(), { redirectTo: '/real.img' });
    const got = await fetchArtifact(ref('moved.img'), dir, deps());
    expect(got.sha256).toBe(sha(body));
  });

  it('accepts an unverified remote file only as unverified', async () => {
    server.set('/u.img', body);
    const got = await fetchArtifact(ref('u.img', { sha256: undefined, sha256Source: undefined }), dir, deps());
    expect(got).toMatchObject({ sha256: sha(body), verified: false });
  });
});

describe('fetchArtifact from local files', () => {
  it('copies a local file with the same hashing and rename, and verifies it', async () => {
    const src = path.join(dir, 'src');
    await import('node:fs/promises').then((fs) => fs.mkdir(src));
    await writeFile(path.join(src, 'vmlinuz'), body);
    const out = path.join(dir, 'out');
    const got = await fetchArtifact(
      { role: 'kernel', location: path.join(src, 'vmlinuz'), name: 'vmlinuz', sha256: sha(body), sha256Source: 'user' },
      out,
      deps(),
    );
    expect(got).toMatchObject({ verified: true, sha256: sha(body), sizeBytes: body.length });
    expect((await readdir(out)).sort()).toEqual(['vmlinuz', 'vmlinuz.sha256']);

    const local = await fetchArtifact({ role: 'kernel', location: path.join(src, 'vmlinuz'), name: 'k2' }, out, deps());
    expect(local).toMatchObject({ verified: false, sha256: sha(body) });

    const error = await caught(
      fetchArtifact(
        { role: 'kernel', location: path.join(src, 'vmlinuz'), name: 'k3', sha256: 'f'.repeat(64), sha256Source: 'user' },
        out,
        deps(),
      ),
    );
    expect(error.kind).toBe('verification');
    expect(error.message).toContain('--kernel-sha256');
  });

  it('checks a file in place when the source already is the destination', async () => {
    await writeFile(path.join(dir, 'rootfs.img'), body);
    const got = await fetchArtifact(
      { role: 'rootfs', location: path.join(dir, 'rootfs.img'), name: 'rootfs.img', sha256: sha(body), sha256Source: 'release-dir' },
      dir,
      deps(),
    );
    expect(got.verified).toBe(true);
    const error = await caught(
      fetchArtifact(
        { role: 'rootfs', location: path.join(dir, 'rootfs.img'), name: 'rootfs.img', sha256: '0'.repeat(64), sha256Source: 'release-dir' },
        dir,
        deps(),
      ),
    );
    expect(error.message).toContain('release.json');
    expect(await readFile(path.join(dir, 'rootfs.img'))).toHaveLength(body.length); // never deleted: it is the source
  });

  it('reports a missing local file as a usage error', async () => {
    const error = await caught(fetchArtifact({ role: 'kernel', location: path.join(dir, 'nope'), name: 'nope2' }, dir, deps()));
    expect(error.kind).toBe('usage');
  });
});
