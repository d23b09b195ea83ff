/**
 * The `view` server over real sockets: read-only (PUT/DELETE refused), bound to 127.0.0.1, paths
 * confined to the store (raw and percent-encoded escapes refused), HEAD, whole, suffix and
 * open-ended ranges, CORS; and a store proxied from an http(s) URL.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, test } from "node:test";
import { MemoryStore } from "../../src/index.js";
import { HttpStore } from "../../src/store/http.js";
import { keyOfPath, parseRange, startViewServer, type ViewServer } from "../../src/view/server.js";

const body = Uint8Array.from({ length: 100 }, (_, i) => i);
let server: ViewServer;
const store = new MemoryStore();

before(async () => {
  await store.set("img/0/c/0/0", body);
  await store.set("img/zarr.json", new TextEncoder().encode('{"zarr_format":3,"node_type":"group"}'));
  server = await startViewServer({ store });
});
after(() => server.close());

/** A raw request (the path is sent exactly as given, no client-side normalisation). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  port = server.port,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((done, fail) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () =>
        done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on("error", fail);
    req.end();
  });
}

test("binds 127.0.0.1 on a free port and serves keys with CORS", async () => {
  assert.match(server.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.notEqual(server.port, 0);
  const r = await raw("GET", "/data/img/0/c/0/0");
  assert.equal(r.status, 200);
  assert.deepEqual(new Uint8Array(r.body), body);
  assert.equal(r.headers["access-control-allow-origin"], "*");
  assert.equal(r.headers["accept-ranges"], "bytes");
  assert.equal((await raw("GET", "/data/img/missing")).status, 404);
  const pre = await raw("OPTIONS", "/data/img/0/c/0/0", { "Access-Control-Request-Headers": "range" });
  assert.equal(pre.status, 204);
  assert.match(String(pre.headers["access-control-allow-headers"]), /Range/);
});

test("HEAD, suffix, open-ended and bounded ranges; unsatisfiable is 416", async () => {
  const head = await raw("HEAD", "/data/img/0/c/0/0");
  assert.equal(head.status, 200);
  assert.equal(head.headers["content-length"], "100");
  assert.equal(head.body.length, 0);
  const suffix = await raw("GET", "/data/img/0/c/0/0", { Range: "bytes=-10" });
  assert.equal(suffix.status, 206);
  assert.equal(suffix.headers["content-range"], "bytes 90-99/100");
  assert.deepEqual(new Uint8Array(suffix.body), body.subarray(90));
  const open = await raw("GET", "/data/img/0/c/0/0", { Range: "bytes=95-" });
  assert.equal(open.headers["content-range"], "bytes 95-99/100");
  assert.deepEqual(new Uint8Array(open.body), body.subarray(95));
  const bounded = await raw("GET", "/data/img/0/c/0/0", { Range: "bytes=10-19" });
  assert.deepEqual(new Uint8Array(bounded.body), body.subarray(10, 20));
  assert.equal(bounded.headers["content-length"], "10");
  const headRange = await raw("HEAD", "/data/img/0/c/0/0", { Range: "bytes=-4" });
  assert.equal(headRange.status, 206);
  assert.equal(headRange.headers["content-range"], "bytes 96-99/100");
  const past = await raw("GET", "/data/img/0/c/0/0", { Range: "bytes=100-" });
  assert.equal(past.status, 416);
  assert.equal(past.headers["content-range"], "bytes */100");
  // a longer suffix than the value gives all of it
  assert.deepEqual(
    new Uint8Array((await raw("GET", "/data/img/0/c/0/0", { Range: "bytes=-500" })).body),
    body,
  );
  assert.deepEqual(parseRange("bytes=0-0,5-6", 100), undefined, "multi-range: the whole value");
});

test("paths cannot leave the store, raw or encoded", async () => {
  for (const path of [
    "/data/../etc/passwd",
    "/data/img/../../etc/passwd",
    "/data/%2e%2e/etc/passwd",
    "/data/img/%2E%2E/%2e%2e/etc/passwd",
    "/data/..%2fetc%2fpasswd",
    "/data/..%5cetc%5cpasswd",
    "/data/img%2f0/c/0/0",
    "/data/%00",
    "/data/%zz",
    "/data//etc/passwd",
    "/data/./img/zarr.json",
  ]) {
    const r = await raw("GET", path);
    assert.equal(r.status, 400, path);
    assert.doesNotMatch(r.body.toString(), /root:/, path);
  }
  assert.equal(keyOfPath("img/0/c/0/0"), "img/0/c/0/0");
  assert.equal(keyOfPath("a%20b/c"), "a b/c", "other escapes decode once");
  assert.equal(keyOfPath("%252e%252e"), "%2e%2e", "decoded once only: a literal key, not ..");
});

test("read-only: PUT, DELETE and POST are refused and change nothing", async () => {
  for (const method of ["PUT", "DELETE", "POST", "PATCH"]) {
    const r = await raw(method, "/data/img/0/c/0/0");
    assert.equal(r.status, 405, method);
    assert.match(String(r.headers.allow), /GET, HEAD/);
  }
  assert.deepEqual(await store.get("img/0/c/0/0"), body);
});

test("an http(s) target is proxied through HttpStore", async () => {
  const proxy = await startViewServer({ store: new HttpStore(`${server.origin}/data/img/`) });
  try {
    const r = await raw("GET", "/data/0/c/0/0", { Range: "bytes=-3" }, proxy.port);
    assert.equal(r.status, 206);
    assert.deepEqual(new Uint8Array(r.body), body.subarray(97));
    assert.equal((await raw("GET", "/data/nothing", {}, proxy.port)).status, 404);
  } finally {
    await proxy.close();
  }
});
