/**
 * Checks on URLs and fetched resources (Ignition config/v3_x/types: url.go, resource.go,
 * verification.go, headers.go, proxy.go). Each message is Ignition's own wording.
 */
import { DataUrlError, decodeDataUrl } from './data-url.js';
import { type GoStruct, nilOrEmpty, optStr, str, structs, struct } from './go-decode.js';
import { GoUrlError, parseGoUrl, parseQuery, type GoUrl } from './go-url.js';
import type { IssuePath, Issues } from './issues.js';

export const MSG = {
  invalidUrl: 'unable to parse url',
  invalidScheme: 'invalid url scheme',
  invalidS3Arn: 'invalid S3 ARN format',
  invalidS3VersionId: 'invalid S3 object VersionId',
  sourceRequired: 'source is required',
} as const;

/** url.go validateURL: which schemes each spec accepts (gs: since 3.2.0, arn: since 3.4.0). */
export function urlError(source: string, minor: number): string | undefined {
  let u: GoUrl;
  try {
    u = parseGoUrl(source);
  } catch (e) {
    if (e instanceof GoUrlError) return MSG.invalidUrl;
    throw e;
  }
  switch (u.scheme) {
    case 'http':
    case 'https':
    case 'tftp':
      return undefined;
    case 'gs':
      return minor >= 2 ? undefined : MSG.invalidScheme;
    case 's3':
      return versionIdError(u);
    case 'arn':
      return minor >= 4 ? s3ArnError(u) : MSG.invalidScheme;
    case 'data':
      try {
        decodeDataUrl(source);
        return undefined;
      } catch (e) {
        if (e instanceof DataUrlError) return e.message;
        throw e;
      }
    default:
      return MSG.invalidScheme;
  }
}

export function urlErrorNilOk(source: string | undefined, minor: number): string | undefined {
  return nilOrEmpty(source) ? undefined : urlError(source!, minor);
}

function versionIdError(u: GoUrl): string | undefined {
  const versionId = parseQuery(u.rawQuery).get('versionId');
  if (versionId !== undefined && (versionId.length === 0 || versionId[0] === '')) return MSG.invalidS3VersionId;
  return undefined;
}

/** An S3 object (or access point object) ARN, as url.go checks it with aws-sdk's arn.Parse. */
function s3ArnError(u: GoUrl): string | undefined {
  const full = `arn:${u.opaque}`;
  if ((full.match(/:/g) ?? []).length < 5) return MSG.invalidS3Arn;
  const sections = full.split(':');
  const service = sections[2];
  const resource = sections.slice(5).join(':');
  if (service !== 's3') return MSG.invalidS3Arn;
  const slashParts = full.split('/').length;
  if (resource.startsWith('accesspoint/') ? slashParts < 3 : slashParts < 2) return MSG.invalidS3Arn;
  return versionIdError(u);
}

/** verification.go: `sha512-<128 hex>`, and `sha256-<64 hex>` since 3.1.0. Only lengths are checked. */
export function hashError(hash: string | undefined, minor: number): string | undefined {
  if (hash === undefined) return undefined;
  const dash = hash.indexOf('-');
  if (dash < 0) return 'malformed hash specifier';
  const fn = hash.slice(0, dash);
  const sum = hash.slice(dash + 1);
  const hexLength = fn === 'sha512' ? 128 : fn === 'sha256' && minor >= 1 ? 64 : undefined;
  if (hexLength === undefined) return 'unrecognized hash function';
  return sum.length === hexLength ? undefined : 'incorrect size for hash sum';
}

export type ResourceKind = 'contents' | 'config' | 'ca' | 'keyFile';

/**
 * resource.go Resource.Validate (and, for 3.0.0, its FileContents / ConfigReference /
 * CaReference predecessors), plus the duplicate check on its HTTP headers.
 */
export function validateResource(res: GoStruct, path: IssuePath, kind: ResourceKind, minor: number, issues: Issues): void {
  const source = optStr(res, 'source');
  const hash = optStr(struct(res, 'verification'), 'hash');
  const hashPath = [...path, 'verification', 'hash'];
  if (minor === 0 && kind === 'ca') {
    // 3.0.0's CaReference.Source is a plain string, so an empty one is checked like any URL.
    issues.errorIf([...path, 'source'], urlError(str(res, 'source'), minor));
    issues.errorIf(hashPath, hashError(hash, minor));
    return;
  }
  // validateCompression: Ignition only decompresses gzip.
  const compression = optStr(res, 'compression');
  if (compression !== undefined && compression !== '' && compression !== 'gzip') {
    issues.error([...path, 'compression'], 'invalid compression method');
  }
  // validateVerification: a hash of nothing (3.0.0 config references did not check it).
  if (hash !== undefined && source === undefined && !(minor === 0 && kind === 'config')) {
    issues.error(hashPath, 'source must be specified if verification is specified');
  }
  issues.errorIf(hashPath, hashError(hash, minor));
  issues.errorIf([...path, 'source'], urlErrorNilOk(source, minor));

  if (minor === 0) return;
  // validateSchemeForHTTPHeaders and HTTPHeader.Validate (headers.go); HTTPHeader.Key is the name.
  const headers = structs(res, 'httpHeaders');
  if (headers.length > 0) issues.errorIf([...path, 'httpHeaders'], headerSchemeError(source));
  headers.forEach((h, i) => {
    if (str(h, 'name') === '') issues.error([...path, 'httpHeaders', i, 'name'], "HTTP header name can't be empty");
    // headers.go: a header may leave its value out, but not set it empty.
    if (optStr(h, 'value') === '') issues.error([...path, 'httpHeaders', i, 'value'], 'unable to parse HTTP header');
  });
  reportDuplicates(
    headers.map((h) => str(h, 'name')),
    (i) => [...path, 'httpHeaders', i],
    issues,
  );
}

function headerSchemeError(source: string | undefined): string | undefined {
  if (nilOrEmpty(source)) return MSG.invalidUrl;
  let u: GoUrl;
  try {
    u = parseGoUrl(source!);
  } catch {
    return MSG.invalidUrl;
  }
  return u.scheme === 'http' || u.scheme === 'https' ? undefined : 'cannot use HTTP headers with this source scheme';
}

/** ignition.go / tls.go validateRequiredSource: merged configs and CAs need a source (3.1.0+). */
export function requiredSourceError(res: GoStruct, minor: number): string | undefined {
  const source = optStr(res, 'source');
  if (nilOrEmpty(source)) return MSG.sourceRequired;
  return urlError(source!, minor);
}

/** validate.go ValidateDups: the second and later entries with an already-seen key are errors. */
export function reportDuplicates(keys: readonly string[], pathOf: (i: number) => IssuePath, issues: Issues): void {
  const seen = new Set<string>();
  keys.forEach((key, i) => {
    if (seen.has(key)) issues.error(pathOf(i), 'duplicate entry defined');
    seen.add(key);
  });
}

/** proxy.go: proxies must be http(s); a plain-HTTP proxy for HTTPS traffic is only a warning. */
export function validateProxy(proxy: GoStruct, path: IssuePath, issues: Issues): void {
  for (const field of ['httpProxy', 'httpsProxy']) {
    const value = optStr(proxy, field);
    if (value === undefined) continue;
    let scheme: string;
    try {
      scheme = parseGoUrl(value).scheme;
    } catch {
      issues.error([...path, field], MSG.invalidUrl);
      continue;
    }
    if (scheme !== 'http' && scheme !== 'https') issues.error([...path, field], 'proxies must be http(s)');
    else if (field === 'httpsProxy' && scheme === 'http') {
      issues.warn([...path, field], 'insecure plaintext HTTP proxy specified for HTTPS resources');
    }
  }
}
