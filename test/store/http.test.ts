/** HttpStore against a real node:http server on 127.0.0.1: Range requests, missing keys, odd servers. */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { FetchStore, HttpStore, httpSource, LocalStore, ZipStore } from "../../src/index.js";
import { needs, SHARED, shared } from "../helpers/requirements.js";
import { counting, encode, startServer } from "./helpers.js";

async function serve(t: { after(fn: () => Promise<void>): void }, files: Record<string, Uint8Array>) {
  const server = await startServer(new Map(Object.entries(files)));
  t.after(() => server.close());
  return server;
}

test("get sends Range headers for offset/length and suffix reads", async (t) => {
  const server = await serve(t, { "data/a/c/0": counting(50) });
  const store = new HttpStore(`${server.url}data`);
  assert.deepEqual(await store.get("a/c/0", { offset: 10, length: 5 }), counting(15).subarray(10));
  assert.deepEqual(await store.get("a/c/0", { suffixLength: 4 }), counting(50).subarray(46));
  assert.deepEqual(await store.get("a/c/0"), counting(50));
  assert.deepEqual(
    server.requests.map((r) => [r.method, r.path, r.range]),
    [
      ["GET", "data/a/c/0", "bytes=10-14"],
      ["GET", "data/a/c/0", "bytes=-4"],
      ["GET", "data/a/c/0", undefined],
    ],
  );
});

test("404 and 403 read as missing; other errors are thrown with the URL", async (t) => {
  const server = await serve(t, { "x/zarr.json": encode("{}") });
  const store = new HttpStore(server.url);
  assert.equal(await store.get("nope"), undefined);
  assert.equal(await store.has("nope"), false);
  server.options = { forbidMissing: true };
  assert.equal(await store.get("nope"), undefined);
  assert.equal(await store.has("nope"), false);
  assert.equal(await store.has("x/zarr.json"), true);
  const failing = new HttpStore(server.url, {
    fetch: async () => new Response("boom", { status: 500, statusText: "Internal Server Error" }),
  });
  await assert.rejects(failing.get("x/zarr.json"), (error: Error & { code?: string }) => {
    assert.equal(error.code, "io");
    assert.match(error.message, /x\/zarr\.json failed: HTTP 500/);
    return true;
  });
});

test("a server that ignores Range: the full body is sliced", async (t) => {
  const server = await serve(t, { k: counting(30) });
  server.options = { ignoreRange: true };
  const store = new HttpStore(server.url);
  assert.deepEqual(await store.get("k", { offset: 5, length: 3 }), Uint8Array.of(5, 6, 7));
  assert.deepEqual(await store.get("k", { suffixLength: 2 }), Uint8Array.of(28, 29));
  assert.deepEqual(await store.get("k", { offset: 40, length: 3 }), new Uint8Array(0));
});

test("a range past the end (416) is an empty read of an existing key", async (t) => {
  const server = await serve(t, { k: counting(30) });
  const store = new HttpStore(server.url);
  assert.deepEqual(await store.get("k", { offset: 30, length: 3 }), new Uint8Array(0));
  assert.deepEqual(await store.get("k", { offset: 28, length: 10 }), Uint8Array.of(28, 29));
});

test("has uses HEAD, and falls back to a one-byte GET when HEAD is refused", async (t) => {
  const server = await serve(t, { k: counting(3) });
  const store = new HttpStore(server.url);
  assert.equal(await store.has("k"), true);
  assert.equal(server.requests.at(-1)?.method, "HEAD");
  server.options = { noHead: true };
  assert.equal(await store.has("k"), true);
  assert.equal(await store.has("missing"), false);
  assert.deepEqual(server.requests.at(-1), { method: "GET", path: "missing", range: "bytes=0-0" });
});

test("keys are percent-encoded; the root's query string and headers are sent", async (t) => {
  const server = await serve(t, { "root/my group/zarr.json": encode("{}") });
  const seen: { url: string; auth: string | null }[] = [];
  const store = new FetchStore(`${server.url}root/?sig=abc`, {
    headers: { Authorization: "Bearer token" },
    fetch: (input, init) => {
      seen.push({ url: String(input), auth: new Headers(init?.headers).get("Authorization") });
      return fetch(input, init);
    },
  });
  assert.deepEqual(await store.get("my group/zarr.json"), encode("{}"));
  assert.deepEqual(seen, [{ url: `${server.url}root/my%20group/zarr.json?sig=abc`, auth: "Bearer token" }]);
});

test("HttpStore is read-only", () => {
  const store = new HttpStore("http://127.0.0.1:1/");
  assert.equal("set" in store, false);
  assert.equal("delete" in store, false);
});

test("a zip over HTTP reads with a handful of range requests", {
  skip: needs(shared("conformance/zarr/zarrita-js")),
}, async (t) => {
  const fixtures = join(SHARED, "conformance/zarr/zarrita-js/v3");
  const zipBytes = new Uint8Array(await readFile(join(fixtures, "data.zipped_from_within.zarr.zip")));
  const server = await serve(t, { "data.zip": zipBytes });
  const zip = await ZipStore.open(`${server.url}data.zip`);
  t.after(() => zip.close());
  // Headers of ~290 entries come from a few read-ahead blocks, not one request each.
  assert.ok(server.requests.length <= 4, `${server.requests.length} requests to open`);
  const local = new LocalStore(join(fixtures, "data.zarr"));
  const keys = await zip.list();
  assert.deepEqual(keys, await local.list());
  for (const key of keys.slice(0, 20)) assert.deepEqual(await zip.get(key), await local.get(key), key);
  const source = httpSource(`${server.url}data.zip`);
  assert.equal(await source.size(), zipBytes.byteLength);
  assert.deepEqual(await source.read(10, 4), zipBytes.subarray(10, 14));
});
