/** ArraySpec (v2 and v3): defaults, on-disk JSON, fill values, inference, copy-with-update. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { codecs, MemoryStore, ndarray, SpecError, v2, v3 } from "../../src/index.js";

const text = async (store: MemoryStore, key: string) =>
  JSON.parse(new TextDecoder().decode(await store.get(key)));

test("v2: defaults like pydantic-zarr, and .zarray/.zattrs hold exactly the spec", async () => {
  const spec = v2.ArraySpec.parse({ shape: [10, 11], chunks: [4, 4], dtype: "uint16", attributes: { a: 1 } });
  assert.equal(spec.dtype, "<u2", "data type names become numpy dtype strings");
  assert.deepEqual(
    {
      fill: spec.fill_value,
      order: spec.order,
      filters: spec.filters,
      sep: spec.dimension_separator,
      compressor: spec.compressor,
    },
    { fill: 0, order: "C", filters: null, sep: "/", compressor: null },
  );
  const store = new MemoryStore();
  await spec.toZarr(store, "x");
  const { attributes, ...zarray } = spec.toJSON();
  assert.deepEqual(await text(store, "x/.zarray"), zarray);
  assert.deepEqual(await text(store, "x/.zattrs"), { a: 1 });
  assert.deepEqual(spec.toZarray(), zarray);
  assert.equal(attributes.a, 1);
});

test("v2 and v3 fill values: NaN, ±Infinity, hex floats (v3), null (v2), complex pairs", () => {
  const f = (fill_value: unknown, dtype = "<f4") =>
    v2.ArraySpec.parse({ shape: [2], chunks: [2], dtype, fill_value });
  assert.ok(Number.isNaN(f("NaN").fillValue as number));
  assert.equal(f("Infinity").fillValue, Number.POSITIVE_INFINITY);
  assert.equal(f("-Infinity").fillValue, Number.NEGATIVE_INFINITY);
  assert.equal(f(null).fillValue, null);
  assert.deepEqual(f([1.5, -2], "<c8").toJSON().fill_value, [1.5, -2]);
  assert.throws(() => f(300, "|u1"), SpecError);
  assert.throws(() => f(1.5, "<i2"), SpecError);
  const g = (fill_value: unknown, data_type = "float32") =>
    v3.ArraySpec.parse({
      shape: [2],
      data_type,
      chunk_grid: { name: "regular", configuration: { chunk_shape: [2] } },
      fill_value,
    });
  assert.equal(g("0x3f800000").fillValue, 1, "hex float = the IEEE bits of 1.0f");
  assert.ok(Number.isNaN(g("NaN").fillValue as number));
  assert.equal(g("-Infinity", "float64").fillValue, Number.NEGATIVE_INFINITY);
  assert.equal(g(true, "bool").fillValue, true);
  assert.throws(() => g(null), /null/);
});

test("v3: a valid default pipeline (bytes + zstd), never an empty one; zarr.json is exactly the spec", async () => {
  const spec = v3.ArraySpec.create({ shape: [100, 100], data_type: "int16", chunks: [32, 32] });
  assert.deepEqual(
    spec.codecs.map((c) => c.name),
    ["bytes", "zstd"],
  );
  assert.deepEqual(spec.codecs[0].configuration, { endian: "little" });
  const store = new MemoryStore();
  await spec.toZarr(store, "a");
  assert.deepEqual(await text(store, "a/zarr.json"), JSON.parse(JSON.stringify(spec.toJSON())));
  const u8 = v3.ArraySpec.create({ shape: [4], data_type: "uint8", compressor: codecs.GZip({ level: 4 }) });
  assert.deepEqual(
    u8.codecs.map((c) => c.name),
    ["bytes", "gzip"],
  );
  const raw = v3.ArraySpec.create({ shape: [4], data_type: "uint8", compressor: null });
  assert.deepEqual(
    raw.codecs.map((c) => c.name),
    ["bytes"],
  );
  assert.throws(
    () => v3.ArraySpec.parse({ ...spec.toJSON(), codecs: [] }),
    (e: unknown) => e instanceof SpecError && e.issues.some((i) => i.path === "codecs"),
  );
});

test("fromArray infers shape and dtype and picks chunks; with() copies with updates", () => {
  const image = ndarray(new Float32Array(300 * 400 * 5), [300, 400, 5]);
  const a = v2.ArraySpec.fromArray(image);
  assert.deepEqual(a.shape, [300, 400, 5]);
  assert.equal(a.dtype, "<f4");
  assert.ok(a.chunks.every((c, i) => c >= 1 && c <= a.shape[i]));
  const b = v2.ArraySpec.fromArray(image, { chunks: [30, 40, 5], compressor: codecs.Zstd({ level: 5 }) });
  assert.deepEqual(b.chunks, [30, 40, 5]);
  const c = b.with({ shape: [60, 60, 5] });
  assert.deepEqual([c.shape, c.chunks, c.compressor], [[60, 60, 5], [30, 40, 5], { id: "zstd", level: 5 }]);
  assert.ok(!c.equals(b));
  assert.ok(b.with({}).equals(b));
  assert.throws(() => b.with({ chunks: [1, 2] }), SpecError, "updates are validated");
  const s = v3.ArraySpec.fromArray(image, { chunks: [10, 10, 5], shards: [100, 100, 5] });
  assert.deepEqual([s.chunkShape, s.codecs[0].name], [[100, 100, 5], "sharding_indexed"]);
  assert.throws(
    () => v3.ArraySpec.fromArray(image, { chunks: [10, 10, 5], shards: [15, 100, 5] }),
    SpecError,
    "shards must be multiples of chunks",
  );
});
