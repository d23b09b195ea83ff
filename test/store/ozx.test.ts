/**
 * Single-file OME-Zarr (.ozx, RFC-9): what we write follows RFC-9 (root zarr.json first, the other
 * zarr.json next breadth first, stored entries, ZIP64, the {"ome":{"version"}} comment) as Debian's
 * `unzip`, Python's zipfile and ngff-zarr's RFC-9 helpers see it; it reads back over HTTP with a
 * handful of range requests; and zarrita reads the arrays once Python has unzipped it.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { memoryStoreToZip, readOzxVersion } from "@fideus-labs/ngff-zarr";
import { ome, open, slice, ZarrArray } from "../../src/index.js";
import { write } from "../../src/pyramid/writer.js";
import { isOzxPath, OzxWriter, openOzx, ozxEntryOrder } from "../../src/store/ozx.js";
import { zarritaRead } from "../helpers/zarrita.js";
import { randomArray } from "../pyramid/helpers.js";
import { memorySource } from "../pyramid/pyramid-helpers.js";
import { startServer, tempDir } from "./helpers.js";

const run = promisify(execFile);

/** A sharded 0.5 image (3 levels, a labels group would add more zarr.json) written into an .ozx. */
async function writeImage(path: string, shape = [3, 200, 256]) {
  // Values over the whole uint16 range: chunks barely compress, so the file has a realistic size.
  const data = randomArray(shape, "uint16", 7);
  const words = data.data as Uint16Array;
  for (let i = 0; i < words.length; i++) words[i] = (Math.imul(i + 1, 2654435761) >>> 16) & 0xffff;
  const store = await OzxWriter.create(path);
  try {
    await write(memorySource(data), store, {
      omeZarrVersion: "0.5",
      chunks: [1, 32, 32],
      shards: [1, 64, 64],
      levels: 3,
      axes: ["c", "y", "x"],
      name: "ozx",
      workers: 0,
    });
    await store.close();
  } catch (e) {
    await store.abort();
    throw e;
  }
  return data;
}

test("an .ozx we write lists with unzip in RFC-9's order: root zarr.json, other zarr.json breadth first, then data", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "image.ozx");
  await writeImage(path);
  const { stdout } = await run("unzip", ["-l", path]);
  const names = stdout
    .split("\n")
    .map((l) => l.trim().match(/^\d+\s+\S+\s+\S+\s+(.+)$/)?.[1])
    .filter((n): n is string => n !== undefined);
  assert.equal(names[0], "zarr.json");
  const docs = names.filter((n) => n.endsWith("zarr.json"));
  assert.deepEqual(docs, ["zarr.json", "0/zarr.json", "1/zarr.json", "2/zarr.json"]);
  assert.deepEqual(names.slice(0, docs.length), docs, "every zarr.json before any data");
  assert.ok(names.length > docs.length + 10);
  assert.ok(!names.some((n) => n.includes("zarrsmith-progress")), "no leftovers of the writer");
  // Nothing compressed at the ZIP level (unzip -v prints the method of every entry).
  const verbose = (await run("unzip", ["-v", path])).stdout;
  assert.ok(!/\bDefl/.test(verbose));
  assert.equal((verbose.match(/\bStored\b/g) ?? []).length, names.length);
  // unzip checks every CRC.
  assert.match((await run("unzip", ["-t", path])).stdout, /No errors detected/);
});

test("an .ozx we write has ZIP64 records, stored entries and the RFC-9 comment (Python zipfile, ngff-zarr)", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "image.ozx");
  await writeImage(path, [1, 64, 64]);
  const { stdout } = await run("/usr/bin/python3", [
    "-c",
    `
import sys, json, zipfile, struct
z = zipfile.ZipFile(sys.argv[1])
infos = z.infolist()
raw = open(sys.argv[1], "rb").read()
def ids(extra):
    out, o = [], 0
    while o + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, o)
        out.append(tag)
        o += 4 + size
    return out
print(json.dumps({
  "comment": z.comment.decode("utf-8"),
  "names": [i.filename for i in infos],
  "stored": all(i.compress_type == zipfile.ZIP_STORED for i in infos),
  "zip64_extra": all(1 in ids(i.extra) for i in infos),
  "zip64_eocd": raw.find(b"PK\\x06\\x06") >= 0 and raw.find(b"PK\\x06\\x07") >= 0,
  "crc_ok": z.testzip() is None,
}))`,
    path,
  ]);
  const got = JSON.parse(stdout);
  assert.deepEqual(JSON.parse(got.comment), { ome: { version: "0.5" } });
  assert.equal(got.names[0], "zarr.json");
  assert.equal(got.stored, true);
  assert.equal(got.zip64_extra, true, "every entry carries a ZIP64 extra field");
  assert.equal(got.zip64_eocd, true, "ZIP64 end of central directory record and locator");
  assert.equal(got.crc_ok, true);
  // ngff-zarr's RFC-9 helper reads the version from the comment too. (Its central directory
  // helpers do not read ZIP64 end records, which RFC-9 asks for whatever the size, so not those.)
  assert.equal(readOzxVersion(new Uint8Array(await readFile(path))), "0.5");
});

test("an .ozx reads back over HTTP: metadata in 3 requests, then one range request per chunk", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "image.ozx");
  const data = await writeImage(path, [3, 400, 256]);
  const size = (await stat(path)).size;
  assert.ok(size > 512 * 1024, `${size} bytes: big enough that the tail read does not cover the metadata`);
  const server = await startServer(new Map([["image.ozx", new Uint8Array(await readFile(path))]]));
  t.after(() => server.close());
  const store = await openOzx(`${server.url}image.ozx`);
  t.after(() => store.close());
  // HEAD (size) + the tail (end records and central directory) + the zarr.json entries at the front.
  const opening = server.requests.length;
  assert.ok(opening <= 3, `${opening} requests to open: ${JSON.stringify(server.requests)}`);
  assert.equal(store.ozx.ordered, true);
  assert.equal(store.ozx.preloaded, true);
  assert.equal(store.ozx.commentVersion, "0.5");
  // Opening the image and validating every node reads metadata only: no further request.
  const report = await ome.validate(store);
  assert.equal(report.valid, true, JSON.stringify(report.errors));
  assert.equal(report.version, "0.5");
  const image = await open(store, "0");
  assert.ok(image instanceof ZarrArray);
  assert.equal(server.requests.length, opening, "metadata came from the first read");
  for (const r of server.requests.slice(1))
    assert.match(r.range ?? "", /^bytes=/, "ranges only, after the HEAD");
  // One shard (64x64 of channel 1): one range request for its index, one for the inner chunks read.
  const region = await image.get([1, slice(0, 64), slice(0, 64)], { workers: 0 });
  const chunkRequests = server.requests.length - opening;
  t.diagnostic(`${opening} requests to open and read all metadata, ${chunkRequests} to read one shard`);
  assert.ok(chunkRequests <= 3, `${chunkRequests} requests for one shard`);
  const want: number[] = [];
  for (let y = 0; y < 64; y++)
    for (let x = 0; x < 64; x++) want.push((data.data as Uint16Array)[1 * 400 * 256 + y * 256 + x]);
  assert.deepEqual(Array.from(region.data as Uint16Array), want);
});

test("zarrita reads the arrays of an .ozx unzipped by Python; we read an .ozx ngff-zarr wrote", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "image.ozx");
  const data = await writeImage(path, [2, 70, 90]);
  const out = join(dir, "unzipped");
  await run("/usr/bin/python3", [
    "-c",
    "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])",
    path,
    out,
  ]);
  const got = await zarritaRead(out, "/0");
  assert.deepEqual(got.shape, [2, 70, 90]);
  assert.deepEqual(got.values, Array.from(data.data as Uint16Array));

  // ngff-zarr's RFC-9 writer (an independent implementation) → our reader.
  const files = new Map<string, Uint8Array>();
  const enc = new TextEncoder();
  files.set(
    "zarr.json",
    enc.encode(
      JSON.stringify({ zarr_format: 3, node_type: "group", attributes: { ome: { version: "0.5" } } }),
    ),
  );
  const theirs = join(dir, "theirs.ozx");
  const { writeFile } = await import("node:fs/promises");
  await writeFile(theirs, memoryStoreToZip(files, { version: "0.5" }));
  const store = await openOzx(theirs);
  t.after(() => store.close());
  assert.equal(store.ozx.commentVersion, "0.5");
  assert.deepEqual(await store.list(), ["zarr.json"]);
});

test("the RFC-9 rules on reading and naming", async (t) => {
  assert.deepEqual(
    ozxEntryOrder(["a/b/zarr.json", "0/c/0", "zarr.json", "a/zarr.json", "b/zarr.json", ".zattrs"]),
    ["zarr.json", "a/zarr.json", "b/zarr.json", "a/b/zarr.json", ".zattrs", "0/c/0"],
  );
  assert.equal(isOzxPath("x/image.OZX"), true);
  assert.equal(isOzxPath("https://h/image.ozx?sig=1"), true);
  assert.equal(isOzxPath("image.zip"), false);
  // A zip whose hierarchy sits in a folder is not an OME-Zarr zip file (RFC-9: zarr.json at the root).
  const dir = await tempDir(t);
  const nested = join(dir, "nested.ozx");
  const { ZipStore } = await import("../../src/store/zip.js");
  const zip = await ZipStore.create(nested);
  await zip.set("img.zarr/zarr.json", new TextEncoder().encode("{}"));
  await zip.close();
  await assert.rejects(
    openOzx(nested),
    /zarr\.json at the root of the archive \(found img\.zarr\/zarr\.json/,
  );
  // An .ozx without a root zarr.json cannot be finished, and leaves nothing behind.
  const empty = await OzxWriter.create(join(dir, "empty.ozx"));
  await empty.set("0/c/0", new Uint8Array([1]));
  await assert.rejects(empty.close(), /must hold the hierarchy's root zarr\.json/);
  await assert.rejects(stat(join(dir, "empty.ozx")));
  const { readdir } = await import("node:fs/promises");
  assert.deepEqual(await readdir(dir), ["nested.ozx"]);
});
