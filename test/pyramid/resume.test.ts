import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { WorkerPool } from "../../src/concurrency/pool.js";
import { ExistsError } from "../../src/errors.js";
import type { DownsampleMethod } from "../../src/pyramid/downsample/index.js";
import { type PyramidOptions, write } from "../../src/pyramid/writer.js";
import { LocalStore } from "../../src/store/local.js";
import { tempDir } from "../helpers/python.js";
import { randomArray } from "./helpers.js";
import {
  assertSameValues,
  filesUnder,
  memorySource,
  readLevels,
  referencePyramid,
} from "./pyramid-helpers.js";

const pool = new WorkerPool(2);
after(() => pool.close());

describe("pyramid.write: resuming an interrupted run", () => {
  // mean uses the tree (finished nodes are read back for their parents); gaussian uses stages
  // (later stages read the stored levels back); the small target gives both many nodes.
  for (const [method, version] of [
    ["mean", "0.4"],
    ["gaussian", "0.5"],
    ["mode", "0.5"],
  ] as Array<[DownsampleMethod, "0.4" | "0.5"]>) {
    it(`${method}, OME-Zarr ${version}: the re-run completes with byte-identical files`, async () => {
      const { dir, cleanup } = tempDir();
      try {
        const a = randomArray([21, 35, 42], "uint16", 17, method === "mode" ? 6 : undefined);
        const options: PyramidOptions = {
          axes: ["z", "y", "x"],
          chunks: [8, 8, 8],
          levels: 4,
          downsampleAxes: "auto",
          method,
          omeZarrVersion: version,
          memoryTarget: 48 * 1024,
          workers: pool,
          name: "resume",
        };
        const whole = await write(memorySource(a), new LocalStore(join(dir, "whole")), options);
        assert.equal(whole.resumedNodes, 0);

        const broken = memorySource(a, 9);
        await assert.rejects(write(broken, new LocalStore(join(dir, "resumed")), options), /simulated/);
        // unfinished: no OME metadata yet, a progress file instead
        assert.ok(existsSync(join(dir, "resumed", "zarrsmith-progress.json")));
        const attrs = filesUnder(join(dir, "resumed")).get(version === "0.4" ? ".zattrs" : "zarr.json");
        assert.ok(!/multiscales/.test(String(attrs ?? "")), "no multiscales metadata before the end");

        // different settings on the unfinished output: refused, unless overwrite
        await assert.rejects(
          write(memorySource(a), new LocalStore(join(dir, "resumed")), { ...options, chunks: [16, 16, 16] }),
          (e) => e instanceof ExistsError && /unfinished/.test(e.message),
        );

        const again = memorySource(a);
        const resumed = await write(again, new LocalStore(join(dir, "resumed")), options);
        assert.ok(resumed.resumedNodes > 0, `resumedNodes ${resumed.resumedNodes}`);
        assert.ok(again.reads < whole.chunksWritten, "finished regions are not read from the source again");

        const expected = filesUnder(join(dir, "whole"));
        const got = filesUnder(join(dir, "resumed"));
        assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort());
        for (const [name, bytes] of expected) assert.ok(bytes.equals(got.get(name)!), `${name} differs`);
        assert.ok(!got.has("zarrsmith-progress.json"));

        // and the values are the reference pyramid's
        const levels = await readLevels(new LocalStore(join(dir, "resumed")), resumed);
        const f = [2, 2, 2];
        const ref = referencePyramid(a, [f, f, f], method);
        for (let k = 0; k < levels.length; k++) assertSameValues(levels[k], ref[k], `level ${k}`);
      } finally {
        cleanup();
      }
    });
  }

  it("overwrite replaces an unfinished output written with other settings", async () => {
    const { dir, cleanup } = tempDir();
    try {
      const a = randomArray([12, 12, 12], "uint8", 2);
      const store = new LocalStore(join(dir, "out"));
      await assert.rejects(write(memorySource(a, 2), store, { chunks: [4, 4, 4], levels: 2, workers: 0 }));
      const r = await write(memorySource(a), store, {
        chunks: [6, 6, 6],
        levels: 3,
        downsampleAxes: "auto",
        workers: 0,
        overwrite: true,
      });
      assert.equal(r.resumedNodes, 0);
      const levels = await readLevels(store, r);
      assertSameValues(
        levels[2],
        referencePyramid(
          a,
          [
            [2, 2, 2],
            [2, 2, 2],
          ],
          "mean",
        )[2],
        "level 2",
      );
    } finally {
      cleanup();
    }
  });
});
