/**
 * The CAs https trusts: Node's bundle, the host's store read through the host fs (here a captured
 * root in a temp dir), and --ca-file, checked against a real https server with a throwaway CA.
 */
import { caught } from '../../support/caught.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostFs } from '../../../src/effects/hostfs.js';
import { nodeHttp } from '../../../src/effects/http-node.js';
import { trustStore } from '../../../src/effects/trust-store.js';
import { throwawayCa } from '../../support/throwaway-ca.js';
import { startServer, type TestServer } from './server.js';

const ca = throwawayCa('company CA');
let server: TestServer;
let root: string;

beforeAll(async () => {
  server = await startServer({ tls: { key: ca.serverKey, cert: ca.serverCert } });
  server.set('/hello', Buffer.from('hello'));
  root = mkdtempSync(path.join(tmpdir(), 'x2n-store-'));
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
  ca.cleanup();
});

const body = async (http: ReturnType<typeof nodeHttp>) => {
  const res = await http.get(server.url('/hello'));
  const chunks: Uint8Array[] = [];
  for await (const c of res.body) chunks.push(c);
  return Buffer.concat(chunks).toString();
};

describe('trustStore', () => {
  it("trusts a CA the host's own store holds (RHEL's path), once, after Node's bundle", async () => {
    mkdirSync(path.join(root, 'etc/pki/tls/certs'), { recursive: true });
    mkdirSync(path.join(root, 'etc/pki/ca-trust/extracted/pem'), { recursive: true });
    // RHEL's ca-bundle.crt is a link to the extracted bundle: the same certificates twice.
    writeFileSync(path.join(root, 'etc/pki/tls/certs/ca-bundle.crt'), `${rootCertificates[0]}\n${ca.caPem}`);
    writeFileSync(path.join(root, 'etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem'), `${rootCertificates[0]}\n${ca.caPem}`);
    const store = await trustStore(hostFs(root), undefined, root);
    expect(store.sources).toEqual([
      "Node's bundled CAs",
      '/etc/pki/tls/certs/ca-bundle.crt',
      '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
    ]);
    expect(store.ca).toHaveLength(rootCertificates.length + 1);
    expect(await body(nodeHttp({}, store))).toBe('hello');
  });

  it('without it, refuses the server at once, naming it and what was tried', async () => {
    const bare = mkdtempSync(path.join(tmpdir(), 'x2n-store-bare-'));
    const store = await trustStore(hostFs(bare), undefined, bare);
    expect(store.sources).toEqual(["Node's bundled CAs"]);
    const error = await caught(body(nodeHttp({}, store)));
    expect(error.kind).toBe('verification');
    expect(error.message).toMatch(
      /^the https certificate of 127\.0\.0\.1:\d+ is not signed by a trusted CA \([A-Z_]+; tried Node's bundled CAs\)$/,
    );
    // --ca-file adds it, relative to the working directory.
    const withFile = await trustStore(hostFs(bare), path.relative(bare, ca.caFile), bare);
    expect(withFile.sources.at(-1)).toBe(`--ca-file ${ca.caFile}`);
    expect(await body(nodeHttp({}, withFile))).toBe('hello');
    rmSync(bare, { recursive: true, force: true });
  });

  it('an unreadable or non-PEM --ca-file is a usage error', async () => {
    const missing = await caught(trustStore(hostFs(root), 'nope.pem', root));
    expect(missing).toMatchObject({ kind: 'usage', message: expect.stringContaining('(ENOENT)') });
    writeFileSync(path.join(root, 'der.crt'), Buffer.from([0x30, 0x82, 0x01]));
    const notPem = await caught(trustStore(hostFs(root), 'der.crt', root));
    expect(notPem).toMatchObject({ kind: 'usage', remedy: expect.stringContaining('openssl x509 -inform der') });
  });

  it('applies through an HTTPS_PROXY tunnel too (CONNECT), trusted and refused alike', async () => {
    const tunnels: string[] = [];
    const proxy = createServer();
    proxy.on('connect', (req, client, head) => {
      tunnels.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client).pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const env = { https_proxy: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` };
    try {
      const trusted = await trustStore(hostFs(root), ca.caFile, root);
      expect(await body(nodeHttp(env, trusted))).toBe('hello');
      const bare = { ca: [...rootCertificates], sources: ["Node's bundled CAs"] };
      expect((await caught(body(nodeHttp(env, bare)))).kind).toBe('verification');
      expect(tunnels).toEqual([new URL(server.base).host, new URL(server.base).host]);
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });
});
