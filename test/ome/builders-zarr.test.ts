/**
 * Builders against the Zarr layer: `toZarr` writes the group and empty arrays, the stored hierarchy
 * validates (`ome.validate`), and `fromZarr` reads it back into an equal model.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ExistsError, SpecError } from "../../src/errors.js";
import { open } from "../../src/hierarchy/open.js";
import * as ome from "../../src/ome/index.js";
import { MemoryStore } from "../../src/store/memory.js";

const decoder = new TextDecoder();

async function readJSON(store: MemoryStore, key: string): Promise<Record<string, unknown>> {
  const bytes = await store.get(key);
  assert.ok(bytes, `${key} exists`);
  return JSON.parse(decoder.decode(bytes));
}

const czyx = [
  ome.Axis("c", "channel"),
  ome.Axis("z", "space", "micrometer"),
  ome.Axis("y", "space", "micrometer"),
  ome.Axis("x", "space", "micrometer"),
];
const scales = [
  [1, 1, 1, 1],
  [1, 2, 2, 2],
];

describe("builders write and read OME-Zarr", () => {
  test("0.4 image: .zattrs, .zgroup and .zarray per level; validates; reads back", async () => {
    const store = new MemoryStore();
    const image = ome.v04.Image.new({
      arraySpecs: [
        { shape: [2, 32, 64, 64], dtype: "<u2", chunks: [1, 16, 32, 32] },
        { shape: [2, 16, 32, 32], dtype: "<u2", chunks: [1, 16, 32, 32] },
      ],
      paths: ["0", "1"],
      axes: czyx,
      scales,
      name: "img",
    });
    const group = await image.toZarr(store, "img.zarr");
    assert.equal(group.zarrFormat, 2);
    assert.deepEqual(await readJSON(store, "img.zarr/.zattrs"), image.toJSON());
    assert.deepEqual((await readJSON(store, "img.zarr/1/.zarray")).shape, [2, 16, 32, 32]);
    const report = await ome.validate(store, "img.zarr");
    assert.deepEqual(report.errors, []);
    assert.equal(report.kind, "image");

    const back = await ome.v04.Image.fromZarr(await open.group(store, "img.zarr"));
    assert.deepEqual(back.toJSON(), image.toJSON());
    assert.deepEqual(back.arrays["1"].shape, [2, 16, 32, 32]);

    await assert.rejects(image.toZarr(store, "img.zarr"), ExistsError);
    await image.toZarr(store, "img.zarr", { overwrite: true });
  });

  test("0.5 image: arrays carry dimension_names; nested dataset paths get intermediate groups", async () => {
    const store = new MemoryStore();
    const v3 = (shape: number[]) => ({
      shape,
      data_type: "uint16",
      chunk_grid: { name: "regular", configuration: { chunk_shape: shape } },
    });
    const image = ome.v05.Image.new({
      arraySpecs: [v3([2, 32, 64, 64]), v3([2, 16, 32, 32])],
      paths: ["scale/0", "scale/1"],
      axes: czyx,
      scales,
      name: "img",
    });
    const group = await image.toZarr(store, "img.ome.zarr");
    assert.equal(group.zarrFormat, 3);
    const level = await readJSON(store, "img.ome.zarr/scale/1/zarr.json");
    assert.deepEqual(level.dimension_names, ["c", "z", "y", "x"]);
    assert.equal((await readJSON(store, "img.ome.zarr/scale/zarr.json")).node_type, "group");
    const report = await ome.validate(store, "img.ome.zarr");
    assert.deepEqual(report.errors, []);
    const back = await ome.v05.Image.fromZarr(await open.group(store, "img.ome.zarr"));
    assert.deepEqual(back.toJSON(), image.toJSON());
  });

  test("a plate with a well, a field of view and its labels validates as a whole", async () => {
    const store = new MemoryStore();
    const yx = [ome.Axis("y", "space", "micrometer"), ome.Axis("x", "space", "micrometer")];
    const v3 = (shape: number[], data_type = "uint16") => ({
      shape,
      data_type,
      chunk_grid: { name: "regular", configuration: { chunk_shape: shape } },
    });
    await ome.v05.Plate.new({ name: "p", rows: ["A"], columns: ["1"], wells: ["A/1"], fieldCount: 1 }).toZarr(
      store,
      "plate.zarr",
    );
    await ome.v05.Well.new({ images: ["0"] }).toZarr(store, "plate.zarr/A/1");
    await ome.v05.Image.new({
      arraySpecs: [v3([64, 64]), v3([32, 32])],
      axes: yx,
      scales: [
        [1, 1],
        [2, 2],
      ],
      name: "f",
    }).toZarr(store, "plate.zarr/A/1/0");
    const cells = ome.v05.ImageLabel.new({
      arraySpecs: [v3([64, 64], "uint32"), v3([32, 32], "uint32")],
      axes: yx,
      scales: [
        [1, 1],
        [2, 2],
      ],
      imageLabel: { colors: [{ "label-value": 1, rgba: [255, 255, 0, 255] }] },
    });
    await ome.v05.Labels.new({ images: { cells } }).toZarr(store, "plate.zarr/A/1/0/labels");
    const report = await ome.validate(store, "plate.zarr");
    assert.deepEqual(report.errors, []);
    assert.equal(report.kind, "plate");
    const label = await ome.v05.ImageLabel.fromZarr(await open.group(store, "plate.zarr/A/1/0/labels/cells"));
    assert.deepEqual(label.toJSON(), cells.toJSON());
  });

  test("fromZarr rejects what does not validate", async () => {
    const store = new MemoryStore();
    const image = ome.v05.Image.new({
      arraySpecs: [
        {
          shape: [8, 8],
          data_type: "uint8",
          chunk_grid: { name: "regular", configuration: { chunk_shape: [8, 8] } },
        },
      ],
      axes: [ome.Axis("y", "space", "micrometer"), ome.Axis("x", "space", "micrometer")],
      scales: [[1, 1]],
    });
    await image.toZarr(store, "");
    await store.delete("0/zarr.json");
    await assert.rejects(ome.v05.Image.fromZarr(await open.group(store, "")), (err: unknown) => {
      assert.ok(err instanceof SpecError);
      assert.match(err.message, /dataset "0" does not exist/);
      return true;
    });
    await assert.rejects(
      ome.v04.Image.fromZarr(await open.group(store, "")),
      /is a Zarr v3 group; OME-Zarr 0.4 is stored in Zarr v2/,
    );
  });
});
