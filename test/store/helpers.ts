/** Shared test helpers for stores: temporary directories and a small HTTP server with Range support. */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "zarrsmith-store-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export const encode = (text: string) => new TextEncoder().encode(text);

/** 0, 1, 2, ... (mod 256): easy to check slices of. */
export function counting(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => i % 256);
}

export interface ServerOptions {
  /** Answer 200 with the full body even when a Range is asked for. */
  ignoreRange?: boolean;
  /** Answer 403 (like S3 without list permission) instead of 404 for missing files. */
  forbidMissing?: boolean;
  /** Refuse HEAD with 405. */
  noHead?: boolean;
}

export interface TestServer {
  /** Base URL ending in "/" under which `files` are served. */
  url: string;
  files: Map<string, Uint8Array>;
  /** Every request seen: method, path (decoded) and Range header. */
  requests: { method: string; path: string; range: string | undefined }[];
  options: ServerOptions;
  close(): Promise<void>;
}

/** Serves `files` (keyed by decoded path without leading "/") on 127.0.0.1 with byte ranges. */
export async function startServer(
  files: Map<string, Uint8Array>,
  options: ServerOptions = {},
): Promise<TestServer> {
  const requests: TestServer["requests"] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = decodeURIComponent(url.pathname.slice(1));
    const range = req.headers.range;
    requests.push({ method: req.method ?? "", path, range });
    if (req.method === "HEAD" && state.options.noHead) return void res.writeHead(405).end();
    const body = files.get(path);
    if (!body) return void res.writeHead(state.options.forbidMissing ? 403 : 404).end();
    const head = req.method === "HEAD";
    const match = range?.match(/^bytes=(\d*)-(\d*)$/);
    if (!match || state.options.ignoreRange || head) {
      res.writeHead(200, { "Content-Length": body.byteLength, "Accept-Ranges": "bytes" });
      return void res.end(head ? undefined : body);
    }
    let start: number;
    let end: number; // inclusive
    if (match[1] === "") {
      start = Math.max(0, body.byteLength - Number(match[2]));
      end = body.byteLength - 1;
    } else {
      start = Number(match[1]);
      end = match[2] === "" ? body.byteLength - 1 : Math.min(Number(match[2]), body.byteLength - 1);
    }
    if (start >= body.byteLength) {
      return void res.writeHead(416, { "Content-Range": `bytes */${body.byteLength}` }).end();
    }
    res.writeHead(206, {
      "Content-Range": `bytes ${start}-${end}/${body.byteLength}`,
      "Content-Length": end - start + 1,
    });
    res.end(body.subarray(start, end + 1));
  });
  const state = { options };
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    files,
    requests,
    get options() {
      return state.options;
    },
    set options(next: ServerOptions) {
      state.options = next;
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
