import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { WorkerPool } from "../../src/concurrency/pool.js";
import { validate } from "../../src/ome/validate/hierarchy.js";
import { write } from "../../src/pyramid/writer.js";
import { LocalStore } from "../../src/store/local.js";
import { pythonJSON, tempDir } from "../helpers/python.js";
import { needs, pythonModules } from "../helpers/requirements.js";
import { zarritaRead } from "../helpers/zarrita.js";
import { randomArray } from "./helpers.js";
import { memorySource, referencePyramid, values } from "./pyramid-helpers.js";

const pool = new WorkerPool(2);
after(() => pool.close());

describe("pyramid.write: other readers see the reference pyramid", () => {
  it("OME-Zarr 0.4 (Zarr v2): zarr-python opens every level with the reference's shape and values", {
    skip: needs(pythonModules("zarr")),
  }, async () => {
    const { dir, cleanup } = tempDir();
    try {
      const a = randomArray([13, 22, 27], "uint16", 31);
      const root = join(dir, "image.ome.zarr");
      const result = await write(memorySource(a), new LocalStore(root), {
        axes: ["z", "y", "x"],
        chunks: [8, 8, 8],
        levels: 3,
        downsampleAxes: "auto",
        method: "gaussian",
        scale: [1.5, 1.5, 1.5],
        units: "micrometer",
        memoryTarget: 32 * 1024,
        workers: pool,
      });
      const report = await validate(new LocalStore(root));
      assert.ok(report.valid, JSON.stringify(report.errors));
      assert.equal(report.version, "0.4");
      const py = pythonJSON<Array<{ shape: number[]; dtype: string; values: number[] }>>(
        `import sys, json, zarr
g = zarr.open_group(sys.argv[1], mode="r")
paths = [d["path"] for d in g.attrs["multiscales"][0]["datasets"]]
print(json.dumps([{"shape": list(g[p].shape), "dtype": str(g[p].dtype), "values": g[p][...].ravel().tolist()} for p in paths]))`,
        [root],
      );
      const ref = referencePyramid(
        a,
        [
          [2, 2, 2],
          [2, 2, 2],
        ],
        "gaussian",
      );
      assert.equal(py.length, result.levels.length);
      py.forEach((level, k) => {
        assert.deepEqual(level.shape, ref[k].shape, `level ${k} shape`);
        assert.equal(level.dtype, "uint16");
        assert.ok(
          level.values.every((v, i) => v === values(ref[k])[i]),
          `level ${k} values differ`,
        );
      });
    } finally {
      cleanup();
    }
  });

  it("OME-Zarr 0.5 (Zarr v3, sharded): zarrita.js reads every level with the reference's values", async () => {
    const { dir, cleanup } = tempDir();
    try {
      const a = randomArray([2, 17, 26, 30], "int16", 32);
      const root = join(dir, "image.ome.zarr");
      const result = await write(memorySource(a), new LocalStore(root), {
        axes: ["c", "z", "y", "x"],
        chunks: [1, 4, 8, 8],
        shards: [1, 8, 16, 16],
        levels: 3,
        downsampleAxes: "auto",
        method: "mean",
        omeZarrVersion: "0.5",
        // small blocks, yet one level-1 block (1x16x26x30 int16 of level 0, 25 KB) fits ~6 times
        memoryTarget: 160 * 1024,
        workers: pool,
      });
      const report = await validate(new LocalStore(root));
      assert.ok(report.valid, JSON.stringify(report.errors));
      assert.equal(report.version, "0.5");
      const ref = referencePyramid(
        a,
        [
          [1, 2, 2, 2],
          [1, 2, 2, 2],
        ],
        "mean",
      );
      for (let k = 0; k < result.levels.length; k++) {
        const got = await zarritaRead(root, result.levels[k].path);
        assert.deepEqual(got.shape, ref[k].shape, `level ${k} shape`);
        assert.deepEqual(got.values, values(ref[k]), `level ${k} values`);
      }
    } finally {
      cleanup();
    }
  });
});
