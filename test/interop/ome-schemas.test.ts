/**
 * Every metadata document our OME-Zarr writers produce — the builders (Image, ImageLabel, Labels,
 * Plate, Well, BioFormats2Raw) and `pyramid.write` — passes the official OME-NGFF JSON Schemas of its
 * version (../shared/conformance/ngff/<v>/schemas). The schemas are loaded here with Ajv 2020, all
 * of one version registered by `$id`, independently of our own validator. Documents are read back
 * from the store they were written to (`.zattrs` for 0.4, `zarr.json` attributes for 0.5).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import { phantom } from "../../src/demo/phantom.js";
import { MemoryStore, ndarray, ome, pyramid, type Store } from "../../src/index.js";

type V = "0.4" | "0.5";
const VERSIONS: V[] = ["0.4", "0.5"];
const NGFF = join(process.cwd(), "../shared/conformance/ngff");

/** The official schemas of one version: `check(name, doc)` → Ajv's error list (empty when it passes). */
function officialSchemas(version: V) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const dir = join(NGFF, version, "schemas");
  const ids = new Map<string, string>();
  for (const file of readdirSync(dir)) {
    const schema = JSON.parse(readFileSync(join(dir, file), "utf8"));
    ajv.addSchema(schema);
    ids.set(file, schema.$id);
  }
  return (name: string, doc: unknown): string[] => {
    const validate = ajv.getSchema(ids.get(`${name}.schema`)!);
    assert.ok(validate, `${version}/${name}.schema is registered`);
    if (validate(doc)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
  };
}

const schemas = { "0.4": officialSchemas("0.4"), "0.5": officialSchemas("0.5") };

/** Asserts `doc` passes each named schema (0.5 documents also the generic ome_zarr.schema). */
function passes(version: V, names: string[], doc: unknown, what: string): void {
  const all = version === "0.5" ? [...names, "ome_zarr"] : names;
  for (const name of all) {
    const errors = schemas[version](name, doc);
    assert.deepEqual(errors, [], `${what} fails ${version}/${name}.schema: ${JSON.stringify(doc)}`);
  }
}

const decoder = new TextDecoder();

/** The attributes document of the group at `path`, as stored. */
async function attributesAt(store: Store, path: string, version: V): Promise<Record<string, unknown>> {
  const prefix = path === "" ? "" : `${path}/`;
  const bytes = await store.get(`${prefix}${version === "0.4" ? ".zattrs" : "zarr.json"}`);
  assert.ok(bytes, `no metadata at "${path}"`);
  const doc = JSON.parse(decoder.decode(bytes));
  return version === "0.4" ? doc : doc.attributes;
}

const v2spec = (shape: number[], dtype = "<u2") => ({
  zarr_format: 2,
  shape,
  chunks: shape.map((s) => Math.min(s, 16)),
  dtype,
  compressor: null,
  fill_value: 0,
});
const v3spec = (shape: number[], data_type = "uint16") => ({
  zarr_format: 3,
  node_type: "array",
  shape,
  data_type,
  chunk_grid: { name: "regular", configuration: { chunk_shape: shape.map((s) => Math.min(s, 16)) } },
  chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
  fill_value: 0,
  codecs: [{ name: "bytes", configuration: { endian: "little" } }],
});
const spec = (version: V, shape: number[], type: "uint16" | "uint8" = "uint16") =>
  version === "0.4" ? v2spec(shape, type === "uint8" ? "|u1" : "<u2") : v3spec(shape, type);

const Image = { "0.4": ome.v04.Image, "0.5": ome.v05.Image } as unknown as Record<V, typeof ome.v05.Image>;
const ImageLabel = { "0.4": ome.v04.ImageLabel, "0.5": ome.v05.ImageLabel } as unknown as Record<
  V,
  typeof ome.v05.ImageLabel
>;
const ns = (version: V, doc: Record<string, unknown>) =>
  (version === "0.4" ? doc : doc.ome) as Record<string, unknown>;

const zyx = [
  ome.Axis("z", "space", "micrometer"),
  ome.Axis("y", "space", "micrometer"),
  ome.Axis("x", "space", "micrometer"),
];
const levels = [
  [32, 32, 32],
  [16, 16, 16],
  [8, 8, 8],
];
const scales = [
  [1, 1, 1],
  [2, 2, 2],
  [4, 4, 4],
];
const translations = [null, [0.5, 0.5, 0.5], [1.5, 1.5, 1.5]];
const omero = {
  name: "phantom",
  channels: [
    {
      label: "DAPI",
      color: "0000FF",
      active: true,
      coefficient: 1,
      family: "linear",
      inverted: false,
      window: { min: 0, max: 65535, start: 100, end: 4000 },
    },
    {
      label: "GFP",
      color: "00FF00",
      active: true,
      coefficient: 1,
      family: "linear",
      inverted: false,
      window: { min: 0, max: 65535, start: 0, end: 2000 },
    },
  ],
  rdefs: { defaultT: 0, defaultZ: 16, model: "color" },
};

function fullImage(version: V) {
  return Image[version].new({
    arraySpecs: levels.map((s) => spec(version, [2, ...s])) as never,
    paths: ["s0", "s1", "s2"],
    axes: [ome.Axis("c", "channel"), ...zyx],
    scales: scales.map((s) => [1, ...s]),
    translations: translations.map((t) => (t ? [0, ...t] : null)),
    name: "phantom",
    globalScale: [1, 2, 0.5, 0.5],
    multiscaleType: "mean",
    metadata: { method: "mean", version: "1" },
    omero: version === "0.4" ? { ...omero, version: "0.4" } : omero,
  });
}

function labelImage(version: V) {
  return ImageLabel[version].new({
    arraySpecs: levels.map((s) => spec(version, s, "uint8")) as never,
    axes: zyx,
    scales,
    translations,
    name: "cells",
    multiscaleType: "nearest",
    metadata: { method: "nearest" },
    imageLabel: {
      colors: [
        { "label-value": 1, rgba: [255, 0, 0, 255] },
        { "label-value": 2, rgba: [0, 0, 255, 128] },
      ],
      properties: [{ "label-value": 1, class: "nucleus" }],
      source: { image: "../../" },
    },
  });
}

/** A uint8 label volume over the phantom (its bright regions), for pyramid.write(..., { labels: true }). */
function phantomLabels(size: number) {
  const source = phantom(size);
  return {
    shape: [...source.shape],
    dtype: "uint8" as const,
    async read(region: ReadonlyArray<readonly [number, number]>) {
      const p = await source.read(region.map(([a, b]) => [a, b] as [number, number]));
      const out = new Uint8Array(p.data.length);
      for (let i = 0; i < out.length; i++) out[i] = p.data[i] > 12000 ? 2 : p.data[i] > 5000 ? 1 : 0;
      return ndarray(out, p.shape, "uint8");
    },
  };
}

describe("the harness: Ajv 2020 with every schema of the version", () => {
  test("rejects what the official schemas reject", () => {
    for (const version of VERSIONS) {
      const doc = fullImage(version).toJSON() as Record<string, unknown>;
      const broken = structuredClone(doc);
      (ns(version, broken).multiscales as { datasets: unknown[] }[])[0].datasets = [];
      assert.notDeepEqual(schemas[version]("image", broken), [], `${version}: empty datasets`);
      const oneAxis = structuredClone(doc);
      (ns(version, oneAxis).multiscales as { axes: unknown[] }[])[0].axes.splice(1);
      assert.notDeepEqual(schemas[version]("image", oneAxis), [], `${version}: one axis`);
      const badPlate = {
        plate: { columns: [{ name: "1" }], rows: [{ name: "A" }], wells: [{ path: "A/1" }] },
      };
      const plateDoc = version === "0.4" ? badPlate : { ome: { version: "0.5", ...badPlate } };
      assert.notDeepEqual(schemas[version]("plate", plateDoc), [], `${version}: well without indices`);
    }
    // 0.5 needs the version inside "ome".
    const doc = fullImage("0.5").toJSON() as { ome: Record<string, unknown> };
    delete doc.ome.version;
    assert.notDeepEqual(schemas["0.5"]("image", doc), []);
  });
});

for (const version of VERSIONS) {
  describe(`OME-Zarr ${version} writer output passes the official schemas`, () => {
    test("Image with every recommended field and omero (image, strict_image)", async () => {
      const image = fullImage(version);
      passes(version, ["image", "strict_image"], image.toJSON(), "Image.new");
      assert.ok(ns(version, image.toJSON() as Record<string, unknown>).omero, "omero is present");
      // What is stored is what was built.
      const store = new MemoryStore();
      await image.toZarr(store, "");
      const stored = await attributesAt(store, "", version);
      assert.deepEqual(stored, image.toJSON());
      passes(version, ["image", "strict_image"], stored, "stored Image");
    });

    test("minimal Image (no name, type, metadata, omero) passes image but not strict_image", () => {
      const image = Image[version].new({
        arraySpecs: [spec(version, [16, 16])] as never,
        axes: [ome.Axis("y", "space"), ome.Axis("x", "space")],
        scales: [[1, 1]],
      });
      passes(version, ["image"], image.toJSON(), "minimal Image.new");
      // The strict schema asks for the recommended fields: our claim "strict" is not automatic.
      assert.notDeepEqual(schemas[version]("strict_image", image.toJSON()), []);
    });

    test("image with labels: image, labels group, label image (label, strict_label)", async () => {
      const store = new MemoryStore();
      await fullImage(version).toZarr(store, "");
      // The label image has the image's spatial axes (no channel) and as many levels.
      const Labels = (version === "0.4" ? ome.v04.Labels : ome.v05.Labels) as typeof ome.v05.Labels;
      await Labels.new({ images: { cells: labelImage(version) } }).toZarr(store, "labels");

      passes(version, ["image", "strict_image"], await attributesAt(store, "", version), "image");
      const label = await attributesAt(store, "labels/cells", version);
      passes(version, ["image", "strict_image", "label", "strict_label"], label, "label image");
      // No official schema covers a labels group (see the conformance README); check its shape here.
      const labels = await attributesAt(store, "labels", version);
      assert.deepEqual(ns(version, labels).labels, ["cells"]);
      if (version === "0.5") assert.equal(ns(version, labels).version, "0.5");

      const report = await ome.validate(store);
      assert.equal(report.valid, true, JSON.stringify(report.errors));
    });

    test("Plate, Well and their fields of view (plate, strict_plate, well, strict_well)", async () => {
      const Plate = (version === "0.4" ? ome.v04.Plate : ome.v05.Plate) as typeof ome.v05.Plate;
      const Well = (version === "0.4" ? ome.v04.Well : ome.v05.Well) as typeof ome.v05.Well;
      const plate = Plate.new({
        name: "screen 1",
        rows: ["A", "B"],
        columns: ["1", "2", "3"],
        wells: ["A/1", "A/3", "B/2"],
        acquisitions: [
          { id: 0, name: "first", maximumfieldcount: 2 },
          { id: 1, name: "second", maximumfieldcount: 1, starttime: 1700000000 },
        ],
        fieldCount: 2,
      });
      passes(version, ["plate", "strict_plate"], plate.toJSON(), "Plate.new");
      const well = Well.new({ images: [{ path: "0", acquisition: 0 }, { path: "1", acquisition: 1 }, "2"] });
      passes(version, ["well", "strict_well"], well.toJSON(), "Well.new");

      const store = new MemoryStore();
      await plate.toZarr(store, "");
      await well.toZarr(store, "A/1");
      const field = Image[version].new({
        arraySpecs: [spec(version, [16, 16])] as never,
        axes: [ome.Axis("y", "space", "micrometer"), ome.Axis("x", "space", "micrometer")],
        scales: [[0.5, 0.5]],
        name: "field",
        multiscaleType: "none",
        metadata: {},
      });
      for (const f of ["0", "1", "2"]) await field.toZarr(store, `A/1/${f}`);
      passes(version, ["plate", "strict_plate"], await attributesAt(store, "", version), "stored plate");
      passes(version, ["well", "strict_well"], await attributesAt(store, "A/1", version), "stored well");
      passes(version, ["image", "strict_image"], await attributesAt(store, "A/1/2", version), "field");
    });

    test("BioFormats2Raw root, its OME series group, and a bf2raw plate (bf2raw, ome, plate)", async () => {
      const Bf2raw = (
        version === "0.4" ? ome.v04.BioFormats2Raw : ome.v05.BioFormats2Raw
      ) as typeof ome.v05.BioFormats2Raw;
      const layout = Bf2raw.new({ series: ["0", "1"] });
      const store = new MemoryStore();
      await layout.toZarr(store, "");
      const root = await attributesAt(store, "", version);
      assert.equal(ns(version, root)["bioformats2raw.layout"], 3);
      passes(version, ["bf2raw"], root, "bioformats2raw root");
      const series = await attributesAt(store, "OME", version);
      assert.deepEqual(ns(version, series).series, ["0", "1"]);
      passes(version, ["ome"], series, "OME series group");

      const withPlate = Bf2raw.new({
        plate: { name: "p", rows: ["A"], columns: ["1"], wells: ["A/1"] },
      }).toJSON();
      passes(version, ["bf2raw", "plate", "strict_plate"], withPlate, "bioformats2raw plate");
    });

    test("pyramid.write: image with omero, and a label image below labels/", async () => {
      const store = new MemoryStore();
      const result = await pyramid.write(phantom(40), store, {
        omeZarrVersion: version,
        levels: 3,
        chunks: [16, 16, 16],
        ...(version === "0.5" ? { shards: [32, 32, 32] } : {}),
        units: "micrometer",
      });
      assert.equal(result.levels.length, 3);
      const image = await attributesAt(store, "", version);
      assert.ok(ns(version, image).omero, "pyramid.write adds omero when the value range is known");
      passes(version, ["image", "strict_image"], image, "pyramid.write image");

      const Labels = (version === "0.4" ? ome.v04.Labels : ome.v05.Labels) as typeof ome.v05.Labels;
      await Labels.new({ labels: ["phantom"] }).toZarr(store, "labels");
      await pyramid.write(phantomLabels(40), store, {
        omeZarrVersion: version,
        levels: 3,
        chunks: [16, 16, 16],
        units: "micrometer",
        labels: true,
        name: "phantom",
        path: "labels/phantom",
      });
      const label = await attributesAt(store, "labels/phantom", version);
      assert.ok(ns(version, label)["image-label"], "image-label is written");
      // a colour per label value (0 transparent) and its voxel count: the strict label schema passes
      passes(version, ["image", "strict_image", "label", "strict_label"], label, "pyramid.write label image");
      const table = ns(version, label)["image-label"] as {
        colors: { "label-value": number; rgba: number[] }[];
      };
      assert.deepEqual(
        table.colors.map((c) => c["label-value"]),
        [0, 1, 2],
      );
      assert.deepEqual(table.colors[0].rgba, [0, 0, 0, 0]);

      const report = await ome.validate(store);
      assert.equal(report.valid, true, JSON.stringify(report.errors));
      assert.equal(report.kind, "image");
    });
  });
}
