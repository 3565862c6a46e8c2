/**
 * The real Http, on undici. Uses `request` rather than `fetch` on purpose: fetch decodes
 * Content-Encoding on the fly, and a sha256 "of the file as served" must be taken over the bytes
 * as served. Redirects are followed here (the final URL is reported), and the proxy variables are
 * honoured only when set, through undici's EnvHttpProxyAgent (Node's fetch ignores them).
 * undici is loaded on the first request: compiling it costs ~0.1 s of start-up, which commands
 * and steps that need no network (status, abort, host inspection) should not wait for.
 */
import type { Dispatcher } from 'undici';
import pkg from '../../package.json' with { type: 'json' };
import { X2Error } from '../errors.js';
import type { Http, HttpResponse } from './http.js';
import { proxyFromEnv } from './proxy.js';
import type { TrustStore } from './trust-store.js';

const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Generous socket limits: the callers keep their own, shorter stall timers. */
const AGENT_OPTIONS = { connect: { timeout: 30_000 }, headersTimeout: 60_000, bodyTimeout: 60_000 };

/** `trust`: the CAs https is checked against (default: Node's bundled ones only). */
export function nodeHttp(env: Record<string, string | undefined>, trust?: TrustStore): Http {
  // Made on the first request: a command that needs no network never reads the proxy variables,
  // so a malformed one cannot stop `status` or `abort`.
  let dispatcher: Dispatcher | undefined;
  const userAgent = `x2nestos/${pkg.version}`;

  return {
    async get(url, options = {}) {
      let current = new URL(url);
      for (let hop = 0; ; hop++) {
        if (current.protocol !== 'http:' && current.protocol !== 'https:') {
          throw new Error(`unsupported URL scheme ${current.protocol} in ${current.href}`);
        }
        const undici = await import('undici');
        dispatcher ??= dispatcherFor(undici, env, trust);
        const response = await undici
          .request(current, {
            method: 'GET',
            dispatcher,
            signal: options.signal,
            headers: { 'user-agent': userAgent, 'accept-encoding': 'identity', ...options.headers },
          })
          .catch((error: unknown) => {
            throw certificateRefusal(error, current, trust) ?? error;
          });
        const location = headerValue(response.headers, 'location');
        if (REDIRECT_STATUSES.has(response.statusCode) && location !== undefined) {
          discard(response.body);
          if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects from ${url}`);
          current = new URL(location, current);
          continue;
        }
        return toResponse(response, current.href);
      }
    },
  };
}

function dispatcherFor(
  { Agent, EnvHttpProxyAgent }: typeof import('undici'),
  env: Record<string, string | undefined>,
  trust: TrustStore | undefined,
): Dispatcher {
  // Lower-case first, as curl and undici do; the upper-case HTTP_PROXY is honoured too because
  // this is not a CGI context (httpoxy does not apply).
  const httpProxy = proxyFromEnv(env, 'http_proxy');
  const httpsProxy = proxyFromEnv(env, 'https_proxy');
  const noProxy = env.no_proxy || env.NO_PROXY || undefined;
  // Giving `ca` replaces Node's list, so the store carries Node's bundled CAs too (trust-store.ts).
  const tls = trust ? { ca: trust.ca } : {};
  const options = { ...AGENT_OPTIONS, connect: { ...AGENT_OPTIONS.connect, ...tls } };
  if (httpProxy === undefined && httpsProxy === undefined) return new Agent(options);
  // Through a proxy, the origin's TLS runs inside the tunnel (requestTls); an https proxy has its
  // own (proxyTls). Both check against the same CAs.
  return new EnvHttpProxyAgent({ ...options, requestTls: tls, proxyTls: tls, httpProxy, httpsProxy, noProxy });
}

/** OpenSSL's verdicts on a certificate chain: a trust problem, not a network one. */
const UNTRUSTED = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
]);
const INVALID = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
  'CERT_REVOKED',
  'INVALID_PURPOSE',
]);

/**
 * A certificate the host cannot trust becomes one clear refusal naming the server, the CA files
 * tried and the fix, instead of a "network" failure retried for minutes. Never retried, never
 * bypassed: there is deliberately no option that accepts an unchecked certificate.
 */
function certificateRefusal(error: unknown, url: URL, trust: TrustStore | undefined): X2Error | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || (!UNTRUSTED.has(code) && !INVALID.has(code))) return undefined;
  const server = url.host;
  const tried = (trust?.sources ?? ["Node's bundled CAs"]).join(', ');
  if (INVALID.has(code)) {
    return new X2Error('verification', `the https certificate of ${server} is not valid for it (${code})`, {
      remedy: `fix the server's certificate (name, dates) or this machine's clock; a CA file cannot fix this (tried ${tried})`,
      cause: error,
    });
  }
  return new X2Error('verification', `the https certificate of ${server} is not signed by a trusted CA (${code}; tried ${tried})`, {
    remedy:
      "pass the CA that signed it with --ca-file PATH (PEM), or add it to this machine's trust store (update-ca-certificates or update-ca-trust)",
    cause: error,
  });
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function toResponse(response: Dispatcher.ResponseData, url: string): HttpResponse {
  const body = response.body;
  return {
    status: response.statusCode,
    url,
    header: (name) => headerValue(response.headers, name.toLowerCase()),
    body,
    async cancel() {
      discard(body);
    },
  };
}

/** Destroying an unread undici body emits an AbortError; nobody is listening for it by then. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => {});
  body.destroy();
}
