// The only server a guest can reach: a static file server on 127.0.0.1 that QEMU's guestfwd exposes
// as http://10.0.2.100/ inside every guest. It serves the stand-in releases, the package
// repositories, Ignition files and the x2nestos binary, logs every request, and injects the faults
// the scenarios need (a connection dropped after N bytes, tampered bytes).
//
// Library: `const server = await startServer(); server.mount('/releases', dir); ...`
// Manual:  `node test/e2e/server.mjs --mount /=DIR [--mount /x=DIR2] [--port N]`
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What guests call the server (QEMU guestfwd in qemu.mjs). */
export const GUEST_BASE_URL = 'http://10.0.2.100';

/**
 * @typedef {{ time: string, method: string, path: string, range: string | null, status: number,
 *   bytes: number, aborted: boolean, userAgent: string }} LogEntry
 */

/** Starts the server on 127.0.0.1 (random port unless given). */
export async function startServer({ port = 0 } = {}) {
  /** URL prefix → directory, longest prefix first when resolving. */
  const mounts = new Map();
  /** exact URL path → file */
  const files = new Map();
  /** URL path → { afterBytes, remaining } */
  const drops = new Map();
  /** URL path → set of byte offsets whose value is inverted when served */
  const tampers = new Map();
  /** @type {LogEntry[]} */
  const log = [];

  const resolve = async (urlPath) => {
    if (files.has(urlPath)) return files.get(urlPath);
    const prefixes = [...mounts.keys()].sort((a, b) => b.length - a.length);
    for (const prefix of prefixes) {
      const base = prefix === '/' ? '/' : prefix + '/';
      if (urlPath !== prefix && !urlPath.startsWith(base)) continue;
      const dir = mounts.get(prefix);
      const rel = urlPath.slice(base.length);
      const full = path.resolve(dir, '.' + path.posix.sep + rel);
      if (full !== dir && !full.startsWith(dir + path.sep)) return null;
      try {
        const info = await stat(full);
        if (info.isFile()) return full;
        if (info.isDirectory()) {
          const index = path.join(full, 'index.html');
          if ((await stat(index).catch(() => null))?.isFile()) return index;
        }
      } catch {
        // not under this mount; try the next one
      }
    }
    return null;
  };

  const server = createServer(async (req, res) => {
    const entry = {
      time: new Date().toISOString(),
      method: req.method ?? '',
      path: '',
      range: req.headers.range ?? null,
      status: 0,
      bytes: 0,
      aborted: false,
      userAgent: req.headers['user-agent'] ?? '',
    };
    log.push(entry);
    try {
      const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      entry.path = urlPath;
      if (req.method !== 'GET' && req.method !== 'HEAD') return finish(res, entry, 405);
      const file = await resolve(urlPath);
      if (!file) return finish(res, entry, 404);
      const size = (await stat(file)).size;

      let start = 0;
      let end = size - 1;
      let status = 200;
      if (entry.range) {
        const m = /^bytes=(\d*)-(\d*)$/.exec(entry.range.trim());
        if (!m || (m[1] === '' && m[2] === '')) return finish(res, entry, 416, { 'content-range': `bytes */${size}` });
        if (m[1] === '') {
          start = Math.max(0, size - Number(m[2]));
        } else {
          start = Number(m[1]);
          if (m[2] !== '') end = Math.min(end, Number(m[2]));
        }
        if (start >= size || start > end) return finish(res, entry, 416, { 'content-range': `bytes */${size}` });
        status = 206;
      }
      const length = size === 0 ? 0 : end - start + 1;
      const headers = {
        'content-type': contentType(file),
        'content-length': String(length),
        'accept-ranges': 'bytes',
        'last-modified': new Date(0).toUTCString(),
      };
      if (status === 206) headers['content-range'] = `bytes ${start}-${end}/${size}`;
      entry.status = status;
      res.writeHead(status, headers);
      if (req.method === 'HEAD' || length === 0) return void res.end();

      // A fault counts only when it fires: a short probe (Range: bytes=0-0) does not use it up.
      // Relative: cut after N bytes of this response; absolute: cut at file offset N, whatever range.
      const drop = drops.get(urlPath);
      let limit = Infinity;
      if (drop && drop.remaining > 0) {
        const budget = drop.absolute ? drop.afterBytes - start : drop.afterBytes;
        if (length > budget) limit = Math.max(0, budget);
      }
      if (limit === 0) {
        entry.aborted = true;
        drop.remaining -= 1;
        res.flushHeaders();
        return void setImmediate(() => res.socket?.destroy());
      }
      const tampered = tampers.get(urlPath);
      let offset = start;
      const source = createReadStream(file, { start, end });
      try {
        for await (const chunk of source) {
          let out = chunk;
          if (tampered) {
            out = Buffer.from(chunk);
            for (const at of tampered) if (at >= offset && at < offset + out.length) out[at - offset] ^= 0xff;
          }
          offset += chunk.length;
          if (entry.bytes + out.length >= limit) {
            // Hand over what fits, then cut the TCP connection as a failing mirror would.
            const part = out.subarray(0, limit - entry.bytes);
            entry.bytes += part.length;
            entry.aborted = true;
            drop.remaining -= 1;
            await send(res, part);
            res.socket?.destroy();
            return;
          }
          entry.bytes += out.length;
          await send(res, out);
        }
        res.end();
      } catch {
        entry.aborted = true;
        res.socket?.destroy();
      } finally {
        source.destroy();
      }
    } catch (error) {
      if (!res.headersSent) finish(res, entry, 500);
      else res.socket?.destroy();
      entry.error = String(error);
    }
  });
  server.on('connection', (socket) => socket.setNoDelay(true));

  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const actualPort = server.address().port;

  return {
    port: actualPort,
    url: `http://127.0.0.1:${actualPort}`,
    log,
    /** Serve DIR under URL prefix PREFIX ('/' for the root). */
    mount(prefix, dir) {
      mounts.set(normalizePrefix(prefix), path.resolve(dir));
    },
    unmount(prefix) {
      mounts.delete(normalizePrefix(prefix));
    },
    /** Serve one FILE at exactly URLPATH. */
    serveFile(urlPath, file) {
      files.set(urlPath, path.resolve(file));
    },
    /**
     * The next TIMES GETs of URLPATH whose body is longer than AFTERBYTES send that many bytes, then
     * the connection drops. With absolute, AFTERBYTES is a file offset: every response stops there
     * (a resumed download makes no progress past it).
     */
    dropAfter(urlPath, afterBytes, { times = 1, absolute = false } = {}) {
      drops.set(urlPath, { afterBytes, remaining: times, absolute });
    },
    /** Serve URLPATH with the bytes at OFFSETS inverted (same length, wrong content) until cleared. */
    tamper(urlPath, offsets = [0]) {
      tampers.set(urlPath, new Set(offsets));
    },
    /** Clears every fault, or only those on paths under PREFIX. */
    clearFaults(prefix) {
      for (const map of [drops, tampers]) {
        for (const key of [...map.keys()]) if (!prefix || key === prefix || key.startsWith(prefix + '/')) map.delete(key);
      }
    },
    /** Log entries for one path (exact) or matching a RegExp. */
    requests(match) {
      return log.filter((e) => (match instanceof RegExp ? match.test(e.path) : e.path === match));
    },
    close() {
      server.closeAllConnections?.();
      return new Promise((ok) => server.close(() => ok()));
    },
  };
}

/** Writes one chunk, waiting for the socket to drain; rejects when the client went away. */
function send(res, chunk) {
  return new Promise((ok, fail) => {
    if (res.destroyed) return fail(new Error('client closed the connection'));
    const onClose = () => fail(new Error('client closed the connection'));
    res.once('close', onClose);
    res.write(chunk, (error) => {
      res.off('close', onClose);
      if (error) fail(error);
      else ok();
    });
  });
}

function normalizePrefix(prefix) {
  const p = '/' + prefix.replace(/^\/+|\/+$/g, '');
  return p;
}

function finish(res, entry, status, headers = {}) {
  entry.status = status;
  res.writeHead(status, { 'content-length': '0', ...headers });
  res.end();
}

function contentType(file) {
  if (file.endsWith('.json') || file.endsWith('.ign')) return 'application/json';
  if (file.endsWith('.html')) return 'text/html';
  if (file.endsWith('.xml')) return 'application/xml';
  return 'application/octet-stream';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  let port = 0;
  const pending = [];
  for (let i = 0; i < args.length; i += 2) {
    if (args[i] === '--port') port = Number(args[i + 1]);
    else if (args[i] === '--mount') {
      const [prefix, dir] = String(args[i + 1]).split('=');
      pending.push([prefix, dir]);
    } else {
      console.error(`usage: server.mjs --mount PREFIX=DIR [...] [--port N]`);
      process.exit(2);
    }
  }
  const server = await startServer({ port });
  for (const [prefix, dir] of pending) server.mount(prefix, dir);
  console.log(`serving on ${server.url} (guests: ${GUEST_BASE_URL})`);
  const report = () => {
    for (const e of server.log.splice(0)) console.log(`${e.status} ${e.method} ${e.path} ${e.range ?? ''} ${e.bytes}`);
  };
  setInterval(report, 1000).unref();
  process.on('SIGINT', () => server.close().then(() => process.exit(0)));
}
