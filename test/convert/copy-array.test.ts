/** copyArray: a whole copy, a resumed copy that skips finished blocks, refusals through checkpoint/. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PROGRESS_FILE } from "../../src/checkpoint/index.js";
import { copyArray } from "../../src/convert/copy-array.js";
import { ExistsError } from "../../src/errors.js";
import { open } from "../../src/hierarchy/open.js";
import { ndarray } from "../../src/ndarray.js";
import type { RegionSource } from "../../src/pyramid/writer.js";
import { MemoryStore } from "../../src/store/memory.js";

const shape = [20, 32];
const values = Uint16Array.from({ length: 640 }, (_, i) => i);

/** A source counting its reads, failing after `failAfter` reads. */
function source(failAfter = Infinity) {
  const reads: string[] = [];
  const src: RegionSource = {
    shape,
    dtype: "uint16",
    axes: ["y", "x"],
    async read(region) {
      if (reads.length >= failAfter) throw new Error("source went away");
      reads.push(JSON.stringify(region));
      const [[y0, y1], [x0, x1]] = region;
      const out = new Uint16Array((y1 - y0) * (x1 - x0));
      let k = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out[k++] = y * 32 + x;
      return ndarray(out, [y1 - y0, x1 - x0]);
    },
  };
  return { src, reads };
}

// one row of chunks (8 x 32 uint16 = 512 bytes) per block, three blocks: memoryTarget / 4 = 512
const options = { chunks: [8, 8], memoryTarget: 2048, workers: 0, zarrVersion: 3 as const, sourceId: "t" };

describe("copyArray", () => {
  it("copies every value, with dimension names from the source", async () => {
    const store = new MemoryStore();
    const { array, blocks, resumedBlocks } = await copyArray(source().src, store, options);
    assert.equal(blocks, 3);
    assert.equal(resumedBlocks, 0);
    const back = await open.array(store);
    assert.deepEqual([...(await back.get()).data], [...values]);
    assert.deepEqual(array.shape, shape);
    assert.equal(await store.get(PROGRESS_FILE), undefined);
  });

  it("a copy that failed part way is resumed: finished blocks are not read again", async () => {
    const store = new MemoryStore();
    await assert.rejects(copyArray(source(2).src, store, options), /source went away/);
    assert.ok(await store.get(PROGRESS_FILE), "the run record is left for the resume");
    const second = source();
    const { resumedBlocks } = await copyArray(second.src, store, options);
    assert.equal(resumedBlocks, 2);
    assert.equal(second.reads.length, 1);
    assert.deepEqual([...(await (await open.array(store)).get()).data], [...values]);
  });

  it("an existing array is refused without overwrite and replaced with it", async () => {
    const store = new MemoryStore();
    await copyArray(source().src, store, options);
    await assert.rejects(copyArray(source().src, store, options), ExistsError);
    const { blocks } = await copyArray(source().src, store, { ...options, chunks: [4, 4], overwrite: true });
    assert.equal(blocks, 3);
    assert.deepEqual((await open.array(store)).chunks, [4, 4]);
  });
});
