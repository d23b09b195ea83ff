import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type NiftiSource, openNifti, openSource } from "../../src/sources/index.js";
import { needs, pythonModules } from "../helpers/requirements.js";
import { assertClose, checkReads, pythonJSON, tempDir, values } from "./util.js";

// nibabel writes each file; `c_order` is the array transposed to C order ([t, z, y, x]).
const WRITE = `
import sys, json, numpy as np, nibabel as nib
d = sys.argv[1]
rng = np.random.default_rng(3)
out = {}
def c_order(a):
    return np.ascontiguousarray(np.transpose(a, tuple(reversed(range(a.ndim)))))

a = rng.integers(-1000, 1000, (20, 15, 6), dtype=np.int16)          # x, y, z
aff = np.diag([0.5, 0.75, 2.0, 1.0]); aff[:3, 3] = [10.0, -20.0, 30.0]
img = nib.Nifti1Image(a, aff); img.header.set_xyzt_units("mm")
nib.save(img, d + "/vol.nii")
out["vol"] = c_order(a).ravel().tolist()

a = rng.standard_normal((9, 8, 5, 4)).astype(np.float32)            # x, y, z, t
aff = np.diag([1.5, 1.5, 3.0, 1.0])
img = nib.Nifti1Image(a, aff); img.header.set_xyzt_units("micron", "msec")
img.header["pixdim"][4] = 2.5
nib.save(img, d + "/series.nii.gz")
out["series"] = c_order(a).ravel().tolist()

f = np.linspace(-5, 1000, 7 * 6 * 5).reshape(7, 6, 5)
img = nib.Nifti1Image(f, np.eye(4)); img.set_data_dtype(np.int16)
nib.save(img, d + "/scaled.nii")
back = nib.load(d + "/scaled.nii")
out["scaled"] = c_order(back.get_fdata()).ravel().tolist()
out["scaled_slope"] = float(back.dataobj.slope); out["scaled_inter"] = float(back.dataobj.inter)

a = rng.integers(0, 60000, (6, 5, 4), dtype=np.uint16)
hdr = nib.Nifti1Header(endianness=">"); hdr.set_data_dtype(">u2")
aff = np.array([[0, -1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], float)  # rotated: no translation
img = nib.Nifti1Image(a.astype(">u2"), aff, hdr)
nib.save(img, d + "/bigend.nii")
assert nib.load(d + "/bigend.nii").header.endianness == ">"
out["bigend"] = c_order(a).ravel().tolist()

a = rng.standard_normal((7, 6, 3, 1, 3)).astype(np.float32)         # x, y, z, t=1, vector
img = nib.Nifti1Image(a, np.eye(4)); img.header.set_intent("vector")
nib.save(img, d + "/vector.nii")
out["vector"] = np.transpose(a[:, :, :, 0, :], (3, 2, 1, 0)).ravel().tolist()   # c, z, y, x

a = rng.integers(0, 100, (5, 4, 3), dtype=np.uint8)
img = nib.Nifti2Image(a, np.diag([0.1, 0.2, 0.3, 1.0])); img.header.set_xyzt_units("meter")
nib.save(img, d + "/v2.nii")
out["v2"] = c_order(a).ravel().tolist()

a = rng.integers(0, 1000, (4, 3, 2), dtype=np.int32)
img = nib.Nifti1Pair(a, np.diag([2.0, 3.0, 4.0, 1.0])); img.header.set_xyzt_units("mm")
nib.save(img, d + "/pair.hdr")
out["pair"] = c_order(a).ravel().tolist()

open(d + "/short.nii", "wb").write(open(d + "/vol.nii", "rb").read()[:2000])
print(json.dumps(out))
`;

type Expect = Record<string, number[]> & { scaled_slope: number; scaled_inter: number };

describe("NIfTI sources", { skip: needs(pythonModules("nibabel")) }, () => {
  const { dir, cleanup } = tempDir();
  let expect: Expect;
  before(() => {
    expect = pythonJSON<Expect>(WRITE, [dir]);
  });
  after(cleanup);

  test(".nii int16: C-order shape, pixdim → scale, units, sform translation, region reads", async () => {
    const s = (await openSource(join(dir, "vol.nii"))) as NiftiSource;
    assert.deepEqual(s.shape, [6, 15, 20]);
    assert.deepEqual(s.axes, ["z", "y", "x"]);
    assert.equal(s.dtype, "int16");
    assert.deepEqual(s.scale, [2, 0.75, 0.5]);
    assert.deepEqual(s.units, ["millimeter", "millimeter", "millimeter"]);
    assert.deepEqual(s.translation, [30, -20, 10]);
    assert.equal(s.scaling.applied, false);
    await checkReads(s, expect.vol, [
      [2, 5],
      [3, 11],
      [7, 19],
    ]);
    await s.close();
  });

  test(".nii.gz 4-D float32: time axis, micron/msec units", async () => {
    const s = await openSource(join(dir, "series.nii.gz"));
    assert.deepEqual(s.shape, [4, 5, 8, 9]);
    assert.deepEqual(s.axes, ["t", "z", "y", "x"]);
    assert.deepEqual(s.scale, [2.5, 3, 1.5, 1.5]);
    assert.deepEqual(s.units, ["millisecond", "micrometer", "micrometer", "micrometer"]);
    assert.match(s.description, /gzip/);
    const f32 = Array.from(new Float32Array(expect.series));
    // Regions out of file order: the decompressed copy serves random access.
    const late = await s.read([
      [3, 4],
      [4, 5],
      [0, 8],
      [0, 9],
    ]);
    assert.equal(values(late).length, 72);
    await checkReads(s, f32, [
      [1, 3],
      [0, 5],
      [2, 6],
      [1, 2],
    ]);
    await s.close();
  });

  test(".nii.gz is read from the gzip stream: no temporary copy, values equal to the whole read", async () => {
    const copies = () => readdirSync(tmpdir()).filter((d) => d.startsWith("zarrsmith-gunzip-"));
    const before = copies();
    const s = await openSource(join(dir, "series.nii.gz"));
    await checkReads(s, Array.from(new Float32Array(expect.series)), [
      [1, 3],
      [0, 5],
      [2, 6],
      [1, 9],
    ]);
    assert.deepEqual(copies(), before, "nothing is written to TMPDIR");
    await s.close();
  });

  test("scl_slope/scl_inter are reported and applied (int16 → float32)", async () => {
    const s = (await openSource(join(dir, "scaled.nii"))) as NiftiSource;
    assert.equal(s.dtype, "float32");
    assert.equal(s.scaling.applied, true);
    assertClose([s.scaling.slope, s.scaling.inter], [expect.scaled_slope, expect.scaled_inter], 1e-6);
    const whole = await s.read(s.shape.map((n) => [0, n] as const));
    assertClose(values(whole), expect.scaled, 1e-5);
    await s.close();
  });

  test("big-endian header and data; a rotated affine gives no translation", async () => {
    const s = await openSource(join(dir, "bigend.nii"));
    assert.equal(s.dtype, "uint16");
    assert.equal(s.translation, undefined);
    await checkReads(s, expect.bigend, [
      [1, 4],
      [0, 5],
      [2, 3],
    ]);
    await s.close();
  });

  test("5th (vector) dimension becomes a channel axis before z; size-1 t is left out", async () => {
    const s = await openSource(join(dir, "vector.nii"));
    assert.deepEqual(s.shape, [3, 3, 6, 7]);
    assert.deepEqual(s.axes, ["c", "z", "y", "x"]);
    const f32 = Array.from(new Float32Array(expect.vector));
    await checkReads(s, f32, [
      [1, 3],
      [1, 2],
      [0, 6],
      [3, 7],
    ]);
    await s.close();
  });

  test("NIfTI-2 header", async () => {
    const s = await openNifti(join(dir, "v2.nii"));
    assert.match(s.description, /NIfTI-2/);
    assert.deepEqual(s.shape, [3, 4, 5]);
    assertClose(s.scale!, [0.3, 0.2, 0.1], 1e-6);
    assert.deepEqual(s.units, ["meter", "meter", "meter"]);
    await checkReads(s, expect.v2, [
      [0, 3],
      [1, 3],
      [0, 5],
    ]);
    await s.close();
  });

  test(".hdr/.img pair: the header names the voxels in the .img file", async () => {
    const s = await openSource(join(dir, "pair.hdr"));
    assert.deepEqual(s.shape, [2, 3, 4]);
    assert.equal(s.dtype, "int32");
    assert.deepEqual(s.scale, [4, 3, 2]);
    await checkReads(s, expect.pair, [
      [1, 2],
      [0, 3],
      [1, 3],
    ]);
    await s.close();
  });

  test("a truncated file is refused with its name", async () => {
    await assert.rejects(
      openSource(join(dir, "short.nii")),
      /short\.nii has 2000 bytes but its NIfTI header describes/,
    );
  });
});
