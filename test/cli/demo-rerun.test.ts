/**
 * `zarrsmith demo` is re-runnable: a second run replaces the output of the first (recognised by its
 * metadata), but never a folder that is not a demo output or that holds anything besides the image.
 */
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { cli, ensureBuilt } from "../helpers/cli.js";
import { tempDir } from "../helpers/python.js";

const { dir, cleanup } = tempDir("zarrsmith-demo-rerun-");
after(cleanup);
before(ensureBuilt);

const demo = (out: string, ...extra: string[]) =>
  cli(["demo", out, "--size", "16", "--workers", "0", ...extra], dir);
const level0Shape = (out: string) => JSON.parse(readFileSync(join(out, "0", ".zarray"), "utf8")).shape;

describe("zarrsmith demo, run again", () => {
  test("replaces its own earlier output (0.4 and 0.5), saying so", () => {
    for (const version of ["0.4", "0.5"]) {
      const out = join(dir, `again-${version}.ome.zarr`);
      assert.equal(demo(out, "--ome-zarr-version", version).code, 0);
      const second = demo(out, "--ome-zarr-version", version, "--size", "24");
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stderr, /replacing the earlier demo output/);
      const meta = version === "0.4" ? ".zarray" : "zarr.json";
      assert.deepEqual(JSON.parse(readFileSync(join(out, "0", meta), "utf8")).shape, [24, 24, 24]);
      assert.equal(cli(["validate", out]).code, 0);
    }
  });

  test("the default output of `npm run demo` (no arguments) replaces itself too", () => {
    const cwd = join(dir, "default");
    mkdirSync(cwd);
    const run = () => cli(["demo", "--size", "16", "--workers", "0"], cwd);
    assert.equal(run().code, 0);
    const second = run();
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(readdirSync(cwd).sort(), ["zarrsmith-demo-slice.png", "zarrsmith-demo.ome.zarr"]);
  });

  test("a folder that is not a demo output is refused and left as it was", () => {
    const foreign = join(dir, "foreign.ome.zarr");
    mkdirSync(foreign);
    writeFileSync(join(foreign, "notes.txt"), "mine");
    const r = demo(foreign);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /already exists; pass --overwrite/);
    assert.deepEqual(readdirSync(foreign), ["notes.txt"]);
  });

  test("another zarrsmith image (not named phantom) is refused", () => {
    const other = join(dir, "other.ome.zarr");
    assert.equal(demo(other).code, 0);
    const attrs = join(other, ".zattrs");
    const doc = JSON.parse(readFileSync(attrs, "utf8"));
    doc.multiscales[0].name = "my-scan";
    writeFileSync(attrs, JSON.stringify(doc));
    const r = demo(other, "--size", "24");
    assert.equal(r.code, 2, r.stderr);
    assert.deepEqual(level0Shape(other), [16, 16, 16]);
  });

  test("a demo output with a file of the user's added is refused and kept", () => {
    const added = join(dir, "added.ome.zarr");
    assert.equal(demo(added).code, 0);
    writeFileSync(join(added, "my-notes.txt"), "keep me");
    const r = demo(added, "--size", "24");
    assert.equal(r.code, 2, r.stderr);
    assert.equal(readFileSync(join(added, "my-notes.txt"), "utf8"), "keep me");
    assert.deepEqual(level0Shape(added), [16, 16, 16]);
  });
});
