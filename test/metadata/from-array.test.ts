/**
 * v2.ArraySpec.fromArray follows pydantic-zarr's `from_array`: given a Zarr array it takes everything
 * the array was created with (the textbook chapter builds its downsampled specs this way); given an
 * in-memory NDArray, shape and dtype with guessed chunks.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { codecs, MemoryStore, ndarray, v2 } from "../../src/index.js";

test("fromArray(zarrArray) is the array's own spec: chunks, compressor, filters, fill value, order, attributes", async () => {
  const spec = v2.ArraySpec.parse({
    shape: [20, 30, 40],
    dtype: "<u2",
    chunks: [8, 16, 32],
    compressor: codecs.Zstd({ level: 3 }),
    filters: [{ id: "delta", dtype: "<u2" }],
    fill_value: 7,
    order: "F",
    attributes: { origin: "test" },
  });
  const arr = await spec.toZarr(new MemoryStore(), "a");
  const copy = v2.ArraySpec.fromArray(arr);
  assert.ok(copy.equals(spec), JSON.stringify(copy.toJSON()));
  const half = v2.ArraySpec.fromArray(arr, { shape: [10, 15, 20] });
  assert.deepEqual(half.toJSON(), { ...spec.toJSON(), shape: [10, 15, 20] });
});

test("fromArray(NDArray) still takes shape and dtype and picks chunks", () => {
  const data = ndarray(new Uint8Array(6 * 7), [6, 7]);
  const spec = v2.ArraySpec.fromArray(data);
  assert.deepEqual([spec.shape, spec.toJSON().dtype, spec.toJSON().compressor], [[6, 7], "|u1", null]);
  assert.equal(spec.toJSON().chunks.length, 2);
});
