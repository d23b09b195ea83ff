/**
 * S3Store beyond the shared contract: paging past 1,000 keys, multipart uploads, the emulators'
 * range defects, conditional writes, unsigned requests, and failure modes against a hostile local
 * server (503 SlowDown bursts, a reset mid-body, a server that hangs, 403).
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { parseS3Url, S3Store } from "../../src/store/s3.js";
import { type S3TestServer, startS3Server, TEST_CREDENTIALS } from "../helpers/s3.js";
import { counting, encode } from "./helpers.js";

let fauxqs: S3TestServer;
let s3rver: S3TestServer;
before(async () => {
  [fauxqs, s3rver] = await Promise.all([
    startS3Server(["data"], "fauxqs"),
    startS3Server(["data-s3rver"], "s3rver"),
  ]);
});
after(async () => {
  await Promise.all([fauxqs?.stop(), s3rver?.stop()]);
});

describe("S3Store against fauxqs", () => {
  test("listing, listDir and deletePrefix page past 1,000 keys", async () => {
    const store = fauxqs.store("s3://data/many");
    const keys = Array.from({ length: 1005 }, (_, i) => `x/${String(i).padStart(4, "0")}`);
    await Promise.all(keys.map((k) => store.set(k, encode(k))));
    await store.set("y/z", encode("other"));
    const before = store.requests;
    assert.deepEqual(await store.list("x"), keys);
    assert.equal(store.requests - before, 2, "two ListObjectsV2 pages");
    const dir = await store.listDir("x");
    assert.equal(dir.keys.length, 1005);
    assert.deepEqual(dir.prefixes, []);
    assert.deepEqual(await store.listDir(""), { keys: [], prefixes: ["x", "y"] });
    const beforeDelete = store.requests;
    await store.deletePrefix("x");
    // 2 list pages, and 2 DeleteObjects batches (1,000 + 5)
    assert.equal(store.requests - beforeDelete, 4);
    assert.deepEqual(await store.list(), ["y/z"]);
  });

  test("large values go up as a multipart upload and come back whole", async () => {
    const MiB = 1024 * 1024;
    const store = fauxqs.store("s3://data/multipart", { multipartThreshold: 5 * MiB, partSize: 5 * MiB });
    const value = counting(11 * MiB + 3);
    const before = store.requests;
    await store.set("big", value.subarray(1, 11 * MiB + 2));
    // create + 3 parts + complete
    assert.equal(store.requests - before, 5);
    const back = await store.get("big");
    assert.deepEqual(back, value.subarray(1, 11 * MiB + 2));
    assert.deepEqual(
      await store.get("big", { suffixLength: 10 }),
      value.subarray(11 * MiB - 8, 11 * MiB + 2),
    );
    assert.deepEqual(await store.list(), ["big"], "no parts or temporaries left visible");
  });

  test("setIfAbsent creates once (this server ignores If-None-Match; the HEAD first catches it)", async () => {
    const store = fauxqs.store("s3://data/claim");
    assert.equal(await store.setIfAbsent("lock", encode("first")), true);
    assert.equal(await store.setIfAbsent("lock", encode("second")), false);
    assert.deepEqual(await store.get("lock"), encode("first"));
  });

  test("a missing bucket and a store root inside a prefix", async () => {
    const missing = fauxqs.store("s3://no-such-bucket/x", { maxAttempts: 1 });
    await assert.rejects(missing.get("a"), /bucket no-such-bucket does not exist/);
    const inner = fauxqs.store("s3://data/deep/er");
    await inner.set("k", encode("v"));
    assert.deepEqual(await fauxqs.store("s3://data/deep").list(), ["er/k"]);
    assert.equal(inner.urlOf("k"), "s3://data/deep/er/k");
  });
});

describe("S3Store against s3rver", () => {
  test("suffix ranges are right although s3rver answers them with the first bytes", async () => {
    const store = s3rver.store("s3://data-s3rver/p");
    const value = counting(300);
    await store.set("shard", value);
    assert.deepEqual(await store.get("shard", { suffixLength: 16 }), value.subarray(284));
    assert.deepEqual(await store.get("shard", { offset: 10, length: 5 }), value.subarray(10, 15));
    assert.deepEqual(await store.get("shard", { suffixLength: 1000 }), value);
    assert.deepEqual(await store.list(), ["shard"]);
  });
});

test("parseS3Url", () => {
  assert.deepEqual(parseS3Url("s3://bucket/a/b/"), { bucket: "bucket", prefix: "a/b" });
  assert.deepEqual(parseS3Url("s3://bucket"), { bucket: "bucket", prefix: "" });
  assert.deepEqual(parseS3Url("s3://my.bucket/with%20space"), { bucket: "my.bucket", prefix: "with space" });
  assert.throws(() => parseS3Url("s3://B/x"), /invalid bucket name/);
  assert.throws(() => parseS3Url("s3://bucket/a/../../x"), { code: "invalid_key" });
  assert.throws(() => parseS3Url("http://bucket/x"), /not an S3 URL/);
});

/**
 * A hostile S3 look-alike on 127.0.0.1: path-style GET/PUT/HEAD/DELETE over an in-memory map, with
 * a per-request hook that can answer instead (errors, resets, silence).
 */
interface Hostile {
  endpoint: string;
  objects: Map<string, Buffer>;
  log: { method: string; path: string; authorization?: string; ifNoneMatch?: string }[];
  /** Return true when the hook answered (or dropped) the request itself. */
  hook?: (req: IncomingMessage, res: ServerResponse, body: Buffer) => boolean;
  close(): Promise<void>;
}

function xmlError(res: ServerResponse, status: number, code: string): void {
  res.writeHead(status, { "Content-Type": "application/xml" });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
  );
}

async function startHostile(): Promise<Hostile> {
  const state: Hostile = {
    endpoint: "",
    objects: new Map(),
    log: [],
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
      state.log.push({
        method: req.method ?? "",
        path,
        authorization: req.headers.authorization,
        ifNoneMatch: req.headers["if-none-match"] as string | undefined,
      });
      if (state.hook?.(req, res, body)) return;
      const object = state.objects.get(path);
      if (req.method === "PUT") {
        if (req.headers["if-none-match"] === "*" && object) return xmlError(res, 412, "PreconditionFailed");
        state.objects.set(path, body);
        res.writeHead(200, { ETag: '"etag"' });
        return void res.end();
      }
      if (req.method === "DELETE") {
        state.objects.delete(path);
        return void res.writeHead(204).end();
      }
      if (!object) {
        if (req.method === "HEAD") return void res.writeHead(404).end();
        return xmlError(res, 404, "NoSuchKey");
      }
      res.writeHead(200, { "Content-Length": object.byteLength, ETag: '"etag"' });
      res.end(req.method === "HEAD" ? undefined : object);
    });
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  state.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return state;
}

describe("S3Store failure modes against a hostile server", () => {
  let hostile: Hostile;
  before(async () => {
    hostile = await startHostile();
  });
  after(() => hostile.close());
  const store = (options: ConstructorParameters<typeof S3Store>[1] = {}) =>
    new S3Store("s3://bucket/root", {
      endpoint: hostile.endpoint,
      credentials: TEST_CREDENTIALS,
      retryBaseDelay: 5,
      ...options,
    });

  test("503 SlowDown bursts are retried and every object ends up right", async () => {
    hostile.objects.clear();
    let refusals = 0;
    hostile.hook = (_req, res) => {
      // refuse two of every three requests, 150 refusals in all
      if (refusals < 150 && (refusals + hostile.log.length) % 3 !== 0) {
        refusals++;
        xmlError(res, 503, "SlowDown");
        return true;
      }
      return false;
    };
    const s = store({ maxAttempts: 10 });
    const values = Array.from({ length: 60 }, (_, i) => counting(100 + i));
    await Promise.all(values.map((v, i) => s.set(`c/${i}`, v)));
    const back = await Promise.all(values.map((_, i) => s.get(`c/${i}`)));
    hostile.hook = undefined;
    assert.ok(refusals >= 100, `the server refused ${refusals} requests`);
    assert.deepEqual(back, values);
    for (const [i, v] of values.entries())
      assert.deepEqual(new Uint8Array(hostile.objects.get(`/bucket/root/c/${i}`)!), v);
    await s.close();
  });

  test("a connection reset in the middle of a body is retried", async () => {
    hostile.objects.clear();
    hostile.objects.set("/bucket/root/k", Buffer.from(counting(50_000)));
    let resets = 0;
    hostile.hook = (req, res) => {
      if (req.method !== "GET" || resets >= 2) return false;
      resets++;
      res.writeHead(200, { "Content-Length": 50_000 });
      res.write(Buffer.from(counting(1000)));
      setTimeout(() => res.socket?.destroy(), 20);
      return true;
    };
    const s = store();
    assert.deepEqual(await s.get("k"), counting(50_000));
    hostile.hook = undefined;
    assert.equal(resets, 2);
    await s.close();
  });

  test("a server that hangs times out with a clear error", async () => {
    const held: ServerResponse[] = [];
    hostile.hook = (_req, res) => {
      held.push(res); // never answers
      return true;
    };
    const s = store({ requestTimeout: 300, maxAttempts: 2 });
    const started = Date.now();
    await assert.rejects(s.get("k"), (e: Error & { code?: string }) => {
      assert.equal(e.code, "io");
      assert.match(
        e.message,
        /cannot read s3:\/\/bucket\/root\/k: the server did not answer within 300 ms \(after 2 tries\)/,
      );
      return true;
    });
    assert.ok(Date.now() - started < 10_000);
    assert.equal(held.length, 2, "tried twice");
    hostile.hook = undefined;
    for (const r of held) r.socket?.destroy();
    await s.close();
  });

  test("a server that stalls mid-body times out too", async () => {
    hostile.hook = (req, res) => {
      if (req.method !== "GET") return false;
      res.writeHead(200, { "Content-Length": 10_000 });
      res.write(Buffer.alloc(100));
      return true; // and then nothing
    };
    const s = store({ requestTimeout: 300, maxAttempts: 2 });
    await assert.rejects(s.get("k"), /cannot read s3:\/\/bucket\/root\/k/);
    hostile.hook = undefined;
    await s.close();
  });

  test("403 is a clear error, not retried, and writes nothing", async () => {
    hostile.objects.clear();
    hostile.log.length = 0;
    hostile.hook = (_req, res) => {
      xmlError(res, 403, "AccessDenied");
      return true;
    };
    const s = store();
    await assert.rejects(s.set("a/b", encode("x")), {
      code: "io",
      message:
        "no permission to write s3://bucket/root/a/b: check credentials/profile (AccessDenied, HTTP 403)",
    });
    assert.equal(hostile.log.length, 1, "one request, no retry");
    await assert.rejects(s.get("a/b"), /no permission to read s3:\/\/bucket\/root\/a\/b/);
    const multipart = store({ multipartThreshold: 5 * 1024 * 1024, partSize: 5 * 1024 * 1024 });
    await assert.rejects(multipart.set("big", new Uint8Array(6 * 1024 * 1024)), /no permission to write/);
    hostile.hook = undefined;
    assert.equal(hostile.objects.size, 0, "nothing was written");
    await s.close();
    await multipart.close();
  });

  test("setIfAbsent sends If-None-Match: * and a 412 means the key existed", async () => {
    hostile.objects.clear();
    hostile.log.length = 0;
    const s = store();
    assert.equal(await s.setIfAbsent("claim", encode("mine")), true);
    const put = hostile.log.find((r) => r.method === "PUT");
    assert.equal(put?.ifNoneMatch, "*");
    // a racing writer creates the key between our HEAD (which saw nothing) and our PUT
    hostile.hook = (req, res) => {
      if (req.method === "HEAD") {
        res.writeHead(404).end();
        hostile.objects.set("/bucket/root/other", Buffer.from("theirs"));
        return true;
      }
      return false;
    };
    assert.equal(await s.setIfAbsent("other", encode("mine")), false);
    hostile.hook = undefined;
    assert.equal(hostile.objects.get("/bucket/root/other")?.toString(), "theirs");
    await s.close();
  });

  test("anonymous requests are unsigned; 403 on a read then means 'missing'", async () => {
    hostile.objects.clear();
    hostile.objects.set("/bucket/root/zarr.json", Buffer.from("{}"));
    hostile.log.length = 0;
    const s = new S3Store("s3://bucket/root", { endpoint: hostile.endpoint, anonymous: true });
    assert.deepEqual(await s.get("zarr.json"), encode("{}"));
    assert.equal(hostile.log[0].authorization, undefined);
    hostile.hook = (_req, res) => {
      xmlError(res, 403, "AccessDenied");
      return true;
    };
    assert.equal(await s.get("missing"), undefined);
    hostile.hook = undefined;
    await s.close();
  });
});
