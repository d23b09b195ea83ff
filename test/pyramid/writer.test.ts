import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, describe, it } from "node:test";
import { WorkerPool } from "../../src/concurrency/pool.js";
import type { DataType } from "../../src/dtype/index.js";
import { ExistsError, ValueError } from "../../src/errors.js";
import { open } from "../../src/hierarchy/open.js";
import type { NDArray } from "../../src/ndarray.js";
import type { DownsampleMethod } from "../../src/pyramid/downsample/index.js";
import { planPyramid } from "../../src/pyramid/plan.js";
import { type PyramidOptions, write } from "../../src/pyramid/writer.js";
import { LocalStore } from "../../src/store/local.js";
import { MemoryStore } from "../../src/store/memory.js";
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

/**
 * Writes `a` as a pyramid and checks every level against the whole-array reference, and the
 * metadata against the plan. Returns the store and result for further checks.
 */
async function checkPyramid(a: NDArray, options: Omit<PyramidOptions, "axes"> & { axes: string[] }) {
  const store = new MemoryStore();
  const method = options.method ?? (options.labels ? "mode" : "mean");
  // these tests pin the anisotropy-aware plan ("auto"); "xy"/"xyz" have their own tests
  const result = await write(memorySource(a), store, { workers: pool, downsampleAxes: "auto", ...options });
  const scale = options.scale ?? a.shape.map(() => 1);
  const plan = planPyramid({
    shape: a.shape,
    axes: options.axes.map((name) => ({ name })),
    scale,
    chunks: options.chunks ?? a.shape.map(() => 64),
    levels: options.levels,
    factors: options.factors,
    method,
    downsampleAxes: options.downsampleAxes ?? "auto",
  });
  const expected = referencePyramid(
    a,
    plan.levels.slice(1).map((l) => l.factors),
    method,
  );
  const got = await readLevels(store, result);
  assert.equal(got.length, expected.length, "number of levels");
  for (let k = 0; k < expected.length; k++) {
    assert.deepEqual(got[k].shape, expected[k].shape, `level ${k} shape`);
    assert.equal(got[k].dtype, a.dtype);
    assertSameValues(got[k], expected[k], `level ${k} (${method})`);
  }
  const ms = await multiscale(store, result.path);
  assert.equal(ms.type, method);
  const datasets = ms.datasets as Array<{
    path: string;
    coordinateTransformations: Array<Record<string, number[]>>;
  }>;
  plan.levels.forEach((l, k) => {
    assert.equal(datasets[k].path, String(k));
    const [s, t] = datasets[k].coordinateTransformations;
    assert.deepEqual(s.scale, l.scale, `level ${k} scale`);
    assert.deepEqual(t?.translation ?? l.shape.map(() => 0), l.translation, `level ${k} translation`);
    assert.deepEqual(result.levels[k].scale, l.scale);
    assert.deepEqual(result.levels[k].translation, l.translation);
  });
  return { store, result, expected, plan };
}

const METHODS: DownsampleMethod[] = ["mean", "gaussian", "nearest", "mode", "min", "max"];

describe("pyramid.write: every method equals whole-array downsampling, level by level", () => {
  // 8^3 chunks over odd shapes: dozens of blocks with partial edges on every axis. The tiny target
  // makes every chunk its own leaf (gaussian: a stage per level, read back from the store); the
  // larger one puts leaves a few levels up (gaussian: several levels per stage, with halos).
  for (const memoryTarget of [16 * 1024, 1024 * 1024]) {
    for (const method of METHODS) {
      it(`${method}, uint16 [19, 37, 45], chunks 8, memoryTarget ${memoryTarget / 1024} KiB`, async () => {
        const a = randomArray([19, 37, 45], "uint16", 11, method === "mode" ? 4 : undefined);
        const { result } = await checkPyramid(a, {
          axes: ["z", "y", "x"],
          chunks: [8, 8, 8],
          levels: 4,
          method,
          memoryTarget,
          scale: [2, 0.5, 0.5],
        });
        assert.deepEqual(
          result.levels.map((l) => l.shape),
          [
            [19, 37, 45],
            [19, 19, 23],
            [19, 10, 12],
            [10, 5, 6],
          ],
        );
      });
    }
  }

  for (const [dtype, method] of [
    ["float32", "gaussian"],
    ["float64", "mean"],
    ["int8", "mean"],
    ["int16", "gaussian"],
    ["uint8", "max"],
  ] as Array<[DataType, DownsampleMethod]>) {
    it(`${method} on ${dtype}, [23, 17, 31], chunks [4, 8, 8], auto levels`, async () => {
      const a = randomArray([23, 17, 31], dtype, 5);
      const { result } = await checkPyramid(a, {
        axes: ["z", "y", "x"],
        chunks: [4, 8, 8],
        method,
        memoryTarget: 64 * 1024,
      });
      // auto: until every space axis fits one chunk
      const top = result.levels[result.levels.length - 1].shape;
      assert.ok(top[0] <= 4 && top[1] <= 8 && top[2] <= 8, `top level [${top}]`);
      if (dtype.startsWith("float")) assert.ok(result.window && result.window.min < result.window.max);
    });
  }

  it("gaussian with odd explicit factors (3 and 5) across blocks, inline (no workers)", async () => {
    const a = randomArray([29, 41, 33], "uint16", 9);
    await checkPyramid(a, {
      axes: ["z", "y", "x"],
      chunks: [4, 6, 5],
      factors: [
        [1, 3, 2],
        [3, 2, 5],
      ],
      method: "gaussian",
      memoryTarget: 32 * 1024,
      workers: 0,
    });
  });
});

describe("pyramid.write: labels", () => {
  it("label pyramids contain only source labels at every level (mode by default)", async () => {
    const labels = [0, 7, 13, 42, 1000];
    const a = randomArray([21, 27, 19], "uint32", 3, labels.length);
    const d = a.data as Uint32Array;
    for (let i = 0; i < d.length; i++) d[i] = labels[d[i]];
    const { store, expected } = await checkPyramid(a, {
      axes: ["z", "y", "x"],
      chunks: [8, 8, 8],
      levels: 4,
      labels: true,
      memoryTarget: 32 * 1024,
    });
    const got = await readLevels(store, {
      path: "",
      levels: expected.map((_, i) => ({ path: String(i) })),
    } as never);
    for (const level of got) for (const v of level.data as Uint32Array) assert.ok(labels.includes(v), `${v}`);
    const attrs = (await (await import("../../src/hierarchy/open.js")).open.group(store)).attrs;
    assert.ok("image-label" in attrs, "image-label metadata");
    assert.ok(!("omero" in attrs), "no omero window on labels");
  });

  it("rejects float labels and interpolating methods, before writing anything", async () => {
    const store = new MemoryStore();
    const f = memorySource(randomArray([8, 8, 8], "float32", 1));
    await assert.rejects(
      write(f, store, { labels: true }),
      (e) => e instanceof ValueError && /integers/.test(e.message),
    );
    const u = memorySource(randomArray([8, 8, 8], "uint8", 1, 3));
    await assert.rejects(
      write(u, store, { labels: true, method: "mean" }),
      (e) => e instanceof ValueError && /labels/.test(e.message),
    );
    assert.equal(store.size, 0);
  });
});

describe("pyramid.write: axes and factors", () => {
  it("anisotropic z (scale [3, 1, 1]) is kept until the voxels are near isotropic", async () => {
    const a = randomArray([12, 40, 40], "uint16", 21);
    const { result } = await checkPyramid(a, {
      axes: ["z", "y", "x"],
      scale: [3, 1, 1],
      chunks: [4, 8, 8],
      levels: 4,
      memoryTarget: 32 * 1024,
    });
    assert.deepEqual(
      result.levels.map((l) => l.shape),
      [
        [12, 40, 40],
        [12, 20, 20],
        [12, 10, 10],
        [6, 5, 5],
      ],
    );
    assert.deepEqual(
      result.levels.map((l) => l.scale),
      [
        [3, 1, 1],
        [3, 2, 2],
        [3, 4, 4],
        [6, 8, 8],
      ],
    );
  });

  it("2-D (y, x) with nearest: the first voxel of each block, no translation", async () => {
    const a = randomArray([53, 47], "uint16", 4);
    const { result } = await checkPyramid(a, {
      axes: ["y", "x"],
      chunks: [8, 8],
      levels: 3,
      method: "nearest",
      memoryTarget: 8 * 1024,
    });
    assert.deepEqual(result.levels[2].translation, [0, 0]);
    assert.deepEqual(result.levels[2].shape, [14, 12]);
  });

  it("4-D (c, z, y, x) with gaussian: channels are never downsampled or blurred together", async () => {
    const a = randomArray([3, 11, 18, 21], "uint16", 8);
    const { result } = await checkPyramid(a, {
      axes: ["c", "z", "y", "x"],
      chunks: [1, 4, 8, 8],
      levels: 3,
      method: "gaussian",
      memoryTarget: 32 * 1024,
    });
    for (const l of result.levels) assert.equal(l.shape[0], 3);
    assert.deepEqual(result.levels[2].shape, [3, 3, 5, 6]);
  });

  it("5-D (t, c, z, y, x) with mean: time and channel keep their size and scale", async () => {
    const a = randomArray([2, 2, 9, 14, 17], "uint16", 12);
    const { result } = await checkPyramid(a, {
      axes: ["t", "c", "z", "y", "x"],
      chunks: [1, 1, 4, 8, 8],
      scale: [5, 1, 1, 1, 1],
      levels: 3,
      memoryTarget: 16 * 1024,
    });
    for (const l of result.levels) {
      assert.deepEqual(l.shape.slice(0, 2), [2, 2]);
      assert.deepEqual(l.scale.slice(0, 2), [5, 1]);
    }
    assert.deepEqual(result.levels[2].shape, [2, 2, 3, 4, 5]);
  });
});

describe("pyramid.write: existing output", () => {
  it("a finished image is not overwritten without `overwrite`; nothing changes", async () => {
    const a = randomArray([10, 12, 14], "uint16", 2);
    const store = new MemoryStore();
    await write(memorySource(a), store, { chunks: [4, 4, 4], levels: 2, workers: 0 });
    const before = new Map<string, string>();
    for (const k of await store.list()) before.set(k, Buffer.from((await store.get(k))!).toString("hex"));
    const b = randomArray([10, 12, 14], "uint16", 3);
    await assert.rejects(
      write(memorySource(b), store, { chunks: [4, 4, 4], levels: 2, workers: 0 }),
      (e) => e instanceof ExistsError && /overwrite/.test(e.message),
    );
    const after = new Map<string, string>();
    for (const k of await store.list()) after.set(k, Buffer.from((await store.get(k))!).toString("hex"));
    assert.deepEqual(after, before);
    // with overwrite the new data replaces it
    await write(memorySource(b), store, { chunks: [4, 4, 4], levels: 2, workers: 0, overwrite: true });
    const got = await readLevels(store, { path: "", levels: [{ path: "0" }] } as never);
    assertSameValues(got[0], b, "level 0 after overwrite");
  });
});

it("channel names label the omero channels; a wrong count is an error before anything is written", async () => {
  const data = new Uint8Array(3 * 8 * 8).map((_, i) => i % 251);
  const source = {
    shape: [3, 8, 8],
    dtype: "uint8" as const,
    read: async (region: ReadonlyArray<readonly [number, number]>) => {
      const [[c0, c1], [y0, y1], [x0, x1]] = region;
      const out = new Uint8Array((c1 - c0) * (y1 - y0) * (x1 - x0));
      let k = 0;
      for (let c = c0; c < c1; c++)
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out[k++] = data[(c * 8 + y) * 8 + x];
      return { data: out, shape: [c1 - c0, y1 - y0, x1 - x0], dtype: "uint8" as const };
    },
  };
  const store = new MemoryStore();
  await write(source, store, {
    axes: ["c", "y", "x"],
    chunks: [1, 4, 4],
    channelNames: ["DAPI", "GFP", "RFP"],
  });
  const attrs = JSON.parse(new TextDecoder().decode(await store.get(".zattrs")));
  assert.deepEqual(
    attrs.omero.channels.map((c: { label: string }) => c.label),
    ["DAPI", "GFP", "RFP"],
  );
  const empty = new MemoryStore();
  await assert.rejects(
    write(source, empty, { axes: ["c", "y", "x"], channelNames: ["one"] }),
    /channelNames has 1 names but the image has 3/,
  );
  assert.deepEqual(await empty.list(""), []);
});

describe("pyramid.write to a LocalStore: the workers store the chunks themselves", () => {
  /** Every file under `root` (relative path → hex), but for the writer's own bookkeeping files. */
  const files = (root: string) => {
    const out = new Map<string, string>();
    for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
      if (!e.isFile() || e.name.startsWith("zarrsmith-")) continue;
      const p = join(e.parentPath, e.name);
      out.set(relative(root, p), readFileSync(p).toString("hex"));
    }
    return out;
  };
  for (const format of [
    { omeZarrVersion: "0.4" as const },
    { omeZarrVersion: "0.5" as const, shards: [8, 16, 16] },
  ]) {
    it(`the same files and counts as writes from the main thread (OME-Zarr ${format.omeZarrVersion}${format.shards ? ", sharded" : ""})`, async (t) => {
      const dir = mkdtempSync(join(tmpdir(), "zarrsmith-pyramid-writes-"));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const a = randomArray([20, 40, 36], "uint16", 6);
      (a.data as Uint16Array).fill(0, 0, 8 * 40 * 36); // the first eight planes: fill values, not stored
      const options = {
        ...format,
        chunks: [4, 8, 8],
        levels: 3,
        axes: ["z", "y", "x"],
        memoryTarget: 2 ** 20,
      };
      const local = new LocalStore(join(dir, "by-workers.zarr"));
      assert.ok(local.threadWrites);
      const byWorkers = await write(memorySource(a), local, { ...options, workers: pool });
      const byMain = await write(memorySource(a), new LocalStore(join(dir, "by-main.zarr")), {
        ...options,
        workers: 0,
      });
      const got = files(join(dir, "by-workers.zarr"));
      assert.deepEqual(got, files(join(dir, "by-main.zarr")));
      const level0 = await open.array(local, byWorkers.levels[0].path);
      assert.equal(await local.get(level0.chunkKey([0, 0, 0])), undefined, "no level-0 chunk of fill values");
      assert.ok(await local.get(level0.chunkKey([2, 1, 1])));
      assert.equal(byWorkers.chunksWritten, byMain.chunksWritten);
      assert.equal(byWorkers.bytesWritten, byMain.bytesWritten);
      const levels = await readLevels(local, { path: "", levels: byWorkers.levels } as never);
      assertSameValues(levels[0], a, "level 0");
    });
  }
});
