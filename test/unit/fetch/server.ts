/**
 * A real HTTP server on 127.0.0.1 for download tests, with the misbehaviours mirrors show:
 * dropped connections, stalls, wrong bytes, Range ignored, error statuses, redirects.
 * Every request is recorded so tests can assert what the client asked for.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface Behaviour {
  /** Answer with this status instead of the file, for the first `statusTimes` requests (default: all). */
  status?: number;
  statusTimes?: number;
  /** Cut the connection after this many body bytes, on the first `dropTimes` requests (default 1). */
  dropAfter?: number;
  dropTimes?: number;
  /** Stop sending (connection left open) after this many body bytes, on the first `stallTimes` requests (default 1). */
  stallAfter?: number;
  stallTimes?: number;
  /** Never stall a 1-byte answer (the `Range: bytes=0-0` size probes of planning), so stallAfter 0 hits only downloads. */
  spareProbes?: boolean;
  /** Answer 200 with the whole file even to Range requests. */
  ignoreRange?: boolean;
  /** Flip one byte in every response body. */
  corrupt?: boolean;
  /** Answer 302 to this location. */
  redirectTo?: string;
  /** Delay before the headers, in ms. */
  delayMs?: number;
  /** Hold the body for `pauseMs` after this many bytes, then send the rest (a slow stretch of a link). */
  pauseAfter?: number;
  pauseMs?: number;
}

export interface RecordedRequest {
  path: string;
  range: string | undefined;
  userAgent: string | undefined;
  status: number;
}

export interface TestServer {
  base: string;
  url(path: string): string;
  set(path: string, body: Uint8Array, behaviour?: Behaviour): void;
  behave(path: string, behaviour: Behaviour): void;
  requests: RecordedRequest[];
  requestsFor(path: string): RecordedRequest[];
  close(): Promise<void>;
}

interface Entry {
  body: Uint8Array;
  behaviour: Behaviour;
  hits: number;
}

const CHUNK = 64 * 1024;

/** `tls`: serve https with this key and certificate (test/support/throwaway-ca.ts) instead of http. */
export async function startServer(options: { tls?: { key: string; cert: string } } = {}): Promise<TestServer> {
  const files = new Map<string, Entry>();
  const requests: RecordedRequest[] = [];

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res).catch(() => res.destroy());
  };
  const server = options.tls ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createServer(listener);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const entry = files.get(path);
    const record: RecordedRequest = { path, range: req.headers.range, userAgent: req.headers['user-agent'], status: 0 };
    requests.push(record);
    const reply = (status: number, headers: Record<string, string | number> = {}) => {
      record.status = status;
      res.writeHead(status, headers);
    };
    if (!entry) {
      reply(404, { 'content-length': 0 });
      res.end();
      return;
    }
    const b = entry.behaviour;
    const hit = entry.hits++;
    if (b.delayMs) await new Promise((r) => setTimeout(r, b.delayMs));
    if (b.redirectTo) {
      reply(302, { location: b.redirectTo, 'content-length': 0 });
      res.end();
      return;
    }
    if (b.status !== undefined && hit < (b.statusTimes ?? Infinity)) {
      reply(b.status, { 'content-length': 0 });
      res.end();
      return;
    }

    let body = entry.body;
    if (b.corrupt) {
      body = Uint8Array.from(body);
      if (body.length > 0) body[Math.floor(body.length / 2)]! ^= 0xff;
    }
    const size = body.length;
    let start = 0;
    let end = size - 1;
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (range && !b.ignoreRange) {
      start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
      end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (start >= size || start > end) {
        reply(416, { 'content-range': `bytes */${size}`, 'content-length': 0 });
        res.end();
        return;
      }
      reply(206, { 'content-range': `bytes ${start}-${end}/${size}`, 'content-length': end - start + 1, 'accept-ranges': 'bytes' });
    } else {
      reply(200, { 'content-length': size, 'accept-ranges': b.ignoreRange ? 'none' : 'bytes' });
    }

    const slice = body.subarray(start, end + 1);
    const dropAt = b.dropAfter !== undefined && hit < (b.dropTimes ?? 1) ? b.dropAfter : undefined;
    const probe = b.spareProbes === true && slice.length === 1;
    const stallAt = b.stallAfter !== undefined && hit < (b.stallTimes ?? 1) && !probe ? b.stallAfter : undefined;
    const limit = Math.min(slice.length, dropAt ?? Infinity, stallAt ?? Infinity);
    const pauseAt = b.pauseAfter !== undefined && !probe ? b.pauseAfter : undefined;
    for (let offset = 0; offset < limit; offset += CHUNK) {
      if (pauseAt !== undefined && offset >= pauseAt && offset - CHUNK < pauseAt)
        await new Promise((r) => setTimeout(r, b.pauseMs ?? 1000));
      const piece = slice.subarray(offset, Math.min(offset + CHUNK, limit));
      if (!res.write(piece)) await new Promise((r) => res.once('drain', r));
      if (res.destroyed) return;
    }
    if (dropAt !== undefined && dropAt < slice.length) {
      // Let the bytes written so far reach the client, then cut the connection mid-body.
      await new Promise((r) => setTimeout(r, 20));
      res.socket?.destroy();
      return;
    }
    if (stallAt !== undefined && stallAt < slice.length) return; // never ends; closed by close()
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  return {
    base,
    url: (path) => `${base}${path}`,
    set(path, body, behaviour = {}) {
      files.set(path, { body, behaviour, hits: 0 });
    },
    behave(path, behaviour) {
      const entry = files.get(path);
      if (!entry) throw new Error(`no file ${path}`);
      entry.behaviour = behaviour;
      entry.hits = 0;
    },
    requests,
    requestsFor: (path) => requests.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
