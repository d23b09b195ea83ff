/**
 * Hostile HTTP servers (run in a child by http.test.ts): each case starts a node http/net server on
 * 127.0.0.1 port 0 in the child, points an HttpStore at it and reads one key. Timeouts and retry
 * delays are set small through the store's options so each case ends in seconds.
 */
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer as createNet, type Server } from "node:net";
import { HttpStore } from "../../src/store/http.js";

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

const FAST = { connectTimeoutMs: 500, idleTimeoutMs: 500, retries: 2, retryBaseDelayMs: 10 };
const MiB = 1 << 20;

async function listen(server: Server | ReturnType<typeof createHttp>): Promise<string> {
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** Serves `handler` (n = the request's number, from 0); runs `fn` against a store on it. */
async function withServer<T>(handler: Handler, fn: (store: HttpStore) => Promise<T>, options = {}) {
  let n = 0;
  const server = createHttp((req, res) => handler(req, res, n++));
  const url = await listen(server);
  try {
    return await fn(new HttpStore(url, { ...FAST, ...options }));
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

const BODY = Uint8Array.from({ length: 100 }, (_, i) => i);
const summary = (b: Uint8Array | undefined) => (b === undefined ? null : { length: b.length, first: b[0] });

/** Writes `total` zero bytes in 1 MiB pieces, respecting back-pressure. */
function stream(res: ServerResponse, total: number) {
  const piece = Buffer.alloc(MiB);
  let sent = 0;
  const more = () => {
    while (sent < total) {
      sent += MiB;
      if (!res.write(piece)) return void res.once("drain", more);
    }
    res.end();
  };
  res.on("error", () => {});
  more();
}

export const CASES = {
  /** Accepts the connection and never answers. */
  neverAnswers: async () => {
    const server = createNet(() => {});
    const url = await listen(server);
    try {
      return summary(await new HttpStore(url, FAST).get("zarr.json"));
    } finally {
      server.close();
    }
  },
  /** Sends headers, then one byte a second. */
  drips: () =>
    withServer(
      (_req, res) => {
        res.writeHead(200, { "Content-Length": 100 });
        const t = setInterval(() => res.write(new Uint8Array(1)), 1000);
        res.on("close", () => clearInterval(t));
      },
      async (s) => summary(await s.get("zarr.json")),
    ),
  /** 503 twice, then the body: retried with backoff. */
  unavailableThenOk: () =>
    withServer(
      (_req, res, n) => (n < 2 ? res.writeHead(503).end() : res.writeHead(200).end(BODY)),
      async (s) => summary(await s.get("zarr.json")),
    ),
  /** 429 with Retry-After: 0, then the body. */
  tooManyThenOk: () =>
    withServer(
      (_req, res, n) =>
        n < 1 ? res.writeHead(429, { "Retry-After": "0" }).end() : res.writeHead(200).end(BODY),
      async (s) => summary(await s.get("zarr.json")),
    ),
  /** The connection is reset before any answer, once. */
  resetThenOk: () =>
    withServer(
      (req, res, n) => (n < 1 ? req.socket.destroy() : res.writeHead(200).end(BODY)),
      async (s) => summary(await s.get("zarr.json")),
    ),
  /** Always 500: a typed error naming the URL and the status, after the retries. */
  alwaysFails: () =>
    withServer(
      (_req, res) => res.writeHead(500).end(),
      async (s) => summary(await s.get("zarr.json")),
    ),
  /** Half the promised body, then the connection drops (every time). */
  dropsMidBody: () =>
    withServer(
      (_req, res) => {
        res.writeHead(200, { "Content-Length": 1000 });
        res.write(new Uint8Array(500), () => res.socket?.destroy());
      },
      async (s) => summary(await s.get("zarr.json")),
    ),
  /** A 206 whose Content-Range is shifted by one from what was asked. */
  shiftedContentRange: () =>
    withServer(
      (_req, res) => {
        res.writeHead(206, { "Content-Range": "bytes 11-20/100", "Content-Length": 10 });
        res.end(BODY.subarray(11, 21));
      },
      async (s) => summary(await s.get("c/0", { offset: 10, length: 10 })),
    ),
  /** A 206 with no Content-Range at all. */
  partialWithoutContentRange: () =>
    withServer(
      (_req, res) => res.writeHead(206).end(BODY.subarray(11, 21)),
      async (s) => summary(await s.get("c/0", { offset: 10, length: 10 })),
    ),
  /** A correct Content-Range, then far more body than it announces (no Content-Length). */
  partialLongerThanRange: () =>
    withServer(
      (_req, res) => {
        res.writeHead(206, { "Content-Range": "bytes 0-9/100" });
        stream(res, 512 * MiB);
      },
      async (s) => summary(await s.get("c/0", { offset: 0, length: 10 })),
    ),
  /** 200 to a small range, with a 512 MiB body of unknown length: only the needed prefix is read. */
  fullBodyForRange: () =>
    withServer(
      (_req, res) => {
        res.writeHead(200);
        stream(res, 512 * MiB);
      },
      async (s) => summary(await s.get("c/0", { offset: 5, length: 10 })),
    ),
  /** A whole-key read whose response declares 4.7 GB. */
  hugeContentLength: () =>
    withServer(
      (_req, res) => {
        res.writeHead(200, { "Content-Length": 4_700_000_000 });
        stream(res, 4_700_000_000);
      },
      async (s) => summary(await s.get("c/0")),
      { maxResponseBytes: 64 * MiB },
    ),
  /** A whole-key read with no Content-Length that goes on for 512 MiB. */
  endlessBody: () =>
    withServer(
      (_req, res) => {
        res.writeHead(200);
        stream(res, 512 * MiB);
      },
      async (s) => summary(await s.get("c/0")),
      { maxResponseBytes: 64 * MiB },
    ),
};
