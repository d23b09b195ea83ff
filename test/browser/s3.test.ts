/**
 * S3Store from the browser bundle (the SDK's browser build: fetch transport, WebCrypto signing)
 * against a real S3-protocol server: signed writes, ranged reads and an array written and read back,
 * the way a web page would with explicit credentials. Not here: listing and XML error bodies, which
 * the SDK's browser build parses with the browser's DOMParser, absent from Node: s3-listing.test.ts
 * runs those in headless Chromium.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type S3TestServer, startS3Server, TEST_CREDENTIALS } from "../helpers/s3.js";
import { type Browser, type Bundle, bundle } from "./bundle.js";

let b: Bundle;
let z: Browser;
let server: S3TestServer;

before(async () => {
  [b, server] = await Promise.all([bundle(), startS3Server(["web"])]);
  z = await b.load();
});
after(async () => {
  b?.dispose();
  await server?.stop();
});

test("the bundled S3Store writes and reads ranges with the browser build of the SDK", async () => {
  assert.ok(
    b.inputs.some((f) => /client-s3\/dist-es\/runtimeConfig\.browser\.js$/.test(f)),
    "browser runtime config",
  );
  assert.ok(!b.inputs.some((f) => /node-http-handler|credential-provider-node/.test(f)), "no Node transport");
  const store = new z.S3Store("s3://web/page", {
    endpoint: server.endpoint,
    region: "us-east-1",
    credentials: TEST_CREDENTIALS,
  });
  const value = Uint8Array.from({ length: 200 }, (_, i) => i);
  await store.set("a/b", value);
  assert.deepEqual(await store.get("a/b", { suffixLength: 5 }), value.subarray(195));
  assert.deepEqual(await store.get("a/b", { offset: 10, length: 3 }), value.subarray(10, 13));
  assert.equal(await store.has("a/b"), true);
  assert.equal(await store.has("a/missing"), false);
  await store.delete("a/b");
  assert.equal(await store.has("a/b"), false);

  const arr = await z.v3.ArraySpec.create({ shape: [8, 8], data_type: "uint16", chunks: [4, 4] }).toZarr(
    store,
    "img",
  );
  await arr.set(
    null,
    z.ndarray(
      Uint16Array.from({ length: 64 }, (_, i) => i),
      [8, 8],
    ),
  );
  const back = await z.open(store, "img");
  const got = await (back as InstanceType<typeof z.ZarrArray>).get(null);
  assert.deepEqual(
    Array.from(got.data as Uint16Array),
    Array.from({ length: 64 }, (_, i) => i),
  );
  await store.close();
});
