import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Http, HttpResponse } from '../../../src/effects/http.js';
import { isX2Error, type X2Error } from '../../../src/errors.js';
import { loadIgnition, MAX_IGNITION_BYTES } from '../../../src/ignition/source.js';

const CONFIG = '{"ignition":{"version":"3.3.0"}}\n';
const sha256 = (s: string | Uint8Array): string => createHash('sha256').update(s).digest('hex');
const readFileBytes = async (p: string): Promise<Uint8Array> => new Uint8Array(await readFile(p));

/** Minimal Http over node:http for a loopback server (the real one is src/effects/http-node.ts). */
const loopbackHttp: Http = {
  get: (url, request = {}) =>
    new Promise<HttpResponse>((resolve, reject) => {
      http
        .get(url, { headers: request.headers }, (res) => {
          resolve({
            status: res.statusCode ?? 0,
            header: (name) => {
              const v = res.headers[name.toLowerCase()];
              return Array.isArray(v) ? v[0] : v;
            },
            body: res,
            cancel: async () => {
              res.destroy();
            },
            url,
          });
        })
        .on('error', reject);
    }),
};

/** A fake Http answering from a table; counts requests. */
function fakeHttp(
  answers: Record<string, { status: number; body?: string; url?: string; headers?: Record<string, string> }>,
): Http & { requests: string[]; cancelled: number } {
  const fake = {
    requests: [] as string[],
    cancelled: 0,
    async get(url: string): Promise<HttpResponse> {
      fake.requests.push(url);
      const a = answers[url];
      if (a === undefined) throw new Error('connect ECONNREFUSED');
      return {
        status: a.status,
        header: (name) => a.headers?.[name],
        body: (async function* () {
          yield new TextEncoder().encode(a.body ?? '');
        })(),
        cancel: async () => {
          fake.cancelled++;
        },
        url: a.url ?? url,
      };
    },
  };
  return fake;
}

async function rejection(p: Promise<unknown>): Promise<X2Error> {
  try {
    await p;
  } catch (e) {
    if (isX2Error(e)) return e;
    throw e;
  }
  throw new Error('expected an X2Error');
}

describe('loadIgnition from a file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'x2n-src-'));
    writeFileSync(path.join(dir, 'config.ign'), CONFIG);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const deps = { http: fakeHttp({}), readFile: readFileBytes };

  it('returns the bytes, the text and their sha256', async () => {
    const file = path.join(dir, 'config.ign');
    const loaded = await loadIgnition(file, deps, { allowHttp: false });
    expect(loaded).toEqual({ text: CONFIG, bytes: new TextEncoder().encode(CONFIG), source: file, sha256: sha256(CONFIG) });
  });

  it('keeps a byte order mark in the text, so that validation refuses it like Ignition', async () => {
    writeFileSync(path.join(dir, 'bom.ign'), `\ufeff${CONFIG}`);
    expect((await loadIgnition(path.join(dir, 'bom.ign'), deps, { allowHttp: false })).text.charCodeAt(0)).toBe(0xfeff);
  });

  it('says what is wrong with a missing file or a directory, as a usage error naming --ignition', async () => {
    const missing = await rejection(loadIgnition(path.join(dir, 'nope.ign'), deps, { allowHttp: false }));
    expect(missing.kind).toBe('usage');
    expect(missing.oneLine()).toBe(
      `the Ignition config file ${path.join(dir, 'nope.ign')} does not exist: pass the path of a readable Ignition config file to --ignition`,
    );
    expect((await rejection(loadIgnition(dir, deps, { allowHttp: false }))).message).toMatch(/is a directory$/);
  });

  it('refuses a file over the size cap', async () => {
    const big = { http: fakeHttp({}), readFile: async () => new Uint8Array(MAX_IGNITION_BYTES + 1) };
    expect((await rejection(loadIgnition('/big.ign', big, { allowHttp: false }))).kind).toBe('ignition');
  });
});

describe('loadIgnition from a URL', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/config.ign') res.end(CONFIG);
      else if (req.url === '/endless') {
        // No Content-Length: the cap must hold while streaming.
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        let sent = 0;
        const push = (): void => {
          while (sent < 64 && res.write(chunk)) sent++;
          if (sent < 64) res.once('drain', push);
          else res.end();
        };
        push();
      } else {
        res.statusCode = 404;
        res.end('not here');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fetches over plain HTTP only with allowHttp, from a real loopback server', async () => {
    const deps = { http: loopbackHttp, readFile: readFileBytes };
    const loaded = await loadIgnition(`${base}/config.ign`, deps, { allowHttp: true });
    expect(loaded.text).toBe(CONFIG);
    expect(loaded.sha256).toBe(sha256(CONFIG));
    expect(loaded.source).toBe(`${base}/config.ign`);

    const refused = await rejection(loadIgnition(`${base}/config.ign`, deps, { allowHttp: false }));
    expect(refused.kind).toBe('usage');
    expect(refused.remedy).toContain('--allow-http-ignition');
  });

  it('reports HTTP errors and unreachable servers as network errors', async () => {
    const deps = { http: loopbackHttp, readFile: readFileBytes };
    const notFound = await rejection(loadIgnition(`${base}/missing.ign`, deps, { allowHttp: true }));
    expect(notFound.kind).toBe('network');
    expect(notFound.message).toBe(`could not fetch the Ignition config from ${base}/missing.ign: HTTP 404`);
    const closed = await rejection(loadIgnition('http://127.0.0.1:9/config.ign', deps, { allowHttp: true }));
    expect(closed.kind).toBe('network');
  });

  it('stops reading a body that grows past the size cap', async () => {
    const deps = { http: loopbackHttp, readFile: readFileBytes };
    const e = await rejection(loadIgnition(`${base}/endless`, deps, { allowHttp: true }));
    expect(e.kind).toBe('ignition');
    expect(e.message).toMatch(/larger than 10 MiB/);
  });

  it('never puts credentials or query strings in the source it reports', async () => {
    const url = 'https://user:secret@cfg.example.com/nest.ign?token=abc';
    const deps = { http: fakeHttp({ [url]: { status: 200, body: CONFIG } }), readFile: readFileBytes };
    const loaded = await loadIgnition(url, deps, { allowHttp: false });
    expect(loaded.source).toBe('https://cfg.example.com/nest.ign?…');
    const failing = { http: fakeHttp({}), readFile: readFileBytes };
    expect((await rejection(loadIgnition(url, failing, { allowHttp: false }))).oneLine()).not.toMatch(/secret|token/);
  });

  it('refuses a declared oversize body without reading it, and a redirect down to plain HTTP', async () => {
    const big = fakeHttp({ 'https://x/big.ign': { status: 200, headers: { 'content-length': String(MAX_IGNITION_BYTES + 1) } } });
    expect((await rejection(loadIgnition('https://x/big.ign', { http: big, readFile: readFileBytes }, { allowHttp: false }))).kind).toBe(
      'ignition',
    );
    expect(big.cancelled).toBe(1);
    const downgraded = fakeHttp({ 'https://x/a.ign': { status: 200, body: CONFIG, url: 'http://x/a.ign' } });
    const e = await rejection(loadIgnition('https://x/a.ign', { http: downgraded, readFile: readFileBytes }, { allowHttp: false }));
    expect(e.remedy).toContain('--allow-http-ignition');
  });

  it('accepts only http(s) URLs', async () => {
    const deps = { http: fakeHttp({}), readFile: readFileBytes };
    const e = await rejection(loadIgnition('ftp://x/a.ign', deps, { allowHttp: true }));
    expect(e.kind).toBe('usage');
    expect(deps.http.requests).toEqual([]);
  });
});
