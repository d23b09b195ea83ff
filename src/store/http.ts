/**
 * A read-only store over HTTP(S): `get` is a GET (with a Range header for partial reads), `has` a HEAD.
 * Works with static file servers and object stores; servers that ignore Range are handled by slicing.
 * Every request has timeouts (until the headers, between body pieces, in all) and is retried with
 * backoff on 5xx, 429, timeouts and dropped connections. Answers are checked against the request: a
 * 206 must carry the Content-Range asked for, and no response is read past what the read needs.
 */
import { HttpError, StoreError } from "../errors.js";
import { validateKey } from "./keys.js";
import { checkRange, exactRead, isEmptyRange, sliceRange } from "./range.js";
import { type RetryOptions, withRetries } from "./retry.js";
import type { ByteSource, RangeQuery, ReadableStore } from "./types.js";

export interface HttpStoreOptions {
  /** Headers sent with every request (e.g. Authorization). */
  headers?: HeadersInit;
  /** The fetch implementation; defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Time allowed from sending a request to its response headers, per attempt. Default 30 s. */
  connectTimeoutMs?: number;
  /** Time allowed between two pieces of a response body. Default 30 s. */
  idleTimeoutMs?: number;
  /** Time allowed for one attempt in all (headers and body). Default 10 min. */
  requestTimeoutMs?: number;
  /** Retries after a timeout, a dropped connection, a 5xx or a 429. Default 3. */
  retries?: number;
  /** First backoff window in ms, doubled per retry (full jitter). Default 200. */
  retryBaseDelayMs?: number;
  /** Largest backoff window, and the cap on a server's Retry-After, in ms. Default 5000. */
  retryMaxDelayMs?: number;
  /** The largest body accepted for a whole-key read (range reads accept only their length). Default 1 GiB. */
  maxResponseBytes?: number;
}

/** Statuses meaning "no such key": S3 and GCS answer 403 for a missing key when listing is not allowed. */
const MISSING = new Set([403, 404, 410]);
/** Statuses worth another attempt: the server (or a proxy) is busy or failed, not the request. */
const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);

function rangeHeader(range: RangeQuery): string {
  return "suffixLength" in range
    ? `bytes=-${range.suffixLength}`
    : `bytes=${range.offset}-${range.offset + range.length - 1}`;
}

function describeRange(range: RangeQuery): string {
  return "suffixLength" in range
    ? `the last ${range.suffixLength} bytes`
    : `bytes ${range.offset}-${range.offset + range.length - 1}`;
}

/** Retry-After as ms: delta-seconds or an HTTP date. */
function retryAfterMs(response: Response): number | undefined {
  const value = response.headers.get("Retry-After");
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The body length the server declares, when it is the length we will read (no content coding). */
function declaredLength(response: Response): number | undefined {
  const value = response.headers.get("Content-Length");
  if (value === null || response.headers.get("Content-Encoding") !== null) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** A parsed `Content-Range: bytes start-end/total` (total undefined for "*"). */
function contentRange(response: Response): { start: number; end: number; total?: number } | undefined {
  const m = response.headers.get("Content-Range")?.match(/^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i);
  if (!m) return undefined;
  const [start, end] = [Number(m[1]), Number(m[2])];
  if (end < start) return undefined;
  return { start, end, total: m[3] === "*" ? undefined : Number(m[3]) };
}

/** Whether a 206's Content-Range is the range asked for (servers may cut it short at the end of the value). */
function rangeMatches(range: RangeQuery, got: { start: number; end: number; total?: number }): boolean {
  const length = got.end - got.start + 1;
  if ("suffixLength" in range) {
    if (got.total === undefined) return length <= range.suffixLength;
    return got.end === got.total - 1 && got.start === Math.max(0, got.total - range.suffixLength);
  }
  if (got.start !== range.offset || length > range.length) return false;
  return length === range.length || (got.total !== undefined && got.end === got.total - 1);
}

interface Attempt {
  url: URL;
  method: "GET" | "HEAD";
  /** Marks the error of the final attempt ("after N attempts"). */
  last: boolean;
  attempts: number;
  /** Aborts the request (timeouts), remembering why. */
  abort(why: string): void;
  readonly why: string | undefined;
}

/** Low-level request helper shared by HttpStore and `httpSource`. */
class Requester {
  readonly #headers: HeadersInit | undefined;
  readonly #fetch: typeof fetch | undefined;
  readonly #connectMs: number;
  readonly #idleMs: number;
  readonly #totalMs: number;
  readonly #maxBytes: number;
  readonly #retry: RetryOptions;

  constructor(options: HttpStoreOptions) {
    this.#headers = options.headers;
    this.#fetch = options.fetch;
    this.#connectMs = options.connectTimeoutMs ?? 30_000;
    this.#idleMs = options.idleTimeoutMs ?? 30_000;
    this.#totalMs = options.requestTimeoutMs ?? 600_000;
    this.#maxBytes = options.maxResponseBytes ?? 2 ** 30;
    this.#retry = {
      retries: options.retries ?? 3,
      baseDelayMs: options.retryBaseDelayMs,
      maxDelayMs: options.retryMaxDelayMs,
    };
  }

  #error(a: Attempt, what: string, details: ConstructorParameters<typeof HttpError>[2] = {}): HttpError {
    const tail =
      details.retryable && a.last && a.attempts > 1 ? ` (gave up after ${a.attempts} attempts)` : "";
    return new HttpError(a.url.href, `${a.method} ${a.url.href} ${what}${tail}`, details);
  }

  /**
   * One request, retried as a whole (the body read included) while it fails in a retryable way.
   * `read` turns the response into the result; the request's timers run until it returns.
   */
  async #request<T>(
    url: URL,
    method: "GET" | "HEAD",
    range: RangeQuery | undefined,
    read: (response: Response, a: Attempt) => Promise<T>,
  ): Promise<T> {
    const headers = new Headers(this.#headers);
    if (range) headers.set("Range", rangeHeader(range));
    const doFetch = this.#fetch ?? globalThis.fetch;
    const attempts = (this.#retry.retries ?? 0) + 1;
    return withRetries(
      async (_n, last) => {
        const controller = new AbortController();
        const a: Attempt = {
          url,
          method,
          last,
          attempts,
          why: undefined,
          abort(why) {
            (this as { why?: string }).why ??= why;
            controller.abort();
          },
        };
        const total = setTimeout(() => a.abort(`timed out after ${this.#totalMs} ms in all`), this.#totalMs);
        const connect = setTimeout(
          () => a.abort(`timed out after ${this.#connectMs} ms without a response`),
          this.#connectMs,
        );
        try {
          let response: Response;
          try {
            response = await doFetch(url, { method, headers, signal: controller.signal });
          } catch (error) {
            const reason = a.why ?? `failed: ${causeOf(error)}`;
            throw this.#error(a, reason, { retryable: true, cause: error });
          } finally {
            clearTimeout(connect);
          }
          if (RETRY_STATUS.has(response.status)) {
            await response.body?.cancel().catch(() => {});
            throw this.#error(a, `failed: HTTP ${response.status} ${response.statusText}`, {
              status: response.status,
              retryable: true,
              retryAfterMs: retryAfterMs(response),
            });
          }
          return await read(response, a);
        } finally {
          clearTimeout(total);
        }
      },
      (error) => {
        if (!(error instanceof HttpError) || !error.retryable) return false;
        return error.retryAfterMs === undefined ? true : { afterMs: error.retryAfterMs };
      },
      this.#retry,
    );
  }

  /**
   * Reads the body, at most `limit` bytes (more is an error), or stops once `stopAt` bytes are in.
   * A stall longer than the idle timeout aborts; a connection lost part way is retryable.
   */
  async #body(response: Response, a: Attempt, limit: number, stopAt?: number): Promise<Uint8Array> {
    const declared = declaredLength(response);
    if (declared !== undefined && declared > limit && stopAt === undefined) {
      await response.body?.cancel().catch(() => {});
      throw this.#error(a, `answered with ${declared} bytes, more than the ${limit} expected`, {
        status: response.status,
      });
    }
    const reader = response.body?.getReader();
    if (!reader) return new Uint8Array(0);
    const parts: Uint8Array[] = [];
    let got = 0;
    for (;;) {
      const idle = setTimeout(() => a.abort(`stalled: no data for ${this.#idleMs} ms`), this.#idleMs);
      let piece: ReadableStreamReadResult<Uint8Array>;
      try {
        piece = await reader.read();
      } catch (error) {
        const of = declared === undefined ? "" : ` of ${declared}`;
        const reason = a.why ?? `connection dropped after ${got}${of} bytes: ${causeOf(error)}`;
        throw this.#error(a, reason, { status: response.status, retryable: true, cause: error });
      } finally {
        clearTimeout(idle);
      }
      if (piece.done) break;
      parts.push(piece.value);
      got += piece.value.length;
      if (stopAt !== undefined && got >= stopAt) {
        await reader.cancel().catch(() => {});
        break;
      }
      if (got > limit) {
        await reader.cancel().catch(() => {});
        throw this.#error(a, `answered with more than the ${limit} bytes expected`, {
          status: response.status,
        });
      }
    }
    if (parts.length === 1) return parts[0];
    const out = new Uint8Array(got);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /** The bytes at `url` (or a range of them), undefined when missing. */
  async get(url: URL, range?: RangeQuery): Promise<Uint8Array | undefined> {
    if (range && isEmptyRange(range)) {
      // "bytes=a-(a-1)" and "bytes=-0" are not valid Range headers; an empty read only needs existence.
      return (await this.has(url)) ? new Uint8Array(0) : undefined;
    }
    return this.#request(url, "GET", range, async (response, a) => {
      if (MISSING.has(response.status)) {
        await response.body?.cancel().catch(() => {});
        return undefined;
      }
      if (range && response.status === 416) {
        // The range starts past the end: the value exists, the selection is empty (as for other stores).
        await response.body?.cancel().catch(() => {});
        return new Uint8Array(0);
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => {});
        throw this.#error(a, `failed: HTTP ${response.status} ${response.statusText}`, {
          status: response.status,
        });
      }
      if (!range) return this.#body(response, a, this.#maxBytes);
      if (response.status === 206) return this.#partial(response, a, range);
      // Any other success to a ranged request: the server ignored Range and sends the whole value.
      // Read only as far as the range needs (a suffix needs it all), then cut the range out.
      const stopAt = "suffixLength" in range ? undefined : range.offset + range.length;
      return sliceRange(await this.#body(response, a, this.#maxBytes, stopAt), range);
    });
  }

  /** A 206 body: its Content-Range must be the one asked for, and the body exactly that long. */
  async #partial(response: Response, a: Attempt, range: RangeQuery): Promise<Uint8Array> {
    const got = contentRange(response);
    const header = response.headers.get("Content-Range");
    if (!got || !rangeMatches(range, got)) {
      await response.body?.cancel().catch(() => {});
      const what = header === null ? "no Content-Range" : `Content-Range "${header}"`;
      throw this.#error(a, `answered 206 with ${what} for a request of ${describeRange(range)}`, {
        status: 206,
      });
    }
    const length = got.end - got.start + 1;
    const body = await this.#body(response, a, length);
    if (body.length !== length) {
      throw this.#error(a, `answered ${body.length} bytes for Content-Range "${header}"`, {
        status: 206,
        retryable: true,
      });
    }
    return body;
  }

  async has(url: URL): Promise<boolean> {
    const status = await this.#request(url, "HEAD", undefined, async (response, a) => {
      await response.body?.cancel().catch(() => {});
      if (response.ok || MISSING.has(response.status)) return response.ok;
      if (response.status === 405 || response.status === 501) return undefined;
      throw this.#error(a, `failed: HTTP ${response.status} ${response.statusText}`, {
        status: response.status,
      });
    });
    // HEAD not allowed: fall back to reading one byte.
    return status ?? (await this.get(url, { offset: 0, length: 1 })) !== undefined;
  }

  /** The size of the resource at `url`, from Content-Length or a Content-Range total; undefined when missing. */
  async size(url: URL): Promise<number | undefined> {
    const fromHead = await this.#request(url, "HEAD", undefined, async (head) => {
      await head.body?.cancel().catch(() => {});
      if (MISSING.has(head.status)) return null;
      return head.ok ? declaredLength(head) : undefined;
    });
    if (fromHead !== undefined) return fromHead ?? undefined;
    // No usable length: ask for one byte; a 206 names the total in Content-Range, a 200 is the whole body.
    return this.#request(url, "GET", { offset: 0, length: 1 }, async (response, a) => {
      if (MISSING.has(response.status)) {
        await response.body?.cancel().catch(() => {});
        return undefined;
      }
      const total = contentRange(response)?.total;
      if (response.status === 206 && total !== undefined) {
        await response.body?.cancel().catch(() => {});
        return total;
      }
      if (response.status === 200) return (await this.#body(response, a, this.#maxBytes)).byteLength;
      await response.body?.cancel().catch(() => {});
      throw this.#error(a, `failed: HTTP ${response.status} ${response.statusText}`, {
        status: response.status,
      });
    });
  }
}

/** The useful part of a fetch failure: undici puts the socket error (ECONNRESET...) in `cause`. */
function causeOf(error: unknown): string {
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  const inner = e?.cause?.code ?? e?.cause?.message;
  return inner ? `${e?.message ?? String(error)} (${inner})` : (e?.message ?? String(error));
}

export class HttpStore implements ReadableStore {
  /** The store root, always ending in "/". */
  readonly url: URL;
  readonly description: string;
  readonly #http: Requester;

  constructor(url: string | URL, options: HttpStoreOptions = {}) {
    const base = new URL(url);
    if (!base.pathname.endsWith("/")) base.pathname += "/";
    this.url = base;
    this.description = base.href;
    this.#http = new Requester(options);
  }

  /** The URL of a key: segments are percent-encoded, the root's query string (e.g. a signature) is kept. */
  urlOf(key: string): URL {
    validateKey(key);
    const path = key.split("/").map(encodeURIComponent).join("/");
    const url = new URL(path, this.url);
    url.search = this.url.search;
    return url;
  }

  async get(key: string, range?: RangeQuery): Promise<Uint8Array | undefined> {
    const url = this.urlOf(key);
    if (range) checkRange(range, key);
    return this.#http.get(url, range);
  }

  async has(key: string): Promise<boolean> {
    return this.#http.has(this.urlOf(key));
  }
}

/** zarrita.js calls its HTTP store FetchStore; the same class under that name. */
export { HttpStore as FetchStore };

/** A random-access source over one URL (e.g. a remote .zip), read with Range requests. */
export function httpSource(url: string | URL, options: HttpStoreOptions = {}): ByteSource {
  const target = new URL(url);
  const http = new Requester(options);
  let size: Promise<number> | undefined;
  return {
    description: target.href,
    size() {
      size ??= http.size(target).then((n) => {
        if (n === undefined) throw new StoreError(`${target.href} not found`, { store: target.href });
        return n;
      });
      return size;
    },
    async read(offset, length, into) {
      const bytes = await http.get(target, { offset, length });
      if (bytes === undefined) throw new StoreError(`${target.href} not found`, { store: target.href });
      return exactRead(target.href, bytes, offset, length, into);
    },
    close: async () => {},
  };
}
