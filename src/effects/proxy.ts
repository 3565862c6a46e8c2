/**
 * The proxy variables, read the way curl reads them, because that is what people test them with:
 * lower-case first, then upper-case; `10.0.0.1:3128` without a scheme means http://; a proxy
 * without a port listens on 1080 (curl's default, documented in curl(1) for --proxy). Only a
 * value that names no usable HTTP proxy is refused, in one line naming the variable.
 */
import { X2Error } from '../errors.js';

const CURL_DEFAULT_PROXY_PORT = '1080';

export function proxyFromEnv(env: Record<string, string | undefined>, name: 'http_proxy' | 'https_proxy'): string | undefined {
  const upper = name.toUpperCase();
  const [variable, raw] = env[name] ? [name, env[name]] : env[upper] ? [upper, env[upper]] : [undefined, undefined];
  if (variable === undefined || raw === undefined) return undefined;
  return parseProxy(variable, raw);
}

/** The proxy as undici takes it (scheme://[user:pass@]host:port), or a usage error naming `variable`. */
export function parseProxy(variable: string, raw: string): string {
  const value = raw.trim();
  const refuse = (why: string) =>
    new X2Error('usage', `${variable}=${JSON.stringify(raw)} is not a usable proxy: ${why}`, {
      remedy: `set ${variable} to http://HOST:PORT (or unset it)`,
    });
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') {
    throw refuse(`${scheme}:// proxies are not supported, only http:// and https://`);
  }
  let url: URL;
  try {
    url = new URL(scheme === undefined ? `http://${value}` : value);
  } catch {
    throw refuse('it is not HOST:PORT or a URL');
  }
  if (url.hostname === '') throw refuse('it names no host');
  if (url.port === '' && !/:\d+(\/|$)/.test(value.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, '').replace(/^[^@]*@/, ''))) {
    url.port = CURL_DEFAULT_PROXY_PORT;
  }
  return url.href.replace(/\/$/, '');
}
