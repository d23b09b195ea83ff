/**
 * Interoperability with zarr-python 2.13 (Debian): it reads what we write, we read what it writes.
 * Values are compared through a SHA-256 of the little-endian C-order bytes.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { toBytes } from "../../src/dtype/index.js";
import { type DataType, LocalStore, open, v2 } from "../../src/index.js";
import type { NDArray } from "../../src/ndarray.js";
import { pythonJSON, tempDir } from "../helpers/python.js";
import { randomArray } from "../helpers/reference.js";
import { HEART, heart, needs, pythonModules } from "../helpers/requirements.js";

const skip = needs(pythonModules("zarr", "numcodecs"));
const { dir, cleanup } = tempDir();
after(cleanup);

function sha(a: NDArray): string {
  return createHash("sha256")
    .update(toBytes(a.data, a.dtype, "little"))
    .digest("hex");
}

const PY_READ = `
import sys, json, hashlib, zarr, numpy as np
a = zarr.open(sys.argv[1], mode="r")
x = a[...]
le = np.ascontiguousarray(x).astype(x.dtype.newbyteorder("<"))
print(json.dumps({"shape": list(x.shape), "dtype": str(np.dtype(a.dtype).newbyteorder("=").name), "sha": hashlib.sha256(le.tobytes()).hexdigest(), "attrs": dict(a.attrs)}))
`;

const V2_CASES: Array<{
  name: string;
  dtype: string;
  compressor: unknown;
  filters?: unknown[];
  order?: "C" | "F";
  sep?: "/" | ".";
}> = [
  { name: "raw-u1", dtype: "|u1", compressor: null },
  { name: "zstd-u2", dtype: "<u2", compressor: { id: "zstd", level: 5 } },
  // Debian's numcodecs 0.11 predates Zstd(checksum=...): the checksum variant is covered by the conformance fixtures
  { name: "zstd-be-f4", dtype: ">f4", compressor: { id: "zstd", level: 3 } },
  {
    name: "blosc-zstd-shuffle-u2",
    dtype: "<u2",
    compressor: { id: "blosc", cname: "zstd", clevel: 5, shuffle: 1, blocksize: 0 },
  },
  {
    name: "blosc-lz4-bitshuffle-i4",
    dtype: "<i4",
    compressor: { id: "blosc", cname: "lz4", clevel: 5, shuffle: 2, blocksize: 0 },
  },
  {
    name: "blosc-zlib-noshuffle-f8",
    dtype: "<f8",
    compressor: { id: "blosc", cname: "zlib", clevel: 3, shuffle: 0, blocksize: 0 },
  },
  { name: "gzip-i8-F", dtype: "<i8", compressor: { id: "gzip", level: 5 }, order: "F" },
  { name: "zlib-be-u4", dtype: ">u4", compressor: { id: "zlib", level: 1 }, sep: "." },
  { name: "lz4-f2", dtype: "<f2", compressor: { id: "lz4", acceleration: 1 } },
  { name: "bz2-b1", dtype: "|b1", compressor: { id: "bz2", level: 9 } },
  {
    name: "delta-zstd-i2",
    dtype: "<i2",
    compressor: { id: "zstd", level: 1 },
    filters: [{ id: "delta", dtype: "<i2" }],
  },
  { name: "c8", dtype: "<c8", compressor: { id: "zstd", level: 1 } },
];

describe("zarr-python reads arrays written by zarrsmith", { skip }, () => {
  for (const c of V2_CASES) {
    test(c.name, async () => {
      const spec = v2.ArraySpec.parse({
        shape: [17, 10, 9],
        chunks: [8, 4, 5],
        dtype: c.dtype,
        compressor: c.compressor,
        filters: c.filters ?? null,
        order: c.order ?? "C",
        dimension_separator: c.sep ?? "/",
        attributes: { case: c.name },
      });
      const arr = await spec.toZarr(new LocalStore(join(dir, "ours.zarr")), c.name);
      const data = randomArray(spec.dataType as DataType, arr.shape, 11);
      await arr.set(null, data);
      const py = pythonJSON<{ shape: number[]; sha: string; attrs: unknown; dtype: string }>(PY_READ, [
        join(dir, "ours.zarr", c.name),
      ]);
      assert.deepEqual(py.shape, [17, 10, 9]);
      assert.deepEqual(py.attrs, { case: c.name });
      assert.equal(py.sha, sha(data));
    });
  }
});

const PY_WRITE = `
import sys, json, zarr, numcodecs, numpy as np
path, dtype, comp, order, sep = sys.argv[1:6]
rng = np.random.default_rng(7)
shape = (23, 6, 11)
if np.dtype(dtype).kind == "b": x = rng.integers(0, 2, shape).astype(dtype)
elif np.dtype(dtype).kind in "iu": x = rng.integers(0, min(np.iinfo(dtype).max, 2**31), shape).astype(dtype)
else: x = (rng.standard_normal(shape) * 100).astype(dtype)
compressor = None if comp == "none" else numcodecs.get_codec(json.loads(comp))
z = zarr.open(path, mode="w", shape=shape, chunks=(10, 4, 4), dtype=dtype, compressor=compressor, order=order, dimension_separator=sep, fill_value=0)
z[...] = x
z[20:, :, :] = 0
le = np.ascontiguousarray(z[...]).astype(np.dtype(dtype).newbyteorder("<"))
import hashlib; print(json.dumps({"sha": hashlib.sha256(le.tobytes()).hexdigest()}))
`;

describe("zarrsmith reads arrays written by zarr-python", { skip }, () => {
  const cases: Array<[string, string, string, string, string]> = [
    ["u1-blosc-lz4", "|u1", JSON.stringify({ id: "blosc", cname: "lz4", clevel: 5, shuffle: 1 }), "C", "."],
    [
      "u2-blosc-zstd-bit",
      "<u2",
      JSON.stringify({ id: "blosc", cname: "zstd", clevel: 5, shuffle: 2 }),
      "C",
      "/",
    ],
    [
      "f4-blosc-blosclz",
      "<f4",
      JSON.stringify({ id: "blosc", cname: "blosclz", clevel: 5, shuffle: 1 }),
      "F",
      ".",
    ],
    [
      "i2-blosc-lz4hc",
      ">i2",
      JSON.stringify({ id: "blosc", cname: "lz4hc", clevel: 5, shuffle: 1 }),
      "C",
      ".",
    ],
    ["f8-zstd", "<f8", JSON.stringify({ id: "zstd", level: 9 }), "C", "/"],
    ["i8-gzip", "<i8", JSON.stringify({ id: "gzip", level: 6 }), "F", "/"],
    ["u4-zlib", "<u4", JSON.stringify({ id: "zlib", level: 6 }), "C", "."],
    ["i4-lz4", "<i4", JSON.stringify({ id: "lz4" }), "C", "."],
    ["f2-bz2", "<f2", JSON.stringify({ id: "bz2", level: 5 }), "C", "."],
    ["b1-none", "|b1", "none", "C", "."],
    ["c16-zstd", "<c16", JSON.stringify({ id: "zstd" }), "C", "."],
  ];
  for (const [name, dtype, comp, order, sep] of cases) {
    test(name, async () => {
      const path = join(dir, "theirs.zarr", name);
      const { sha: expected } = pythonJSON<{ sha: string }>(PY_WRITE, [path, dtype, comp, order, sep]);
      const arr = await open.array(new LocalStore(join(dir, "theirs.zarr")), name);
      assert.deepEqual(arr.shape, [23, 6, 11]);
      const data = await arr.get();
      assert.equal(sha(data), expected);
    });
  }
});

test("the heart sample (Blosc/zstd, '.' separator) reads exactly as zarr-python reads it", {
  skip: needs(heart(), pythonModules("zarr", "numcodecs")),
}, async () => {
  const arr = await open.array(new LocalStore(HEART));
  assert.deepEqual(arr.shape, [120, 120, 139]);
  assert.equal(arr.dtype as DataType, "uint8");
  const py = pythonJSON<{ sha: string }>(PY_READ, [HEART]);
  assert.equal(sha(await arr.get()), py.sha);
});
