import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { openSource } from "../../src/sources/index.js";
import { needs, pythonModules } from "../helpers/requirements.js";
import { checkReads, pythonJSON, tempDir } from "./util.js";

const WRITE = `
import sys, json, numpy as np
d = sys.argv[1]
rng = np.random.default_rng(11)
out = {}
a = rng.integers(0, 65535, (7, 13, 17), dtype=np.uint16)
np.save(d + "/c.npy", a); out["c"] = a.ravel().tolist()

a = np.asfortranarray(rng.standard_normal((5, 6, 7)))
np.save(d + "/f.npy", a); out["f"] = a.ravel(order="C").tolist()
assert np.load(d + "/f.npy").flags.f_contiguous

a = rng.integers(-2**31, 2**31 - 1, (4, 9), dtype=np.int32).astype(">i4")
np.save(d + "/be.npy", a); out["be"] = a.ravel().tolist()

a = np.asfortranarray(rng.integers(-2**40, 2**40, (3, 4, 5), dtype=np.int64).astype(">i8"))
np.save(d + "/be_f.npy", a); out["be_f"] = a.ravel(order="C").tolist()

a = rng.random((2, 3, 4, 5, 6)) > 0.5
np.save(d + "/bool5.npy", a); out["bool5"] = a.astype(np.uint8).ravel().tolist()

a = (rng.standard_normal((6, 5)) + 1j * rng.standard_normal((6, 5))).astype(np.complex64)
np.save(d + "/cx.npy", a); out["cx"] = np.stack([a.real, a.imag], -1).ravel().tolist()

a = rng.integers(0, 255, (3, 8, 9), dtype=np.uint8)
with open(d + "/v2.npy", "wb") as f:
    np.lib.format.write_array(f, a, version=(2, 0))
out["v2"] = a.ravel().tolist()

np.save(d + "/rec.npy", np.zeros(3, dtype=[("a", "<i4"), ("b", "<f4")]))
open(d + "/trunc.npy", "wb").write(open(d + "/c.npy", "rb").read()[:1000])
print(json.dumps(out))
`;

describe("NumPy .npy sources", { skip: needs(pythonModules()) }, () => {
  const { dir, cleanup } = tempDir();
  let expect: Record<string, number[]>;
  before(() => {
    expect = pythonJSON(WRITE, [dir]);
  });
  after(cleanup);

  test("C order uint16 with default axes", async () => {
    const s = await openSource(join(dir, "c.npy"));
    assert.deepEqual(s.shape, [7, 13, 17]);
    assert.deepEqual(s.axes, ["z", "y", "x"]);
    assert.equal(s.dtype, "uint16");
    await checkReads(s, expect.c, [
      [3, 6],
      [12, 13],
      [4, 11],
    ]);
    await s.close();
  });

  test("Fortran order float64 presents C order", async () => {
    const s = await openSource(join(dir, "f.npy"));
    assert.deepEqual(s.shape, [5, 6, 7]);
    assert.match(s.description, /Fortran/);
    await checkReads(s, expect.f, [
      [1, 4],
      [2, 3],
      [0, 7],
    ]);
    await s.close();
  });

  test("big-endian int32, and big-endian Fortran int64", async () => {
    const a = await openSource(join(dir, "be.npy"));
    assert.equal(a.dtype, "int32");
    assert.deepEqual(a.axes, ["y", "x"]);
    await checkReads(a, expect.be, [
      [1, 3],
      [2, 8],
    ]);
    await a.close();
    const b = await openSource(join(dir, "be_f.npy"));
    assert.equal(b.dtype, "int64");
    await checkReads(b, expect.be_f, [
      [0, 3],
      [1, 2],
      [1, 4],
    ]);
    await b.close();
  });

  test("5-D bool with an axes override; complex64 keeps (re, im) pairs", async () => {
    const s = await openSource(join(dir, "bool5.npy"), { axes: "tczyx" });
    assert.equal(s.dtype, "bool");
    assert.deepEqual(s.axes, ["t", "c", "z", "y", "x"]);
    await checkReads(s, expect.bool5, [
      [1, 2],
      [0, 3],
      [1, 3],
      [2, 5],
      [0, 6],
    ]);
    await s.close();
    const c = await openSource(join(dir, "cx.npy"), { axes: "yx" });
    assert.equal(c.dtype, "complex64");
    const f32 = Array.from(new Float32Array(expect.cx));
    await checkReads(
      c,
      f32,
      [
        [2, 5],
        [1, 4],
      ],
      2,
    );
    await c.close();
  });

  test("format version 2 header", async () => {
    const s = await openSource(join(dir, "v2.npy"));
    await checkReads(s, expect.v2, [
      [1, 2],
      [0, 8],
      [3, 6],
    ]);
    await s.close();
  });

  test("clear errors: structured dtype, truncated data, wrong axes", async () => {
    await assert.rejects(openSource(join(dir, "rec.npy")), /rec\.npy holds a structured/);
    await assert.rejects(openSource(join(dir, "trunc.npy")), /trunc\.npy has 1000 bytes/);
    await assert.rejects(openSource(join(dir, "c.npy"), { axes: "yx" }), /names 2 axes but .* has 3/);
    await assert.rejects(openSource(join(dir, "c.npy"), { axes: "zqx" }), /"q" is not one of/);
  });
});
