/**
 * The textbook examples (examples/textbook-*.ts) run and show what the chapter shows: the slices the
 * chapter plots are PNG files whose printed paths exist and decode to the plotted plane (an unfilled
 * array is one flat colour, the filled one is not), and the printed summaries are there (array and
 * group summaries, datasets[0], the downsampled specs, validation), in the chapter's x, y, z order.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { decode } from "fast-png";
import { ensureBuilt } from "../helpers/cli.js";
import { tempDir } from "../helpers/python.js";
import { HEART, heart, needs } from "../helpers/requirements.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
const { dir, cleanup } = tempDir("zarrsmith-examples-");
after(cleanup);
before(ensureBuilt);

/** Runs an example; returns its stdout and the PNG paths it printed ("... -> /path/x.png"). */
function runExample(name: string): { stdout: string; pngs: Map<string, string> } {
  const out = join(dir, name);
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "examples", `${name}.ts`)], {
    cwd: ROOT,
    env: { ...process.env, ZARRSMITH_HEART: HEART, ZARRSMITH_EXAMPLES_OUT: out },
    encoding: "utf8",
    timeout: 240_000,
  });
  assert.equal(r.status, 0, `${name} exited ${r.status}:\n${r.stderr}`);
  const pngs = new Map<string, string>();
  for (const m of r.stdout.matchAll(/-> (\S+\.png)$/gm)) pngs.set(m[1].split("/").pop() ?? "", m[1]);
  for (const path of pngs.values()) assert.ok(path.startsWith(out), `${path} is in the output folder`);
  return { stdout: r.stdout, pngs };
}

function png(path: string | undefined) {
  assert.ok(path, "the PNG's path is printed");
  const image = decode(readFileSync(path));
  const values = new Set(image.data);
  return { width: image.width, height: image.height, flat: values.size === 1 };
}

describe("textbook examples", { skip: needs(heart()) }, () => {
  test("1, arrays: the plotted slices, the array summary, fill value, directory contents", () => {
    const { stdout, pngs } = runExample("textbook-1-arrays");
    assert.deepEqual([...pngs.keys()], ["1-heart-z70.png", "2-empty-z70.png", "3-filled-z70.png"]);
    const heartPng = png(pngs.get("1-heart-z70.png"));
    assert.deepEqual([heartPng.width, heartPng.height, heartPng.flat], [120, 120, false]);
    assert.equal(png(pngs.get("2-empty-z70.png")).flat, true, "an unfilled array plots as one value");
    assert.equal(png(pngs.get("3-filled-z70.png")).flat, false);
    assert.match(
      stdout,
      /<ZarrArray '\/' \(120, 120, 139\) uint8> Zarr v2, chunks \(32, 32, 32\), fill value 0/,
    );
    assert.match(stdout, /fill value: 0/);
    assert.match(stdout, /directory contents after creating array: \[\.zarray, \.zattrs\]/);
    assert.match(stdout, /directory contents after adding data: \[\.zarray, \.zattrs, 0, 1, 2, 3\]/);
  });

  test("2, OME-Zarr: image and group summaries, datasets[0], the downsampled specs, level 2 plotted", () => {
    const { stdout, pngs } = runExample("textbook-2-ome-zarr");
    assert.match(stdout, /"name": "x",\s+"type": "space",\s+"unit": "micrometer"/);
    assert.match(stdout, /"scale": \[19\.89, 19\.89, 19\.89\]/);
    assert.match(
      stdout,
      /print\(ome_group\):\n<Group '\/'> Zarr v2, 1 members\n {2}<ZarrArray '\/level0' \(120, 120, 139\) uint8>/,
    );
    assert.match(stdout, /before filling, level0_array\[:, :, 0\] starts: 0 0 0/);
    assert.match(stdout, /datasets\[0\]: \{\n\s+"path": "level0"/);
    const specs = [...stdout.matchAll(/^ {2}\{"zarr_format":2,"shape":\[([\d,]+)\]/gm)].map((m) => m[1]);
    assert.deepEqual(specs, ["120,120,139", "60,60,70", "30,30,35"]);
    assert.match(stdout, /<Group '\/'> Zarr v2, 3 members/);
    assert.match(stdout, /<ZarrArray '\/level2' \(30, 30, 35\) uint8>/);
    const level2 = png(pngs.get("4-level2-z17.png"));
    assert.deepEqual([level2.width, level2.height, level2.flat], [240, 240, false]);
    assert.match(stdout, /valid true, OME-Zarr 0\.4 image, 0 errors/);
  });

  test("3, pyramid.write: zarrsmith's defaults and the chapter's form (level0.., zero translations)", () => {
    const { stdout, pngs } = runExample("textbook-3-pyramid");
    assert.match(
      stdout,
      /zarrsmith's defaults: wrote .*\n\s+0: shape \[120,120,139\].*\n\s+1: shape \[60,60,70\].*translation \[9\.945,9\.945,9\.945\]/,
    );
    assert.match(
      stdout,
      /the chapter's form: wrote .*\n\s+level0: .*translation \[0,0,0\]\n\s+level1: shape \[60,60,70\].*translation \[0,0,0\]\n\s+level2: shape \[30,30,35\].*translation \[0,0,0\]/,
    );
    assert.equal((stdout.match(/valid: true/g) ?? []).length, 2);
    for (const name of ["default-level2-z17.png", "textbook-level2-z17.png"]) {
      const p = png(pngs.get(name));
      assert.deepEqual([p.width, p.height, p.flat], [240, 240, false], name);
    }
  });
});
