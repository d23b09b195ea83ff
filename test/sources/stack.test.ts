import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { encode } from "fast-png";
import { naturalSort, openSource } from "../../src/sources/index.js";
import { needs, pythonModules } from "../helpers/requirements.js";
import { checkReads, pythonJSON, tempDir } from "./util.js";

// Pillow writes the PNGs and tifffile the TIFF slices; file names need natural sorting.
const WRITE = `
import sys, os, json, numpy as np, tifffile
from PIL import Image
d = sys.argv[1]
rng = np.random.default_rng(9)
out = {}
def folder(name):
    p = os.path.join(d, name); os.makedirs(p, exist_ok=True); return p

g = rng.integers(0, 65535, (12, 9, 11), dtype=np.uint16)
p = folder("grey16")
for z in range(12):
    Image.fromarray(g[z]).save(os.path.join(p, "img%d.png" % z))
assert open(os.path.join(p, "img0.png"), "rb").read()[24] == 16  # IHDR bit depth
out["grey16"] = g.ravel().tolist()

c = rng.integers(0, 255, (4, 7, 8, 3), dtype=np.uint8)
p = folder("rgb")
for z in range(4):
    Image.fromarray(c[z]).save(os.path.join(p, "s_%d.png" % z))
out["rgb"] = np.moveaxis(c, -1, 0).ravel().tolist()

t = rng.integers(-1000, 1000, (11, 6, 5), dtype=np.int16)
p = folder("tiffs")
for z in range(11):
    tifffile.imwrite(os.path.join(p, "slice%d.tif" % z), t[z])
open(os.path.join(p, "notes.txt"), "w").write("not an image")
out["tiffs"] = t.ravel().tolist()

pal = rng.integers(0, 4, (6, 5), dtype=np.uint8)
im = Image.fromarray(pal, mode="P"); im.putpalette([0,0,0, 255,0,0, 0,255,0, 0,0,255] + [0] * 756)
p = folder("misc"); im.save(os.path.join(p, "palette.png"))
colors = np.array([[0,0,0],[255,0,0],[0,255,0],[0,0,255]], np.uint8)[pal]
out["palette"] = np.moveaxis(colors, -1, 0).ravel().tolist()
bits = rng.random((5, 13)) > 0.5
Image.fromarray(bits).save(os.path.join(p, "bits.png"))
assert Image.open(os.path.join(p, "bits.png")).mode == "1"
out["bits"] = bits.astype(np.uint8).ravel().tolist()
la = rng.integers(0, 255, (4, 6, 2), dtype=np.uint8)
Image.fromarray(la, mode="LA").save(os.path.join(p, "la.png"))
out["la"] = np.moveaxis(la, -1, 0).ravel().tolist()

p = folder("mismatch")
for z, shape in enumerate([(8, 8), (8, 8), (8, 9), (8, 8)]):
    Image.fromarray(np.zeros(shape, np.uint8)).save(os.path.join(p, "m%d.png" % z))
print(json.dumps(out))
`;

describe("image stacks", { skip: needs(pythonModules("tifffile")) }, () => {
  const { dir, cleanup } = tempDir();
  let expect: Record<string, number[]>;
  before(() => {
    expect = pythonJSON(WRITE, [dir]);
  });
  after(cleanup);

  test("natural sort puts img2 before img10", () => {
    assert.deepEqual(naturalSort(["a/img10.png", "a/img2.png", "a/img1.png", "a/img02b.png"]), [
      "a/img1.png",
      "a/img2.png",
      "a/img02b.png",
      "a/img10.png",
    ]);
  });

  test("folder of 16-bit grey PNGs (12 slices, natural order)", async () => {
    const s = await openSource(join(dir, "grey16"));
    assert.deepEqual(s.shape, [12, 9, 11]);
    assert.deepEqual(s.axes, ["z", "y", "x"]);
    assert.equal(s.dtype, "uint16");
    assert.match(s.description, /PNG stack, 12 slices of 11x9 uint16/);
    await checkReads(s, expect.grey16, [
      [1, 11],
      [2, 7],
      [3, 10],
    ]);
    await s.close();
  });

  test("glob of RGB PNGs gives a channel axis", async () => {
    const s = await openSource(join(dir, "rgb", "s_*.png"));
    assert.deepEqual(s.shape, [3, 4, 7, 8]);
    assert.deepEqual(s.axes, ["c", "z", "y", "x"]);
    await checkReads(s, expect.rgb, [
      [1, 3],
      [1, 4],
      [0, 7],
      [2, 6],
    ]);
    await s.close();
  });

  test("TIFF slices from a folder (non-images skipped) and from an unsorted file list", async () => {
    const s = await openSource(join(dir, "tiffs"));
    assert.deepEqual(s.shape, [11, 6, 5]);
    assert.equal(s.dtype, "int16");
    await checkReads(s, expect.tiffs, [
      [9, 11],
      [1, 6],
      [0, 3],
    ]);
    await s.close();
    const files = [10, 3, 0, 1, 2, 4, 5, 6, 7, 8, 9].map((z) => join(dir, "tiffs", `slice${z}.tif`));
    const l = await openSource(files);
    await checkReads(l, expect.tiffs, [
      [0, 11],
      [5, 6],
      [4, 5],
    ]);
    await l.close();
    const one = await openSource([join(dir, "tiffs", "slice?.tif")]);
    assert.deepEqual(one.shape, [10, 6, 5]);
    await one.close();
  });

  test("single PNGs: palette → RGB, 1-bit grey, grey + alpha", async () => {
    const p = await openSource(join(dir, "misc", "palette.png"));
    assert.deepEqual(p.shape, [3, 6, 5]);
    assert.deepEqual(p.axes, ["c", "y", "x"]);
    await checkReads(p, expect.palette, [
      [0, 3],
      [1, 4],
      [1, 5],
    ]);
    await p.close();
    const b = await openSource(join(dir, "misc", "bits.png"));
    assert.deepEqual(b.shape, [5, 13]);
    assert.equal(b.dtype, "uint8");
    await checkReads(b, expect.bits, [
      [1, 4],
      [3, 13],
    ]);
    await b.close();
    const la = await openSource(join(dir, "misc", "la.png"));
    assert.deepEqual(la.shape, [2, 4, 6]);
    await checkReads(la, expect.la, [
      [1, 2],
      [0, 4],
      [2, 5],
    ]);
    await la.close();
  });

  test("PNGs written by fast-png's encoder read back", async () => {
    const d = join(dir, "fastpng");
    mkdirSync(d);
    const slices = [0, 1, 2].map((z) => Uint16Array.from({ length: 12 }, (_, i) => z * 1000 + i * 37));
    slices.forEach((data, z) => {
      writeFileSync(join(d, `f${z}.png`), encode({ width: 4, height: 3, data, depth: 16, channels: 1 }));
    });
    const s = await openSource(d);
    const flat = slices.flatMap((a) => Array.from(a));
    await checkReads(s, flat, [
      [1, 3],
      [0, 2],
      [1, 4],
    ]);
    await s.close();
  });

  test("a slice that differs is named in the error; empty globs are refused", async () => {
    await assert.rejects(openSource(join(dir, "mismatch")), (e: Error) => {
      assert.match(e.message, /m2\.png is 9x8 uint8 but .*m0\.png is 8x8 uint8/);
      return true;
    });
    await assert.rejects(openSource(join(dir, "rgb", "nothing*.png")), /no files match/);
  });
});
