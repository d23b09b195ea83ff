/**
 * The public API contract of the OME-Zarr issue, run as written from the package root export on the
 * textbook's heart sample: spec → Image.new → toJSON → toZarr → group.array(dataset path) → set →
 * ome.validate. The sample is ../shared/data/hoa_heart.zarr (or $ZARRSMITH_HEART); the test skips without it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { codecs, LocalStore, MemoryStore, ome, open, v2 } from "../../src/index.js";
import { tempDir } from "../helpers/python.js";
import { HEART, heart, needs } from "../helpers/requirements.js";

const heartPath = HEART;
const skip = needs(heart());

const { dir, cleanup } = tempDir("zarrsmith-contract-");
after(cleanup);

describe("OME-Zarr public API contract (textbook heart sample)", { skip }, () => {
  test("the issue's snippet runs as written and gives a valid image", async () => {
    const image = await (await open.array(new LocalStore(heartPath))).get();
    assert.deepEqual(image.shape, [120, 120, 139]);
    assert.equal(image.dtype, "uint8");
    const spec = v2.ArraySpec.parse({
      shape: image.shape,
      dtype: image.dtype,
      chunks: [32, 32, 32],
      compressor: codecs.Zstd({ level: 5 }),
    });

    // ---- the snippet, verbatim ----
    const voxel = 19.89;
    const img = ome.v04.Image.new({
      arraySpecs: [spec],
      paths: ["level0"],
      axes: [
        { name: "x", type: "space", unit: "um" }, // plain objects or ome.v04.Axis(...)
        { name: "y", type: "space", unit: "um" },
        { name: "z", type: "space", unit: "um" },
      ],
      globalScale: [voxel, voxel, voxel],
      scales: [[1, 1, 1]],
      translations: [[0, 0, 0]],
      name: "heart_image",
    });
    const json = img.toJSON(); // the .zattrs document
    const group = await img.toZarr(new MemoryStore(), "");
    const level0 = await group.array(img.attributes.multiscales[0].datasets[0].path);
    await level0.set(null, image);
    // ---- end of the snippet ----

    // The .zattrs document: "um" is kept as given, never rewritten.
    assert.deepEqual(json, {
      multiscales: [
        {
          version: "0.4",
          name: "heart_image",
          axes: ["x", "y", "z"].map((name) => ({ name, type: "space", unit: "um" })),
          datasets: [
            {
              path: "level0",
              coordinateTransformations: [
                { type: "scale", scale: [1, 1, 1] },
                { type: "translation", translation: [0, 0, 0] },
              ],
            },
          ],
          coordinateTransformations: [{ type: "scale", scale: [voxel, voxel, voxel] }],
        },
      ],
    });
    assert.deepEqual(group.attrs, json);

    // One warning per axis, at the unit's path, naming the specification's unit.
    assert.deepEqual(
      img.warnings.filter((w) => /micrometer/.test(w.message)).map((w) => w.path),
      [0, 1, 2].map((i) => `multiscales[0].axes[${i}].unit`),
    );
    assert.match(img.warnings[0].message, /"um" is not a unit of the specification; use "micrometer"/);

    // The values read back equal the image.
    assert.equal(level0.path, "level0");
    assert.deepEqual(level0.shape, image.shape);
    const back = await (await group.array("level0")).get();
    assert.deepEqual(back.shape, image.shape);
    assert.ok(Buffer.from(back.data as Uint8Array).equals(Buffer.from(image.data as Uint8Array)));

    // The same on disk, validated as a stored hierarchy: { valid, version, kind, errors, warnings }.
    const path = join(dir, "heart.ome.zarr");
    const onDisk = await img.toZarr(new LocalStore(path), "");
    await (await onDisk.array("level0")).set(null, image);
    const report = await ome.validate(new LocalStore(path));
    assert.equal(report.valid, true, JSON.stringify(report.errors));
    assert.equal(report.version, "0.4");
    assert.equal(report.kind, "image");
    assert.deepEqual(report.errors, []);
    assert.ok(report.warnings.some((w) => w.path.endsWith("axes[0].unit") && /micrometer/.test(w.message)));
    assert.ok(
      report.warnings.every((w) => typeof w.path === "string" && typeof w.message === "string"),
      "warnings are { path, message }",
    );

    // And it reads back as an Image with the same document.
    const reread = await ome.v04.Image.fromZarr(await open.group(new LocalStore(path)));
    assert.deepEqual(reread.toJSON(), json);
    assert.deepEqual(reread.paths, ["level0"]);
  });

  test("a broken stored image is reported with paths, not thrown", async () => {
    const image = await (await open.array(new LocalStore(heartPath))).get();
    const spec = v2.ArraySpec.parse({ shape: image.shape, dtype: image.dtype, chunks: [32, 32, 32] });
    const img = ome.v04.Image.new({
      arraySpecs: [spec],
      paths: ["level0"],
      axes: ["x", "y", "z"].map((name) => ome.v04.Axis(name, "space", "micrometer")),
      scales: [[1, 1, 1]],
    });
    assert.deepEqual(
      img.warnings.filter((w) => /unit/.test(w.path)),
      [],
    );
    const store = new MemoryStore();
    await img.toZarr(store, "");
    await store.delete("level0/.zarray");
    const report = await ome.validate(store);
    assert.equal(report.valid, false);
    assert.equal(report.kind, "image");
    assert.deepEqual(
      report.errors.map((e) => e.path),
      ["multiscales[0].datasets[0].path"],
    );
  });
});
