/**
 * `zarrsmith convert` on real files written by independent writers (tifffile, nibabel, numpy,
 * fast-png, hand-written NRRD): values read back with our `open` and with zarr-python, physical
 * metadata (scale, units, channel names) carried into multiscales/omero; Ctrl-C and resume.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { encode } from "fast-png";
import { open } from "../../src/hierarchy/open.js";
import { LocalStore } from "../../src/store/local.js";
import { cli, cliInterrupted, cliJSON, ensureBuilt } from "../helpers/cli.js";
import { python, pythonJSON, tempDir } from "../helpers/python.js";
import { needs, pythonModules } from "../helpers/requirements.js";

// The inputs are written by independent writers; each test needs the writers of its inputs.
const NUMPY = needs(pythonModules());
const TIFFFILE = needs(pythonModules("tifffile"));
const NIBABEL = needs(pythonModules("nibabel"));
const ZARR = needs(pythonModules("zarr"));
const TIFF_AND_ZARR = needs(pythonModules("tifffile", "zarr"));

const SHAPE = [12, 20, 28]; // z, y, x: small and odd-sized on purpose

/** Every value of the reference volume, C order: the same formula as `REF` in Python. */
function reference(shape = SHAPE): number[] {
  const out: number[] = [];
  const [Z, Y, X] = shape;
  for (let z = 0; z < Z; z++)
    for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) out.push((z * 1000 + y * 37 + x * 11) % 60000);
  return out;
}
const REF = `
import numpy as np
def ref(shape=(${SHAPE.join(",")})):
    z, y, x = np.indices(shape)
    return ((z * 1000 + y * 37 + x * 11) % 60000).astype(np.uint16)
`;

async function level0Values(out: string, path = "0"): Promise<number[]> {
  const a = await open.array(new LocalStore(out), path);
  return Array.from((await a.get()).data as ArrayLike<number>, Number);
}

function attrsOf(out: string): {
  multiscales: Array<Record<string, unknown>>;
  omero?: { channels: Array<{ label: string }> };
} {
  if (existsSync(join(out, "zarr.json")))
    return JSON.parse(readFileSync(join(out, "zarr.json"), "utf8")).attributes.ome;
  return JSON.parse(readFileSync(join(out, ".zattrs"), "utf8"));
}

function scaleOf(out: string, level = 0): number[] {
  const ms = attrsOf(out).multiscales[0] as {
    datasets: Array<{ coordinateTransformations: Array<{ scale?: number[] }> }>;
  };
  return ms.datasets[level].coordinateTransformations[0].scale as number[];
}

function unitsOf(out: string): Array<string | undefined> {
  return (attrsOf(out).multiscales[0].axes as Array<{ unit?: string }>).map((a) => a.unit);
}

describe("zarrsmith convert", () => {
  const { dir, cleanup } = tempDir("zarrsmith-convert-");
  const ref = reference();
  before(() => {
    ensureBuilt();
    // One Python run writes every input whose writer is installed (tests of the others skip).
    const tiff = `
tifffile.imwrite(os.path.join(d, "plain.tif"), a)                                   # multi-page
tifffile.imwrite(os.path.join(d, "tiled.tif"), a, tile=(16, 16), bigtiff=True)      # tiled BigTIFF
tifffile.imwrite(os.path.join(d, "ome.ome.tif"), np.stack([a, a // 3]), ome=True,
    metadata={"axes": "CZYX", "PhysicalSizeX": 0.25, "PhysicalSizeY": 0.25, "PhysicalSizeZ": 2.0,
              "Channel": {"Name": ["DAPI", "GFP"]}})`;
    const nifti = `
img = nib.Nifti1Image(np.ascontiguousarray(a.transpose(2, 1, 0)), np.diag([0.5, 0.75, 3.0, 1.0]))  # NIfTI is x,y,z
img.header.set_xyzt_units("mm")
nib.save(img, os.path.join(d, "vol.nii.gz"))`;
    if (!NUMPY)
      python(
        `${REF}
import sys, os, gzip
${TIFFFILE ? "" : "import tifffile"}
${NIBABEL ? "" : "import nibabel as nib"}
d = sys.argv[1]
a = ref()
${TIFFFILE ? "" : tiff}
${NIBABEL ? "" : nifti}
np.save(os.path.join(d, "vol.npy"), a.astype(">u2"))                                 # big-endian on purpose
a.tofile(os.path.join(d, "vol.raw"))
hdr = "NRRD0004\\ntype: uint16\\ndimension: 3\\nsizes: 28 20 12\\nspacings: 0.4 0.4 1.6\\nunits: \\"um\\" \\"um\\" \\"um\\"\\nendian: little\\nencoding: {}\\n\\n"
open(os.path.join(d, "raw.nrrd"), "wb").write(hdr.format("raw").encode() + a.tobytes())
open(os.path.join(d, "gz.nrrd"), "wb").write(hdr.format("gzip").encode() + gzip.compress(a.tobytes()))
`,
        [dir],
      );
    // a PNG stack written by fast-png, one file per z (names sort naturally: z2 before z10)
    mkdirSync(join(dir, "slices"));
    const plane = SHAPE[1] * SHAPE[2];
    for (let z = 0; z < SHAPE[0]; z++) {
      const data = Uint16Array.from(ref.slice(z * plane, (z + 1) * plane));
      writeFileSync(
        join(dir, "slices", `z${z}.png`),
        encode({ width: SHAPE[2], height: SHAPE[1], data, depth: 16, channels: 1 }),
      );
    }
  });
  after(cleanup);

  for (const [input, extra, skip] of [
    ["plain.tif", [], TIFFFILE],
    ["tiled.tif", ["--codec", "blosc:lz4:5:shuffle"], TIFFFILE],
    ["vol.npy", ["--codec", "gzip:6"], NUMPY],
    ["raw.nrrd", [], NUMPY],
    ["gz.nrrd", ["--codec", "none"], NUMPY],
    ["slices", ["--scale", "2,0.5,0.5", "--units", "um"], false],
    ["slices/z*.png", [], false],
  ] as Array<[string, string[], string | false]>) {
    it(`${input} → OME-Zarr 0.4 with equal values`, { skip }, async () => {
      const out = join(dir, `${input.replace(/[/*]/g, "_")}.ome.zarr`);
      const r = cliJSON<{ valid: boolean; levels: Array<{ shape: number[] }>; input: { shape: number[] } }>(
        ["convert", input, out, "--chunks", "8,8,8", ...extra],
        dir,
      );
      assert.equal(r.valid, true);
      assert.deepEqual(r.input.shape, SHAPE);
      assert.deepEqual(r.levels[0].shape, SHAPE);
      assert.ok(r.levels.length >= 2);
      assert.deepEqual(await level0Values(out), ref);
    });
  }

  it("the PNG stack's --scale/--units flags land in the metadata (um → micrometer, with a note)", () => {
    const out = join(dir, "flags.ome.zarr");
    const r = cli(
      ["convert", "slices", out, "--scale", "2,0.5,0.5", "--units", "um", "--name", "stack"],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /unit "um" written as "micrometer"/);
    assert.deepEqual(scaleOf(out), [2, 0.5, 0.5]);
    assert.deepEqual(unitsOf(out), ["micrometer", "micrometer", "micrometer"]);
    assert.equal(attrsOf(out).multiscales[0].name, "stack");
  });

  it("OME-TIFF: physical sizes and channel names carried; zarr-python reads level 0", {
    skip: TIFF_AND_ZARR,
  }, () => {
    const out = join(dir, "ome.ome.zarr");
    cliJSON(["convert", "ome.ome.tif", out, "--chunks", "8,8,8"], dir);
    assert.deepEqual(scaleOf(out), [1, 2, 0.25, 0.25]);
    assert.deepEqual(unitsOf(out), [undefined, "micrometer", "micrometer", "micrometer"]);
    assert.deepEqual(
      attrsOf(out).omero?.channels.map((c) => c.label),
      ["DAPI", "GFP"],
    );
    const ok = pythonJSON<{ equal: boolean; chunks: number[] }>(
      `${REF}
import sys, json, zarr
z = zarr.open_group(sys.argv[1], mode="r")["0"]
a = ref()
print(json.dumps({"equal": bool((z[:] == np.stack([a, a // 3])).all()), "chunks": list(z.chunks)}))`,
      [out],
    );
    assert.deepEqual(ok, { equal: true, chunks: [1, 8, 8, 8] });
  });

  it("NIfTI: pixdim → scale, mm → millimeter, axes z,y,x; flags override", { skip: NIBABEL }, async () => {
    const out = join(dir, "nifti.ome.zarr");
    cliJSON(["convert", "vol.nii.gz", out, "--chunks", "8,8,8"], dir);
    assert.deepEqual(scaleOf(out), [3, 0.75, 0.5]);
    assert.deepEqual(unitsOf(out), ["millimeter", "millimeter", "millimeter"]);
    assert.deepEqual(await level0Values(out), ref);
    const out2 = join(dir, "nifti2.ome.zarr");
    cliJSON(["convert", "vol.nii.gz", out2, "--scale", "1,1,1", "--units", "nanometer"], dir);
    assert.deepEqual(scaleOf(out2), [1, 1, 1]);
    assert.deepEqual(unitsOf(out2), ["nanometer", "nanometer", "nanometer"]);
  });

  it("NRRD spacings and units become scale/units", { skip: NUMPY }, () => {
    assert.deepEqual(scaleOf(join(dir, "raw.nrrd.ome.zarr")), [1.6, 0.4, 0.4]);
    assert.deepEqual(unitsOf(join(dir, "gz.nrrd.ome.zarr")), ["micrometer", "micrometer", "micrometer"]);
  });

  it("OME-Zarr 0.5 with shards, then Zarr input re-encoded back to 0.4 (axes, scale carried)", {
    skip: NUMPY,
  }, async () => {
    const v5 = join(dir, "v5.ome.zarr");
    const r = cliJSON<{ levels: Array<{ shards: number[] }> }>(
      [
        "convert",
        "raw.nrrd",
        v5,
        "--ome-zarr-version",
        "0.5",
        "--chunks",
        "4,8,8",
        "--shards",
        "8,16,16",
        "--codec",
        "zstd:3",
      ],
      dir,
    );
    assert.deepEqual(r.levels[0].shards, [8, 16, 16]);
    assert.equal(JSON.parse(readFileSync(join(v5, "zarr.json"), "utf8")).attributes.ome.version, "0.5");
    assert.deepEqual(await level0Values(v5), ref);
    const back = join(dir, "back.ome.zarr");
    cliJSON(["convert", v5, back, "--chunks", "6,6,6"], dir);
    assert.deepEqual(scaleOf(back), [1.6, 0.4, 0.4]);
    assert.deepEqual(unitsOf(back), ["micrometer", "micrometer", "micrometer"]);
    assert.equal(cli(["validate", back]).code, 0);
    assert.deepEqual(await level0Values(back), ref);
  });

  it("raw → plain Zarr v2 (zarr-python) and v3 arrays, streamed in small blocks", {
    skip: ZARR,
  }, async () => {
    const v2 = join(dir, "plain2.zarr");
    const r = cliJSON<{ format: string; chunks: number[] }>(
      [
        "convert",
        "vol.raw",
        v2,
        "--plain",
        "--shape",
        SHAPE.join(","),
        "--dtype",
        "uint16",
        "--chunks",
        "5,7,9",
        "--memory-target",
        "1MiB",
      ],
      dir,
    );
    assert.deepEqual([r.format, r.chunks], ["zarr", [5, 7, 9]]);
    const ok = pythonJSON<boolean>(
      `${REF}
import sys, json, zarr
print(json.dumps(bool((zarr.open_array(sys.argv[1], mode="r")[:] == ref()).all())))`,
      [v2],
    );
    assert.equal(ok, true);
    assert.ok(!existsSync(join(v2, "zarrsmith-progress.json")));
    const v3 = join(dir, "plain3.zarr");
    cliJSON(
      [
        "convert",
        "vol.raw",
        v3,
        "--plain",
        "--zarr-version",
        "3",
        "--shape",
        SHAPE.join(","),
        "--dtype",
        "uint16",
        "--shards",
        "6,10,14",
        "--chunks",
        "3,5,7",
      ],
      dir,
    );
    assert.deepEqual(await level0Values(v3, ""), ref);
    assert.deepEqual(JSON.parse(readFileSync(join(v3, "zarr.json"), "utf8")).dimension_names, [
      "z",
      "y",
      "x",
    ]);
  });

  it("--labels: mode pyramid with image-label metadata; float data refused", { skip: NUMPY }, () => {
    const out = join(dir, "labels.ome.zarr");
    cliJSON(["convert", "vol.npy", out, "--labels", "--levels", "2"], dir);
    const attrs = attrsOf(out) as unknown as {
      "image-label"?: unknown;
      multiscales: Array<{ type?: string }>;
    };
    assert.ok(attrs["image-label"]);
    assert.equal(attrs.multiscales[0].type, "mode");
    python(`import numpy as np, sys; np.save(sys.argv[1], np.zeros((4, 4, 4), np.float32))`, [
      join(dir, "f.npy"),
    ]);
    const r = cli(["convert", "f.npy", join(dir, "f.ome.zarr"), "--labels"], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /labels must be integers/);
  });

  it("input errors: a missing file (exit 2, path named), an unknown format, a raw file without --shape", {
    skip: TIFFFILE,
  }, () => {
    const r1 = cli(["convert", "nope.tif", "o.zarr"], dir);
    assert.equal(r1.code, 2);
    assert.equal(r1.stderr, "zarrsmith: input nope.tif: no such file or directory\n");
    writeFileSync(join(dir, "junk.xyz"), "hello");
    const r2 = cli(["convert", "junk.xyz", "o.zarr"], dir);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /cannot tell the format of .*junk\.xyz/);
    const r3 = cli(["convert", "plain.tif", "o.zarr", "--zarr-version", "3"], dir);
    assert.equal(r3.code, 2);
    assert.match(r3.stderr, /--zarr-version is for plain arrays/);
    const r4 = cli(["convert", "plain.tif", "o.zarr", "--shards", "8,8,8"], dir);
    assert.equal(r4.code, 2);
    assert.ok(!existsSync(join(dir, "o.zarr")));
  });

  it("a corrupt TIFF fails with one line (exit 1 or 2), leaving no output claims behind", {
    skip: TIFFFILE,
  }, () => {
    const bytes = readFileSync(join(dir, "plain.tif"));
    writeFileSync(join(dir, "cut.tif"), bytes.subarray(0, 200));
    const r = cli(["convert", "cut.tif", "cut.ome.zarr"], dir);
    assert.ok(r.code === 1 || r.code === 2, `exit ${r.code}`);
    assert.match(r.stderr, /^zarrsmith: .+\n$/);
    assert.ok(!existsSync(join(dir, "cut.ome.zarr")));
  });

  it("Ctrl-C: exit 130, no temporary files, the re-run resumes and the result validates", {
    skip: ZARR,
  }, async () => {
    const n = [96, 256, 256];
    python(
      `import numpy as np, sys
np.random.default_rng(1).integers(0, 65535, size=(${n.join(",")}), dtype=np.uint16).tofile(sys.argv[1])`,
      [join(dir, "big.raw")],
    );
    const out = join(dir, "big.ome.zarr");
    const args = [
      "convert",
      "big.raw",
      out,
      "--shape",
      n.join(","),
      "--dtype",
      "uint16",
      "--chunks",
      "16,32,32",
      "--codec",
      "gzip:9",
      "--workers",
      "1",
      "--memory-target",
      "2MiB",
    ];
    const r = await cliInterrupted(args, /level 0: \d+\/\d+ chunks \((?:[1-9])0%\)/, dir);
    assert.ok(r.signalled);
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /interrupted; .*re-run the same command to resume/);
    const files = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(d, e.name)) : [e.name],
      );
    assert.deepEqual(
      files(out).filter((f) => f.includes("tmp")),
      [],
    );
    assert.ok(files(out).includes("zarrsmith-progress.json"), "the run is visibly unfinished");
    assert.equal(cli(["validate", out]).code, 1, "an unfinished image does not validate");
    const again = cliJSON<{ valid: boolean; resumedNodes: number }>(args, dir);
    assert.equal(again.valid, true);
    assert.ok(again.resumedNodes > 0, "finished work was reused");
    const ok = pythonJSON<boolean>(
      `import sys, json, zarr, numpy as np
a = np.fromfile(sys.argv[2], dtype=np.uint16).reshape(${n.join(",")})
print(json.dumps(bool((zarr.open_group(sys.argv[1], mode="r")["0"][:] == a).all())))`,
      [out, join(dir, "big.raw")],
    );
    assert.equal(ok, true);
  });
});
