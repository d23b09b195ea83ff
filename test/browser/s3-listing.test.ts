/**
 * S3 listing from the browser bundle in a real browser (headless Chromium, playwright-core): the
 * SDK's browser build parses ListObjectsV2 / DeleteObjects answers and XML error bodies with the
 * browser's DOMParser, which Node lacks, so only a page can test that path. The page is served from
 * one loopback port and the S3 server is another, so every request is cross-origin as in a web app.
 *
 * The server is s3rver: it implements bucket CORS (PutBucketCors, preflight answers); fauxqs sends
 * no CORS headers at all, so a page cannot talk to it. s3rver fails concurrent PUTs into a folder
 * that does not exist yet (HTTP 500), hence one PUT first and the rest after it.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { PutBucketCorsCommand, S3Client } from "@aws-sdk/client-s3";
import { CHROMIUM_ARGS, chromiumPath } from "../../src/view/browser.js";
import { type S3TestServer, startS3Server, TEST_CREDENTIALS } from "../helpers/s3.js";
import { type Bundle, bundle } from "./bundle.js";

const KEYS = 1205; // past two ListObjectsV2 pages of 1,000
let b: Bundle;
let server: S3TestServer;
let page: Server;
let origin: string;
let browser: import("playwright-core").Browser;

before(async () => {
  [b, server] = await Promise.all([bundle(), startS3Server(["web"], "s3rver")]);
  const client = new S3Client({
    endpoint: server.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: TEST_CREDENTIALS,
  });
  await client.send(
    new PutBucketCorsCommand({
      Bucket: "web",
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedOrigins: ["*"],
            AllowedMethods: ["GET", "PUT", "POST", "DELETE", "HEAD"],
            AllowedHeaders: ["*"],
            ExposeHeaders: ["ETag", "Content-Range", "Content-Length"],
          },
        ],
      },
    }),
  );
  client.destroy();
  const store = server.store("s3://web/many", { maxConcurrency: 16 });
  const bytes = new Uint8Array([1]);
  await store.set("k0000", bytes);
  await store.set("sub/x", bytes);
  await Promise.all(
    Array.from({ length: KEYS - 1 }, (_, i) => store.set(`k${String(i + 1).padStart(4, "0")}`, bytes)),
  );
  page = createServer((req, res) => {
    const name = req.url === "/" ? "index.html" : (req.url ?? "").slice(1);
    if (name === "index.html") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end('<!doctype html><script type="module">window.z = await import("./zarrsmith.js");</script>');
    } else if (name === "zarrsmith.js" || name === "worker.js") {
      res.writeHead(200, { "content-type": "text/javascript" });
      res.end(readFileSync(join(b.dir, name)));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => page.listen(0, "127.0.0.1", done));
  origin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
  const { chromium } = await import("playwright-core");
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
});
after(async () => {
  await browser?.close();
  page?.close();
  b?.dispose();
  await server?.stop();
});

test("the browser build lists past 1,000 keys, lists folders, deletes in batches and reads XML errors", async () => {
  const tab = await browser.newPage();
  const lists: string[] = [];
  const errors: string[] = [];
  tab.on("request", (r) => {
    if (/[?&]list-type=2/.test(r.url())) lists.push(r.url());
  });
  tab.on("pageerror", (e) => errors.push(e.message));
  await tab.goto(origin);
  await tab.waitForFunction("window.z !== undefined");
  const got = await tab.evaluate(
    async ({ endpoint, credentials }) => {
      // biome-ignore lint/suspicious/noExplicitAny: the page's global set by index.html
      const z = (window as any).z;
      const options = { endpoint, region: "us-east-1", credentials };
      const store = new z.S3Store("s3://web/many", options);
      const keys: string[] = await store.list();
      const dir = await store.listDir();
      const parser = typeof DOMParser;
      let denied = "";
      try {
        const wrong = { ...credentials, accessKeyId: "NOBODY" };
        await new z.S3Store("s3://web/many", { ...options, credentials: wrong, maxAttempts: 1 }).list();
      } catch (e) {
        denied = String((e as Error).message);
      }
      await store.deletePrefix("");
      const after: string[] = await store.list();
      return { keys, dir, parser, denied, after };
    },
    { endpoint: server.endpoint, credentials: TEST_CREDENTIALS },
  );
  await tab.close();
  assert.deepEqual(errors, []);
  assert.equal(got.parser, "function");
  const expected = [
    ...Array.from({ length: KEYS }, (_, i) => `k${String(i).padStart(4, "0")}`),
    "sub/x",
  ].sort();
  assert.equal(got.keys.length, KEYS + 1);
  assert.deepEqual(got.keys, expected);
  assert.deepEqual(got.dir.prefixes, ["sub"]);
  assert.equal(got.dir.keys.length, KEYS);
  assert.equal(got.dir.keys[KEYS - 1], "k1204");
  // two pages each for list(), listDir() and deletePrefix's listing
  assert.ok(lists.filter((u) => /continuation-token=/.test(u)).length >= 3, lists.join("\n"));
  // the error code comes from the XML body (DOMParser), the status from the response
  assert.match(
    got.denied,
    /^no permission to list s3:\/\/web\/many\/: check credentials\/profile \(InvalidAccessKeyId, HTTP 403\)/,
  );
  assert.deepEqual(got.after, []);
});
