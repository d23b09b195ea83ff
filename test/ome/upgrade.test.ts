/**
 * ome.upgrade: a 0.4 image written by zarr-python 2 becomes a 0.5 image that zarrita (Zarr v3)
 * reads to the same values, without a single chunk byte being read; downgrades go back, and what
 * Zarr v2 cannot express is refused before anything is written.
 */
import assert from "node:assert/strict";
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { after, test } from "node:test";
import { LocalStore, ndarray, ome, type Store, UnsupportedError, v3 } from "../../src/index.js";
import { NotRepresentableError } from "../../src/ome/index.js";
import { python, pythonJSON, tempDir } from "../helpers/python.js";
import { zarritaRead } from "../helpers/zarrita.js";

const { dir, cleanup } = tempDir("zarrsmith-upgrade-");
after(cleanup);

const METADATA = /(^|\/)(zarr\.json|\.zarray|\.zgroup|\.zattrs|\.zmetadata)$/;

/** Wraps a store, counting the bytes `get` returns for keys that are not metadata documents. */
function countingStore(inner: LocalStore) {
  const counts = { chunkBytesRead: 0, chunkReads: 0, chunkWrites: 0 };
  const store: Store = {
    description: inner.description,
    get: async (key, range) => {
      const bytes = await inner.get(key, range);
      if (!METADATA.test(key) && bytes) {
        counts.chunkReads++;
        counts.chunkBytesRead += bytes.byteLength;
      }
      return bytes;
    },
    has: (key) => inner.has(key),
    set: async (key, value) => {
      if (!METADATA.test(key) && !key.includes(".zarrsmith-backup/")) counts.chunkWrites++;
      return inner.set(key, value);
    },
    delete: (key) => inner.delete(key),
    list: (prefix) => inner.list(prefix),
    listDir: (prefix) => inner.listDir(prefix),
  };
  return { store, counts };
}

/** Every file below `root` (relative path → bytes), backups left out. */
function files(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (name !== ".zarrsmith-backup") walk(p);
      } else out.set(relative(root, p), readFileSync(p));
    }
  };
  walk(root);
  return out;
}

// A 0.4 image as zarr-python 2 writes it: level 0 blosc-compressed with "/" chunk keys, level 1
// zlib, Fortran order, big-endian and "." keys (the v2 default), a labels group with a label image.
const WRITE_04 = `
import sys, json, zarr, numpy as np, numcodecs
root = zarr.open_group(sys.argv[1], mode="w")
a0 = (np.arange(2*9*13, dtype="<u2").reshape(2, 9, 13) * 7) % 1000
a1 = np.arange(2*5*7, dtype=">f4").reshape(2, 5, 7) / 3
root.create_dataset("0", data=a0, chunks=(1, 4, 5), compressor=numcodecs.Blosc("zstd", 3, numcodecs.Blosc.SHUFFLE), dimension_separator="/", fill_value=0)
root.create_dataset("1", data=a1, dtype=">f4", chunks=(2, 3, 4), compressor=numcodecs.Zlib(4), order="F", fill_value=float("nan"))
axes = [{"name": "c", "type": "channel"}, {"name": "y", "type": "space", "unit": "micrometer"}, {"name": "x", "type": "space", "unit": "micrometer"}]
root.attrs["multiscales"] = [{"version": "0.4", "name": "img", "axes": axes, "datasets": [
  {"path": "0", "coordinateTransformations": [{"type": "scale", "scale": [1, 0.5, 0.5]}]},
  {"path": "1", "coordinateTransformations": [{"type": "scale", "scale": [1, 1, 1]}]}]}]
root.attrs["omero"] = {"channels": [{"color": "FF0000", "window": {"start": 0, "end": 900, "min": 0, "max": 1000}, "label": "a"},
  {"color": "00FF00", "window": {"start": 0, "end": 900, "min": 0, "max": 1000}, "label": "b"}]}
root.attrs["custom"] = {"kept": True}
labels = root.create_group("labels")
labels.attrs["labels"] = ["cells"]
cells = labels.create_group("cells")
lab = (np.arange(9*13, dtype="|u1").reshape(9, 13) % 4)
cells.create_dataset("0", data=lab, chunks=(5, 5), compressor=numcodecs.GZip(2))
cells.create_dataset("1", data=lab[::2, ::2], chunks=(5, 5), compressor=None)
cells.attrs["multiscales"] = [{"version": "0.4", "axes": axes[1:], "datasets": [
  {"path": "0", "coordinateTransformations": [{"type": "scale", "scale": [0.5, 0.5]}]},
  {"path": "1", "coordinateTransformations": [{"type": "scale", "scale": [1, 1]}]}]}]
cells.attrs["image-label"] = {"version": "0.4", "colors": [{"label-value": 1, "rgba": [255, 0, 0, 255]}], "source": {"image": "../../"}}
`;

const READ = `
import sys, json, zarr, numpy as np
g = zarr.open_group(sys.argv[1], mode="r")
out = {}
for p in ["0", "1", "labels/cells/0", "labels/cells/1"]:
    a = g[p][...]
    out[p] = {"shape": list(a.shape), "values": [None if isinstance(v, float) and v != v else v for v in a.ravel(order="C").tolist()]}
print(json.dumps(out))
`;

const nanToNull = (values: unknown[]) =>
  values.map((v) => (typeof v === "number" && Number.isNaN(v) ? null : v));

function make04(name: string): string {
  const path = join(dir, name);
  python(WRITE_04, [path]);
  return path;
}

test("0.4 → 0.5 in place reads no chunk byte, keeps every chunk file, and zarrita reads the values zarr-python read", async () => {
  const path = make04("inplace.ome.zarr");
  const expected = pythonJSON<Record<string, { shape: number[]; values: unknown[] }>>(READ, [path]);
  const before = files(path);
  const { store, counts } = countingStore(new LocalStore(path));
  const result = await ome.upgrade(store, "", { to: "0.5" });
  assert.equal(result.from, "0.4");
  assert.equal(result.to, "0.5");
  assert.equal(counts.chunkBytesRead, 0, "no chunk byte is read");
  assert.equal(counts.chunkReads, 0);
  assert.equal(counts.chunkWrites, 0, "no chunk is written");
  assert.ok(result.backup?.startsWith(".zarrsmith-backup/0.4-"));

  const after = files(path);
  // Every chunk file is still there, byte for byte; v2 documents are gone, zarr.json everywhere.
  for (const [key, bytes] of before) {
    if (METADATA.test(key)) assert.equal(after.has(key), false, `${key} removed`);
    else assert.deepEqual(after.get(key), bytes, key);
  }
  for (const node of ["", "0", "1", "labels", "labels/cells", "labels/cells/0", "labels/cells/1"])
    assert.ok(after.has(join(node, "zarr.json")), `${node}/zarr.json`);
  // The backup holds the old documents.
  const backup = files(join(path, result.backup as string));
  assert.deepEqual(backup.get(".zattrs"), before.get(".zattrs"));
  assert.deepEqual(backup.get("1/.zarray"), before.get("1/.zarray"));

  const level1 = JSON.parse(after.get("1/zarr.json")?.toString() ?? "");
  assert.deepEqual(level1.chunk_key_encoding, { name: "v2", configuration: { separator: "." } });
  assert.deepEqual(level1.codecs, [
    { name: "transpose", configuration: { order: [2, 1, 0] } },
    { name: "bytes", configuration: { endian: "big" } },
    { name: "numcodecs.zlib", configuration: { level: 4 } },
  ]);
  assert.equal(level1.fill_value, "NaN");
  assert.deepEqual(level1.dimension_names, ["c", "y", "x"]);
  const rootDoc = JSON.parse(after.get("zarr.json")?.toString() ?? "");
  assert.equal(rootDoc.attributes.ome.version, "0.5");
  assert.equal(rootDoc.attributes.ome.multiscales[0].version, undefined);
  assert.deepEqual(rootDoc.attributes.custom, { kept: true });

  // zarrita (an independent Zarr v3 reader) reads the same values zarr-python read from the original.
  for (const [p, want] of Object.entries(expected)) {
    const got = await zarritaRead(path, `/${p}`);
    assert.deepEqual(got.shape, want.shape, p);
    assert.deepEqual(nanToNull(got.values), want.values, p);
  }
  const report = await ome.validate(new LocalStore(path));
  assert.equal(report.version, "0.5");
  assert.deepEqual(report.errors, []);
  assert.equal(report.valid, true);
});

test("0.4 → 0.5 into another store copies every chunk byte for byte and leaves the input alone", async () => {
  const path = make04("copy-in.ome.zarr");
  const before = files(path);
  const outPath = join(dir, "copy-out.ome.zarr");
  const result = await ome.upgrade(new LocalStore(path), "", { to: "0.5", out: new LocalStore(outPath) });
  assert.deepEqual(files(path), before, "input untouched");
  const out = files(outPath);
  const chunks = [...before].filter(([k]) => !METADATA.test(k));
  assert.equal(result.copied, chunks.length);
  for (const [key, bytes] of chunks) assert.deepEqual(out.get(key), bytes, key);
  assert.equal([...out.keys()].filter((k) => /\.z(array|attrs|group)$/.test(k)).length, 0);
  const report = await ome.validate(new LocalStore(outPath));
  assert.equal(report.valid, true, JSON.stringify(report.errors));
  await assert.rejects(
    ome.upgrade(new LocalStore(path), "", { to: "0.5", out: new LocalStore(outPath) }),
    /already holds a Zarr node/,
  );
});

test("0.5 → 0.4 goes back to documents zarr-python 2 reads to the original values", async () => {
  const path = make04("roundtrip.ome.zarr");
  const expected = pythonJSON(READ, [path]);
  const store = new LocalStore(path);
  await ome.upgrade(store, "", { to: "0.5" });
  const down = await ome.upgrade(store, "", { to: "0.4", backup: false });
  assert.equal(down.from, "0.5");
  assert.equal(down.backup, undefined);
  const after = files(path);
  assert.equal(
    [...after.keys()].some((k) => k.endsWith("zarr.json")),
    false,
  );
  assert.deepEqual(pythonJSON(READ, [path]), expected);
  const zattrs = JSON.parse(after.get(".zattrs")?.toString() ?? "");
  assert.equal(zattrs.multiscales[0].version, "0.4");
  assert.deepEqual(zattrs.custom, { kept: true });
  const zarray = JSON.parse(after.get("1/.zarray")?.toString() ?? "");
  assert.equal(zarray.order, "F");
  assert.equal(zarray.dtype, ">f4");
  assert.equal(zarray.dimension_separator, ".");
  assert.deepEqual(zarray.compressor, { id: "zlib", level: 4 });
  const report = await ome.validate(store);
  assert.equal(report.version, "0.4");
  assert.equal(report.valid, true, JSON.stringify(report.errors));
});

test("a 0.5 image Zarr v2 cannot express is refused before anything is written, naming the field", async () => {
  const path = join(dir, "sharded.ome.zarr");
  const store = new LocalStore(path);
  const spec = v3.ArraySpec.create({
    shape: [16, 16],
    data_type: "uint8",
    chunks: [8, 8],
    shards: [16, 16],
    dimension_names: ["y", "x"],
    chunk_key_encoding: { name: "v2", configuration: { separator: "/" } },
  });
  const arr = await spec.toZarr(store, "0");
  await arr.set(null, ndarray(new Uint8Array(256).fill(3), [16, 16]));
  const axes = [
    { name: "y", type: "space" },
    { name: "x", type: "space" },
  ];
  const ms = {
    axes,
    datasets: [{ path: "0", coordinateTransformations: [{ type: "scale", scale: [1, 1] }] }],
  };
  writeFileSync(
    join(path, "zarr.json"),
    JSON.stringify({
      zarr_format: 3,
      node_type: "group",
      attributes: { ome: { version: "0.5", multiscales: [ms] } },
    }),
  );
  assert.equal((await ome.validate(store)).valid, true);
  const before = files(path);
  await assert.rejects(ome.upgrade(new LocalStore(path), "", { to: "0.4" }), (e: unknown) => {
    assert.ok(e instanceof NotRepresentableError);
    assert.ok(e instanceof UnsupportedError);
    assert.match(
      String((e as Error).message),
      /0\/zarr\.json cannot be Zarr v2 .*codecs\[0\]: codec "sharding_indexed"/,
    );
    return true;
  });
  assert.deepEqual(files(path), before);
});

test("an interrupted upgrade (v3 arrays written, root still v2) is readable and finishes when run again", async () => {
  const path = make04("resume.ome.zarr");
  const expected = pythonJSON(READ, [path]);
  const store = new LocalStore(path);
  // Simulate a crash after the array documents: write them by running into a copy, take its arrays.
  const full = join(dir, "resume-full.ome.zarr");
  cpSync(path, full, { recursive: true });
  await ome.upgrade(new LocalStore(full), "", { to: "0.5", backup: false });
  for (const p of ["0", "1", "labels/cells/0", "labels/cells/1"])
    cpSync(join(full, p, "zarr.json"), join(path, p, "zarr.json"));
  assert.deepEqual(pythonJSON(READ, [path]), expected, "zarr-python 2 still reads the half-done image");
  assert.equal((await ome.validate(store)).version, "0.4");
  const again = await ome.upgrade(store, "", { to: "0.5", backup: false });
  assert.equal(again.from, "0.4");
  assert.deepEqual(files(path), files(full));
});

test("0.4 → 0.6 in one run (attributes only after 0.5) and back to 0.4: values and validity kept", async () => {
  const path = make04("v06.ome.zarr");
  const expected = pythonJSON<Record<string, { shape: number[]; values: unknown[] }>>(READ, [path]);
  const { store, counts } = countingStore(new LocalStore(path));
  const up = await ome.upgrade(store, "", { to: "0.6", backup: false });
  assert.equal(up.from, "0.4");
  assert.equal(up.to, "0.6");
  assert.equal(counts.chunkBytesRead + counts.chunkWrites, 0);
  const root = JSON.parse(readFileSync(join(path, "zarr.json"), "utf8"));
  const ms = root.attributes.ome.multiscales[0];
  assert.equal(root.attributes.ome.version, "0.6");
  assert.equal(ms.axes, undefined);
  assert.deepEqual(
    ms.coordinateSystems[0].axes.map((a: { name: string }) => a.name),
    ["c", "y", "x"],
  );
  assert.deepEqual(ms.datasets[0].coordinateTransformations, [
    {
      type: "scale",
      scale: [1, 0.5, 0.5],
      input: { path: "0" },
      output: { name: ms.coordinateSystems[0].name },
    },
  ]);
  const report = await ome.validate(new LocalStore(path));
  assert.equal(report.version, "0.6");
  assert.deepEqual(report.errors, []);
  for (const [p, want] of Object.entries(expected)) {
    const got = await zarritaRead(path, `/${p}`);
    assert.deepEqual(nanToNull(got.values), want.values, p);
  }
  // 0.6 → 0.5 gives back exactly the documents 0.4 → 0.5 wrote.
  const viaFive = join(dir, "v06-five.ome.zarr");
  cpSync(path, viaFive, { recursive: true });
  await ome.upgrade(new LocalStore(viaFive), "", { to: "0.5", backup: false });
  const direct = make04("v06-direct.ome.zarr");
  await ome.upgrade(new LocalStore(direct), "", { to: "0.5", backup: false });
  const docs = (root: string) =>
    [...files(root)].filter(([k]) => METADATA.test(k)).map(([k, v]) => [k, JSON.parse(v.toString())]);
  assert.deepEqual(docs(viaFive), docs(direct));
  // And all the way down to 0.4 for zarr-python 2.
  await ome.upgrade(new LocalStore(path), "", { to: "0.4", backup: false });
  assert.deepEqual(pythonJSON(READ, [path]), expected);
  assert.equal((await ome.validate(new LocalStore(path))).valid, true);
});

test("a 0.6 image with a second coordinate system cannot become 0.5: the error names it, nothing changes", async () => {
  const path = make04("v06-extra.ome.zarr");
  const store = new LocalStore(path);
  await ome.upgrade(store, "", { to: "0.6", backup: false });
  const doc = JSON.parse(readFileSync(join(path, "zarr.json"), "utf8"));
  const ms = doc.attributes.ome.multiscales[0];
  ms.coordinateSystems.push({ name: "atlas", axes: ms.coordinateSystems[0].axes });
  ms.coordinateTransformations = [
    {
      type: "translation",
      translation: [0, 10, 10],
      input: { name: ms.coordinateSystems[0].name },
      output: { name: "atlas" },
    },
  ];
  writeFileSync(join(path, "zarr.json"), JSON.stringify(doc));
  assert.equal((await ome.validate(store)).valid, true, "a valid 0.6 image");
  const before = files(path);
  await assert.rejects(ome.upgrade(store, "", { to: "0.4" }), (e: unknown) => {
    assert.ok(e instanceof NotRepresentableError);
    assert.match(
      (e as Error).message,
      /\/#ome\.multiscales\[0\]\.coordinateSystems: 2 coordinate systems .*"atlas"/,
    );
    return true;
  });
  assert.deepEqual(files(path), before);
});
