/**
 * The guard against absurd plans (pyramid.checkPlan) counts the objects a conversion stores: shards
 * when the output is sharded, chunks otherwise. A 200 TB volume (bench/plan-scale.ts) in 64³ chunks
 * is ~400 million chunks, beyond the limit; in 256³ shards it is ~6 million objects, and plans
 * without `force`. A sharded output whose smallest block (a shard, or a level's shard over the level
 * below) cannot stay within the memory target is refused before anything is written, naming the
 * shard, its bytes, the target and what would fit (it used to run, far above the target).
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { copyArray } from "../../src/convert/copy-array.js";
import { MemoryStore, pyramid } from "../../src/index.js";
import type { RegionSource } from "../../src/pyramid/types.js";
import { cli, ensureBuilt } from "../helpers/cli.js";
import { writeVolume } from "../scale/helpers.js";

/** 100,000 x 100,000 x 10,000 uint16 (zyx 10000 x 100000 x 100000), never read. */
const BIG: RegionSource = {
  shape: [10000, 100000, 100000],
  dtype: "uint16",
  axes: ["z", "y", "x"],
  read: async () => {
    throw new Error("planning must not read the source");
  },
};
const OPTIONS = {
  omeZarrVersion: "0.5" as const,
  chunks: [64, 64, 64],
  memoryTarget: 2 ** 30,
  workers: 0,
  input: {},
  tasks: 4,
};

describe("checkPlan counts stored objects", () => {
  it("a sharded level counts its shards; an unsharded one its chunks, named as such", () => {
    const shape = [10000, 100000, 100000];
    // 157 x 1,563 x 1,563 chunks of 64³ = 383,546,133
    assert.throws(
      () => pyramid.checkPlan({ outputs: [{ shape, chunks: [64, 64, 64] }] }),
      /would write 383,546,133 chunks \(level 0: shape 10000x100000x100000 in chunks of 64x64x64\).*--force/,
    );
    // 40 x 391 x 391 shards of 256³ = 6,115,240 objects
    pyramid.checkPlan({ outputs: [{ shape, chunks: [64, 64, 64], shards: [256, 256, 256] }] });
    // a shard is one object, and the message says objects, not chunks
    assert.throws(
      () => pyramid.checkPlan({ outputs: [{ shape, chunks: [8, 8, 8], shards: [16, 16, 16] }] }),
      (e: Error) =>
        /would write 24,414,062,500 objects \(shards; level 0: shape 10000x100000x100000 in shards of 16x16x16, chunks of 8x8x8 inside\)/.test(
          e.message,
        ) && !/ chunks \(/.test(e.message),
    );
  });

  it("pyramid.plan of the 200 TB volume: refused in 64³ chunks, planned in 256³ shards without force", async () => {
    await assert.rejects(
      pyramid.plan(BIG, new MemoryStore(), OPTIONS),
      /refusing this conversion: it would write \d[\d,]* chunks .*limit of 100,000,000/,
    );
    const plan = await pyramid.plan(BIG, new MemoryStore(), { ...OPTIONS, shards: [256, 256, 256] });
    assert.equal(plan.tasks.length, 4);
  });
});

/** 256 x 1024 x 1024 uint16 (512 MiB), never read: the checks come before any read. */
const SHARDED: RegionSource = { ...BIG, shape: [256, 1024, 1024] };

describe("shard size vs memory target", () => {
  const shards = [256, 256, 256];

  it("pyramid.write refuses before reading or writing: shard shape, bytes, block, target, advice", async () => {
    const store = new MemoryStore();
    await assert.rejects(
      pyramid.write(SHARDED, store, {
        omeZarrVersion: "0.5",
        chunks: [64, 64, 64],
        shards,
        memoryTarget: 256 * 2 ** 20,
        workers: 0,
      }),
      (e: Error) => {
        // level 1 (xy halved) is made from 256x512x512 of level 0: 128 MiB, ~6x that in memory
        assert.match(
          e.message,
          /^shards of 256x256x256 \(32 MiB of uint16 each, uncompressed\) do not fit the memory target of 256 MiB: the smallest block the conversion works on is 256x512x512 voxels of level 0 \(128 MiB: one level-1 shard's region\), and a block takes about 6x its input in memory \(768 MiB\); choose smaller shards \(--shards 128,128,256 fits\) or a memory target of at least 768 MiB/,
        );
        return true;
      },
    );
    assert.deepEqual(await store.list(), [], "nothing written");
  });

  it("the suggested shards and the named target both pass; gaussian counts its halo; unsharded is not checked", async () => {
    const levels = (sh: number[] | undefined) =>
      [
        [256, 1024, 1024],
        [256, 512, 512],
        [256, 256, 256],
      ].map((shape, k) => ({
        shape,
        chunks: [64, 64, 64],
        shards: sh,
        factors: k === 0 ? [1, 1, 1] : [1, 2, 2],
      }));
    const check = (sh: number[] | undefined, memoryTarget: number, method: "mean" | "gaussian" = "mean") =>
      pyramid.checkShardMemory({ levels: levels(sh), dtype: "uint16", method, memoryTarget });
    check([128, 128, 256], 256 * 2 ** 20);
    check(shards, 768 * 2 ** 20);
    assert.throws(() => check(shards, 768 * 2 ** 20, "gaussian"), /256x516x516 voxels of level 0/);
    check(undefined, 2 ** 20);
    // a plan (no data) with a target that fits
    const plan = await pyramid.plan(SHARDED, new MemoryStore(), {
      ...OPTIONS,
      shards,
      memoryTarget: 2 ** 30,
    });
    assert.equal(plan.tasks.length, 4);
  });

  it("--plain (copyArray): a shard of more than a quarter of the target is refused", async () => {
    const store = new MemoryStore();
    await assert.rejects(
      copyArray(SHARDED, store, { zarrVersion: 3, chunks: [64, 64, 64], shards, memoryTarget: 64 * 2 ** 20 }),
      /shards of 256x256x256 \(32 MiB of uint16 each, uncompressed\) do not fit the memory target of 64 MiB: the smallest block the conversion works on is one level-0 shard \(32 MiB\), and a block takes about 4x its input in memory \(128 MiB\); choose smaller shards \(--shards 128,256,256 fits\)/,
    );
    assert.deepEqual(await store.list(), []);
  });

  it("convert --shards with a small --memory-target exits 2 before writing anything", () => {
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), "zarrsmith-shard-memory-"));
    try {
      writeVolume(join(dir, "vol.npy"), [64, 256, 256]);
      const flags = ["--ome-zarr-version", "0.5", "--chunks", "32,32,32", "--shards", "64,256,256"];
      const r = cli(["convert", "vol.npy", "out.ome.zarr", ...flags, "--memory-target", "16MiB"], dir);
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        /shards of 64x256x256 \(8 MiB of uint16 each, uncompressed\) do not fit the memory target of 16 MiB/,
      );
      assert.match(r.stderr, /--memory-target/);
      assert.equal(existsSync(join(dir, "out.ome.zarr")), false, "nothing written");
      const planned = cli(
        ["convert", "vol.npy", "p.ome.zarr", ...flags, "--memory-target", "16MiB", "--plan-only"],
        dir,
      );
      assert.equal(planned.code, 2, planned.stderr);
      assert.equal(existsSync(join(dir, "p.ome.zarr")), false, "no plan either");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
