/**
 * OME-Zarr written here opens in independent readers, and OME-Zarr written by others opens here:
 * - 0.4 (Zarr v2): images from the builders and from `pyramid.write`, read by zarr-python 2.13
 *   (Debian): the group's `multiscales`, the shape of every dataset path, the values.
 * - 0.5 (Zarr v3, sharded): the same read by zarrita.js: `ome.multiscales`, shapes, dimension_names,
 *   values.
 * - The public IDR images in ../shared/conformance/real-world (metadata with array metadata, no
 *   chunks) and ome-zarr-models' HCS example open with `Image.fromZarr` / `ome.validate` and
 *   round-trip to the same JSON.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { after, describe, test } from "node:test";
import { phantom } from "../../src/demo/phantom.js";
import { toBytes } from "../../src/dtype/index.js";
import {
  LocalStore,
  MemoryStore,
  type NDArray,
  ndarray,
  ome,
  open,
  pyramid,
  type Store,
  v2,
  v3,
} from "../../src/index.js";
import { PYTHON, pythonJSON, SHARED, tempDir } from "../helpers/python.js";
import { zarr, zarritaRead, zarritaStore } from "../helpers/zarrita.js";

const { dir, cleanup } = tempDir("zarrsmith-ome-readers-");
after(cleanup);

const noZarrPython =
  spawnSync(PYTHON, ["-c", "import zarr, numpy"]).status === 0
    ? false
    : `${PYTHON} cannot import zarr (apt-get install -y python3-zarr)`;

function sha(a: NDArray): string {
  return createHash("sha256")
    .update(toBytes(a.data, a.dtype, "little"))
    .digest("hex");
}

/** Opens an OME-Zarr 0.4 image group with zarr-python; reports attrs and every dataset's shape, dtype and SHA-256. */
const PY_OME = `
import sys, json, hashlib, zarr, numpy as np
g = zarr.open_group(sys.argv[1], mode="r")
ms = g.attrs["multiscales"]
levels = {}
for d in ms[0]["datasets"]:
    a = g[d["path"]]
    x = np.ascontiguousarray(a[...])
    le = x.astype(x.dtype.newbyteorder("<"))
    levels[d["path"]] = {"shape": list(a.shape), "dtype": str(x.dtype.newbyteorder("=").name), "sha": hashlib.sha256(le.tobytes()).hexdigest()}
print(json.dumps({"attrs": g.attrs.asdict(), "levels": levels}))
`;

interface PyOme {
  attrs: Record<string, unknown>;
  levels: Record<string, { shape: number[]; dtype: string; sha: string }>;
}

/** A deterministic, level-dependent uint16 volume (no two levels alike). */
function pattern(shape: number[], level: number): NDArray<"uint16"> {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Uint16Array(n);
  for (let i = 0; i < n; i++) data[i] = (i * 7919 + level * 4099) % 65536;
  return ndarray(data, shape, "uint16");
}

const base = [24, 20, 18];
/** Level d of the textbook pyramid: shape ceil(shape / 2^d), scale 2^d, half-voxel translation. */
const LEVELS = [0, 1, 2].map((d) => ({
  shape: base.map((s) => Math.ceil(s / 2 ** d)),
  scale: base.map(() => 2 ** d),
  translation: base.map(() => (2 ** d - 1) / 2),
}));
const zyx = ["z", "y", "x"].map((name) => ome.Axis(name, "space", "micrometer"));

describe("OME-Zarr 0.4 opens in zarr-python", { skip: noZarrPython }, () => {
  test("a 3-level image from ome.v04.Image.new, filled", async () => {
    const path = join(dir, "builders.ome.zarr");
    const img = ome.v04.Image.new({
      arraySpecs: LEVELS.map((l) =>
        v2.ArraySpec.parse({ shape: l.shape, dtype: "uint16", chunks: [8, 8, 8], compressor: null }),
      ),
      paths: ["s0", "s1", "s2"],
      axes: zyx,
      scales: LEVELS.map((l) => l.scale),
      translations: LEVELS.map((l) => l.translation),
      globalScale: [2, 0.5, 0.5],
      name: "pattern",
      multiscaleType: "none",
      metadata: {},
    });
    const group = await img.toZarr(new LocalStore(path), "");
    const expected: Record<string, string> = {};
    for (const [d, p] of img.paths.entries()) {
      const data = pattern(LEVELS[d].shape, d);
      await (await group.array(p)).set(null, data);
      expected[p] = sha(data);
    }

    const py = pythonJSON<PyOme>(PY_OME, [path]);
    assert.deepEqual(py.attrs.multiscales, img.attributes.multiscales);
    assert.deepEqual(py.attrs, img.toJSON());
    assert.deepEqual(Object.keys(py.levels), ["s0", "s1", "s2"]);
    for (const [d, p] of img.paths.entries()) {
      assert.deepEqual(py.levels[p].shape, LEVELS[d].shape, p);
      assert.equal(py.levels[p].dtype, "uint16");
      assert.equal(py.levels[p].sha, expected[p], `values of ${p}`);
    }
    assert.equal((await ome.validate(new LocalStore(path))).valid, true);
  });

  test("a 3-level image from pyramid.write (Zstd)", async () => {
    const path = join(dir, "pyramid.ome.zarr");
    const result = await pyramid.write(phantom(40), new LocalStore(path), {
      omeZarrVersion: "0.4",
      levels: 3,
      downsampleAxes: "auto",
      chunks: [16, 16, 16],
      units: "micrometer",
      scale: [2, 1, 1],
    });
    const zattrs = JSON.parse(readFileSync(join(path, ".zattrs"), "utf8"));
    const py = pythonJSON<PyOme>(PY_OME, [path]);
    assert.deepEqual(py.attrs.multiscales, zattrs.multiscales);
    assert.deepEqual(py.attrs.omero, zattrs.omero);
    // Shapes as planned (anisotropic voxels: z is halved later than y and x), starting at the source's.
    assert.deepEqual(
      Object.values(py.levels).map((l) => l.shape),
      result.levels.map((l) => l.shape),
    );
    assert.equal(result.levels.length, 3);
    assert.deepEqual(result.levels[0].shape, [40, 40, 40]);
    assert.ok(result.levels[2].shape.every((s, i) => s < result.levels[0].shape[i]));
    for (const level of result.levels) {
      const ours = await (await open.array(new LocalStore(path), level.path)).get();
      assert.equal(py.levels[level.path].sha, sha(ours), `values of level ${level.path}`);
    }
    // Level 0 is the source itself.
    const source = await phantom(40).read([
      [0, 40],
      [0, 40],
      [0, 40],
    ]);
    assert.equal(py.levels["0"].sha, sha(source));
  });
});

describe("OME-Zarr 0.5 (sharded) opens in zarrita.js", () => {
  test("a 3-level image from ome.v05.Image.new with sharded v3 specs, filled", async () => {
    const path = join(dir, "builders.v05.ome.zarr");
    const img = ome.v05.Image.new({
      arraySpecs: LEVELS.map((l) =>
        v3.ArraySpec.create({ shape: l.shape, data_type: "uint16", chunks: [4, 4, 4], shards: [8, 8, 8] }),
      ),
      paths: ["s0", "s1", "s2"],
      axes: zyx,
      scales: LEVELS.map((l) => l.scale),
      translations: LEVELS.map((l) => l.translation),
      name: "pattern",
    });
    const group = await img.toZarr(new LocalStore(path), "");
    const written: Record<string, NDArray<"uint16">> = {};
    for (const [d, p] of img.paths.entries()) {
      written[p] = pattern(LEVELS[d].shape, d);
      await (await group.array(p)).set(null, written[p]);
    }

    const g = await zarr.open(zarr.root(zarritaStore(path)), { kind: "group" });
    assert.deepEqual((g.attrs as { ome: unknown }).ome, img.attributes.ome);
    const multiscale = (g.attrs as { ome: { multiscales: { datasets: { path: string }[] }[] } }).ome
      .multiscales[0];
    for (const [d, { path: p }] of multiscale.datasets.entries()) {
      const arr = await zarr.open(zarr.root(zarritaStore(path)).resolve(p), { kind: "array" });
      assert.deepEqual(arr.shape, LEVELS[d].shape, p);
      assert.deepEqual(arr.dimensionNames, ["z", "y", "x"], `${p} dimension_names`);
      const meta = JSON.parse(readFileSync(join(path, p, "zarr.json"), "utf8"));
      assert.equal(meta.codecs[0].name, "sharding_indexed", `${p} is sharded`);
      const read = await zarritaRead(path, p);
      assert.deepEqual(read.values, Array.from(written[p].data), `values of ${p}`);
    }
  });

  test("a 3-level image from pyramid.write with shards", async () => {
    const path = join(dir, "pyramid.v05.ome.zarr");
    const result = await pyramid.write(phantom(40), new LocalStore(path), {
      omeZarrVersion: "0.5",
      levels: 3,
      downsampleAxes: "auto",
      chunks: [8, 8, 8],
      shards: [16, 16, 16],
      units: "micrometer",
    });
    const g = await zarr.open(zarr.root(zarritaStore(path)), { kind: "group" });
    const stored = JSON.parse(readFileSync(join(path, "zarr.json"), "utf8")).attributes;
    const attrs = g.attrs as { ome: { version: string; multiscales: { datasets: { path: string }[] }[] } };
    assert.equal(attrs.ome.version, "0.5");
    assert.deepEqual(attrs.ome.multiscales, stored.ome.multiscales);
    assert.deepEqual(
      attrs.ome.multiscales[0].datasets.map((d) => d.path),
      result.levels.map((l) => l.path),
    );
    for (const level of result.levels) {
      const arr = await zarr.open(zarr.root(zarritaStore(path)).resolve(level.path), { kind: "array" });
      assert.deepEqual(arr.shape, level.shape);
      assert.deepEqual(arr.dimensionNames, ["z", "y", "x"]);
      const read = await zarritaRead(path, level.path);
      const ours = await (await open.array(new LocalStore(path), level.path)).get();
      assert.deepEqual(read.values, Array.from(ours.data as Uint16Array), `values of level ${level.path}`);
    }
    const source = await phantom(40).read([
      [0, 40],
      [0, 40],
      [0, 40],
    ]);
    assert.deepEqual((await zarritaRead(path, "0")).values, Array.from(source.data));
  });
});

// ---- written by others ----

const REAL_WORLD = join(SHARED, "conformance", "real-world");

/** Every image group below `root` whose datasets all have array metadata (those fromZarr can open). */
function imagesWithArrays(root: string): { dir: string; version: "0.4" | "0.5" }[] {
  const found: { dir: string; version: "0.4" | "0.5" }[] = [];
  const walk = (d: string) => {
    for (const [file, version] of [
      [".zattrs", "0.4"],
      ["zarr.json", "0.5"],
    ] as const) {
      if (!existsSync(join(d, file))) continue;
      const doc = JSON.parse(readFileSync(join(d, file), "utf8"));
      const attrs = version === "0.4" ? doc : (doc.attributes?.ome ?? {});
      const ms = attrs.multiscales as { datasets: { path: string }[] }[] | undefined;
      const meta = version === "0.4" ? ".zarray" : "zarr.json";
      if (ms?.[0]?.datasets.every((x) => existsSync(join(d, x.path, meta)))) found.push({ dir: d, version });
    }
    for (const e of readdirSync(d)) if (statSync(join(d, e)).isDirectory()) walk(join(d, e));
  };
  walk(root);
  return found;
}

function labelsDoc(imageDir: string, version: "0.4" | "0.5"): Record<string, unknown> | undefined {
  const file = join(imageDir, "labels", version === "0.4" ? ".zattrs" : "zarr.json");
  if (!existsSync(file)) return undefined;
  const doc = JSON.parse(readFileSync(file, "utf8"));
  return version === "0.4" ? doc : doc.attributes.ome;
}

function labelsLackVersion(imageDir: string): boolean {
  return labelsDoc(imageDir, "0.5")?.version === undefined;
}

/** Label images a stored labels group lists but the corpus does not hold. */
function missingLabelImages(imageDir: string, version: "0.4" | "0.5"): string[] {
  const labels = (labelsDoc(imageDir, version)?.labels ?? []) as string[];
  const meta = version === "0.4" ? ".zattrs" : "zarr.json";
  return labels.filter((l) => !existsSync(join(imageDir, "labels", l, meta)));
}

describe("OME-Zarr written by others opens here", () => {
  const images = imagesWithArrays(REAL_WORLD);

  test("the corpus has IDR images with array metadata in both versions", () => {
    assert.ok(images.filter((i) => i.version === "0.4").length >= 4, JSON.stringify(images));
    assert.ok(images.filter((i) => i.version === "0.5").length >= 10, JSON.stringify(images));
  });

  for (const { dir: imageDir, version } of images) {
    test(`${relative(REAL_WORLD, imageDir)} (${version}): fromZarr, round-trip, rewrite`, async () => {
      const local = new LocalStore(imageDir);
      // The corpus holds only the nodes that were fetched: some images list label images that are
      // not there. Validation must say exactly that; the image itself is read without its labels.
      const missing = missingLabelImages(imageDir, version);
      let store: Store = local;
      if (missing.length > 0) {
        const report = await ome.validate(local);
        const lacking = report.errors.filter((e) => /does not exist/.test(e.message));
        assert.deepEqual(
          lacking.map((e) => (e as { target?: string }).target).sort(),
          missing.map((m) => `labels/${m}`).sort(),
        );
        // Besides that, only the labels group's missing ome.version (the manifest's leniency case).
        assert.deepEqual(
          report.errors.filter((e) => !lacking.includes(e)).map((e) => e.path),
          version === "0.5" && labelsLackVersion(imageDir) ? ["labels#ome.version"] : [],
        );
        store = {
          get: (key, range) =>
            key.startsWith("labels/") ? Promise.resolve(undefined) : local.get(key, range),
        };
      }
      const group = await open.group(store);
      const Image = (version === "0.4" ? ome.v04.Image : ome.v05.Image) as typeof ome.v05.Image;
      const ImageLabel = (
        version === "0.4" ? ome.v04.ImageLabel : ome.v05.ImageLabel
      ) as typeof ome.v05.ImageLabel;
      const isLabel = "image-label" in (version === "0.4" ? group.attrs : (group.attrs.ome as object));
      const image = isLabel ? await ImageLabel.fromZarr(group) : await Image.fromZarr(group);
      // Lossless: the model gives back the stored document.
      assert.deepEqual(image.toJSON(), group.attrs);
      // Each level's array spec is the stored array metadata.
      for (const p of image.paths) {
        const meta = JSON.parse(
          readFileSync(join(imageDir, p, version === "0.4" ? ".zarray" : "zarr.json"), "utf8"),
        );
        const spec = image.arrays[p] as { toJSON(): Record<string, unknown> };
        const ours = spec.toJSON();
        for (const key of ["shape", version === "0.4" ? "dtype" : "data_type", "dimension_names"]) {
          assert.deepEqual(ours[key], meta[key], `${p}: ${key}`);
        }
      }
      // Rewriting it (metadata only) gives a hierarchy that validates and reads back the same.
      const copy = new MemoryStore();
      await image.toZarr(copy, "");
      const report = await ome.validate(copy);
      assert.equal(report.valid, true, JSON.stringify(report.errors));
      const again = await (isLabel ? ImageLabel : Image).fromZarr(await open.group(copy));
      assert.deepEqual(again.toJSON(), image.toJSON());
    });
  }

  test("ome-zarr-models' HCS example (0.4 plate hierarchy) validates as a plate", async () => {
    const store = new LocalStore(
      join(SHARED, "conformance", "ome-zarr-models", "examples", "v04", "hcs_example.ome.zarr"),
    );
    const report = await ome.validate(store);
    assert.equal(report.valid, true, JSON.stringify(report.errors));
    assert.equal(report.kind, "plate");
    assert.equal(report.version, "0.4");
  });
});
