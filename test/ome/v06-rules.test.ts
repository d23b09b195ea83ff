/**
 * The MUST rules of the OME-Zarr 0.6 text that no JSON schema expresses, one by one: each broken
 * rule is an error at the JSON path of the field, full mode reports it and schema-only mode does
 * not. Hierarchy rules (stored matrices, displacement/coordinate field groups, scene references)
 * are checked against the nodes they name.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MemoryStore, ome } from "../../src/index.js";
import { storeOf, v3spec } from "./helpers.js";

const { transform: t } = ome.v06;
const space = (names: string[], unit = "micrometer") => names.map((name) => ({ name, type: "space", unit }));

/** A valid 3D image with a world system; `edit` breaks one thing. */
function doc(edit: (ms: Record<string, any>) => void = () => {}) {
  const ms: Record<string, any> = {
    name: "img",
    type: "mean",
    metadata: {},
    coordinateSystems: [
      { name: "physical", axes: space(["z", "y", "x"]) },
      { name: "world", axes: space(["z", "y", "x"], "millimeter") },
    ],
    datasets: [
      {
        path: "0",
        coordinateTransformations: [t.scale([1, 1, 1], { input: { path: "0" }, output: t.cs("physical") })],
      },
      {
        path: "1",
        coordinateTransformations: [
          t.sequence([t.scale([2, 2, 2]), t.translation([0.5, 0.5, 0.5])], {
            input: { path: "1" },
            output: t.cs("physical"),
          }),
        ],
      },
    ],
    coordinateTransformations: [
      t.scale([0.001, 0.001, 0.001], { input: t.cs("physical"), output: t.cs("world") }),
    ],
  };
  edit(ms);
  return { ome: { version: "0.6", multiscales: [ms] } };
}

const ct = (ms: Record<string, any>) => ms.coordinateTransformations[0];

/** Asserts full mode reports `path` (message matching `re`) and schema-only mode accepts the document. */
function breaks(d: unknown, path: string, re: RegExp, schemaValid = true): void {
  const full = ome.validateAttributes(d);
  const hit = full.errors.find((e) => e.path === path);
  assert.ok(hit, `expected an error at ${path}, got ${JSON.stringify(full.errors)}`);
  assert.match(hit.message, re);
  assert.equal(ome.validateAttributes(d, { schemaOnly: true }).valid, schemaValid, "schema-only verdict");
}

describe("0.6 MUST rules (full mode) vs schema-only", () => {
  test("the base document is valid in both modes", () => {
    assert.deepEqual(ome.validateAttributes(doc()).errors, []);
    assert.deepEqual(ome.validateAttributes(doc()).warnings, []);
    assert.equal(ome.validateAttributes(doc(), { schemaOnly: true }).valid, true);
  });

  test("input/output name existing coordinate systems and paths", () => {
    breaks(
      doc((ms) => (ct(ms).output = t.cs("atlas"))),
      "ome.multiscales[0].coordinateTransformations[0].output.name",
      /not one of this multiscale's coordinateSystems/,
    );
    breaks(
      doc((ms) => (ct(ms).input = t.cs("world"))),
      "ome.multiscales[0].coordinateTransformations[0].input.name",
      /MUST be the intrinsic coordinate system/,
    );
    breaks(
      doc((ms) => (ct(ms).output = t.cs("physical"))),
      "ome.multiscales[0].coordinateTransformations[0].output.name",
      /MUST map it to a different/,
    );
    breaks(
      doc((ms) => (ms.datasets[1].coordinateTransformations[0].input = { path: "0" })),
      "ome.multiscales[0].datasets[1].coordinateTransformations[0].input.path",
      /MUST be its own array/,
    );
    breaks(
      doc((ms) => (ms.datasets[1].coordinateTransformations[0].output = t.cs("world"))),
      "ome.multiscales[0].datasets[1].coordinateTransformations[0].output.name",
      /MUST map to the same/,
    );
    breaks(
      doc((ms) => (ms.datasets[0].coordinateTransformations[0].output = t.cs("nowhere"))),
      "ome.multiscales[0].datasets[0].coordinateTransformations[0].output.name",
      /MUST end in a coordinate system defined here/,
    );
    // plain strings are the pre-0.6.dev4 syntax: the schemas already reject them
    breaks(
      doc((ms) => (ct(ms).input = "physical")),
      "ome.multiscales[0].coordinateTransformations[0].input",
      /must be an object/,
      false,
    );
  });

  test("dimensionality of each transformation against its input and output", () => {
    breaks(
      doc((ms) => (ct(ms).scale = [1, 1])),
      "ome.multiscales[0].coordinateTransformations[0].scale",
      /2 values .* 3 axes/,
    );
    breaks(
      doc((ms) => (ms.datasets[1].coordinateTransformations[0].transformations[1].translation = [1, 1])),
      "ome.multiscales[0].datasets[1].coordinateTransformations[0].transformations[1].translation",
      /2 values .* 3 axes/,
    );
    breaks(
      doc((ms) => {
        ms.coordinateSystems[1].axes = space(["y", "x"]);
        ms.coordinateTransformations = [t.identity({ input: t.cs("physical"), output: t.cs("world") })];
      }),
      "ome.multiscales[0].coordinateTransformations[0]",
      /identity maps 3 axes to 2 axes/,
    );
    breaks(
      doc((ms) => {
        ms.coordinateSystems[1].axes = space(["y", "x"]);
        ms.coordinateTransformations = [
          t.projectAxis({ droppedInputs: [0, 1] }, { input: t.cs("physical"), output: t.cs("world") }),
        ];
      }),
      "ome.multiscales[0].coordinateTransformations[0]",
      /maps 3 axes to 1 axis .* MUST agree/,
    );
    breaks(
      doc(
        (ms) =>
          (ms.coordinateTransformations = [
            t.mapAxis([0, 0, 2], { input: t.cs("physical"), output: t.cs("world") }),
          ]),
      ),
      "ome.multiscales[0].coordinateTransformations[0].mapAxis[1]",
      /appears twice/,
      false,
    );
    breaks(
      doc(
        (ms) =>
          (ms.coordinateTransformations = [
            t.mapAxis([0, 1, 3], { input: t.cs("physical"), output: t.cs("world") }),
          ]),
      ),
      "ome.multiscales[0].coordinateTransformations[0].mapAxis",
      /not a permutation of 0..2/,
    );
  });

  test("affine and rotation matrix shapes; rotations orthonormal with determinant 1", () => {
    const to = { input: t.cs("physical"), output: t.cs("world") };
    breaks(
      doc(
        (ms) =>
          (ms.coordinateTransformations = [
            t.affine(
              [
                [1, 0, 0],
                [0, 1, 0],
                [0, 0, 1],
              ],
              to,
            ),
          ]),
      ),
      "ome.multiscales[0].coordinateTransformations[0].affine",
      /MUST have N\+1 = 4 columns/,
    );
    breaks(
      doc(
        (ms) =>
          (ms.coordinateTransformations = [
            t.affine(
              [
                [1, 0, 0, 0],
                [0, 1, 0, 0],
              ],
              to,
            ),
          ]),
      ),
      "ome.multiscales[0].coordinateTransformations[0].affine",
      /MUST have M = 3 rows/,
    );
    breaks(
      doc(
        (ms) =>
          (ms.coordinateTransformations = [
            t.rotation(
              [
                [1, 0],
                [0, 1],
              ],
              to,
            ),
          ]),
      ),
      "ome.multiscales[0].coordinateTransformations[0].rotation",
      /rotation MUST be N×N/,
    );
    breaks(
      doc(
        (ms) =>
          (ms.coordinateTransformations = [
            t.rotation(
              [
                [1, 0.2, 0],
                [0, 1, 0],
                [0, 0, 1],
              ],
              to,
            ),
          ]),
      ),
      "ome.multiscales[0].coordinateTransformations[0].rotation",
      /not orthonormal/,
    );
    breaks(
      doc(
        (ms) =>
          (ms.coordinateTransformations = [
            t.rotation(
              [
                [-1, 0, 0],
                [0, 1, 0],
                [0, 0, 1],
              ],
              to,
            ),
          ]),
      ),
      "ome.multiscales[0].coordinateTransformations[0].rotation",
      /determinant -1/,
    );
    // 0.7071 (four decimals) is accepted as orthonormal
    const c = 0.7071;
    const ok = doc(
      (ms) =>
        (ms.coordinateTransformations = [
          t.rotation(
            [
              [1, 0, 0],
              [0, c, -c],
              [0, c, c],
            ],
            to,
          ),
        ]),
    );
    assert.deepEqual(ome.validateAttributes(ok).errors, []);
  });

  test("sequences compose: each step's output dimensionality feeds the next", () => {
    const to = { input: t.cs("physical"), output: t.cs("world") };
    breaks(
      doc((ms) => {
        ms.coordinateSystems.push({ name: "plane", axes: space(["y", "x"]) });
        ms.coordinateTransformations = [
          t.sequence([t.projectAxis({ droppedInputs: [0] }), t.scale([1, 1, 1])], to),
        ];
      }),
      "ome.multiscales[0].coordinateTransformations[0].transformations[1].scale",
      /3 values but the input coordinate system has 2 axes/,
    );
    breaks(
      doc((ms) => (ms.coordinateTransformations = [t.sequence([], to)])),
      "ome.multiscales[0].coordinateTransformations[0].transformations",
      /at least one/,
    );
    // a valid mixed sequence: rotate (3×3), then an affine 3D → 3D
    const good = doc((ms) => {
      ms.coordinateTransformations = [
        t.sequence(
          [
            t.rotation([
              [0, -1, 0],
              [1, 0, 0],
              [0, 0, 1],
            ]),
            t.affine([
              [1, 0, 0, 1],
              [0, 1, 0, 2],
              [0, 0, 1, 3],
            ]),
          ],
          to,
        ),
      ];
    });
    assert.deepEqual(ome.validateAttributes(good).errors, []);
  });

  test("byDimension: axes in range, every output axis exactly once, parameter lengths", () => {
    const to = { input: t.cs("physical"), output: t.cs("world") };
    const item = (tr: ome.v06.Transformation, i: number[], o: number[]) => ({
      transformation: tr,
      inputAxes: i,
      outputAxes: o,
    });
    breaks(
      doc(
        (ms) => (ms.coordinateTransformations = [t.byDimension([item(t.scale([2, 2]), [0, 1], [0, 1])], to)]),
      ),
      "ome.multiscales[0].coordinateTransformations[0].transformations",
      /output axis 2; every output axis MUST appear/,
    );
    breaks(
      doc(
        (ms) =>
          (ms.coordinateTransformations = [
            t.byDimension([item(t.scale([2, 2]), [0, 1], [0, 1]), item(t.scale([2]), [2], [1])], to),
          ]),
      ),
      "ome.multiscales[0].coordinateTransformations[0].transformations[1].outputAxes",
      /also produced by transformations\[0\]/,
    );
    breaks(
      doc(
        (ms) =>
          (ms.coordinateTransformations = [
            t.byDimension([item(t.scale([2, 2, 2]), [0, 1, 5], [0, 1, 2])], to),
          ]),
      ),
      "ome.multiscales[0].coordinateTransformations[0].transformations[0].inputAxes",
      /refers to axis 5/,
    );
    breaks(
      doc(
        (ms) =>
          (ms.coordinateTransformations = [
            t.byDimension([item(t.scale([2, 2]), [0], [0]), item(t.scale([1, 1]), [1, 2], [1, 2])], to),
          ]),
      ),
      "ome.multiscales[0].coordinateTransformations[0].transformations[0].transformation.scale",
      /2 values but the input coordinate system has 1 axis/,
    );
  });

  test("bijection: forward and inverse fit the ends (inverse reversed); names unique; scale/translation inline only", () => {
    const to = { input: t.cs("physical"), output: t.cs("world") };
    breaks(
      doc(
        (ms) => (ms.coordinateTransformations = [t.bijection(t.scale([1, 1, 1]), t.translation([1, 1]), to)]),
      ),
      "ome.multiscales[0].coordinateTransformations[0].inverse.translation",
      /2 values .* 3 axes/,
    );
    breaks(
      doc((ms) => {
        ms.coordinateSystems.push({ name: "w2", axes: space(["z", "y", "x"]) });
        ms.coordinateTransformations = [
          t.scale([1, 1, 1], { ...to, name: "same" }),
          t.scale([1, 1, 1], { input: t.cs("physical"), output: t.cs("w2"), name: "same" }),
        ];
      }),
      "ome.multiscales[0].coordinateTransformations[1].name",
      /MUST be unique/,
    );
    breaks(
      doc((ms) => (ct(ms).path = "stored")),
      "ome.multiscales[0].coordinateTransformations[0].path",
      /not allowed in 0.6/,
    );
  });

  test("coordinate systems: unique names, unique axis names, axis order; the dataset transformation forms", () => {
    breaks(
      doc((ms) => (ms.coordinateSystems[1].name = "physical")),
      "ome.multiscales[0].coordinateSystems[1].name",
      /MUST be unique/,
    );
    breaks(
      // (a different unit, so that the axes are not identical objects, which the schema already rejects)
      doc((ms) => (ms.coordinateSystems[1].axes[2] = { name: "z", type: "space", unit: "nanometer" })),
      "ome.multiscales[0].coordinateSystems[1].axes[2].name",
      /axis names MUST be unique/,
    );
    breaks(
      doc((ms) => {
        ms.coordinateSystems[1].axes = [...space(["z", "y", "x"]), { name: "c", type: "channel" }];
        ms.coordinateTransformations = [
          t.projectAxis({ createdOutputs: [3] }, { input: t.cs("physical"), output: t.cs("world") }),
        ];
      }),
      "ome.multiscales[0].coordinateSystems[1].axes[3]",
      /MUST be ordered time, then channel or custom, then space/,
    );
    breaks(
      doc((ms) => ms.datasets[1].coordinateTransformations[0].transformations.reverse()),
      "ome.multiscales[0].datasets[1].coordinateTransformations[0].transformations",
      /MUST be a "scale" followed by a "translation"/,
    );
    breaks(
      doc((ms) => (ms.datasets[1].coordinateTransformations[0].transformations[0].scale = [0.5, 0.5, 0.5])),
      "ome.multiscales[0].datasets[1].coordinateTransformations[0]",
      /highest resolution to the lowest/,
    );
    breaks(
      doc((ms) => (ms.datasets[1].path = "0")),
      "ome.multiscales[0].datasets[1].path",
      /its own array/,
    );
  });

  test("connectedness: a coordinate system no transformation reaches is reported (a warning: a scene may connect it)", () => {
    const d = doc((ms) => ms.coordinateSystems.push({ name: "lonely", axes: space(["z", "y", "x"]) }));
    const r = ome.validateAttributes(d);
    assert.deepEqual(r.errors, []);
    assert.ok(
      r.warnings.some(
        (w) =>
          w.path === "ome.multiscales[0].coordinateSystems" && /"lonely" is not connected/.test(w.message),
      ),
    );
  });
});

describe("0.6 hierarchy rules", () => {
  const array = (shape: number[], type = "float32") => ({ ...v3spec(shape, type), attributes: {} });
  const image = (extra: Record<string, any>) => ({
    zarr_format: 3,
    node_type: "group",
    attributes: doc((ms) => Object.assign(ms, extra)),
  });

  test("stored matrices: a 2D array of the right shape", async () => {
    const to = { input: t.cs("physical"), output: t.cs("world") };
    const store = storeOf({
      "zarr.json": image({
        coordinateTransformations: [t.affine({ path: "coordinateTransformations/m" }, to)],
      }),
      "0/zarr.json": array([8, 8, 8]),
      "1/zarr.json": array([4, 4, 4]),
      "coordinateTransformations/zarr.json": { zarr_format: 3, node_type: "group", attributes: {} },
      "coordinateTransformations/m/zarr.json": array([3, 3]),
    });
    const r = await ome.validate(store, "");
    assert.deepEqual(
      r.errors.map((e) => [e.path, e.target]),
      [["ome.multiscales[0].coordinateTransformations[0].path", "coordinateTransformations/m"]],
    );
    assert.match(r.errors[0].message, /MUST have 4 columns/);
    await store.set(
      "coordinateTransformations/m/zarr.json",
      new TextEncoder().encode(JSON.stringify(array([3, 4]))),
    );
    assert.deepEqual((await ome.validate(store, "")).errors, []);
    await store.delete?.("coordinateTransformations/m/zarr.json");
    assert.match((await ome.validate(store, "")).errors[0].message, /does not exist/);
  });

  test("displacement fields: a multiscale group with the input axes plus one displacement axis of the output's length", async () => {
    const field = (axes: Record<string, unknown>[], shape: number[]) => ({
      zarr_format: 3,
      node_type: "group",
      attributes: {
        ome: {
          version: "0.6",
          multiscales: [
            {
              name: "field",
              type: "none",
              metadata: {},
              coordinateSystems: [{ name: "field", axes }],
              datasets: [
                {
                  path: "0",
                  coordinateTransformations: [
                    t.scale(
                      shape.map(() => 1),
                      { input: { path: "0" }, output: t.cs("field") },
                    ),
                  ],
                },
              ],
            },
          ],
        },
      },
    });
    const dAxis = { name: "d", type: "displacement", discrete: true };
    const to = { input: t.cs("physical"), output: t.cs("world") };
    const docs = (fieldAxes: Record<string, unknown>[], shape: number[]) =>
      storeOf({
        "zarr.json": image({
          coordinateTransformations: [
            t.displacements("coordinateTransformations/d", { ...to, interpolation: "linear" }),
          ],
        }),
        "0/zarr.json": array([8, 8, 8]),
        "1/zarr.json": array([4, 4, 4]),
        "coordinateTransformations/zarr.json": { zarr_format: 3, node_type: "group", attributes: {} },
        "coordinateTransformations/d/zarr.json": field(fieldAxes, shape),
        "coordinateTransformations/d/0/zarr.json": array(shape),
      });
    const good = await ome.validate(docs([...space(["z", "y", "x"]), dAxis], [8, 8, 8, 3]), "");
    assert.deepEqual(good.errors, []);
    const short = await ome.validate(docs([...space(["z", "y", "x"]), dAxis], [8, 8, 8, 2]), "");
    assert.match(
      short.errors.map((e) => e.message).join("\n"),
      /vectors of length 2 but the output has 3 axes/,
    );
    const flat = await ome.validate(docs(space(["z", "y", "x"]), [8, 8, 8]), "");
    assert.match(flat.errors.map((e) => e.message).join("\n"), /0 axes of type "displacement"/);
  });

  test("a scene's references are checked against the images' coordinate systems", async () => {
    const store = new MemoryStore();
    const img = ome.v06.Image.new({
      arraySpecs: [v3spec([8, 8, 8])],
      axes: space(["z", "y", "x"]),
      scales: [[1, 1, 1]],
      name: "a",
      multiscaleType: "mean",
      metadata: {},
    });
    await ome.v06.Scene.new({
      coordinateSystems: [{ name: "world", axes: space(["y", "x"]) }],
      coordinateTransformations: [
        t.projectAxis({ droppedInputs: [0] }, { input: t.cs("physical", "a"), output: t.cs("world") }),
      ],
      members: { a: img },
    }).toZarr(store, "");
    assert.deepEqual((await ome.validate(store, "")).errors, []);
    const bad = new MemoryStore();
    await ome.v06.Scene.new({
      coordinateSystems: [{ name: "world", axes: space(["y", "x"]) }],
      coordinateTransformations: [
        t.scale([1, 1], { input: t.cs("physical", "a"), output: t.cs("world") }),
        t.identity({ input: t.cs("physical", "missing"), output: t.cs("world") }),
      ],
      members: { a: img },
    }).toZarr(bad, "");
    const r = await ome.validate(bad, "");
    const at = (path: string) => r.errors.filter((e) => e.path === path).map((e) => e.message);
    assert.match(at("ome.scene.coordinateTransformations[0].scale").join(), /2 values .* 3 axes/);
    assert.match(at("ome.scene.coordinateTransformations[0]").join(), /maps 3 axes to 2 axes/);
    assert.match(
      at("ome.scene.coordinateTransformations[1].input.path").join(),
      /scene image "missing" does not exist/,
    );
    assert.equal(r.errors.length, 3);
  });
});
