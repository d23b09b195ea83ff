/**
 * The guard against absurd plans (pyramid.checkPlan) counts the objects a conversion stores: shards
 * when the output is sharded, chunks otherwise. A 200 TB volume (bench/plan-scale.ts) in 64³ chunks
 * is ~400 million chunks, beyond the limit; in 256³ shards it is ~6 million objects, and plans
 * without `force`.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemoryStore, pyramid } from "../../src/index.js";
import type { RegionSource } from "../../src/pyramid/types.js";

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
