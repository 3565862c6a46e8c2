/**
 * Reads the user's destination Ignition config (--ignition) from a file or an http(s) URL. The
 * caller validates it; this only gets the bytes, refusing plain HTTP unless allowed (the config
 * carries SSH keys and password hashes, and whoever can alter it in transit owns the machine).
 */
import { createHash } from 'node:crypto';
import { X2Error } from '../errors.js';
import type { Http, HttpResponse } from '../effects/http.js';
import type { NotAFileError } from '../effects/bounded-read.js';
import { describeSource } from './references.js';

/**
 * Far above any real config; a bigger answer is not an Ignition config. Ignition itself sets no
 * limit on a config's size, so this one is ours (README: the Ignition config).
 */
export const MAX_IGNITION_BYTES = 10 * 1024 * 1024;

export interface LoadedIgnition {
  text: string;
  bytes: Uint8Array;
  /** Where it came from, fit for logs: a path, or the URL without credentials or query. */
  source: string;
  sha256: string;
}

export interface IgnitionSourceDeps {
  http: Http;
  /** Reads a file, stopping after `maxBytes` + 1 bytes (effects/bounded-read.ts: readFileBounded). */
  readFile: (path: string, maxBytes: number) => Promise<Uint8Array>;
  /** Overall deadline of a URL fetch, in ms (a server sending 1 byte a second never stalls). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export async function loadIgnition(spec: string, deps: IgnitionSourceDeps, opts: { allowHttp: boolean }): Promise<LoadedIgnition> {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(spec)?.[1]?.toLowerCase();
  if (scheme === undefined) return loaded(await readLocal(spec, deps), spec);
  if (scheme !== 'http' && scheme !== 'https') {
    throw new X2Error('usage', `--ignition ${describeSource(spec)}: only a file path or an http(s) URL is supported`, {
      remedy: 'download the config and pass the file to --ignition',
    });
  }
  const source = describeSource(spec);
  if (scheme === 'http' && !opts.allowHttp) throw plainHttpRefused(source);
  return loaded(await fetchRemote(spec, source, deps, opts), source);
}

function plainHttpRefused(source: string): X2Error {
  return new X2Error('usage', `refusing to fetch the Ignition config over plain HTTP (${source}): anyone on the path could change it`, {
    remedy: 'serve it over https, pass a local file to --ignition, or add --allow-http-ignition',
  });
}

function loaded(bytes: Uint8Array, source: string): LoadedIgnition {
  return {
    bytes,
    // Keep a BOM: Ignition refuses it, and so must the validation that follows.
    text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes),
    source,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

function tooLarge(source: string): X2Error {
  return new X2Error('ignition', `the Ignition config from ${source} is larger than ${MAX_IGNITION_BYTES / 1024 / 1024} MiB`, {
    remedy: 'pass the Ignition config itself to --ignition (large files belong behind URLs inside it)',
  });
}

async function readLocal(path: string, deps: IgnitionSourceDeps): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await deps.readFile(path, MAX_IGNITION_BYTES);
  } catch (e) {
    if (isNotAFile(e)) {
      throw new X2Error('usage', `the Ignition config ${path} is ${e.what}, not a file`, {
        remedy: 'pass the path of an Ignition config file (or a pipe) to --ignition',
      });
    }
    const code = (e as { code?: unknown }).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'EACCES'
            ? 'is not readable'
            : 'cannot be read';
    throw new X2Error('usage', `the Ignition config file ${path} ${why}`, {
      remedy: 'pass the path of a readable Ignition config file to --ignition',
      cause: e,
    });
  }
  if (bytes.length > MAX_IGNITION_BYTES) throw tooLarge(path);
  return bytes;
}

/** Default overall deadline of the Ignition URL fetch (--ignition-timeout). */
export const IGNITION_FETCH_TIMEOUT_MS = 120_000;

async function fetchRemote(url: string, source: string, deps: IgnitionSourceDeps, opts: { allowHttp: boolean }): Promise<Uint8Array> {
  const timeoutMs = deps.timeoutMs ?? IGNITION_FETCH_TIMEOUT_MS;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = deps.signal ? AbortSignal.any([deadline, deps.signal]) : deadline;
  const networkError = (why: string, cause?: unknown): X2Error =>
    deadline.aborted && !deps.signal?.aborted
      ? new X2Error('network', `could not fetch the Ignition config from ${source}: not complete after ${timeoutMs / 1000} s`, {
          remedy: 'check the server, or allow more time with --ignition-timeout SECONDS, or pass a local file to --ignition',
          cause,
        })
      : new X2Error('network', `could not fetch the Ignition config from ${source}: ${why}`, {
          remedy: 'check the URL and the network (the proxy variables are honoured), or pass a local file to --ignition',
          cause,
        });
  return fetchBody(url, source, deps.http, signal, networkError, opts);
}

async function fetchBody(
  url: string,
  source: string,
  http: Http,
  signal: AbortSignal,
  networkError: (why: string, cause?: unknown) => X2Error,
  opts: { allowHttp: boolean },
): Promise<Uint8Array> {
  let response: HttpResponse;
  try {
    response = await http.get(url, {
      signal,
      headers: { accept: 'application/vnd.coreos.ignition+json, application/json;q=0.9, */*;q=0.1' },
    });
  } catch (e) {
    // Already says what to do: an untrusted certificate, a malformed proxy variable (not the network's fault).
    if (e instanceof X2Error) throw e;
    throw networkError(e instanceof Error ? e.message : String(e), e);
  }
  if (/^http:/i.test(response.url) && !opts.allowHttp) {
    await response.cancel();
    throw plainHttpRefused(`${source}, redirected to ${describeSource(response.url)}`);
  }
  if (response.status !== 200) {
    await response.cancel();
    throw networkError(`HTTP ${response.status}`);
  }
  const declared = Number(response.header('content-length'));
  if (Number.isFinite(declared) && declared > MAX_IGNITION_BYTES) {
    await response.cancel();
    throw tooLarge(source);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body) {
      total += chunk.length;
      if (total > MAX_IGNITION_BYTES) {
        await response.cancel();
        throw tooLarge(source);
      }
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof X2Error) throw e;
    throw networkError(`the download broke off: ${e instanceof Error ? e.message : String(e)}`, e);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return bytes;
}

/** Known by name: the reader is injected, and this pure module never loads the file system's code. */
function isNotAFile(error: unknown): error is NotAFileError {
  return error instanceof Error && error.name === 'NotAFileError';
}
