/**
 * Writing and reading OME-Zarr 0.6: pyramid.write / `convert --ome-zarr-version 0.6` (with shards
 * and an extra coordinate system from `--transform FILE`), the builders' documents, and readers.
 * Proof by independent parties: every metadata document we write passes the official 0.6 JSON
 * schemas (Ajv 2020; the release set: rc0's files with the version "0.6", see
 * v06-conformance.test.ts) and our full-mode validator; zarrita.js reads the arrays with the values
 * we wrote.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import { phantom } from "../../src/demo/phantom.js";
import { LocalStore, MemoryStore, ome, open, pyramid, type Store } from "../../src/index.js";
import { cli, ensureBuilt } from "../helpers/cli.js";
import { zarritaRead } from "../helpers/zarrita.js";
import { CONFORMANCE, v3spec } from "./helpers.js";

const { transform: t } = ome.v06;

/** The release's schemas (rc0's files with "0.6rc0" → "0.6"). */
const release = (() => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const dir = join(CONFORMANCE, "ngff", "0.6rc0", "schemas");
  for (const f of [
    "_version",
    "axes",
    "bf2raw",
    "coordinate_systems",
    "coordinate_transformations",
    "image",
    "label",
    "ome",
    "ome_zarr",
    "plate",
    "scene",
    "strict_axes",
    "strict_coordinate_systems",
    "strict_image",
    "strict_label",
    "strict_ome_zarr",
    "strict_plate",
    "strict_well",
    "well",
  ]) {
    ajv.addSchema(JSON.parse(readFileSync(join(dir, `${f}.schema`), "utf8").replaceAll("0.6rc0", "0.6")));
  }
  return (name: string, doc: unknown): string[] => {
    const v = ajv.getSchema(`https://ngff.openmicroscopy.org/0.6/schemas/${name}.schema`);
    assert.ok(v, name);
    return v(doc) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
  };
})();

function passes(names: string[], doc: unknown, what: string): void {
  for (const name of [...names, "ome_zarr"]) {
    assert.deepEqual(release(name, doc), [], `${what} fails 0.6/${name}.schema: ${JSON.stringify(doc)}`);
  }
}

const decoder = new TextDecoder();
async function attributesAt(store: Store, path: string): Promise<Record<string, unknown>> {
  const bytes = await store.get(path === "" ? "zarr.json" : `${path}/zarr.json`);
  assert.ok(bytes, `no zarr.json at "${path}"`);
  return JSON.parse(decoder.decode(bytes)).attributes;
}

const mm = ["z", "y", "x"].map((name) => ({ name, type: "space", unit: "millimeter" }));
const toAtlas = t.affine(
  [
    [0.001, 0, 0, 10],
    [0, 0.001, 0, 20],
    [0, 0, 0.001, 30],
  ],
  { output: t.cs("atlas"), name: "to-atlas" },
);

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "zarrsmith-v06-"));
  dirs.push(d);
  return d;
};

describe("pyramid.write with omeZarrVersion 0.6", () => {
  test("sharded levels, scale/translation to the physical system, an affine to an atlas: official schemas, full validation, zarrita", async () => {
    const dir = tempDir();
    const root = join(dir, "img.ome.zarr");
    const store = new LocalStore(root);
    const source = phantom(40);
    const result = await pyramid.write(source, store, {
      omeZarrVersion: "0.6",
      levels: 3,
      chunks: [16, 16, 16],
      shards: [32, 32, 32],
      axes: ["z", "y", "x"],
      scale: [2, 0.5, 0.5],
      units: "micrometer",
      name: "phantom",
      coordinateSystems: [{ name: "atlas", axes: mm }],
      coordinateTransformations: [toAtlas],
      workers: 0,
    });
    const attrs = await attributesAt(store, "");
    passes(["image", "strict_image"], attrs, "pyramid.write image");
    const report = await ome.validate(store, "");
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.warnings, []);
    assert.equal(report.version, "0.6");
    const ms = (attrs.ome as { multiscales: Record<string, unknown>[] }).multiscales[0];
    assert.deepEqual(ome.v06.describeChain(ms), [
      "coordinate system physical: z (space, micrometer), y (space, micrometer), x (space, micrometer)",
      "coordinate system atlas: z (space, millimeter), y (space, millimeter), x (space, millimeter)",
      'level 0 (array "0") → physical: scale by [2, 0.5, 0.5]',
      `level 1 (array "1") → physical: scale by [${result.levels[1].scale.join(", ")}], then translate by [${result.levels[1].translation.join(", ")}]`,
      `level 2 (array "2") → physical: scale by [${result.levels[2].scale.join(", ")}], then translate by [${result.levels[2].translation.join(", ")}]`,
      'physical → atlas: affine (3×4 matrix) "to-atlas"',
    ]);
    // level 0 holds the source exactly, and zarrita (an independent reader, shards by range) agrees
    const got = await zarritaRead(root, "/0");
    assert.deepEqual(got.shape, source.shape);
    const expected = await source.read(source.shape.map((s) => [0, s] as [number, number]));
    assert.deepEqual(got.values, Array.from(expected.data as ArrayLike<number>));
    const level2 = await zarritaRead(root, "/2");
    const ours = await (await open.array(store, "2")).get(null);
    assert.deepEqual(level2.values, Array.from(ours.data as ArrayLike<number>));
    // the library reads it back as a 0.6 image
    const image = await ome.v06.Image.fromZarr(await open.group(store, ""));
    assert.deepEqual(image.paths, ["0", "1", "2"]);
  });

  test("label image in 0.6; extra systems need 0.6; shards need Zarr v3", async () => {
    const store = new MemoryStore();
    const labels = phantom(24);
    await pyramid.write(labels, store, { omeZarrVersion: "0.6", labels: true, levels: 2, workers: 0 });
    passes(["image", "label", "strict_image"], await attributesAt(store, ""), "label image");
    assert.deepEqual((await ome.validate(store, "")).errors, []);
    await assert.rejects(
      pyramid.write(labels, new MemoryStore(), {
        omeZarrVersion: "0.5",
        coordinateTransformations: [toAtlas],
      }),
      /need omeZarrVersion "0.6"/,
    );
    await assert.rejects(
      pyramid.write(labels, new MemoryStore(), { omeZarrVersion: "0.4", shards: [32, 32, 32] }),
      /Zarr v3/,
    );
    // a transformation that does not fit the image fails before any chunk is written
    const bad = new MemoryStore();
    await assert.rejects(
      pyramid.write(labels, bad, {
        omeZarrVersion: "0.6",
        coordinateSystems: [{ name: "atlas", axes: mm }],
        coordinateTransformations: [t.scale([1, 1], { output: t.cs("atlas") })],
      }),
      /coordinateTransformations\[0\]\.scale/,
    );
    assert.deepEqual(await bad.list?.(""), []);
  });
});

describe("0.6 builders pass the official 0.6 schemas", () => {
  test("Image, ImageLabel, Labels, Plate, Well, BioFormats2Raw (+ OME group), Scene", async () => {
    const store = new MemoryStore();
    const axes = [ome.Axis("y", "space", "micrometer"), ome.Axis("x", "space", "micrometer")];
    const image = ome.v06.Image.new({
      arraySpecs: [v3spec([64, 64]), v3spec([32, 32])],
      axes,
      scales: [
        [1, 1],
        [2, 2],
      ],
      translations: [null, [0.5, 0.5]],
      name: "img",
      multiscaleType: "mean",
      metadata: {},
      coordinateSystems: [{ name: "rotated", axes: axes.map((a) => ({ ...a })) }],
      coordinateTransformations: [
        t.rotation(
          [
            [0, -1],
            [1, 0],
          ],
          { output: t.cs("rotated") },
        ),
      ],
      omero: { channels: [{ color: "FFFFFF", window: { min: 0, max: 255, start: 0, end: 255 } }] },
    });
    passes(["image", "strict_image"], image.toJSON(), "Image");
    const label = ome.v06.ImageLabel.new({
      arraySpecs: [v3spec([64, 64], "uint8"), v3spec([32, 32], "uint8")],
      axes,
      scales: [
        [1, 1],
        [2, 2],
      ],
      name: "cells",
      multiscaleType: "mode",
      metadata: {},
      imageLabel: {
        colors: [{ "label-value": 1, rgba: [0, 255, 0, 128] }],
        properties: [{ "label-value": 1, area: 10 }],
        source: { image: "../../" },
      },
    });
    passes(["image", "label", "strict_label"], label.toJSON(), "ImageLabel");
    const labels = ome.v06.Labels.new({ images: { cells: label } });
    assert.deepEqual(labels.toJSON(), { ome: { version: "0.6", labels: ["cells"] } });
    const plate = ome.v06.Plate.new({
      rows: ["A", "B"],
      columns: ["1", "2"],
      wells: ["A/1", "B/2"],
      name: "plate",
      fieldCount: 1,
      acquisitions: [{ id: 0, name: "a", maximumfieldcount: 1 }],
    });
    passes(["plate", "strict_plate"], plate.toJSON(), "Plate");
    const well = ome.v06.Well.new({ images: [{ path: "0", acquisition: 0 }] });
    passes(["well", "strict_well"], well.toJSON(), "Well");
    const bf = ome.v06.BioFormats2Raw.new({ series: ["0"] });
    passes(["bf2raw"], bf.toJSON(), "BioFormats2Raw");
    passes(["ome"], bf.seriesAttributes, "OME group");
    const scene = ome.v06.Scene.new({
      coordinateSystems: [{ name: "world", axes }],
      coordinateTransformations: [
        t.translation([0, 100], { input: t.cs("physical", "a"), output: t.cs("world") }),
        t.bijection(
          t.affine([
            [1, 0, 5],
            [0, 1, 6],
          ]),
          t.affine([
            [1, 0, -5],
            [0, 1, -6],
          ]),
          {
            input: t.cs("physical", "b"),
            output: t.cs("world"),
          },
        ),
      ],
      members: { a: image, b: image },
    });
    passes(["scene"], scene.toJSON(), "Scene");
    await scene.toZarr(store, "");
    const report = await ome.validate(store, "");
    assert.deepEqual(report.errors, []);
  });
});

describe("zarrsmith convert / info / slice with OME-Zarr 0.6", () => {
  ensureBuilt();
  test("convert --ome-zarr-version 0.6 --transform FILE; info prints the systems and the chain; reading it back", () => {
    const dir = tempDir();
    const file = join(dir, "atlas.json");
    writeFileSync(
      file,
      JSON.stringify({
        coordinateSystems: [{ name: "atlas", axes: mm }],
        coordinateTransformations: [toAtlas],
      }),
    );
    const out = join(dir, "heart.ome.zarr");
    const heart = join(CONFORMANCE, "..", "data", "hoa_heart.zarr");
    const r = cli([
      "convert",
      heart,
      out,
      "--ome-zarr-version",
      "0.6",
      "--transform",
      file,
      "--shards",
      "128,128,128",
      "--levels",
      "2",
      "--units",
      "um",
      "--scale",
      "20,20,20",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /OME-Zarr 0\.6 image/);
    assert.match(r.stdout, /valid {4}yes/);
    const attrs = JSON.parse(readFileSync(join(out, "zarr.json"), "utf8")).attributes;
    passes(["image", "strict_image"], attrs, "convert output");
    const info = cli(["info", out]);
    assert.equal(info.code, 0, info.stderr);
    for (const line of [
      "coordinate system physical: z (space, micrometer), y (space, micrometer), x (space, micrometer)",
      "coordinate system atlas: z (space, millimeter), y (space, millimeter), x (space, millimeter)",
      'level 0 (array "0") → physical: scale by [20, 20, 20]',
      'physical → atlas: affine (3×4 matrix) "to-atlas"',
    ])
      assert.ok(info.stdout.includes(line), `${line}\n${info.stdout}`);
    // convert from the 0.6 image: the input's scale and units are read from the coordinate system
    const back = join(dir, "back.ome.zarr");
    const c = cli(["--json", "convert", out, back, "--ome-zarr-version", "0.5"]);
    assert.equal(c.code, 0, c.stderr);
    const summary = JSON.parse(c.stdout);
    assert.deepEqual(summary.levels[0].scale, [20, 20, 20]);
    assert.deepEqual(summary.units, ["micrometer", "micrometer", "micrometer"]);
    const s = cli(["slice", out, "-o", join(dir, "plane.png"), "--level", "1"]);
    assert.equal(s.code, 0, s.stderr);
  });

  test("bad --transform files and flags: clear errors, nothing written", () => {
    const dir = tempDir();
    const heart = join(CONFORMANCE, "..", "data", "hoa_heart.zarr");
    const bad = join(dir, "bad.json");
    writeFileSync(
      bad,
      JSON.stringify({
        coordinateTransformations: [
          {
            type: "rotation",
            rotation: [
              [1, 2],
              [3, 4],
            ],
          },
        ],
      }),
    );
    const out = join(dir, "x.ome.zarr");
    const r1 = cli(["convert", heart, out, "--ome-zarr-version", "0.6", "--transform", bad]);
    assert.notEqual(r1.code, 0);
    assert.match(r1.stderr, /coordinateTransformations\[0\]/);
    const r2 = cli(["convert", heart, out, "--transform", bad]);
    assert.notEqual(r2.code, 0);
    assert.match(r2.stderr, /--transform needs --ome-zarr-version 0\.6/);
    writeFileSync(bad, "{ not json");
    const r3 = cli(["convert", heart, out, "--ome-zarr-version", "0.6", "--transform", bad]);
    assert.match(r3.stderr, /not valid JSON/);
    // a rotation that does not fit the 3D image is found when the metadata is built, before writing
    writeFileSync(
      bad,
      JSON.stringify({
        coordinateSystems: [{ name: "r", axes: mm }],
        coordinateTransformations: [
          t.rotation(
            [
              [0, -1],
              [1, 0],
            ],
            { output: t.cs("r") },
          ),
        ],
      }),
    );
    const r4 = cli(["convert", heart, out, "--ome-zarr-version", "0.6", "--transform", bad]);
    assert.notEqual(r4.code, 0);
    assert.match(r4.stderr, /rotation/);
    assert.throws(() => readFileSync(join(out, "zarr.json")));
  });
});
