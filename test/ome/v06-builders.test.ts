/**
 * OME-Zarr 0.6 builders: Image / ImageLabel / Labels / Plate / Well / BioFormats2Raw / Scene write
 * metadata that our validator accepts (attributes and whole hierarchy), read back equal, and
 * reject bad input with every problem named by path.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MemoryStore, ome, SpecError } from "../../src/index.js";
import { v3spec } from "./helpers.js";

const { transform: t } = ome.v06;

const zyx = [
  ome.Axis("z", "space", "micrometer"),
  ome.Axis("y", "space", "micrometer"),
  ome.Axis("x", "space", "micrometer"),
];
const mm = zyx.map((a) => ({ ...a, unit: "millimeter" }));

function image(extra: Partial<ome.v06.ImageOptions<never>> = {}) {
  return ome.v06.Image.new({
    arraySpecs: [v3spec([32, 32, 32]), v3spec([16, 16, 16])],
    axes: zyx,
    scales: [
      [0.5, 0.5, 0.5],
      [1, 1, 1],
    ],
    translations: [null, [0.25, 0.25, 0.25]],
    name: "heart",
    multiscaleType: "mean",
    metadata: { method: "mean" },
    ...extra,
  });
}

describe("ome.v06.Image", () => {
  test("levels map to the physical coordinate system by scale / sequence(scale, translation)", () => {
    const ms = image().attributes.ome.multiscales[0];
    assert.equal(image().attributes.ome.version, "0.6");
    assert.deepEqual(ms.coordinateSystems, [{ name: "physical", axes: zyx }]);
    assert.deepEqual(ms.datasets[0].coordinateTransformations, [
      { type: "scale", scale: [0.5, 0.5, 0.5], input: { path: "0" }, output: { name: "physical" } },
    ]);
    assert.deepEqual(ms.datasets[1].coordinateTransformations, [
      {
        type: "sequence",
        input: { path: "1" },
        output: { name: "physical" },
        transformations: [
          { type: "scale", scale: [1, 1, 1] },
          { type: "translation", translation: [0.25, 0.25, 0.25] },
        ],
      },
    ]);
    assert.deepEqual(image().warnings, []);
  });

  test("an extra coordinate system with an affine from the physical one", () => {
    const affine = [
      [1, 0, 0, 10],
      [0, 1, 0, 20],
      [0, 0, 1, 30],
    ];
    const img = image({
      coordinateSystems: [{ name: "atlas", axes: mm }],
      coordinateTransformations: [t.affine(affine, { output: t.cs("atlas"), name: "to-atlas" })],
    });
    const ms = img.attributes.ome.multiscales[0];
    assert.deepEqual(ms.coordinateTransformations, [
      { type: "affine", affine, name: "to-atlas", output: { name: "atlas" }, input: { name: "physical" } },
    ]);
    assert.deepEqual(ome.v06.describeChain(ms).slice(-1), [
      'physical → atlas: affine (3×4 matrix) "to-atlas"',
    ]);
  });

  test("globalScale/globalTranslation fold into each level (same mapping)", () => {
    const img = image({ globalScale: [2, 2, 2], globalTranslation: [1, 1, 1] });
    const [d0, d1] = img.attributes.ome.multiscales[0].datasets;
    assert.deepEqual(d0.coordinateTransformations[0], {
      type: "sequence",
      input: { path: "0" },
      output: { name: "physical" },
      transformations: [
        { type: "scale", scale: [1, 1, 1] },
        { type: "translation", translation: [1, 1, 1] },
      ],
    });
    assert.deepEqual((d1.coordinateTransformations[0] as { transformations: unknown[] }).transformations, [
      { type: "scale", scale: [2, 2, 2] },
      { type: "translation", translation: [1.5, 1.5, 1.5] },
    ]);
  });

  test("bad input: every problem at once, with paths", () => {
    assert.throws(
      () =>
        ome.v06.Image.new({
          arraySpecs: [v3spec([32, 32]), { ...v3spec([16, 16, 16]), zarr_format: 2 }],
          axes: zyx,
          scales: [[1, 1]],
          coordinateSystems: [{ name: "atlas", axes: mm }],
          coordinateTransformations: [
            t.rotation(
              [
                [1, 0],
                [0, 1],
              ],
              { output: t.cs("atlas") },
            ),
          ],
        }),
      (e: unknown) => {
        assert.ok(e instanceof SpecError);
        const paths = e.issues.map((i) => i.path);
        for (const p of [
          "scales",
          "scales[0]",
          "arraySpecs[0].shape",
          "arraySpecs[1]",
          "ome.multiscales[0].coordinateTransformations[0].rotation",
        ])
          assert.ok(paths.includes(p), `${p} in ${JSON.stringify(e.issues)}`);
        return true;
      },
    );
  });

  test("toZarr → validate → fromZarr round trip (arrays get dimension_names)", async () => {
    const img = image({
      coordinateSystems: [{ name: "atlas", axes: mm }],
      coordinateTransformations: [t.scale([0.001, 0.001, 0.001], { output: t.cs("atlas") })],
    });
    const store = new MemoryStore();
    const group = await img.toZarr(store, "img");
    const report = await ome.validate(store, "img");
    assert.deepEqual(report.errors, []);
    assert.equal(report.version, "0.6");
    const back = await ome.v06.Image.fromZarr(group);
    assert.deepEqual(back.toJSON(), img.toJSON());
    assert.deepEqual((await group.array("1")).dimensionNames, ["z", "y", "x"]);
    await assert.rejects(ome.v05.Image.fromZarr(group), /0\.6 metadata, not 0\.5/);
  });
});

describe("ome.v06 groups", () => {
  test("label image + labels group + plate + well + bioformats2raw validate as a hierarchy", async () => {
    const store = new MemoryStore();
    const label = ome.v06.ImageLabel.new({
      arraySpecs: [v3spec([32, 32, 32], "uint8"), v3spec([16, 16, 16], "uint8")],
      axes: zyx,
      scales: [
        [0.5, 0.5, 0.5],
        [1, 1, 1],
      ],
      imageLabel: { colors: [{ "label-value": 1, rgba: [255, 0, 0, 255] }] },
      name: "cells",
      multiscaleType: "mode",
      metadata: {},
    });
    await ome.v06.Plate.new({ rows: ["A"], columns: ["1"], wells: ["A/1"], name: "p" }).toZarr(
      store,
      "plate",
    );
    await ome.v06.Well.new({ images: ["0"] }).toZarr(store, "plate/A/1");
    await image().toZarr(store, "plate/A/1/0");
    await ome.v06.Labels.new({ images: { cells: label } }).toZarr(store, "plate/A/1/0/labels");
    const report = await ome.validate(store, "plate");
    assert.deepEqual(report.errors, []);
    assert.equal(report.kind, "plate");
    assert.equal(report.version, "0.6");
    const bf = ome.v06.BioFormats2Raw.new({ series: ["0"] });
    assert.deepEqual(bf.attributes, { ome: { version: "0.6", "bioformats2raw.layout": 3 } });
    assert.deepEqual(bf.seriesAttributes, { ome: { version: "0.6", series: ["0"] } });
    // 0.6 well paths may hold "-", "_", "." (0.5: letters and digits only)
    assert.deepEqual(ome.v06.Well.new({ images: ["field-1.a"] }).warnings, []);
    assert.throws(() => ome.v05.Well.new({ images: ["field-1.a"] }), SpecError);
  });

  test("scene: images placed in a world space; references resolved in the hierarchy", async () => {
    const store = new MemoryStore();
    const world = { name: "world", axes: zyx };
    const scene = ome.v06.Scene.new({
      coordinateSystems: [world],
      coordinateTransformations: [
        t.translation([0, 0, 100], { input: t.cs("physical", "tile0"), output: t.cs("world") }),
        t.sequence(
          [
            t.rotation([
              [1, 0, 0],
              [0, 0, -1],
              [0, 1, 0],
            ]),
            t.translation([0, 0, 200]),
          ],
          {
            input: t.cs("physical", "tile1"),
            output: t.cs("world"),
          },
        ),
      ],
      members: { tile0: image(), tile1: image() },
    });
    await scene.toZarr(store, "");
    const report = await ome.validate(store, "");
    assert.deepEqual(report.errors, []);
    assert.equal(report.kind, "scene");
    // a wrong name and a wrong dimensionality are found once the images are read
    const bad = ome.v06.Scene.new({
      coordinateTransformations: [
        t.translation([0, 100], { input: t.cs("physical", "tile0"), output: t.cs("physical", "tile1") }),
        t.identity({ input: t.cs("nowhere", "tile0"), output: t.cs("physical", "tile1") }),
      ],
      members: { tile0: image(), tile1: image() },
    });
    const store2 = new MemoryStore();
    await bad.toZarr(store2, "");
    const r2 = await ome.validate(store2, "");
    assert.deepEqual(
      r2.errors.map((e) => e.path),
      [
        "ome.scene.coordinateTransformations[0].translation",
        "ome.scene.coordinateTransformations[1].input.name",
      ],
    );
  });
});
