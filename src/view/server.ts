/**
 * The `view` server: a read-only HTTP server on 127.0.0.1 that serves one Zarr store under `/data/`
 * (from any store: a folder, a zip, an http(s) URL proxied through HttpStore) and the bundled viewer
 * pages. GET and HEAD only (plus CORS preflight), with byte ranges (`bytes=a-b`, open-ended `a-`,
 * suffix `-n`) so that sharded arrays and viewers on other origins work.
 *
 * Hand-written on node:http because the whole job is a few routes plus Range handling over a
 * zarrsmith Store; static-file servers (sirv, serve-handler) serve folders, not stores, and bring
 * their own path and range rules that the store would have to be squeezed through.
 */
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, resolve, sep } from "node:path";
import type { Store } from "../store/types.js";

export interface ViewServerOptions {
  /** The store whose keys are served under /data/. */
  store: Store;
  /** Port to listen on (default 0: a free one). Always bound to 127.0.0.1. */
  port?: number;
  /** Static sites, by URL prefix ("neuroglancer" → /neuroglancer/...): folder on disk. */
  sites?: Record<string, string>;
  /** Where `/` redirects (a path with an optional #fragment), given the server's origin. */
  home?: (origin: string) => string;
  /** Extra JSON documents served at /<name> (e.g. the viewer state), given the origin. */
  documents?: Record<string, (origin: string) => unknown>;
}

export interface ViewServer {
  /** The origin, e.g. http://127.0.0.1:40123 */
  origin: string;
  /** The URL to open (the home page). */
  url: string;
  port: number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".png": "image/png",
};

const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
  "Access-Control-Allow-Headers": "Range, Content-Type",
  "Access-Control-Expose-Headers": "Content-Range, Content-Length, Accept-Ranges",
};

/** Whole values read for range requests, kept a while (viewers read one shard in many ranges). */
class ValueCache {
  private entries = new Map<string, Uint8Array>();
  private bytes = 0;
  constructor(private readonly limit = 256 * 2 ** 20) {}
  get(key: string): Uint8Array | undefined {
    const v = this.entries.get(key);
    if (v) {
      this.entries.delete(key);
      this.entries.set(key, v);
    }
    return v;
  }
  set(key: string, value: Uint8Array): void {
    if (value.byteLength > this.limit / 4) return;
    this.entries.set(key, value);
    this.bytes += value.byteLength;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.limit) break;
      this.entries.delete(k);
      this.bytes -= v.byteLength;
    }
  }
}

/**
 * The store key named by a URL path below /data/: each segment percent-decoded once; empty, "." and
 * ".." segments, and segments that decode to "/", "\" or NUL, are refused (undefined), so neither
 * `/data/../x` nor `%2e%2e`, `%2f` or `%5c` variants leave the store.
 */
export function keyOfPath(rawPath: string): string | undefined {
  const segments = rawPath.split("/");
  const out: string[] = [];
  for (const s of segments) {
    let d: string;
    try {
      d = decodeURIComponent(s);
    } catch {
      return undefined;
    }
    if (d === "" || d === "." || d === ".." || /[/\\\0]/.test(d)) return undefined;
    out.push(d);
  }
  return out.join("/");
}

/** A parsed `Range` header against a value of `size` bytes: [start, end) or "unsatisfiable"; undefined = whole. */
export function parseRange(
  header: string | undefined,
  size: number,
): [number, number] | "unsatisfiable" | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return undefined; // multi-range or malformed: the whole value (RFC 9110)
  if (m[1] === "") {
    const n = Number(m[2]);
    if (n === 0) return "unsatisfiable";
    return [Math.max(0, size - n), size];
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size : Math.min(size, Number(m[2]) + 1);
  if (start >= size || end <= start) return "unsatisfiable";
  return [start, end];
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | number>,
  body?: Uint8Array | string,
  head = false,
) {
  res.writeHead(status, { ...CORS, ...headers });
  res.end(head ? undefined : body);
}

export async function startViewServer(options: ViewServerOptions): Promise<ViewServer> {
  const cache = new ValueCache();
  let origin = "";
  const sites = Object.entries(options.sites ?? {}).map(([prefix, dir]) => [prefix, resolve(dir)] as const);

  const serveData = async (req: IncomingMessage, res: ServerResponse, rawPath: string, head: boolean) => {
    const key = keyOfPath(rawPath);
    if (key === undefined) return send(res, 400, { "Content-Type": "text/plain" }, "bad path\n", head);
    let value = cache.get(key);
    if (!value) {
      value = await options.store.get(key);
      if (!value) return send(res, 404, { "Content-Type": "text/plain" }, "not found\n", head);
      if (req.headers.range) cache.set(key, value);
    }
    const range = parseRange(req.headers.range, value.byteLength);
    const common = {
      "Content-Type": "application/octet-stream",
      "Accept-Ranges": "bytes",
      "Cache-Control": "no-cache",
    };
    if (range === "unsatisfiable") {
      return send(res, 416, { ...common, "Content-Range": `bytes */${value.byteLength}` }, undefined, head);
    }
    if (!range) return send(res, 200, { ...common, "Content-Length": value.byteLength }, value, head);
    const [start, end] = range;
    return send(
      res,
      206,
      {
        ...common,
        "Content-Length": end - start,
        "Content-Range": `bytes ${start}-${end - 1}/${value.byteLength}`,
      },
      value.subarray(start, end),
      head,
    );
  };

  const serveSite = async (res: ServerResponse, dir: string, rawPath: string, head: boolean) => {
    const key = rawPath === "" ? "index.html" : keyOfPath(rawPath);
    if (key === undefined) return send(res, 400, { "Content-Type": "text/plain" }, "bad path\n", head);
    const file = join(dir, ...key.split("/"));
    if (!file.startsWith(dir + sep))
      return send(res, 400, { "Content-Type": "text/plain" }, "bad path\n", head);
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return send(res, 404, { "Content-Type": "text/plain" }, "not found\n", head);
    }
    return send(
      res,
      200,
      {
        "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
        "Content-Length": body.byteLength,
      },
      body,
      head,
    );
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? "GET";
    if (method === "OPTIONS") return send(res, 204, {});
    if (method !== "GET" && method !== "HEAD") {
      return send(
        res,
        405,
        { Allow: "GET, HEAD, OPTIONS", "Content-Type": "text/plain" },
        "read-only server\n",
      );
    }
    const head = method === "HEAD";
    const raw = (req.url ?? "/").split("?")[0];
    // browsers ask for an icon; an empty answer keeps a 404 out of the page's console
    if (raw === "/favicon.ico") return send(res, 204, {});
    if (raw === "/" && options.home)
      return send(res, 302, { Location: options.home(origin) }, undefined, head);
    if (raw.startsWith("/data/")) return serveData(req, res, raw.slice("/data/".length), head);
    for (const [prefix, dir] of sites) {
      if (raw === `/${prefix}`) return send(res, 302, { Location: `/${prefix}/` }, undefined, head);
      if (raw.startsWith(`/${prefix}/`)) return serveSite(res, dir, raw.slice(prefix.length + 2), head);
    }
    const doc = options.documents?.[raw.slice(1)];
    if (doc) {
      const body = JSON.stringify(await doc(origin));
      return send(
        res,
        200,
        { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) },
        body,
        head,
      );
    }
    return send(res, 404, { "Content-Type": "text/plain" }, "not found\n", head);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      if (!res.headersSent) send(res, 502, { "Content-Type": "text/plain" }, `${e.message}\n`);
      else res.destroy();
    });
  });
  await new Promise<void>((ready, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, "127.0.0.1", () => ready());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: `${origin}/`,
    port,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
