/**
 * Single-file OME-Zarr (.ozx) in a bucket, against a real S3-protocol server (fauxqs): written with
 * `OzxWriter.create("s3://…")` (built locally, then one PUT or one multipart upload), downloaded and
 * checked by independent readers (Debian's unzip for order and CRCs; Python's zipfile + numcodecs +
 * numpy decoding the chunks — the machine's zarr-python is 2.x and reads no Zarr v3), and read back
 * in place with `openOzx("s3://…")` by byte ranges: a few requests, not a download.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { ExistsError } from "../../src/errors.js";
import { ndarray, ome, open, ZarrArray } from "../../src/index.js";
import { write } from "../../src/pyramid/writer.js";
import { type OzxCreateOptions, OzxWriter, openOzx } from "../../src/store/ozx.js";
import type { S3StoreOptions } from "../../src/store/s3.js";
import { storeFromURL } from "../../src/store/url.js";
import { PYTHON } from "../helpers/python.js";
import { type S3TestServer, startS3Server, TEST_CREDENTIALS } from "../helpers/s3.js";
import { memorySource } from "../pyramid/pyramid-helpers.js";
import { tempDir } from "./helpers.js";

const run = promisify(execFile);
const MiB = 1024 * 1024;
let server: S3TestServer;
let s3: { endpoint: string; credentials: typeof TEST_CREDENTIALS };

before(async () => {
  server = await startS3Server(["ozx"]);
  s3 = { endpoint: server.endpoint, credentials: TEST_CREDENTIALS };
});
after(() => server?.stop());

/** A uint16 volume whose values barely compress (so sizes are realistic). */
function volume(shape: number[]) {
  const words = new Uint16Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < words.length; i++) words[i] = (Math.imul(i + 1, 2654435761) >>> 16) & 0xffff;
  return ndarray(words, shape, "uint16");
}

async function writeOzx(
  url: string,
  shape: number[],
  options: Parameters<typeof write>[2] = {},
  create: Omit<OzxCreateOptions, "s3"> & { s3?: S3StoreOptions } = {},
) {
  const data = volume(shape);
  const writer = await OzxWriter.create(url, { ...create, s3: { ...s3, ...create.s3 } });
  try {
    await write(memorySource(data), writer, {
      omeZarrVersion: "0.5",
      chunks: [16, 32, 32],
      levels: 2,
      axes: ["z", "y", "x"],
      workers: 0,
      ...options,
    });
    await writer.close();
  } catch (e) {
    await writer.abort();
    throw e;
  }
  return data;
}

/** Python's zipfile lists and CRC-checks the file; numcodecs decodes level 0 chunk by chunk. */
const PY_CHECK = `
import sys, json, zipfile, numpy as np, numcodecs
z = zipfile.ZipFile(sys.argv[1])
names = [i.filename for i in z.infolist()]
meta = json.loads(z.read("0/zarr.json"))
shape, chunk = meta["shape"], meta["chunk_grid"]["configuration"]["chunk_shape"]
codecs = [c["name"] for c in meta["codecs"]]
out = np.zeros(shape, dtype="<u2")
for i in range(0, shape[0], chunk[0]):
  for j in range(0, shape[1], chunk[1]):
    for k in range(0, shape[2], chunk[2]):
      raw = z.read("0/c/%d/%d/%d" % (i // chunk[0], j // chunk[1], k // chunk[2]))
      if "zstd" in codecs: raw = numcodecs.Zstd().decode(raw)
      block = np.frombuffer(raw, dtype="<u2").reshape(chunk)
      sub = out[i:i+chunk[0], j:j+chunk[1], k:k+chunk[2]]
      sub[...] = block[:sub.shape[0], :sub.shape[1], :sub.shape[2]]
expected = np.fromfile(sys.argv[2], dtype="<u2").reshape(shape)
print(json.dumps({"first": names[0], "comment": z.comment.decode(), "crc_ok": z.testzip() is None,
  "codecs": codecs, "equal": bool(np.array_equal(out, expected))}))
`;

describe(".ozx on s3://", () => {
  test("written to a bucket in one PUT; unzip and Python (zipfile + numcodecs) read the downloaded file", async (t) => {
    const dir = await tempDir(t);
    const url = "s3://ozx/images/small.ozx";
    const data = await writeOzx(url, [24, 40, 56]);
    const bucket = server.store("s3://ozx");
    assert.deepEqual(await bucket.list(), ["images/small.ozx"], "one object, no temporary objects");
    const file = join(dir, "small.ozx");
    await writeFile(file, (await bucket.get("images/small.ozx"))!);
    await writeFile(join(dir, "small.raw"), data.data as Uint16Array);
    const { stdout } = await run("unzip", ["-l", file]);
    const names = stdout
      .split("\n")
      .map((l) => l.trim().match(/^\d+\s+\S+\s+\S+\s+(.+)$/)?.[1])
      .filter((n): n is string => n !== undefined);
    assert.deepEqual(names.slice(0, 3), ["zarr.json", "0/zarr.json", "1/zarr.json"]);
    assert.match((await run("unzip", ["-t", file])).stdout, /No errors detected/);
    const py = JSON.parse((await run(PYTHON, ["-c", PY_CHECK, file, join(dir, "small.raw")])).stdout);
    assert.deepEqual(py, {
      first: "zarr.json",
      comment: '{"ome":{"version":"0.5"}}',
      crc_ok: true,
      codecs: ["bytes", "zstd"],
      equal: true,
    });
  });

  test("read in place by ranges: a few requests to open, the data equal, valid OME-Zarr 0.5", async () => {
    const url = "s3://ozx/images/ranged.ozx";
    const data = await writeOzx(url, [24, 40, 56]);
    const bucket = server.store("s3://ozx");
    const store = await openOzx(bucket.source("images/ranged.ozx"));
    try {
      // HEAD (size), the tail (end records + central directory), the zarr.json entries at the front
      assert.ok(bucket.requests <= 3, `${bucket.requests} requests to open`);
      assert.equal(store.ozx.ordered, true);
      assert.equal(store.ozx.preloaded, true);
      const report = await ome.validate(store);
      assert.equal(report.valid, true, JSON.stringify(report.errors));
      const level0 = await open(store, "0");
      assert.ok(level0 instanceof ZarrArray);
      const before = bucket.requests;
      const got = await level0.get(null);
      assert.deepEqual(got.data, data.data);
      // one ranged GET per chunk (2 x 2 x 2 of 16 x 32 x 32): nothing downloaded whole
      assert.equal(bucket.requests - before, 8);
    } finally {
      await store.close();
    }
    // the URL form, as the CLI opens it (storeFromURL → openOzx with the S3 options)
    const byUrl = await storeFromURL(url, { s3 });
    try {
      assert.deepEqual((await ((await open(byUrl, "1")) as ZarrArray).get(null)).shape, [24, 20, 28]);
    } finally {
      await byUrl.close?.();
    }
  });

  test("a file above the multipart threshold goes up in parts read from disk; it reads back whole", async (t) => {
    const dir = await tempDir(t);
    const url = "s3://ozx/images/big.ozx";
    // 48 x 256 x 256 uint16 uncompressed: 6 MiB at level 0, 7.5 MiB in all: two 5 MiB parts
    const data = await writeOzx(
      url,
      [48, 256, 256],
      { codec: null, chunks: [16, 128, 128] },
      { s3: { multipartThreshold: 5 * MiB, partSize: 5 * MiB } },
    );
    const bucket = server.store("s3://ozx");
    const head = await bucket.client.send(new HeadObjectCommand({ Bucket: "ozx", Key: "images/big.ozx" }));
    assert.match(head.ETag ?? "", /-2"?$/, "a multipart ETag names its 2 parts");
    assert.ok((head.ContentLength ?? 0) > 7 * MiB);
    const file = join(dir, "big.ozx");
    await writeFile(file, (await bucket.get("images/big.ozx"))!);
    await writeFile(join(dir, "big.raw"), data.data as Uint16Array);
    const py = JSON.parse((await run(PYTHON, ["-c", PY_CHECK, file, join(dir, "big.raw")])).stdout);
    assert.equal(py.crc_ok, true);
    assert.equal(py.equal, true);
  });

  test("an existing object is refused without overwrite; an aborted write leaves nothing", async () => {
    const url = "s3://ozx/images/twice.ozx";
    await writeOzx(url, [8, 16, 16]);
    await assert.rejects(OzxWriter.create(url, { s3 }), (e: unknown) => {
      assert.ok(e instanceof ExistsError);
      assert.match((e as Error).message, /s3:\/\/ozx\/images\/twice\.ozx already exists/);
      return true;
    });
    const bucket = server.store("s3://ozx");
    const before = await bucket.get("images/twice.ozx");
    const writer = await OzxWriter.create("s3://ozx/images/aborted.ozx", { s3 });
    await writer.set("zarr.json", new TextEncoder().encode('{"zarr_format":3,"node_type":"group"}'));
    await writer.abort();
    assert.equal(await bucket.has("images/aborted.ozx"), false);
    // overwrite replaces it only once the new file is complete
    await writeOzx(url, [8, 16, 32], {}, { overwrite: true });
    assert.notDeepEqual(await bucket.get("images/twice.ozx"), before);
  });
});
