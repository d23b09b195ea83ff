/**
 * Builders (metadata generation, no store): what Image, ImageLabel, Labels, Plate, Well and
 * BioFormats2Raw generate for 0.4 and 0.5 passes the official schemas (strict variants where all
 * recommended fields are given) and our validator; bad input throws one SpecError listing every issue.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SpecError } from "../../src/errors.js";
import * as ome from "../../src/ome/index.js";
import { needs, shared } from "../helpers/requirements.js";
import { schemaValidator } from "./helpers.js";

/** The tests that check output against the official JSON schemas need them. */
const skip = needs(shared("conformance/ngff"));

type V = "0.4" | "0.5";
const VERSIONS: V[] = ["0.4", "0.5"];

function passes(version: V, schema: string, doc: unknown): void {
  assert.ok(
    schemaValidator(version, `${schema}.schema`)(doc),
    `${schema}.schema rejects ${JSON.stringify(doc)}`,
  );
  if (version === "0.5") assert.ok(schemaValidator("0.5", "ome_zarr.schema")(doc), "ome_zarr.schema");
}

const v2spec = (shape: number[], dtype = "<u2") => ({
  zarr_format: 2,
  shape,
  chunks: shape,
  dtype,
  compressor: null,
  fill_value: 0,
});
const v3spec = (shape: number[], data_type = "uint16") => ({
  zarr_format: 3,
  node_type: "array",
  shape,
  data_type,
  chunk_grid: { name: "regular", configuration: { chunk_shape: shape } },
  chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
  fill_value: 0,
  codecs: [{ name: "bytes", configuration: { endian: "little" } }],
});
const spec = (version: V, shape: number[], type: "uint16" | "uint8" | "float32" = "uint16") =>
  version === "0.4"
    ? v2spec(shape, { uint16: "<u2", uint8: "|u1", float32: "<f4" }[type])
    : v3spec(shape, type);

const axes = [
  ome.Axis("c", "channel"),
  ome.Axis("z", "space", "micrometer"),
  ome.Axis({ name: "y", type: "space", unit: "micrometer" }),
  { name: "x", type: "space", unit: "micrometer" },
];

function imageOptions(version: V) {
  return {
    arraySpecs: [
      spec(version, [2, 64, 128, 128]),
      spec(version, [2, 32, 64, 64]),
      spec(version, [2, 16, 32, 32]),
    ],
    paths: ["s0", "s1", "s2"],
    axes,
    scales: [
      [1, 1, 1, 1],
      [1, 2, 2, 2],
      [1, 4, 4, 4],
    ],
    translations: [null, [0, 0.5, 0.5, 0.5], [0, 1.5, 1.5, 1.5]],
    name: "heart",
    globalScale: [1, 0.5, 0.25, 0.25],
    multiscaleType: "mean",
    metadata: { method: "zarrsmith.downsample", version: "0.1.0" },
    omero: {
      channels: ["FF0000", "00FF00"].map((color, i) => ({
        label: `ch${i}`,
        color,
        window: { start: 0, end: 1000, min: 0, max: 65535 },
      })),
    },
  };
}

const Image = { "0.4": ome.v04.Image, "0.5": ome.v05.Image } as const;

describe("typed attributes", () => {
  test("image.attributes is the typed model of each version", () => {
    const i4 = ome.v04.Image.new({
      ...imageOptions("0.4"),
      arraySpecs: imageOptions("0.4").arraySpecs,
    } as never);
    assert.equal(i4.attributes.multiscales[0].datasets[0].path, "s0");
    assert.equal(i4.attributes.multiscales[0].axes[1].unit, "micrometer");
    const i5 = ome.v05.Image.new(imageOptions("0.5") as never);
    assert.equal(i5.attributes.ome.multiscales[0].datasets[2].path, "s2");
    assert.equal(i5.attributes.ome.version, "0.5");
  });
});

describe("Axis", () => {
  test("sets only the fields given and keeps extra keys", () => {
    assert.deepEqual(ome.Axis("c", "channel"), { name: "c", type: "channel" });
    assert.deepEqual(ome.Axis("x"), { name: "x" });
    assert.deepEqual(ome.Axis({ name: "t", type: "time", unit: "second", longName: "time" }), {
      name: "t",
      type: "time",
      unit: "second",
      longName: "time",
    });
  });
});

for (const version of VERSIONS) {
  const v = version === "0.4" ? ome.v04 : ome.v05;

  describe(`builders ${version}`, () => {
    test("Image: the attributes pass strict_image.schema and our validator, without warnings", {
      skip,
    }, () => {
      const image = (Image[version] as typeof ome.v05.Image).new(imageOptions(version) as never);
      const doc = image.toJSON();
      passes(version, "image", doc);
      passes(version, "strict_image", doc);
      const report = v.validateAttributes(doc, { strict: true });
      assert.deepEqual(report.errors, []);
      assert.deepEqual(image.warnings, []);
      assert.equal(report.kind, "image");
      // The metadata is the typed model.
      const ns = (version === "0.4" ? doc : (doc as { ome: Record<string, unknown> }).ome) as ome.v05.Ome;
      const ms = ns.multiscales![0];
      assert.deepEqual(
        ms.datasets.map((d) => d.path),
        ["s0", "s1", "s2"],
      );
      assert.deepEqual(ms.datasets[1].coordinateTransformations, [
        { type: "scale", scale: [1, 2, 2, 2] },
        { type: "translation", translation: [0, 0.5, 0.5, 0.5] },
      ]);
      assert.deepEqual(ms.coordinateTransformations, [{ type: "scale", scale: [1, 0.5, 0.25, 0.25] }]);
      assert.deepEqual(image.paths, ["s0", "s1", "s2"]);
      if (version === "0.4") {
        assert.equal((doc as ome.v04.Attributes).multiscales![0].version, "0.4");
        assert.equal((image.arrays.s0 as Record<string, unknown>).dimension_names, undefined);
      } else {
        assert.equal((doc as ome.v05.Attributes).ome.version, "0.5");
        assert.equal("version" in ms, false);
        // 0.5 arrays get dimension_names equal to the axis names.
        for (const p of image.paths)
          assert.deepEqual((image.arrays[p] as Record<string, unknown>).dimension_names, [
            "c",
            "z",
            "y",
            "x",
          ]);
      }
    });

    test('Image: "um" is accepted with a warning naming "micrometer"', { skip }, () => {
      const o = imageOptions(version);
      const image = (Image[version] as typeof ome.v05.Image).new({
        ...o,
        axes: [o.axes[0], { name: "z", type: "space", unit: "um" }, o.axes[2], o.axes[3]],
      } as never);
      const prefix = version === "0.4" ? "" : "ome.";
      assert.deepEqual(image.warnings, [
        {
          path: `${prefix}multiscales[0].axes[1].unit`,
          message: '"um" is not a unit of the specification; use "micrometer"',
        },
      ]);
      // Never rewritten silently.
      const ns = (
        version === "0.4" ? image.attributes : (image.attributes as ome.v05.Attributes).ome
      ) as ome.v05.Ome;
      assert.equal(ns.multiscales![0].axes[1].unit, "um");
      passes(version, "image", image.toJSON());
    });

    test("Image: every broken rule is thrown at once, with paths", () => {
      const o = imageOptions(version);
      const bad = {
        ...o,
        arraySpecs: [spec(version, [2, 64, 128, 128]), spec(version, [2, 32, 64]), o.arraySpecs[2]],
        scales: [o.scales[0], [1, 0.5, 2, 2], o.scales[2]],
        translations: [null, [0, 1, 1], null],
        axes: [o.axes[1], o.axes[0], o.axes[2], o.axes[3]],
      };
      assert.throws(
        () => (Image[version] as typeof ome.v05.Image).new(bad as never),
        (err: unknown) => {
          assert.ok(err instanceof SpecError);
          const prefix = version === "0.4" ? "" : "ome.";
          assert.deepEqual(
            err.issues.map((i) => i.path),
            [
              "translations[1]",
              "arraySpecs[1].shape",
              `${prefix}multiscales[0].axes[1]`,
              `${prefix}multiscales[0].datasets[1].coordinateTransformations[0].scale`,
              `${prefix}multiscales[0].datasets[1].coordinateTransformations[1].translation`,
            ],
          );
          assert.match(err.message, /translations\[1\]: has 3 values but there are 4 axes/);
          assert.match(err.message, /has 3 dimensions but there are 4 axes/);
          assert.match(err.message, /axes MUST be ordered by type/);
          assert.match(err.message, /finer than datasets\[0\] on axis "c"/);
          return true;
        },
      );
    });

    test("Image: vectors of the wrong length are rejected (the 0.4 reader leniency does not apply)", () => {
      const o = imageOptions(version);
      const Img = Image[version] as typeof ome.v05.Image;
      const short = o.scales.map((s: readonly number[]) => s.slice(1));
      assert.throws(
        () => Img.new({ ...o, scales: short } as never),
        (err: unknown) => {
          assert.ok(err instanceof SpecError);
          assert.deepEqual(
            err.issues.slice(0, 3).map((i) => i.path),
            ["scales[0]", "scales[1]", "scales[2]"],
          );
          assert.match(err.message, /scales\[0\]: has 3 values but there are 4 axes/);
          return true;
        },
      );
      assert.throws(() => Img.new({ ...o, globalScale: [1, 2] } as never), /globalScale: has 2 values/);
    });

    test("Image: the array specs must be of the version's Zarr format", () => {
      const other = version === "0.4" ? "0.5" : "0.4";
      const o = imageOptions(version);
      assert.throws(
        () =>
          (Image[version] as typeof ome.v05.Image).new({
            ...o,
            arraySpecs: imageOptions(other).arraySpecs,
          } as never),
        new RegExp(
          `arraySpecs\\[0\\]: is a Zarr v${other === "0.4" ? 2 : 3} array spec; OME-Zarr ${version} arrays MUST be Zarr v${version === "0.4" ? 2 : 3}`,
        ),
      );
      if (version === "0.5") {
        const named = { ...v3spec([2, 64, 128, 128]), dimension_names: ["c", "z", "x", "y"] };
        assert.throws(
          () => ome.v05.Image.new({ ...o, arraySpecs: [named, ...o.arraySpecs.slice(1)] } as never),
          /arraySpecs\[0\]\.dimension_names: .* differ from the axis names/,
        );
      }
    });

    test("ImageLabel and Labels", { skip }, () => {
      const yx = [ome.Axis("y", "space", "micrometer"), ome.Axis("x", "space", "micrometer")];
      const ImageLabel = v.ImageLabel as typeof ome.v05.ImageLabel;
      const label = ImageLabel.new({
        arraySpecs: [spec(version, [128, 128], "uint8"), spec(version, [64, 64], "uint8")],
        axes: yx,
        scales: [
          [1, 1],
          [2, 2],
        ],
        name: "cells",
        multiscaleType: "nearest",
        metadata: {},
        imageLabel: {
          colors: [
            { "label-value": 1, rgba: [255, 0, 0, 255] },
            { "label-value": 2, rgba: [0, 255, 0, 128] },
          ],
          properties: [{ "label-value": 1, class: "nucleus" }],
          source: { image: "../../" },
        },
      } as never);
      const doc = label.toJSON();
      passes(version, "label", doc);
      passes(version, "strict_label", doc);
      passes(version, "strict_image", doc);
      assert.equal(v.validateAttributes(doc, { strict: true }).valid, true);
      assert.equal(v.validateAttributes(doc).kind, "image-label");
      assert.deepEqual(label.warnings, []);

      assert.throws(
        () =>
          ImageLabel.new({
            arraySpecs: [spec(version, [8, 8], "float32")],
            axes: yx,
            scales: [[1, 1]],
          } as never),
        /arraySpecs\[0\]: has data type float32; label images MUST have an integer data type/,
      );

      const labels = v.Labels.new({ images: { cells: label } });
      const labelsDoc = labels.toJSON() as Record<string, unknown>;
      assert.deepEqual(
        labelsDoc,
        version === "0.4" ? { labels: ["cells"] } : { ome: { version: "0.5", labels: ["cells"] } },
      );
      // No official schema covers a labels group; our validator does.
      const report = v.validateAttributes(labelsDoc);
      assert.equal(report.valid, true);
      assert.equal(report.kind, "labels");
    });

    test("Plate and Well", { skip }, () => {
      const plate = v.Plate.new({
        name: "screen",
        rows: ["A", "B"],
        columns: ["1", "2", "3"],
        wells: ["A/1", "B/3"],
        acquisitions: [{ id: 0, name: "first", maximumfieldcount: 2 }],
        fieldCount: 2,
      });
      const doc = plate.toJSON() as Record<string, unknown>;
      passes(version, "plate", doc);
      passes(version, "strict_plate", doc);
      assert.equal(v.validateAttributes(doc, { strict: true }).valid, true);
      assert.deepEqual(plate.warnings, []);
      const wells = (
        version === "0.4" ? (doc as ome.v04.Attributes).plate! : (doc as ome.v05.Attributes).ome.plate!
      ).wells;
      assert.deepEqual(wells, [
        { path: "A/1", rowIndex: 0, columnIndex: 0 },
        { path: "B/3", rowIndex: 1, columnIndex: 2 },
      ]);
      assert.throws(
        () => v.Plate.new({ rows: ["A"], columns: ["1"], wells: ["1/A", "A/1"] }),
        (err: unknown) => {
          assert.ok(err instanceof SpecError);
          assert.deepEqual(err.issues.map((i) => i.path).slice(0, 2), ["wells[0]", "wells[0]"]);
          return true;
        },
      );

      const well = v.Well.new({ images: ["0", { path: "1", acquisition: 0 }] });
      passes(version, "well", well.toJSON());
      passes(version, "strict_well", well.toJSON());
      assert.throws(() => v.Well.new({ images: ["0", "0"] }), /field of view paths MUST be unique/);
    });

    test("BioFormats2Raw", { skip }, () => {
      const bf = v.BioFormats2Raw.new({ series: ["0", "1"] });
      passes(version, "bf2raw", bf.toJSON());
      passes(version, "ome", bf.seriesAttributes);
      const withPlate = v.BioFormats2Raw.new({
        plate: { name: "p", rows: ["A"], columns: ["1"], wells: ["A/1"], fieldCount: 1 },
      });
      passes(version, "bf2raw", withPlate.toJSON());
      passes(version, "plate", withPlate.toJSON());
      assert.equal(v.validateAttributes(withPlate.toJSON()).kind, "plate");
    });
  });
}
