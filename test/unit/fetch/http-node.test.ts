import { createServer, request as plainRequest, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeHttp } from '../../../src/effects/http-node.js';
import type { HttpResponse } from '../../../src/effects/http.js';
import { startServer, type TestServer } from './server.js';

let server: TestServer;
let proxy: Server;
let proxyUrl: string;
const proxied: string[] = [];

async function text(response: HttpResponse): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of response.body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  server = await startServer();
  server.set('/hello', Buffer.from('hello world'));

  // A minimal forward proxy: CONNECT tunnels, and absolute-form requests relayed.
  proxy = createServer((req, res) => {
    proxied.push(`GET ${req.url}`);
    const upstream = plainRequest(req.url!, { headers: req.headers }, (r) => {
      res.writeHead(r.statusCode!, r.headers);
      r.pipe(res);
    });
    upstream.end();
  });
  proxy.on('connect', (req, client, head) => {
    proxied.push(`CONNECT ${req.url}`);
    const [host, port] = req.url!.split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await server.close();
  proxy.closeAllConnections();
  await new Promise((r) => proxy.close(r));
});

describe('nodeHttp', () => {
  it('sends the x2nestos User-Agent and follows redirects, reporting the final URL', async () => {
    server.set('/old', new Uint8Array(), { redirectTo: '/hello' });
    const response = await nodeHttp({}).get(server.url('/old'));
    expect(response.status).toBe(200);
    expect(response.url).toBe(server.url('/hello'));
    expect((await text(response)).toString()).toBe('hello world');
    expect(server.requestsFor('/hello').at(-1)?.userAgent).toMatch(/^x2nestos\/\d/);
  });

  it('hands over the bytes as served: a gzip Content-Encoding is not decoded', async () => {
    const gz = gzipSync(Buffer.from('payload'));
    const raw = createServer((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': gz.length });
      res.end(gz);
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    try {
      const response = await nodeHttp({}).get(`http://127.0.0.1:${(raw.address() as AddressInfo).port}/x`);
      expect((await text(response)).equals(gz)).toBe(true);
    } finally {
      raw.closeAllConnections();
      await new Promise((r) => raw.close(r));
    }
  });

  it('goes through HTTP_PROXY when set, and around it for NO_PROXY hosts', async () => {
    proxied.length = 0;
    const viaProxy = await nodeHttp({ HTTP_PROXY: proxyUrl }).get(server.url('/hello'));
    expect((await text(viaProxy)).toString()).toBe('hello world');
    expect(proxied).toHaveLength(1);
    expect(proxied[0]).toMatch(new RegExp(`^(CONNECT 127\\.0\\.0\\.1:\\d+|GET ${server.url('/hello')})$`));

    proxied.length = 0;
    const direct = await nodeHttp({ http_proxy: proxyUrl, NO_PROXY: '127.0.0.1' }).get(server.url('/hello'));
    expect((await text(direct)).toString()).toBe('hello world');
    expect(proxied).toEqual([]);
  });

  it('cancel() releases a body that was never read', async () => {
    server.set('/big', Buffer.alloc(8 * 1024 * 1024));
    const response = await nodeHttp({}).get(server.url('/big'));
    await response.cancel();
    const again = await nodeHttp({}).get(server.url('/hello'));
    expect(again.status).toBe(200);
    await again.cancel();
  });
});
