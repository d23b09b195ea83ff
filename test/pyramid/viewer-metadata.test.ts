/**
 * What viewers need from a written pyramid: z kept on every level by default (`downsampleAxes`),
 * omero windows per channel from robust percentiles, defaultZ on the middle plane, a colour table
 * for label images, and label images added under an existing image's `labels/` group.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NotFoundError, ValueError } from "../../src/errors.js";
import { readJSON } from "../../src/hierarchy/metadata-io.js";
import { MemoryStore, ndarray, ome, pyramid } from "../../src/index.js";
import { memorySource } from "./pyramid-helpers.js";

const zyx = [{ name: "z" }, { name: "y" }, { name: "x" }];

describe("downsampleAxes", () => {
  it('"xy" (the default) keeps z on every level; "xyz" halves it; "auto" waits for isotropy', () => {
    const base = { shape: [40, 256, 256], axes: zyx, scale: [1, 1, 1], chunks: [64, 64, 64] };
    const shapes = (o: object) => pyramid.planPyramid({ ...base, ...o }).levels.map((l) => l.shape);
    const xy = [
      [40, 256, 256],
      [40, 128, 128],
      [40, 64, 64],
    ];
    assert.deepEqual(shapes({}), xy);
    assert.deepEqual(shapes({ downsampleAxes: "xy" }), xy);
    assert.deepEqual(shapes({ downsampleAxes: "xyz" }), [
      [40, 256, 256],
      [20, 128, 128],
      [10, 64, 64],
    ]);
    // z voxel 4x coarser: auto keeps z until x/y catch up, xyz halves it regardless
    const aniso = { scale: [4, 1, 1], levels: 4 };
    assert.deepEqual(shapes({ ...aniso, downsampleAxes: "auto" }).at(-1), [20, 32, 32]);
    assert.deepEqual(shapes({ ...aniso, downsampleAxes: "xyz" }).at(-1), [5, 32, 32]);
    // z is found by name, whatever the axis order
    const xyzOrder = pyramid.planPyramid({
      ...base,
      shape: [256, 256, 40],
      axes: [{ name: "x" }, { name: "y" }, { name: "z" }],
    });
    assert.deepEqual(xyzOrder.levels.at(-1)!.shape, [64, 64, 40]);
    // 5-D: t and c never shrink, z is kept
    const five = pyramid.planPyramid({
      shape: [2, 3, 10, 100, 100],
      axes: ["t", "c", "z", "y", "x"].map((name) => ({ name })),
      scale: [1, 1, 1, 1, 1],
      chunks: [1, 1, 10, 32, 32],
    });
    assert.deepEqual(five.levels.at(-1)!.shape, [2, 3, 10, 25, 25]);
    assert.throws(
      () => pyramid.planPyramid({ ...base, downsampleAxes: "z" as never }),
      (e: unknown) =>
        e instanceof ValueError && /downsampleAxes must be one of xy, xyz, auto/.test(e.message),
    );
  });

  it("pyramid.write with the default writes every level with level 0's z", async () => {
    const data = new Uint16Array(10 * 64 * 64).map((_, i) => i % 1000);
    const store = new MemoryStore();
    const r = await pyramid.write(memorySource(ndarray(data, [10, 64, 64], "uint16")), store, {
      chunks: [16, 16, 16],
      workers: 0,
    });
    assert.deepEqual(
      r.levels.map((l) => l.shape),
      [
        [10, 64, 64],
        [10, 32, 32],
        [10, 16, 16],
      ],
    );
    assert.deepEqual(r.levels[2].scale, [1, 4, 4]);
  });
});

describe("omero rendering metadata", () => {
  it("one window per channel from robust percentiles; defaultZ is the middle plane", async () => {
    // channel c holds 8 + 3000c .. 8 + 3000c + 999; one hot pixel of 65535 in channel 0
    const shape = [3, 9, 32, 32];
    const n = 9 * 32 * 32;
    const data = new Uint16Array(3 * n);
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < n; i++) data[c * n + i] = 8 + 3000 * c + ((i * 7919) % 1000);
    data[1234] = 65535;
    const store = new MemoryStore();
    const r = await pyramid.write(memorySource(ndarray(data, shape, "uint16")), store, {
      axes: ["c", "z", "y", "x"],
      chunks: [1, 8, 16, 16],
      workers: 0,
    });
    const attrs = (await readJSON(store, "", ".zattrs")) as {
      omero: { channels: { window: Record<string, number> }[]; rdefs: { defaultZ: number } };
    };
    const windows = attrs.omero.channels.map((c) => c.window);
    assert.deepEqual(
      windows.map((w) => w.min),
      [8, 3008, 6008],
    );
    assert.deepEqual(
      windows.map((w) => w.max),
      [65535, 3007, 6007].map((m, c) => (c === 0 ? m : m + 1000)),
    );
    windows.forEach((w, c) => {
      const lo = 8 + 3000 * c;
      assert.ok(w.start >= lo && w.start < lo + 100, `channel ${c} start ${w.start}`);
      // robust: the hot pixel does not stretch channel 0's window
      assert.ok(w.end > lo + 800 && w.end <= lo + 999, `channel ${c} end ${w.end}`);
    });
    assert.equal(attrs.omero.rdefs.defaultZ, 4);
    assert.deepEqual(r.channelWindows, windows);
    assert.deepEqual(r.window, { min: 8, max: 65535 });
    const report = await ome.validate(store);
    assert.equal(report.valid, true, JSON.stringify(report.errors));
  });

  it("one level above 4 Mi voxels: percentiles from chunks spread over it, not the whole level read back", async () => {
    // 2 channels x 48 x 256 x 256 (6.3 Mi voxels); channel c holds 100 + 5000c + (0..999)
    const shape = [2, 48, 256, 256];
    const n = 48 * 256 * 256;
    const data = new Uint16Array(2 * n);
    for (let c = 0; c < 2; c++)
      for (let i = 0; i < n; i++) data[c * n + i] = 100 + 5000 * c + ((i * 7919) % 1000);
    const inner = new MemoryStore();
    let chunkReads = 0;
    const store = new Proxy(inner, {
      get: (target, name) => {
        if (name === "get")
          return (key: string, range?: unknown) => {
            if (/\/c\/|\d+\/\d+\/\d+/.test(key)) chunkReads++;
            return target.get(key, range as never);
          };
        const v = Reflect.get(target, name);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    const r = await pyramid.write(memorySource(ndarray(data, shape, "uint16")), store, {
      axes: ["c", "z", "y", "x"],
      chunks: [1, 16, 64, 64],
      levels: 1,
      workers: 0,
    });
    // 4 Mi voxels in 64 Ki-voxel chunks: 64 of the 96 chunks, not all
    assert.ok(chunkReads > 0 && chunkReads <= 64, `${chunkReads} chunk reads`);
    r.channelWindows!.forEach((w, c) => {
      const lo = 100 + 5000 * c;
      assert.deepEqual([w.min, w.max], [lo, lo + 999]);
      assert.ok(w.start >= lo && w.start < lo + 20, `channel ${c} start ${w.start}`);
      assert.ok(w.end > lo + 980 && w.end <= lo + 999, `channel ${c} end ${w.end}`);
    });
  });
});

/** A label volume: 0 background, label 1 in the first half of x, label 7 in a corner box. */
function labelVolume(shape: number[]) {
  const [Z, Y, X] = shape;
  const out = new Uint8Array(Z * Y * X);
  for (let z = 0; z < Z; z++)
    for (let y = 0; y < Y; y++)
      for (let x = 0; x < X; x++) {
        out[(z * Y + y) * X + x] = x < X / 2 ? 1 : z < 2 && y < 4 && x >= X - 4 ? 7 : 0;
      }
  return ndarray(out, shape, "uint8");
}

describe("label images", () => {
  it("get a colour (0 transparent) and a voxel count per label value", async () => {
    const store = new MemoryStore();
    const labels = labelVolume([6, 16, 16]);
    await pyramid.write(memorySource(labels), store, { labels: true, chunks: [4, 8, 8], workers: 0 });
    const attrs = (await readJSON(store, "", ".zattrs")) as Record<string, unknown>;
    const table = attrs["image-label"] as {
      colors: { "label-value": number; rgba: number[] }[];
      properties: { "label-value": number; voxels: number }[];
    };
    assert.deepEqual(
      table.colors.map((c) => c["label-value"]),
      [0, 1, 7],
    );
    assert.deepEqual(table.colors[0].rgba, [0, 0, 0, 0]);
    assert.notDeepEqual(table.colors[1].rgba, table.colors[2].rgba);
    for (const c of table.colors.slice(1)) assert.equal(c.rgba[3], 255);
    const count = (v: number) => labels.data.filter((x) => x === v).length;
    assert.deepEqual(
      table.properties.map((p) => [p["label-value"], p.voxels]),
      [0, 1, 7].map((v) => [v, count(v)]),
    );
  });

  it("writeLabels puts a label image under an image's labels/ group, on the image's grid", async () => {
    for (const version of ["0.4", "0.5"] as const) {
      const store = new MemoryStore();
      const image = new Uint16Array(2 * 6 * 16 * 16).map((_, i) => i % 500);
      await pyramid.write(memorySource(ndarray(image, [2, 6, 16, 16], "uint16")), store, {
        axes: ["c", "z", "y", "x"],
        scale: [1, 2, 0.5, 0.5],
        units: "micrometer",
        chunks: [1, 4, 4, 4],
        omeZarrVersion: version,
        downsampleAxes: "xyz",
        workers: 0,
      });
      const r = await pyramid.writeLabels(memorySource(labelVolume([6, 16, 16])), store, {
        name: "cells",
        chunks: [4, 4, 4],
        workers: 0,
      });
      // same level layout as the image (its xyz factors), same physical scale
      assert.deepEqual(
        r.levels.map((l) => l.shape),
        [
          [6, 16, 16],
          [3, 8, 8],
          [2, 4, 4],
        ],
      );
      assert.deepEqual(r.levels[0].scale, [2, 0.5, 0.5]);
      const report = await ome.validate(store);
      assert.equal(report.valid, true, JSON.stringify(report.errors));
      const attrsAt = async (path: string) =>
        version === "0.4"
          ? ((await readJSON(store, path, ".zattrs")) as Record<string, unknown>)
          : (((await readJSON(store, path, "zarr.json")) as { attributes: { ome: Record<string, unknown> } })
              .attributes.ome as Record<string, unknown>);
      assert.deepEqual((await attrsAt("labels")).labels, ["cells"]);
      const label = await attrsAt("labels/cells");
      assert.deepEqual((label["image-label"] as { source: unknown }).source, { image: "../../" });
      const axes = (label.multiscales as { axes: { name: string; unit?: string }[] }[])[0].axes;
      assert.deepEqual(
        axes.map((a) => [a.name, a.unit]),
        [
          ["z", "micrometer"],
          ["y", "micrometer"],
          ["x", "micrometer"],
        ],
      );
      // a second label image is appended to the list
      await pyramid.writeLabels(memorySource(labelVolume([6, 16, 16])), store, {
        name: "nuclei",
        workers: 0,
      });
      assert.deepEqual((await attrsAt("labels")).labels, ["cells", "nuclei"]);
    }
  });

  it("writeLabels refuses a shape that does not cover the image, and a store without an image", async () => {
    const store = new MemoryStore();
    await pyramid.write(memorySource(labelVolume([6, 16, 16])), store, { chunks: [8, 8, 8], workers: 0 });
    await assert.rejects(
      pyramid.writeLabels(memorySource(labelVolume([6, 16, 8])), store, { name: "x", workers: 0 }),
      (e: unknown) => e instanceof ValueError && /on axis x \(8 vs 16\)/.test(e.message),
    );
    await assert.rejects(
      pyramid.writeLabels(memorySource(labelVolume([6, 16, 16])), store, { name: "../up", workers: 0 }),
      (e: unknown) => e instanceof ValueError && /one path segment/.test(e.message),
    );
    assert.equal(await readJSON(store, "labels", ".zattrs"), undefined, "nothing written on refusal");
    await assert.rejects(
      pyramid.writeLabels(memorySource(labelVolume([6, 16, 16])), new MemoryStore(), {
        name: "a",
        workers: 0,
      }),
      (e: unknown) => e instanceof NotFoundError && /no OME-Zarr image/.test(e.message),
    );
  });
});
