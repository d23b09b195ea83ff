/**
 * The textbook chapter's form of a pyramid, as options: `translations: "zero"` (every level at the
 * level-0 translation, written explicitly, instead of zarrsmith's half-voxel voxel-centre shifts) and
 * `paths: ["level0", ...]` (instead of "0", "1", ...). The data is the same pyramid (checked against
 * the whole-array reference), the metadata is the chapter's, and the image validates. The same
 * through `zarrsmith convert --translations zero --paths ...`.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { WorkerPool } from "../../src/concurrency/pool.js";
import { ValueError } from "../../src/errors.js";
import { LocalStore, MemoryStore, ome, open, v2 } from "../../src/index.js";
import { type PyramidOptions, write } from "../../src/pyramid/writer.js";
import { cli, ensureBuilt } from "../helpers/cli.js";
import { tempDir } from "../helpers/python.js";
import { randomArray } from "./helpers.js";
import {
  assertSameValues,
  memorySource,
  multiscale,
  readLevels,
  referencePyramid,
} from "./pyramid-helpers.js";

const pool = new WorkerPool(2);
after(() => pool.close());

type Datasets = Array<{ path: string; coordinateTransformations: Array<Record<string, unknown>> }>;

const a = randomArray([10, 13, 17], "uint16", 5);
const base: PyramidOptions = {
  downsampleAxes: "xyz", // the chapter halves every axis
  axes: ["x", "y", "z"],
  chunks: [4, 4, 4],
  levels: 3,
  scale: [19.89, 19.89, 19.89],
  units: "micrometer",
  workers: pool,
};

describe("pyramid.write in the textbook's form", () => {
  for (const version of ["0.4", "0.5"] as const) {
    test(`OME-Zarr ${version}: translations "zero" and paths level0..2: metadata, data, validation`, async () => {
      const store = new MemoryStore();
      const result = await write(memorySource(a), store, {
        ...base,
        omeZarrVersion: version,
        translations: "zero",
        paths: ["level0", "level1", "level2"],
      });
      assert.deepEqual(
        result.levels.map((l) => [l.path, l.translation]),
        [
          ["level0", [0, 0, 0]],
          ["level1", [0, 0, 0]],
          ["level2", [0, 0, 0]],
        ],
      );
      const datasets = (await multiscale(store)).datasets as Datasets;
      assert.deepEqual(
        datasets.map((d) => [d.path, d.coordinateTransformations]),
        [0, 1, 2].map((k) => [
          `level${k}`,
          [
            { type: "scale", scale: [19.89, 19.89, 19.89].map((s) => s * 2 ** k) },
            { type: "translation", translation: [0, 0, 0] },
          ],
        ]),
      );
      // the arrays live at the given paths, not at 0, 1, 2
      assert.equal(await store.get(version === "0.4" ? "0/.zarray" : "0/zarr.json"), undefined);
      const expected = referencePyramid(
        a,
        [
          [2, 2, 2],
          [2, 2, 2],
        ],
        "mean",
      );
      const got = await readLevels(store, result);
      for (const [k, e] of expected.entries()) assertSameValues(got[k], e, `level${k}`);
      const report = await ome.validate(store);
      assert.equal(report.valid, true, JSON.stringify(report.errors));
    });
  }

  test('translations "zero" keeps a given level-0 translation on every level; the default shifts it', async () => {
    const zero = await write(memorySource(a), new MemoryStore(), {
      ...base,
      translation: [5, 6, 7],
      translations: "zero",
    });
    assert.deepEqual(
      zero.levels.map((l) => l.translation),
      [
        [5, 6, 7],
        [5, 6, 7],
        [5, 6, 7],
      ],
    );
    const centred = await write(memorySource(a), new MemoryStore(), { ...base, translation: [5, 6, 7] });
    assert.deepEqual(centred.levels[1].translation, [5 + 19.89 / 2, 6 + 19.89 / 2, 7 + 19.89 / 2]);
  });

  test("bad paths and translations are refused before anything is written", async () => {
    const cases: Array<[PyramidOptions, RegExp]> = [
      [{ paths: ["a", "b"] }, /paths must name each of the 3 levels, got 2/],
      [{ paths: ["a", "b", "a"] }, /paths\[2\] "a" is used twice/],
      [{ paths: ["a", "b/c", "d"] }, /paths\[1\] must be one path segment/],
      [{ paths: ["a", "..", "d"] }, /paths\[1\] must be one path segment/],
      [{ paths: ["a", ".zattrs", "d"] }, /paths\[1\] must be one path segment/],
      [{ translations: "half" as "zero" }, /translations must be "centred" or "zero", got "half"/],
    ];
    for (const [extra, message] of cases) {
      const store = new MemoryStore();
      await assert.rejects(write(memorySource(a), store, { ...base, ...extra }), (e: unknown) => {
        return e instanceof ValueError && message.test(e.message);
      });
      assert.deepEqual(await store.list(), [], JSON.stringify(extra));
    }
  });
});

describe("zarrsmith convert --translations zero --paths", () => {
  const { dir, cleanup } = tempDir("zarrsmith-textbook-options-");
  after(cleanup);
  before(async () => {
    ensureBuilt();
    const arr = await v2.ArraySpec.fromArray(a, { chunks: [8, 8, 8] }).toZarr(
      new LocalStore(join(dir, "in.zarr")),
    );
    await arr.set(null, a);
  });

  test("writes the chapter's paths and zero translations, the same data, and validates", async () => {
    const out = join(dir, "textbook.ome.zarr");
    const r = cli(
      [
        "convert",
        "in.zarr",
        out,
        "--axes",
        "xyz",
        "--downsample-axes",
        "xyz",
        "--levels",
        "3",
        "--chunks",
        "4,4,4",
        "--translations",
        "zero",
        "--paths",
        "level0,level1,level2",
      ],
      dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const datasets = JSON.parse(readFileSync(join(out, ".zattrs"), "utf8")).multiscales[0]
      .datasets as Datasets;
    assert.deepEqual(
      datasets.map((d) => d.path),
      ["level0", "level1", "level2"],
    );
    for (const d of datasets)
      assert.deepEqual(d.coordinateTransformations[1], { type: "translation", translation: [0, 0, 0] });
    const expected = referencePyramid(
      a,
      [
        [2, 2, 2],
        [2, 2, 2],
      ],
      "mean",
    );
    for (let k = 0; k < 3; k++) {
      const level = await (await open.array(new LocalStore(out), `level${k}`)).get();
      assertSameValues(level, expected[k], `level${k}`);
    }
    assert.equal(cli(["validate", out]).code, 0);
  });

  test("a wrong --translations value or --paths count is a usage error (exit 2) naming the flag", () => {
    const r1 = cli(["convert", "in.zarr", join(dir, "x.ome.zarr"), "--translations", "half"], dir);
    assert.equal(r1.code, 2);
    assert.match(r1.stderr, /--translations must be centred or zero, got "half"/);
    const r2 = cli(["convert", "in.zarr", join(dir, "y.ome.zarr"), "--levels", "3", "--paths", "a,b"], dir);
    assert.equal(r2.code, 2, r2.stderr);
    assert.match(r2.stderr, /paths must name each of the 3 levels, got 2/);
  });
});
