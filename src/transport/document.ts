/**
 * Small documents (stream metadata, a release.json) fetched whole into memory, with a size cap,
 * a timeout per attempt and a few retries: resolving a release must fail fast and clearly when
 * the mirror is unreachable, not hang.
 */
import { X2Error } from '../errors.js';
import type { Http, HttpResponse } from '../effects/http.js';
import { TransientError, messageOf, stallGuard, throwIfInterrupted, withRetries, type RetryPolicy } from './retry.js';

export const DOCUMENT_POLICY: RetryPolicy = {
  attempts: 3,
  initialDelayMs: 1_000,
  maxDelayMs: 4_000,
  stallTimeoutMs: 20_000,
  retryWindowMs: 90_000,
};

const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

export interface DocumentRequest {
  /** "stream metadata", "release.json": what the user is told could not be fetched. */
  what: string;
  /** What to do when it cannot be fetched at all (names the flags that avoid the download). */
  remedy: string;
  signal?: AbortSignal;
  policy?: Partial<RetryPolicy>;
}

/** The body of `url` as text; X2Error('network') when it cannot be had. */
export async function fetchDocument(http: Http, url: string, request: DocumentRequest): Promise<string> {
  return (await fetchDocumentFrom(http, url, request)).text;
}

/**
 * The body and the URL it finally came from, after redirects: what vouches for a hash inside it is
 * that final URL's transport (an https link redirected to plain http proves nothing).
 */
export async function fetchDocumentFrom(
  http: Http,
  url: string,
  request: DocumentRequest,
): Promise<{ text: string; bytes: Buffer; url: string }> {
  const policy = { ...DOCUMENT_POLICY, ...request.policy };
  const what = `fetching the ${request.what} from ${url}`;
  return withRetries(policy, { what, remedy: request.remedy, signal: request.signal }, async () => {
    // One timer for the whole document: it is small, so a slow trickle is as bad as silence.
    const guard = stallGuard(policy.stallTimeoutMs, request.signal);
    let response: HttpResponse | undefined;
    try {
      response = await http.get(url, { signal: guard.signal });
      if (response.status !== 200) {
        await response.cancel();
        if (response.status === 408 || response.status === 429 || response.status >= 500) {
          throw new TransientError(`HTTP ${response.status}`);
        }
        throw new X2Error(
          'network',
          `the ${request.what} at ${url} answered HTTP ${response.status}${response.status === 404 ? ' (not found)' : ''}`,
          {
            remedy: request.remedy,
          },
        );
      }
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        size += chunk.byteLength;
        if (size > MAX_DOCUMENT_BYTES) {
          throw new X2Error('network', `the ${request.what} at ${url} is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB`, {
            remedy: request.remedy,
          });
        }
        chunks.push(chunk);
      }
      const bytes = Buffer.concat(chunks);
      return { text: bytes.toString('utf8'), bytes, url: response.url };
    } catch (error) {
      throwIfInterrupted(request.signal, what);
      if (guard.stalled) throw new TransientError(`no answer within ${policy.stallTimeoutMs / 1000} s`);
      if (error instanceof X2Error || error instanceof TransientError) throw error;
      throw new TransientError(messageOf(error), { cause: error });
    } finally {
      guard.dispose();
      await response?.cancel().catch(() => {});
    }
  });
}
