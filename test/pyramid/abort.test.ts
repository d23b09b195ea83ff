/**
 * AbortSignal: pyramid.write and ZarrArray get/set stop starting work once the signal aborts
 * (counted in source reads and store requests, not in seconds), reject with the abort reason, and
 * an aborted pyramid resumes to the same values.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { WorkerPool } from "../../src/concurrency/pool.js";
import { open } from "../../src/hierarchy/open.js";
import { ArraySpec } from "../../src/metadata/v2.js";
import type { DownsampleMethod } from "../../src/pyramid/downsample/index.js";
import { type PyramidOptions, write } from "../../src/pyramid/writer.js";
import { MemoryStore } from "../../src/store/memory.js";
import { randomArray } from "./helpers.js";
import { assertSameValues, memorySource, readLevels, referencePyramid } from "./pyramid-helpers.js";

const pool = new WorkerPool(2);
after(() => pool.close());

const isAbort = (e: unknown) => (e as Error).name === "AbortError";

describe("AbortSignal", () => {
  for (const method of ["mean", "gaussian"] as DownsampleMethod[]) {
    it(`pyramid.write (${method}): stops within the blocks in flight, then resumes to the same values`, async () => {
      const a = randomArray([32, 64, 64], "uint16", 5);
      const options: PyramidOptions = {
        axes: ["z", "y", "x"],
        chunks: [8, 8, 8],
        levels: 3,
        method,
        memoryTarget: 64 * 1024, // many small blocks
        workers: pool,
        downsampleAxes: "xyz",
      };
      const store = new MemoryStore();
      const controller = new AbortController();
      const source = memorySource(a);
      const read = source.read.bind(source);
      let readsAtAbort = -1;
      source.read = async (region) => {
        if (source.reads === 3) {
          readsAtAbort = source.reads;
          controller.abort();
        }
        return read(region);
      };
      await assert.rejects(write(source, store, { ...options, signal: controller.signal }), isAbort);
      // the read that aborted completes, and nothing new starts after it
      assert.equal(source.reads, readsAtAbort + 1);
      const whole = await write(memorySource(a), new MemoryStore(), options);
      assert.ok(whole.chunksWritten > 3 * source.reads, "the aborted run stopped early");

      const resumed = await write(memorySource(a), store, options);
      assert.ok(resumed.resumedNodes > 0 || method === "gaussian");
      const levels = await readLevels(store, resumed);
      const ref = referencePyramid(
        a,
        [
          [2, 2, 2],
          [2, 2, 2],
        ],
        method,
      );
      for (let k = 0; k < levels.length; k++) assertSameValues(levels[k], ref[k], `level ${k}`);
    });
  }

  it("pyramid.write with an already aborted signal writes nothing", async () => {
    const store = new MemoryStore();
    const source = memorySource(randomArray([8, 8, 8], "uint8", 1));
    await assert.rejects(write(source, store, { signal: AbortSignal.abort() }), isAbort);
    assert.equal(source.reads, 0);
    assert.equal([...(await store.list!(""))].length, 0);
  });

  it("ZarrArray get and set stop requesting chunks once aborted", async () => {
    const store = new MemoryStore();
    const spec = ArraySpec.parse({ shape: [40, 40], dtype: "<u2", chunks: [4, 4], compressor: null });
    const array = await spec.toZarr(store, "");
    await array.set(null, 7, { workers: 0 });
    // count chunk requests through a wrapper store that aborts on the first one
    let gets = 0;
    let sets = 0;
    const controller = new AbortController();
    const counting = new Proxy(store, {
      get(target, prop) {
        const value = Reflect.get(target, prop);
        if (prop === "get")
          return async (key: string) => {
            if (!key.endsWith(".zarray") && !key.endsWith(".zattrs")) {
              gets++;
              controller.abort();
            }
            return value.call(target, key);
          };
        if (prop === "set")
          return async (key: string, v: Uint8Array) => {
            sets++;
            controller.abort();
            return value.call(target, key, v);
          };
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const opened = await open.array(counting, "");
    await assert.rejects(opened.get(null, { workers: 0, signal: controller.signal }), isAbort);
    assert.ok(gets >= 1 && gets <= 2, `${gets} of 100 chunks requested`);

    const second = new AbortController();
    let setCount = 0;
    const writing = new Proxy(store, {
      get(target, prop) {
        const value = Reflect.get(target, prop);
        if (prop === "set")
          return async (key: string, v: Uint8Array) => {
            setCount++;
            second.abort();
            return value.call(target, key, v);
          };
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const target = await open.array(writing, "");
    await assert.rejects(target.set(null, 9, { workers: 0, signal: second.signal }), isAbort);
    assert.ok(setCount >= 1 && setCount <= 2, `${setCount} of 100 chunks written`);
    assert.equal(sets, 0);
  });
});
