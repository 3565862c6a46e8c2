/**
 * The parts of Go's net/url (1.19) that decide whether Ignition accepts a URL: `url.Parse` (which
 * errors are possible, how the scheme and opaque part are split) and `URL.Query()`. WHATWG's URL
 * class accepts and rejects different strings, so it cannot stand in for it.
 */
export interface GoUrl {
  /** Lower-cased, as Go returns it. */
  scheme: string;
  /** The part after `scheme:` when it does not start with a slash (e.g. data:, arn:). */
  opaque: string;
  rawQuery: string;
}

export class GoUrlError extends Error {}

/** Go's url.Parse; throws GoUrlError where Go returns an error. */
export function parseGoUrl(raw: string): GoUrl {
  const hash = raw.indexOf('#');
  const withoutFragment = hash >= 0 ? raw.slice(0, hash) : raw;
  const url = parseWithoutFragment(withoutFragment);
  if (hash >= 0) unescape(raw.slice(hash + 1), 'fragment');
  return url;
}

function parseWithoutFragment(raw: string): GoUrl {
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new GoUrlError('net/url: invalid control character in URL');
  if (raw === '*') return { scheme: '', opaque: '', rawQuery: '' };
  const { scheme, rest: afterScheme } = splitScheme(raw);
  let rest = afterScheme;
  let rawQuery = '';
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (scheme !== '') return { scheme, opaque: rest, rawQuery };
    const firstSegment = rest.split('/')[0]!;
    if (firstSegment.includes(':')) throw new GoUrlError('first path segment in URL cannot contain colon');
  }
  if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    let path = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      path = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    parseAuthority(authority);
    rest = path;
  }
  unescape(rest, 'path');
  return { scheme, opaque: '', rawQuery };
}

function splitScheme(raw: string): { scheme: string; rest: string } {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c)) {
      if (i === 0) return { scheme: '', rest: raw };
      continue;
    }
    if (c === ':') {
      if (i === 0) throw new GoUrlError('missing protocol scheme');
      return { scheme: raw.slice(0, i).toLowerCase(), rest: raw.slice(i + 1) };
    }
    return { scheme: '', rest: raw };
  }
  return { scheme: '', rest: raw };
}

function parseAuthority(authority: string): void {
  const at = authority.lastIndexOf('@');
  parseHost(at < 0 ? authority : authority.slice(at + 1));
  if (at < 0) return;
  const userinfo = authority.slice(0, at);
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) throw new GoUrlError('net/url: invalid userinfo');
  const colon = userinfo.indexOf(':');
  const parts = colon < 0 ? [userinfo] : [userinfo.slice(0, colon), userinfo.slice(colon + 1)];
  for (const part of parts) unescape(part, 'userinfo');
}

function parseHost(host: string): void {
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0) throw new GoUrlError("missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) throw new GoUrlError(`invalid port ${JSON.stringify(colonPort)} after host`);
    const zone = host.slice(0, close).indexOf('%25');
    if (zone >= 0) {
      unescape(host.slice(0, zone), 'host');
      unescape(host.slice(zone, close), 'zone');
      unescape(host.slice(close), 'host');
      return;
    }
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0) {
      const colonPort = host.slice(colon);
      if (!validOptionalPort(colonPort)) throw new GoUrlError(`invalid port ${JSON.stringify(colonPort)} after host`);
    }
  }
  unescape(host, 'host');
}

function validOptionalPort(port: string): boolean {
  return port === '' || /^:[0-9]*$/.test(port);
}

type Encoding = 'path' | 'host' | 'zone' | 'userinfo' | 'fragment' | 'query';

const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c);

/** Go's url.unescape: validates percent escapes (and host characters); returns the decoded bytes. */
export function unescape(s: string, mode: Encoding): Uint8Array {
  const out: number[] = [];
  const bytes = new TextEncoder().encode(s);
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    if (b === 0x25) {
      const h1 = String.fromCharCode(bytes[i + 1] ?? 0);
      const h2 = String.fromCharCode(bytes[i + 2] ?? 0);
      if (i + 2 >= bytes.length || !isHex(h1) || !isHex(h2)) throw new GoUrlError('invalid URL escape');
      const v = parseInt(h1 + h2, 16);
      if (mode === 'host' && parseInt(h1, 16) < 8 && h1 + h2 !== '25') throw new GoUrlError('invalid URL escape');
      if (mode === 'zone' && h1 + h2 !== '25' && v !== 0x20 && shouldEscapeInHost(v)) throw new GoUrlError('invalid URL escape');
      out.push(v);
      i += 3;
      continue;
    }
    if ((mode === 'host' || mode === 'zone') && b < 0x80 && shouldEscapeInHost(b)) throw new GoUrlError('invalid character in host name');
    out.push(mode === 'query' && b === 0x2b ? 0x20 : b);
    i++;
  }
  return Uint8Array.from(out);
}

function shouldEscapeInHost(c: number): boolean {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9]/.test(ch)) return false;
  if ('!$&\'()*+,;=:[]<>"'.includes(ch)) return false;
  if ('-_.~'.includes(ch)) return false;
  return true;
}

/** Go's URL.Query(): malformed pairs are skipped, as Go does when the error is discarded. */
export function parseQuery(rawQuery: string): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const pair of rawQuery.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq >= 0 ? pair.slice(0, eq) : pair;
    const rawValue = eq >= 0 ? pair.slice(eq + 1) : '';
    let key: string;
    let value: string;
    try {
      key = new TextDecoder().decode(unescape(rawKey, 'query'));
      value = new TextDecoder().decode(unescape(rawValue, 'query'));
    } catch {
      continue;
    }
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  return values;
}
