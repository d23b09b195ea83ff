/** Interoperability with zarrita.js: it reads our v2, v3 and sharded v3 arrays; we read what it writes. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, test } from "node:test";
import { type DataType, LocalStore, open, slice, v2, v3 } from "../../src/index.js";
import { pythonJSON, tempDir } from "../helpers/python.js";
import { randomArray } from "../helpers/reference.js";
import { needs, pythonModules } from "../helpers/requirements.js";
import { zarr, zarritaRead, zarritaStore } from "../helpers/zarrita.js";

const { dir, cleanup } = tempDir();
after(cleanup);

const values = (a: { data: ArrayLike<unknown> }) => Array.from(a.data);

test("zarrita reads our Zarr v2 arrays", async () => {
  for (const [dtype, compressor] of [
    ["<u2", { id: "zstd", level: 5 }],
    ["<f4", { id: "blosc", cname: "lz4", clevel: 5, shuffle: 1, blocksize: 0 }],
    ["|u1", { id: "gzip", level: 1 }],
  ] as const) {
    const spec = v2.ArraySpec.parse({ shape: [9, 13], chunks: [4, 5], dtype, compressor });
    const arr = await spec.toZarr(new LocalStore(join(dir, "v2.zarr")), dtype.slice(1));
    const data = randomArray(spec.dataType as DataType, [9, 13], 3);
    await arr.set(null, data);
    const got = await zarritaRead(join(dir, "v2.zarr"), `/${dtype.slice(1)}`);
    assert.deepEqual(got.shape, [9, 13]);
    assert.deepEqual(got.values, values(data), dtype);
  }
});

test("zarrita reads our Zarr v3 arrays, plain and sharded, with dimension names and attributes", async () => {
  const cases: Array<[DataType, number[] | undefined]> = [
    ["uint16", undefined],
    ["float32", [8, 10, 6]],
    ["int8", [4, 10, 12]],
    ["uint64", [8, 5, 6]],
  ];
  for (const [dtype, shards] of cases) {
    const shape = [11, 19, 13];
    const spec = v3.ArraySpec.create({
      shape,
      data_type: dtype,
      chunks: [4, 5, 6],
      shards,
      dimension_names: ["z", "y", "x"],
      attributes: { hello: "world" },
    });
    const name = `${dtype}-${shards ? "sharded" : "plain"}`;
    const arr = await spec.toZarr(new LocalStore(join(dir, "v3.zarr")), name);
    const data = randomArray(dtype, shape, 9);
    await arr.set(null, data);
    const got = await zarritaRead(join(dir, "v3.zarr"), `/${name}`);
    assert.deepEqual(got.shape, shape);
    assert.deepEqual(got.attrs, { hello: "world" });
    assert.deepEqual(got.values, values(data), name);
  }
});

test("shards written by inner chunk in the pool: the same bytes as one-task encoding, and zarrita reads them", async () => {
  // shape 11 x 19 x 13 in shards of 8 x 10 x 6 and chunks of 4 x 5 x 6: edge shards, inner chunks
  // past the array's end, and padded ones; zeros (the fill value) fill whole inner chunks and a shard
  const shape = [11, 19, 13];
  const make = (name: string) =>
    v3.ArraySpec.create({ shape, data_type: "int16", chunks: [4, 5, 6], shards: [8, 10, 6] }).toZarr(
      new LocalStore(join(dir, "by-inner.zarr")),
      name,
    );
  const data = randomArray("int16", shape, 5);
  const d = data.data as Int16Array;
  for (let z = 0; z < 11; z++)
    for (let y = 0; y < 19; y++)
      for (let x = 0; x < 13; x++) if (x < 6 || (z < 4 && y < 5)) d[(z * 19 + y) * 13 + x] = 0;
  const pooled = await make("pooled");
  const inline = await make("inline");
  // a reversed selection: the pool's path cuts inner chunks with negative source steps
  const reversed = { data: new Int16Array(d.length), shape, dtype: "int16" as const };
  for (let z = 0; z < 11; z++)
    for (let y = 0; y < 19; y++)
      for (let x = 0; x < 13; x++) reversed.data[((10 - z) * 19 + y) * 13 + x] = d[(z * 19 + y) * 13 + x];
  await pooled.set([slice(10, null, -1)], reversed, { workers: 2 });
  await inline.set(null, data, { workers: 0 });
  const store = new LocalStore(join(dir, "by-inner.zarr"));
  for (const coords of [
    [0, 0, 0],
    [0, 1, 1],
    [1, 1, 2],
    [1, 0, 1],
  ]) {
    const key = coords.join("/");
    const a = await store.get(`pooled/c/${key}`);
    const b = await store.get(`inline/c/${key}`);
    assert.deepEqual(a, b, `shard ${key}`);
  }
  // x < 6 is all zeros: the shards with x index 0 are not stored at all
  assert.equal(await store.get("pooled/c/0/0/0"), undefined);
  assert.ok(await store.get("pooled/c/0/0/1"));
  const got = await zarritaRead(join(dir, "by-inner.zarr"), "/pooled");
  assert.deepEqual(got.values, values(data));
  // writeChunk of a whole shard takes the same path
  const shard = await inline.readChunk([1, 1, 1], { workers: 0 });
  assert.ok(shard);
  await pooled.writeChunk([1, 1, 1], shard, { workers: 2 });
  assert.deepEqual(await store.get("pooled/c/1/1/1"), await store.get("inline/c/1/1/1"));
});

test("we read Zarr v3 arrays written by zarrita", async () => {
  const root = join(dir, "by-zarrita.zarr");
  const loc = zarr.root(zarritaStore(root));
  const shape = [7, 12, 5];
  const data = randomArray("int32", shape, 4);
  const a = await zarr.create(loc.resolve("zstd"), {
    shape,
    chunkShape: [3, 5, 5],
    dtype: "int32",
    codecs: [
      { name: "bytes", configuration: { endian: "little" } },
      { name: "zstd", configuration: { level: 5, checksum: false } },
    ],
    fillValue: 0,
  });
  await zarr.set(a, null, { data: data.data as Int32Array, shape, stride: [60, 5, 1] });
  const b = await zarr.create(loc.resolve("default"), { shape, chunkShape: [4, 4, 4], dtype: "int32" });
  await zarr.set(b, null, { data: data.data as Int32Array, shape, stride: [60, 5, 1] });
  for (const name of ["zstd", "default"]) {
    const arr = await open.array(new LocalStore(root), name);
    assert.deepEqual(values(await arr.get()), values(data), name);
  }
});

test("zarr-python and zarrita agree on a v2 array we wrote with a '.' separator and F order", {
  skip: needs(pythonModules("zarr")),
}, async () => {
  const spec = v2.ArraySpec.parse({
    shape: [6, 7],
    chunks: [4, 4],
    dtype: "<i2",
    order: "F",
    dimension_separator: ".",
  });
  const arr = await spec.toZarr(new LocalStore(join(dir, "f.zarr")), "");
  const data = randomArray("int16", [6, 7], 2);
  await arr.set(null, data);
  const py = pythonJSON<number[]>(
    "import sys,json,zarr; print(json.dumps(zarr.open(sys.argv[1],'r')[...].ravel().tolist()))",
    [join(dir, "f.zarr")],
  );
  assert.deepEqual(py, values(data));
  assert.deepEqual((await zarritaRead(join(dir, "f.zarr"), "/")).values, values(data));
});
