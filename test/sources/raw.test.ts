import assert from "node:assert/strict";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { NotFoundError, ValueError } from "../../src/errors.js";
import { FileBytes } from "../../src/sources/byte-source.js";
import { detectFormat, openSource } from "../../src/sources/index.js";
import { readStoredRegion } from "../../src/sources/stored-array.js";
import type { ByteSource } from "../../src/store/types.js";
import { needs, pythonModules } from "../helpers/requirements.js";
import { checkReads, cut, pythonJSON, tempDir, values } from "./util.js";

const WRITE = `
import sys, json, numpy as np
d = sys.argv[1]
rng = np.random.default_rng(2)
out = {}
a = rng.standard_normal((4, 6, 10)).astype(np.float32)
open(d + "/a.raw", "wb").write(b"H" * 100 + a.astype(">f4").tobytes()); out["a"] = a.ravel().tolist()
b = rng.integers(0, 255, (64, 64, 64), dtype=np.uint8)
open(d + "/big.bin", "wb").write(b.tobytes()); out["big_shape"] = list(b.shape)
out["big_region"] = b[10:12, 20:30, 5:9].ravel().tolist()
c = rng.integers(-5, 5, (3, 4), dtype=np.int64)
open(d + "/c.dat", "wb").write(c.astype("<i8").tobytes()); out["c"] = c.ravel().tolist()
with open(d + "/misnamed.tif", "wb") as f:
    np.save(f, np.arange(6, dtype=np.uint8).reshape(2, 3))
print(json.dumps(out))
`;

/** A ByteSource that counts the bytes and calls it is asked for. */
class Counting implements ByteSource {
  bytesRead = 0;
  calls = 0;
  constructor(private inner: ByteSource) {}
  get description() {
    return this.inner.description;
  }
  size() {
    return this.inner.size();
  }
  read(offset: number, length: number, into?: Uint8Array) {
    this.bytesRead += length;
    this.calls++;
    return this.inner.read(offset, length, into);
  }
  close() {
    return this.inner.close();
  }
}

describe("raw binary sources and format detection", { skip: needs(pythonModules()) }, () => {
  const { dir, cleanup } = tempDir();
  let expect: Record<string, number[]>;
  before(() => {
    expect = pythonJSON(WRITE, [dir]);
  });
  after(cleanup);

  test("big-endian float32 after a 100-byte header", async () => {
    const s = await openSource(join(dir, "a.raw"), {
      shape: [4, 6, 10],
      dtype: "float32",
      endian: "big",
      offset: 100,
    });
    assert.deepEqual(s.axes, ["z", "y", "x"]);
    await checkReads(s, Array.from(new Float32Array(expect.a)), [
      [1, 3],
      [2, 6],
      [0, 10],
    ]);
    await s.close();
  });

  test("int64 little-endian with named axes", async () => {
    const s = await openSource(join(dir, "c.dat"), { shape: [3, 4], dtype: "int64", axes: "cx" });
    assert.deepEqual(s.axes, ["c", "x"]);
    await checkReads(s, expect.c, [
      [1, 3],
      [1, 2],
    ]);
    await s.close();
  });

  test("a small region of a large file reads only nearby bytes", async () => {
    const bytes = new Counting(await FileBytes.open(join(dir, "big.bin")));
    const shape = expect.big_shape;
    const region = [
      [10, 12],
      [20, 30],
      [5, 9],
    ] as const;
    const a = await readStoredRegion({ bytes, offset: 0, shape, dtype: "uint8", endian: "little" }, region);
    assert.deepEqual(values(a), expect.big_region);
    // 20 rows of 4 bytes: merged into a few reads spanning two z slices, far less than the 256 KiB file.
    assert.ok(bytes.bytesRead <= 2 * 64 * 64, `read ${bytes.bytesRead} bytes`);
    assert.ok(bytes.calls <= 2, `${bytes.calls} read calls`);
    await bytes.close();
  });

  test("errors: missing shape, file too small, missing file, unknown format", async () => {
    await assert.rejects(openSource(join(dir, "a.raw"), { format: "raw" }), ValueError);
    await assert.rejects(
      openSource(join(dir, "a.raw"), { shape: [100, 100], dtype: "float64" }),
      /a\.raw has 1,060 bytes but shape \[100, 100\] of float64/,
    );
    await assert.rejects(openSource(join(dir, "nope.raw"), { shape: [1], dtype: "uint8" }), NotFoundError);
    writeFileSync(join(dir, "mystery"), "???");
    await assert.rejects(openSource(join(dir, "mystery")), /cannot tell the format of .*mystery/);
  });

  test("magic bytes win over the extension; unknown files fall back to raw given shape and dtype", async () => {
    assert.equal(await detectFormat(join(dir, "misnamed.tif")), "npy");
    const s = await openSource(join(dir, "misnamed.tif"));
    assert.deepEqual(s.shape, [2, 3]);
    await s.close();
    copyFileSync(join(dir, "big.bin"), join(dir, "noext"));
    const r = await openSource(join(dir, "noext"), { shape: [64, 64, 64], dtype: "uint8" });
    const part = await r.read([
      [10, 12],
      [20, 30],
      [5, 9],
    ]);
    assert.deepEqual(values(part), expect.big_region);
    assert.deepEqual(
      values(part),
      cut(
        values(
          await r.read([
            [0, 64],
            [0, 64],
            [0, 64],
          ]),
        ),
        [64, 64, 64],
        [
          [10, 12],
          [20, 30],
          [5, 9],
        ],
      ),
    );
    await r.close();
  });
});
