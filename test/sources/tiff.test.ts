import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ZarrsmithError } from "../../src/errors.js";
import { openSource } from "../../src/sources/index.js";
import { pageDataType, plainPageOffset } from "../../src/sources/tiff.js";
import { needs, pythonModules } from "../helpers/requirements.js";
import { checkReads, pythonJSON, tempDir, values } from "./util.js";

// One Python run writes every file with tifffile and reports the arrays it wrote.
const WRITE = `
import sys, json, numpy as np, tifffile
d = sys.argv[1]
rng = np.random.default_rng(7)
out = {}
def keep(name, a):
    out[name] = a.ravel().tolist()

a = rng.integers(0, 65535, (5, 30, 40), dtype=np.uint16)
tifffile.imwrite(d + "/stripped.tif", a, rowsperstrip=7); keep("stripped", a)

a = rng.integers(0, 255, (3, 50, 70), dtype=np.uint8)
tifffile.imwrite(d + "/tiled.tif", a, tile=(16, 16), compression="zlib"); keep("tiled", a)

a = rng.standard_normal((4, 20, 24)).astype(np.float32)
tifffile.imwrite(d + "/big.tif", a, bigtiff=True); keep("big", a)

a = rng.integers(0, 65535, (2, 13, 17), dtype=np.uint16)  # 2 pages: geotiff 3.0.5 byte-swaps SHORT StripByteCounts of big-endian pages from the third on
tifffile.imwrite(d + "/be.tif", a, byteorder=">", rowsperstrip=5, photometric="minisblack"); keep("be", a)

a = rng.integers(-30000, 30000, (21, 33), dtype=np.int16)
tifffile.imwrite(d + "/single_i16.tif", a); keep("single_i16", a)

a = rng.standard_normal((2, 9, 11))
tifffile.imwrite(d + "/f64.tif", a, tile=(16, 16)); keep("f64", a)

a = rng.integers(0, 255, (25, 31, 3), dtype=np.uint8)
tifffile.imwrite(d + "/rgb.tif", a, photometric="rgb"); keep("rgb", np.moveaxis(a, -1, 0))

a = rng.integers(0, 65535, (3, 17, 19), dtype=np.uint16)
tifffile.imwrite(d + "/rgb_planar.tif", a, photometric="rgb", planarconfig="separate"); keep("rgb_planar", a)

a = rng.integers(0, 4000, (2, 3, 4, 10, 12), dtype=np.uint16)
tifffile.imwrite(d + "/tczyx.ome.tif", a, ome=True, metadata={
    "axes": "TCZYX", "PhysicalSizeX": 0.5, "PhysicalSizeY": 0.25, "PhysicalSizeZ": 2000.0,
    "PhysicalSizeZUnit": "nm", "TimeIncrement": 1.5, "TimeIncrementUnit": "s",
    "Channel": {"Name": ["DAPI", "GFP", "RFP"]}})
keep("tczyx", a)

a = rng.integers(0, 255, (4, 2, 9, 8), dtype=np.uint8)  # written as XYCZT
tifffile.imwrite(d + "/zcyx.ome.tif", a, ome=True, metadata={"axes": "ZCYX", "PhysicalSizeX": 1.25})
keep("zcyx", np.moveaxis(a, 1, 0))

a = rng.integers(0, 255, (2, 6, 7, 3), dtype=np.uint8)
tifffile.imwrite(d + "/rgb.ome.tif", a, ome=True, photometric="rgb", metadata={"axes": "ZYXS"})
keep("rgb_ome", np.moveaxis(a, -1, 0))

a = rng.integers(0, 255, (3, 4, 2, 6, 5), dtype=np.uint8)
tifffile.imwrite(d + "/imagej.tif", a, imagej=True, resolution=(2.0, 4.0),
    metadata={"axes": "TZCYX", "spacing": 3.0, "unit": "um", "finterval": 0.5})
keep("imagej", np.moveaxis(a, 2, 1))

with tifffile.TiffWriter(d + "/mixed.tif") as w:
    w.write(np.zeros((8, 8), np.uint8), metadata=None)
    w.write(np.zeros((8, 9), np.uint8), metadata=None)

open(d + "/notatiff.tif", "wb").write(b"hello, not a tiff at all")

descr = {}
for name in ["tczyx.ome.tif", "zcyx.ome.tif"]:
    descr[name] = tifffile.TiffFile(d + "/" + name).pages[0].description
out["_descr"] = descr
print(json.dumps(out))
`;

type Expect = Record<string, number[]> & { _descr: Record<string, string> };

describe("TIFF sources", { skip: needs(pythonModules("tifffile")) }, () => {
  const { dir, cleanup } = tempDir();
  let expect: Expect;
  before(() => {
    expect = pythonJSON<Expect>(WRITE, [dir]);
  });
  after(cleanup);

  test("multi-page stripped uint16 stacks pages along z", async () => {
    const s = await openSource([join(dir, "stripped.tif")]);
    assert.deepEqual(s.shape, [5, 30, 40]);
    assert.deepEqual(s.axes, ["z", "y", "x"]);
    assert.equal(s.dtype, "uint16");
    assert.match(s.description, /TIFF, 5 pages of 40x30 uint16/);
    await checkReads(s, expect.stripped, [
      [1, 4],
      [5, 23],
      [3, 37],
    ]);
    await s.close();
  });

  test("uncompressed pages with back-to-back strips are read by byte ranges, big-endian too", async () => {
    const { fromFile } = await import("geotiff");
    for (const [name, want] of [
      ["stripped.tif", true],
      ["be.tif", true],
      ["single_i16.tif", true],
      ["big.tif", false], // 4 samples, planar
      ["tiled.tif", false],
      ["rgb.tif", false],
    ] as const) {
      const tiff = await fromFile(join(dir, name));
      const image = await tiff.getImage(0);
      const offset = await plainPageOffset(image, pageDataType(image, name, 0));
      assert.equal(typeof offset === "number", want, name);
      tiff.close();
    }
    const s = await openSource(join(dir, "be.tif"));
    assert.equal(s.dtype, "uint16");
    await checkReads(s, expect.be, [
      [0, 2],
      [4, 11],
      [2, 17],
    ]);
    await s.close();
  });

  test("tiled, deflate-compressed uint8: regions crossing tile edges", async () => {
    const s = await openSource(join(dir, "tiled.tif"));
    assert.deepEqual(s.shape, [3, 50, 70]);
    await checkReads(s, expect.tiled, [
      [2, 3],
      [15, 33],
      [14, 50],
    ]);
    await s.close();
  });

  test("BigTIFF float32", async () => {
    const s = await openSource(join(dir, "big.tif"));
    assert.equal(s.dtype, "float32");
    assert.match(s.description, /BigTIFF/);
    const f32 = Array.from(new Float32Array(expect.big));
    await checkReads(s, f32, [
      [0, 2],
      [3, 4],
      [0, 24],
    ]);
    await s.close();
  });

  test("single-page int16 is 2-D; tiled float64", async () => {
    const a = await openSource(join(dir, "single_i16.tif"));
    assert.deepEqual(a.axes, ["y", "x"]);
    assert.equal(a.dtype, "int16");
    await checkReads(a, expect.single_i16, [
      [20, 21],
      [0, 33],
    ]);
    await a.close();
    const b = await openSource(join(dir, "f64.tif"));
    assert.equal(b.dtype, "float64");
    await checkReads(b, expect.f64, [
      [1, 2],
      [2, 9],
      [4, 5],
    ]);
    await b.close();
  });

  test("RGB samples become a channel axis (interleaved and planar)", async () => {
    const s = await openSource(join(dir, "rgb.tif"));
    assert.deepEqual(s.shape, [3, 25, 31]);
    assert.deepEqual(s.axes, ["c", "y", "x"]);
    await checkReads(s, expect.rgb, [
      [1, 3],
      [4, 20],
      [0, 9],
    ]);
    await s.close();
    const p = await openSource(join(dir, "rgb_planar.tif"));
    assert.deepEqual(p.shape, [3, 17, 19]);
    assert.equal(p.dtype, "uint16");
    await checkReads(p, expect.rgb_planar, [
      [0, 2],
      [16, 17],
      [3, 19],
    ]);
    await p.close();
  });

  test("OME-TIFF TCZYX: shape, physical sizes, units, channel names, plane mapping", async () => {
    assert.match(expect._descr["tczyx.ome.tif"], /DimensionOrder="XYZCT"/);
    const s = await openSource(join(dir, "tczyx.ome.tif"));
    assert.deepEqual(s.shape, [2, 3, 4, 10, 12]);
    assert.deepEqual(s.axes, ["t", "c", "z", "y", "x"]);
    assert.deepEqual(s.scale, [1.5, 1, 2000, 0.25, 0.5]);
    assert.deepEqual(s.units, ["second", undefined, "nanometer", "micrometer", "micrometer"]);
    assert.deepEqual(s.channelNames, ["DAPI", "GFP", "RFP"]);
    assert.match(s.description, /OME-TIFF/);
    await checkReads(s, expect.tczyx, [
      [1, 2],
      [1, 3],
      [2, 4],
      [3, 9],
      [0, 12],
    ]);
    await s.close();
  });

  test("OME-TIFF with DimensionOrder XYCZT maps pages to (c, z) correctly", async () => {
    assert.match(expect._descr["zcyx.ome.tif"], /DimensionOrder="XYCZT"/);
    const s = await openSource(join(dir, "zcyx.ome.tif"), { format: "ome-tiff" });
    assert.deepEqual(s.shape, [2, 4, 9, 8]);
    assert.deepEqual(s.axes, ["c", "z", "y", "x"]);
    assert.deepEqual(s.scale, [1, 1, 1, 1.25]);
    assert.deepEqual(s.units, [undefined, undefined, undefined, "micrometer"]);
    await checkReads(s, expect.zcyx, [
      [1, 2],
      [1, 4],
      [0, 9],
      [2, 5],
    ]);
    await s.close();
  });

  test("OME-TIFF RGB: samples per pixel count towards SizeC", async () => {
    const s = await openSource(join(dir, "rgb.ome.tif"));
    assert.deepEqual(s.shape, [3, 2, 6, 7]);
    assert.deepEqual(s.axes, ["c", "z", "y", "x"]);
    await checkReads(s, expect.rgb_ome, [
      [2, 3],
      [0, 2],
      [1, 5],
      [1, 6],
    ]);
    await s.close();
  });

  test("ImageJ hyperstack: frames, slices, channels, spacing and unit", async () => {
    const s = await openSource(join(dir, "imagej.tif"));
    assert.deepEqual(s.shape, [3, 2, 4, 6, 5]);
    assert.deepEqual(s.axes, ["t", "c", "z", "y", "x"]);
    assert.deepEqual(s.scale, [0.5, 1, 3, 0.25, 0.5]);
    assert.deepEqual(s.units, ["second", undefined, "micrometer", "micrometer", "micrometer"]);
    await checkReads(s, expect.imagej, [
      [2, 3],
      [1, 2],
      [1, 3],
      [0, 6],
      [0, 5],
    ]);
    await s.close();
  });

  test("empty regions and bad regions", async () => {
    const s = await openSource(join(dir, "stripped.tif"));
    const empty = await s.read([
      [2, 2],
      [0, 30],
      [0, 40],
    ]);
    assert.deepEqual(empty.shape, [0, 30, 40]);
    assert.equal(values(empty).length, 0);
    await assert.rejects(
      s.read([
        [0, 6],
        [0, 30],
        [0, 40],
      ]),
      /does not fit/,
    );
    await assert.rejects(s.read([[0, 1]]), /region has 1 axes/);
    await s.close();
  });

  test("pages of different sizes and non-TIFF input give errors naming the file", async () => {
    await assert.rejects(openSource(join(dir, "mixed.tif")), (e: Error) => {
      assert.ok(e instanceof ZarrsmithError);
      assert.match(e.message, /mixed\.tif: page 1 is 9x8, not 8x8/);
      return true;
    });
    await assert.rejects(
      openSource(join(dir, "notatiff.tif"), { format: "tiff" }),
      /notatiff\.tif is not a readable TIFF/,
    );
    await assert.rejects(openSource(join(dir, "stripped.tif"), { format: "ome-tiff" }), /is not an OME-TIFF/);
  });
});
