/**
 * HTTP access for everything that downloads (release metadata, artifacts, Ignition URLs).
 * The interface is all the rest of the code sees; `nodeHttp()` is the real one (undici, honours
 * HTTP(S)_PROXY / NO_PROXY).
 */
export interface HttpResponse {
  status: number;
  /** Lower-case header name → value. */
  header(name: string): string | undefined;
  /** The body as a stream of chunks; must be consumed or cancelled. */
  body: AsyncIterable<Uint8Array>;
  cancel(): Promise<void>;
  /** Final URL after redirects. */
  url: string;
}

export interface HttpRequest {
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface Http {
  get(url: string, request?: HttpRequest): Promise<HttpResponse>;
}
