/**
 * The real Http, on undici. Uses `request` rather than `fetch` on purpose: fetch decodes
 * Content-Encoding on the fly, and a sha256 "of the file as served" must be taken over the bytes
 * as served. Redirects are followed here (the final URL is reported), and the proxy variables are
 * honoured only when set, through undici's EnvHttpProxyAgent (Node's fetch ignores them).
 */
import { Agent, EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import pkg from '../../package.json' with { type: 'json' };
import type { Http, HttpResponse } from './http.js';
import { proxyFromEnv } from './proxy.js';

const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Generous socket limits: the callers keep their own, shorter stall timers. */
const AGENT_OPTIONS = { connect: { timeout: 30_000 }, headersTimeout: 60_000, bodyTimeout: 60_000 };

export function nodeHttp(env: Record<string, string | undefined>): Http {
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
        dispatcher ??= dispatcherFor(env);
        const response = await request(current, {
          method: 'GET',
          dispatcher,
          signal: options.signal,
          headers: { 'user-agent': userAgent, 'accept-encoding': 'identity', ...options.headers },
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

function dispatcherFor(env: Record<string, string | undefined>): Dispatcher {
  // Lower-case first, as curl and undici do; the upper-case HTTP_PROXY is honoured too because
  // this is not a CGI context (httpoxy does not apply).
  const httpProxy = proxyFromEnv(env, 'http_proxy');
  const httpsProxy = proxyFromEnv(env, 'https_proxy');
  const noProxy = env.no_proxy || env.NO_PROXY || undefined;
  if (httpProxy === undefined && httpsProxy === undefined) return new Agent(AGENT_OPTIONS);
  return new EnvHttpProxyAgent({ ...AGENT_OPTIONS, httpProxy, httpsProxy, noProxy });
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
