/**
 * Payload signing: over HTTPS, S3Store sends bodies as `UNSIGNED-PAYLOAD` (TLS protects them; no
 * SHA-256 of every uploaded byte on the sending thread), over plain HTTP the body's SHA-256 stays in
 * the signature. A local S3 look-alike on 127.0.0.1 records the headers, once behind TLS with a
 * certificate made by openssl for this run (trusted through NODE_TLS_REJECT_UNAUTHORIZED in this
 * test process only) and once in the clear.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttps } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { S3Store } from "../../src/store/s3.js";
import { command, needs } from "../helpers/requirements.js";
import { TEST_CREDENTIALS } from "../helpers/s3.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const skip = needs(command("openssl", "openssl"));
let dir: string;
const seen: { method: string; sha256?: string; body: Buffer }[] = [];
const objects = new Map<string, Buffer>();

function handle(req: IncomingMessage, res: ServerResponse) {
  const parts: Buffer[] = [];
  req.on("data", (c: Buffer) => parts.push(c));
  req.on("end", () => {
    const body = Buffer.concat(parts);
    const sha256 = req.headers["x-amz-content-sha256"];
    seen.push({ method: req.method ?? "", sha256: typeof sha256 === "string" ? sha256 : undefined, body });
    const key = (req.url ?? "").split("?")[0];
    if (req.method === "PUT") {
      objects.set(key, body);
      res.writeHead(200, { ETag: '"e"' }).end();
    } else if (req.method === "GET" && objects.has(key)) {
      res.writeHead(200, { "Content-Length": objects.get(key)!.byteLength }).end(objects.get(key));
    } else {
      res.writeHead(404).end();
    }
  });
}

async function listen(server: ReturnType<typeof createHttp>, scheme: string) {
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let https: ReturnType<typeof createHttps>;
let http: ReturnType<typeof createHttp>;
let httpsEndpoint: string;
let httpEndpoint: string;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), "zarrsmith-s3-tls-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  // this test process talks only to its own servers on 127.0.0.1
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
  https = createHttps(
    { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
    handle,
  );
  http = createHttp(handle);
  httpsEndpoint = await listen(https, "https");
  httpEndpoint = await listen(http, "http");
});
after(() => {
  https?.close();
  http?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("bodies go unsigned over HTTPS and signed (their SHA-256) over HTTP", { skip }, async () => {
  const value = new Uint8Array(100_000).map((_, i) => (i * 31) & 255);
  for (const [endpoint, expected] of [
    [httpsEndpoint, "UNSIGNED-PAYLOAD"],
    [httpEndpoint, createHash("sha256").update(value).digest("hex")],
  ] as const) {
    seen.length = 0;
    const store = new S3Store("s3://bucket/root", {
      endpoint,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    await store.set("a/b", value);
    assert.deepEqual(await store.get("a/b"), value);
    await store.close();
    const put = seen.find((r) => r.method === "PUT");
    assert.equal(put?.sha256, expected, endpoint);
    assert.equal(put?.body.byteLength, value.byteLength);
  }
});
