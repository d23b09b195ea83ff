/** ZipStore: reading zips written by others, writing zips that Python's zipfile and zarr 2.13 read. */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { access, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { ExistsError, UnsupportedError } from "../../src/errors.js";
import { bytesSource, LocalStore, ZipStore } from "../../src/index.js";
import { PYTHON } from "../helpers/python.js";
import { needs, python3, pythonModules, SHARED, shared } from "../helpers/requirements.js";
import { counting, encode, tempDir } from "./helpers.js";

const run = promisify(execFile);
const FIXTURES = join(SHARED, "conformance/zarr/zarrita-js");
const skipFixtures = needs(shared("conformance/zarr/zarrita-js"));

async function python(script: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(PYTHON, ["-c", script, ...args]);
  return stdout;
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function openZip(
  t: { after(fn: () => Promise<void>): void },
  ...args: Parameters<typeof ZipStore.open>
) {
  const store = await ZipStore.open(...args);
  t.after(() => store.close());
  return store;
}

/** Every file of the unzipped fixture must be in the zip with the same bytes, and nothing else. */
async function assertSameAsFolder(zip: ZipStore, folder: string): Promise<void> {
  const local = new LocalStore(folder);
  const keys = await local.list();
  assert.ok(keys.length > 100);
  assert.deepEqual(await zip.list(), keys);
  for (const key of keys) assert.deepEqual(await zip.get(key), await local.get(key), key);
}

for (const version of ["v2", "v3"]) {
  test(`reads zarrita's ${version} fixture zips (stored + deflated entries) like the folder`, {
    skip: skipFixtures,
  }, async (t) => {
    const folder = join(FIXTURES, version, "data.zarr");
    await assertSameAsFolder(
      await openZip(t, join(FIXTURES, version, "data.zipped_from_within.zarr.zip")),
      folder,
    );
    // Zipped from the parent: the store sits in a "data.zarr/" folder inside the zip.
    const wrapped = await openZip(t, join(FIXTURES, version, "data.zipped_from_parent.zarr.zip"), {
      root: "data.zarr",
    });
    await assertSameAsFolder(wrapped, folder);
    const unwrapped = await openZip(t, join(FIXTURES, version, "data.zipped_from_parent.zarr.zip"));
    assert.deepEqual((await unwrapped.listDir()).prefixes, ["data.zarr"]);
  });
}

test("reads a zip from bytes in memory", { skip: skipFixtures }, async (t) => {
  const bytes = await readFile(join(FIXTURES, "v3", "data.uncompressed.zarr.zip"));
  const store = await openZip(t, new Uint8Array(bytes));
  await assertSameAsFolder(store, join(FIXTURES, "v3", "data.zarr"));
});

test("reads Python-written zips: deflated, stored, ZIP64 records, directory entries", {
  skip: needs(python3()),
}, async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "py.zip");
  await python(
    `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("folder/", b"")
    z.writestr("folder/deflated", bytes(range(256)) * 40, compress_type=zipfile.ZIP_DEFLATED)
    z.writestr("stored", b"plain bytes", compress_type=zipfile.ZIP_STORED)
    with z.open("zip64", "w", force_zip64=True) as f:
        f.write(b"x" * 5000)
`,
    path,
  );
  const store = await openZip(t, path);
  assert.deepEqual(await store.list(), ["folder/deflated", "stored", "zip64"]);
  const deflated = Uint8Array.from({ length: 10240 }, (_, i) => i % 256);
  assert.deepEqual(await store.get("folder/deflated"), deflated);
  assert.deepEqual(
    await store.get("folder/deflated", { offset: 300, length: 10 }),
    deflated.subarray(300, 310),
  );
  assert.deepEqual(await store.get("folder/deflated", { suffixLength: 5 }), deflated.subarray(10235));
  assert.deepEqual(await store.get("stored", { offset: 6, length: 100 }), encode("bytes"));
  assert.deepEqual(await store.get("zip64"), new Uint8Array(5000).fill(120));
  assert.equal(await store.get("folder"), undefined);
});

test("opening a file that is not a zip fails clearly", async (t) => {
  const path = join(await tempDir(t), "not.zip");
  await writeFile(path, "this is not a zip file at all");
  await assert.rejects(ZipStore.open(path), (error: Error & { code?: string }) => {
    assert.equal(error.code, "io");
    assert.match(error.message, /cannot read zip .*not\.zip/);
    return true;
  });
  await assert.rejects(ZipStore.open(join(path, "..", "missing.zip")), /missing\.zip/);
  await assert.rejects(ZipStore.open(bytesSource(new Uint8Array(10))), { code: "io" });
});

test("round trip: what ZipStore.create writes, ZipStore.open reads", async (t) => {
  const path = join(await tempDir(t), "out", "round.zip");
  const writer = await ZipStore.create(path);
  const values = new Map<string, Uint8Array>([
    ["zarr.json", encode('{"zarr_format":3,"node_type":"group","attributes":{}}')],
    ["my group/zarr.json", encode("{}")],
    ["arr/c/0/0", counting(1 << 20)],
    ["arr/c/0/1", new Uint8Array(0)],
    ["ünïcode/ключ", encode("utf-8 names")],
  ]);
  await Promise.all([...values].map(([key, value]) => writer.set(key, value)));
  await assert.rejects(access(path), "nothing at the path before close");
  await writer.close();
  await writer.close(); // closing twice is harmless
  assert.deepEqual(await readdir(join(path, "..")), ["round.zip"], "no temporary file left");
  const store = await openZip(t, path);
  assert.deepEqual(await store.list(), [...values.keys()].sort());
  for (const [key, value] of values) assert.deepEqual(await store.get(key), value, key);
  assert.deepEqual(
    await store.get("arr/c/0/0", { offset: 70000, length: 3 }),
    counting(70003).subarray(70000),
  );
});

test("Python's zipfile and zarr 2.13's ZipStore read our zip", {
  skip: needs(pythonModules("zarr")),
}, async (t) => {
  const path = join(await tempDir(t), "array.zip");
  const writer = await ZipStore.create(path);
  const ints = (xs: number[]) => new Uint8Array(Int32Array.from(xs).buffer);
  const zarray = {
    zarr_format: 2,
    shape: [5],
    chunks: [2],
    dtype: "<i4",
    compressor: null,
    fill_value: 0,
    filters: null,
    order: "C",
  };
  const entries = new Map<string, Uint8Array>([
    [".zgroup", encode('{"zarr_format":2}')],
    ["arr/.zarray", encode(JSON.stringify(zarray))],
    ["arr/0", ints([1, 2])],
    ["arr/1", ints([3, 4])],
    ["arr/2", ints([5, -6])],
    ["big", counting(300_000)],
  ]);
  for (const [key, value] of entries) await writer.set(key, value);
  await writer.close();

  const report = JSON.parse(
    await python(
      `
import sys, json, hashlib, zipfile, zarr
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    files = {i.filename: [i.compress_type, hashlib.sha256(z.read(i)).hexdigest()] for i in z.infolist()}
g = zarr.open_group(zarr.ZipStore(sys.argv[1], mode="r"), mode="r")
print(json.dumps({"bad": bad, "files": files, "arr": g["arr"][:].tolist()}))
`,
      path,
    ),
  );
  assert.equal(report.bad, null, "every CRC checks out");
  assert.deepEqual(
    report.files,
    Object.fromEntries([...entries].map(([key, value]) => [key, [0, sha256(value)]])),
    "entries at the root, stored (method 0), same bytes",
  );
  assert.deepEqual(report.arr, [1, 2, 3, 4, 5]);
});

test("writing a key twice is an error that leaves the zip usable", async (t) => {
  const path = join(await tempDir(t), "dup.zip");
  const writer = await ZipStore.create(path);
  await writer.set("a", encode("first"));
  await assert.rejects(writer.set("a", encode("second")), (error: unknown) => {
    assert.ok(error instanceof ExistsError);
    assert.match(error.message, /already has an entry "a".*cannot replace entries/);
    return true;
  });
  await writer.set("b", encode("other"));
  await writer.close();
  const store = await openZip(t, path);
  assert.deepEqual(await store.get("a"), encode("first"));
  assert.deepEqual(await store.list(), ["a", "b"]);
});

test("while writing: metadata reads back, chunks do not, deletes of written keys are refused", async (t) => {
  const writer = await ZipStore.create(join(await tempDir(t), "w.zip"));
  t.after(() => writer.abort());
  await writer.set("g/zarr.json", encode('{"node_type":"group"}'));
  await writer.set("g/a/c/0", counting(4));
  assert.deepEqual(await writer.get("g/zarr.json"), encode('{"node_type":"group"}'));
  assert.equal(await writer.get("g/other/zarr.json"), undefined);
  await assert.rejects(writer.get("g/a/c/0"), UnsupportedError);
  assert.equal(await writer.has("g/a/c/0"), true);
  assert.deepEqual(await writer.list("g"), ["g/a/c/0", "g/zarr.json"]);
  assert.deepEqual(await writer.listDir("g"), { keys: ["zarr.json"], prefixes: ["a"] });
  await writer.delete("never/written");
  await writer.deletePrefix("h");
  await assert.rejects(writer.delete("g/a/c/0"), UnsupportedError);
  await assert.rejects(writer.deletePrefix("g"), UnsupportedError);
});

test("create refuses an existing file unless overwrite; abort leaves the old file", async (t) => {
  const path = join(await tempDir(t), "exists.zip");
  await writeFile(path, "old");
  await assert.rejects(ZipStore.create(path), ExistsError);
  const writer = await ZipStore.create(path, { overwrite: true });
  await writer.set("k", encode("v"));
  await writer.abort();
  assert.equal(await readFile(path, "utf8"), "old");
  assert.deepEqual(await readdir(join(path, "..")), ["exists.zip"]);
  await assert.rejects(writer.set("k2", encode("v")), { code: "io" });

  const again = await ZipStore.create(path, { overwrite: true });
  await again.set("k", encode("new"));
  await again.close();
  const store = await openZip(t, path);
  assert.deepEqual(await store.get("k"), encode("new"));
  await assert.rejects(again.set("late", encode("x")), /closed/);
});
