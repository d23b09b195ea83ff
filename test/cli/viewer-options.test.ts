/**
 * convert's viewer-facing options, through the real binary: --downsample-axes, --add-labels (a label
 * image under an existing image's labels/ group), and the note that a t axis has no unit.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { encodeNpy } from "../../src/index.js";
import { ndarray } from "../../src/ndarray.js";
import { cli, cliJSON, ensureBuilt } from "../helpers/cli.js";

let dir: string;
before(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "zarrsmith-viewer-options-"));
  const image = new Uint16Array(8 * 32 * 32).map((_, i) => i % 900);
  writeFileSync(join(dir, "image.npy"), encodeNpy(ndarray(image, [8, 32, 32], "uint16")));
  const seg = new Uint8Array(8 * 32 * 32).map((_, i) => (i % 32 < 16 ? 1 : 2));
  writeFileSync(join(dir, "seg.npy"), encodeNpy(ndarray(seg, [8, 32, 32], "uint8")));
  const bad = new Uint8Array(8 * 32 * 16);
  writeFileSync(join(dir, "bad.npy"), encodeNpy(ndarray(bad, [8, 32, 16], "uint8")));
  const movie = new Uint8Array(2 * 4 * 16 * 16);
  writeFileSync(join(dir, "movie.npy"), encodeNpy(ndarray(movie, [2, 4, 16, 16], "uint8")));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const attrs = (path: string) => JSON.parse(readFileSync(join(path, ".zattrs"), "utf8"));

test("--downsample-axes: xy (default) keeps z, xyz halves it", () => {
  type R = { levels: { shape: number[] }[] };
  const xy = cliJSON<R>(["convert", join(dir, "image.npy"), join(dir, "xy.ome.zarr"), "--chunks", "8,8,8"]);
  assert.deepEqual(
    xy.levels.map((l) => l.shape[0]),
    [8, 8, 8],
  );
  const xyz = cliJSON<R>([
    "convert",
    join(dir, "image.npy"),
    join(dir, "xyz.ome.zarr"),
    "--chunks",
    "8,8,8",
    "--downsample-axes",
    "xyz",
  ]);
  assert.deepEqual(
    xyz.levels.map((l) => l.shape),
    [
      [8, 32, 32],
      [4, 16, 16],
      [2, 8, 8],
    ],
  );
  const bad = cli(["convert", join(dir, "image.npy"), join(dir, "no.ome.zarr"), "--downsample-axes", "z"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--downsample-axes/);
});

test("--add-labels NAME writes a label image under the image's labels/ group", () => {
  const out = join(dir, "img.ome.zarr");
  cliJSON([
    "convert",
    join(dir, "image.npy"),
    out,
    "--chunks",
    "8,8,8",
    "--scale",
    "2,0.5,0.5",
    "--units",
    "um",
  ]);
  const r = cliJSON<{ labels: string; labelValues: number; valid: boolean; levels: { shape: number[] }[] }>([
    "convert",
    join(dir, "seg.npy"),
    out,
    "--add-labels",
    "cells",
  ]);
  assert.equal(r.labels, "labels/cells");
  assert.equal(r.valid, true);
  assert.equal(r.labelValues, 2);
  assert.deepEqual(attrs(join(out, "labels")).labels, ["cells"]);
  const label = attrs(join(out, "labels", "cells"));
  assert.deepEqual(label["image-label"].source, { image: "../../" });
  assert.deepEqual(
    label.multiscales[0].datasets.map(
      (d: { coordinateTransformations: { scale: number[] }[] }) => d.coordinateTransformations[0].scale,
    ),
    attrs(out).multiscales[0].datasets.map(
      (d: { coordinateTransformations: { scale: number[] }[] }) => d.coordinateTransformations[0].scale,
    ),
  );
  // a label image of the wrong shape is refused, naming the axis, and the image is untouched
  const before = readFileSync(join(out, "labels", ".zattrs"), "utf8");
  const bad = cli(["convert", join(dir, "bad.npy"), out, "--add-labels", "bad"]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /axis x \(16 vs 32\)/);
  assert.equal(readFileSync(join(out, "labels", ".zattrs"), "utf8"), before);
  const none = cli(["convert", join(dir, "seg.npy"), join(dir, "missing.ome.zarr"), "--add-labels", "x"]);
  assert.notEqual(none.code, 0);
  assert.match(none.stderr, /not an existing OME-Zarr image/);
});

test("a t axis without a unit from the input gets none, and the summary says so", () => {
  const out = join(dir, "movie.ome.zarr");
  const r = cli(["convert", join(dir, "movie.npy"), out, "--axes", "tzyx"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /note +t has no unit/);
  const t = attrs(out).multiscales[0].axes[0];
  assert.deepEqual(t, { name: "t", type: "time" });
});
