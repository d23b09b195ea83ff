import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import { openSource, parseNrrdHeader } from "../../src/sources/index.js";
import { needs, pythonModules } from "../helpers/requirements.js";
import { checkReads, pythonJSON, tempDir } from "./util.js";

// numpy writes the raw element bytes; the NRRD headers are written here, per the NRRD spec.
const WRITE = `
import sys, json, numpy as np
d = sys.argv[1]
rng = np.random.default_rng(5)
out = {}
a = rng.integers(0, 65535, (6, 10, 12), dtype=np.uint16)             # z, y, x
open(d + "/a.bin", "wb").write(a.astype(">u2").tobytes()); out["a"] = a.ravel().tolist()
b = rng.standard_normal((3, 4, 7, 9)).astype(np.float32)              # t, z, y, x
open(d + "/b.bin", "wb").write(b.astype("<f4").tobytes()); out["b"] = b.ravel().tolist()
c = rng.integers(0, 255, (5, 6, 3), dtype=np.uint8)                   # y, x, rgb
open(d + "/c.bin", "wb").write(c.tobytes()); out["c"] = np.moveaxis(c, -1, 0).ravel().tolist()
e = rng.integers(-100, 100, (4, 5, 6), dtype=np.int16)
open(d + "/e.bin", "wb").write(b"SKIPME" + e.astype("<i2").tobytes()); out["e"] = e.ravel().tolist()
print(json.dumps(out))
`;

function header(lines: string[]): Buffer {
  return Buffer.from(`${lines.join("\n")}\n\n`, "latin1");
}

describe("NRRD sources", { skip: needs(pythonModules()) }, () => {
  const { dir, cleanup } = tempDir();
  let expect: Record<string, number[]>;
  const bin = (name: string) => readFileSync(join(dir, name));
  before(() => {
    expect = pythonJSON(WRITE, [dir]);
    writeFileSync(
      join(dir, "a.nrrd"),
      Buffer.concat([
        header([
          "NRRD0004",
          "# a comment line",
          "type: unsigned short",
          "dimension: 3",
          "sizes: 12 10 6",
          "spacings: 0.5 0.25 2",
          'units: "um" "um" "um"',
          "endian: big",
          "encoding: raw",
          "creator:=test",
        ]),
        bin("a.bin"),
      ]),
    );
    writeFileSync(
      join(dir, "b.nrrd"),
      Buffer.concat([
        header([
          "NRRD0005",
          "type: float",
          "dimension: 4",
          "space: left-posterior-superior",
          "sizes: 9 7 4 3",
          "kinds: domain domain domain time",
          "space directions: (1.5,0,0) (0,1.5,0) (0,0,3) none",
          "space origin: (-10,20.5,7)",
          'space units: "mm" "mm" "mm"',
          "endian: little",
          "encoding: gzip",
        ]),
        gzipSync(bin("b.bin")),
      ]),
    );
    writeFileSync(
      join(dir, "c.nrrd"),
      Buffer.concat([
        header([
          "NRRD0004",
          "type: uchar",
          "dimension: 3",
          "sizes: 3 6 5",
          "kinds: RGB-color space space",
          "encoding: raw",
        ]),
        bin("c.bin"),
      ]),
    );
    writeFileSync(
      join(dir, "e.nhdr"),
      header([
        "NRRD0004",
        "type: short",
        "dimension: 3",
        "sizes: 6 5 4",
        "endian: little",
        "encoding: raw",
        "byte skip: 6",
        "data file: e.bin",
      ]),
    );
    writeFileSync(
      join(dir, "tail.nrrd"),
      Buffer.concat([
        header([
          "NRRD0004",
          "type: short",
          "dimension: 3",
          "sizes: 6 5 4",
          "endian: little",
          "byte skip: -1",
          "encoding: raw",
        ]),
        bin("e.bin"), // the header is followed by junk ("SKIPME") and then the data: -1 finds it from the end
      ]),
    );
    writeFileSync(
      join(dir, "bad.nrrd"),
      Buffer.concat([
        header([
          "NRRD0004",
          "type: short",
          "dimension: 2",
          "sizes: 100 100",
          "endian: little",
          "encoding: raw",
        ]),
        Buffer.alloc(10),
      ]),
    );
  });
  after(cleanup);

  test("header parser: fields, key/values, data offset", () => {
    const bytes = readFileSync(join(dir, "a.nrrd"));
    const h = parseNrrdHeader(bytes, "a.nrrd", false)!;
    assert.equal(h.fields.get("type"), "unsigned short");
    assert.equal(h.keyValues.get("creator"), "test");
    assert.equal(bytes.length - h.dataOffset, 6 * 10 * 12 * 2);
  });

  test("raw big-endian uint16 with spacings and units", async () => {
    const s = await openSource(join(dir, "a.nrrd"));
    assert.deepEqual(s.shape, [6, 10, 12]);
    assert.deepEqual(s.axes, ["z", "y", "x"]);
    assert.equal(s.dtype, "uint16");
    assert.deepEqual(s.scale, [2, 0.25, 0.5]);
    assert.deepEqual(s.units, ["micrometer", "micrometer", "micrometer"]);
    await checkReads(s, expect.a, [
      [2, 5],
      [1, 9],
      [4, 12],
    ]);
    await s.close();
  });

  test("gzip float32 with time axis, space directions, origin and space units", async () => {
    const s = await openSource(join(dir, "b.nrrd"));
    assert.deepEqual(s.shape, [3, 4, 7, 9]);
    assert.deepEqual(s.axes, ["t", "z", "y", "x"]);
    assert.deepEqual(s.scale, [1, 3, 1.5, 1.5]);
    assert.deepEqual(s.units, [undefined, "millimeter", "millimeter", "millimeter"]);
    assert.deepEqual(s.translation, [0, 7, 20.5, -10]);
    const f32 = Array.from(new Float32Array(expect.b));
    await checkReads(s, f32, [
      [2, 3],
      [1, 3],
      [0, 7],
      [5, 9],
    ]);
    await s.close();
  });

  test("RGB-color kind (fastest axis) becomes a leading channel axis", async () => {
    const s = await openSource(join(dir, "c.nrrd"));
    assert.deepEqual(s.shape, [3, 5, 6]);
    assert.deepEqual(s.axes, ["c", "y", "x"]);
    await checkReads(s, expect.c, [
      [1, 3],
      [2, 5],
      [0, 4],
    ]);
    await s.close();
  });

  test("detached header with byte skip; byte skip -1 finds data at the end", async () => {
    for (const name of ["e.nhdr", "tail.nrrd"]) {
      const s = await openSource(join(dir, name));
      assert.equal(s.dtype, "int16");
      await checkReads(s, expect.e, [
        [1, 3],
        [0, 5],
        [2, 3],
      ]);
      await s.close();
    }
  });

  test("truncated data is refused with the file name", async () => {
    await assert.rejects(
      openSource(join(dir, "bad.nrrd")),
      /bad\.nrrd has \d+ bytes but the NRRD header describes 20000/,
    );
  });
});
