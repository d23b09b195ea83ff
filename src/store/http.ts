/**
 * A read-only store over HTTP(S): `get` is a GET (with a Range header for partial reads), `has` a HEAD.
 * Works with static file servers and object stores; servers that ignore Range are handled by slicing.
 */
import { ZarrsmithError } from "../errors.js";
import { validateKey } from "./keys.js";
import { checkRange, isEmptyRange, sliceRange } from "./range.js";
import type { RandomAccessSource } from "./source.js";
import type { RangeQuery, ReadableStore } from "./types.js";

export interface HttpStoreOptions {
  /** Headers sent with every request (e.g. Authorization). */
  headers?: HeadersInit;
  /** The fetch implementation; defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

/** Statuses meaning "no such key": S3 and GCS answer 403 for a missing key when listing is not allowed. */
const MISSING = new Set([403, 404, 410]);

function rangeHeader(range: RangeQuery): string {
  return "suffixLength" in range
    ? `bytes=-${range.suffixLength}`
    : `bytes=${range.offset}-${range.offset + range.length - 1}`;
}

function httpError(what: string, url: URL, response: Response): ZarrsmithError {
  return new ZarrsmithError(
    "io",
    `${what} ${url.href} failed: HTTP ${response.status} ${response.statusText}`,
  );
}

/** Low-level request helper shared by HttpStore and `httpSource`. */
class Requester {
  readonly #headers: HeadersInit | undefined;
  readonly #fetch: typeof fetch | undefined;

  constructor(options: HttpStoreOptions) {
    this.#headers = options.headers;
    this.#fetch = options.fetch;
  }

  async request(url: URL, method: "GET" | "HEAD", range?: RangeQuery): Promise<Response> {
    const headers = new Headers(this.#headers);
    if (range) headers.set("Range", rangeHeader(range));
    const doFetch = this.#fetch ?? globalThis.fetch;
    try {
      return await doFetch(url, { method, headers });
    } catch (error) {
      throw new ZarrsmithError("io", `${method} ${url.href} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** The bytes at `url` (or a range of them), undefined when missing. */
  async get(url: URL, range?: RangeQuery): Promise<Uint8Array | undefined> {
    if (range && isEmptyRange(range)) {
      // "bytes=a-(a-1)" and "bytes=-0" are not valid Range headers; an empty read only needs existence.
      return (await this.has(url)) ? new Uint8Array(0) : undefined;
    }
    const response = await this.request(url, "GET", range);
    if (MISSING.has(response.status)) {
      await response.body?.cancel();
      return undefined;
    }
    if (response.status === 416) {
      // The range starts past the end: the value exists, the selection is empty (as for other stores).
      await response.body?.cancel();
      return new Uint8Array(0);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw httpError("GET", url, response);
    }
    const body = new Uint8Array(await response.arrayBuffer());
    // 200 to a ranged request: the server ignored Range and sent everything.
    return range && response.status !== 206 ? sliceRange(body, range) : body;
  }

  async has(url: URL): Promise<boolean> {
    const response = await this.request(url, "HEAD");
    await response.body?.cancel();
    if (response.ok) return true;
    if (MISSING.has(response.status)) return false;
    if (response.status === 405 || response.status === 501) {
      // HEAD not allowed: fall back to reading one byte.
      return (await this.get(url, { offset: 0, length: 1 })) !== undefined;
    }
    throw httpError("HEAD", url, response);
  }

  /** The size of the resource at `url`, from Content-Length or a Content-Range total; undefined when missing. */
  async size(url: URL): Promise<number | undefined> {
    const head = await this.request(url, "HEAD");
    await head.body?.cancel();
    if (MISSING.has(head.status)) return undefined;
    const length = head.ok ? head.headers.get("Content-Length") : null;
    if (length !== null && head.headers.get("Content-Encoding") === null) return Number(length);
    // No usable length: ask for one byte; a 206 names the total in Content-Range, a 200 is the whole body.
    const response = await this.request(url, "GET", { offset: 0, length: 1 });
    if (MISSING.has(response.status)) {
      await response.body?.cancel();
      return undefined;
    }
    const total = response.headers.get("Content-Range")?.match(/\/(\d+)\s*$/);
    if (response.status === 206 && total) {
      await response.body?.cancel();
      return Number(total[1]);
    }
    if (response.status === 200) return (await response.arrayBuffer()).byteLength;
    await response.body?.cancel();
    throw httpError("GET", url, response);
  }
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
export function httpSource(url: string | URL, options: HttpStoreOptions = {}): RandomAccessSource {
  const target = new URL(url);
  const http = new Requester(options);
  let size: Promise<number> | undefined;
  return {
    description: target.href,
    size() {
      size ??= http.size(target).then((n) => {
        if (n === undefined) throw new ZarrsmithError("io", `${target.href} not found`);
        return n;
      });
      return size;
    },
    async read(offset, length) {
      const bytes = await http.get(target, { offset, length });
      if (bytes === undefined) throw new ZarrsmithError("io", `${target.href} not found`);
      return bytes;
    },
  };
}
