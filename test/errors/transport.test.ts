/**
 * Errors keep their information: a corrupt chunk decoded in a worker thread surfaces with its real
 * key and the decode direction; worker errors come back as their own class with their fields; a
 * store failure is a StoreError naming the key and the store.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  CodecError,
  CorruptChunkError,
  codecs,
  LocalStore,
  MemoryStore,
  StoreError,
  v2,
  WorkerPool,
} from "../../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "zarrsmith-errors-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("errors across the worker boundary", () => {
  it("a corrupt chunk decoded in a worker names its real key; the cause is a CodecError saying decode", async () => {
    const pool = new WorkerPool(2);
    try {
      const store = new MemoryStore();
      const spec = v2.ArraySpec.parse({
        shape: [8, 8],
        chunks: [4, 4],
        dtype: "<u2",
        compressor: codecs.Zstd({ level: 3 }),
      });
      const a = await spec.toZarr(store, "img");
      await a.set(null, 7, { workers: pool });
      await store.set("img/1/0", new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]));
      const error = await a.get(null, { workers: pool }).then(
        () => assert.fail("a corrupt chunk was read"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof CorruptChunkError, String(error));
      assert.equal(error.key, "img/1/0");
      assert.match(error.message, /img\/1\/0/);
      const cause = (error as Error).cause;
      assert.ok(cause instanceof CodecError, `cause: ${String(cause)}`);
      assert.equal(cause.direction, "decode");
      assert.match(String(cause.stack), /in worker/, "the cause came from a worker thread");
    } finally {
      await pool.close();
    }
  });

  it("a worker's StoreError (or any ZarrsmithError) comes back as its class with its fields", async () => {
    const pool = new WorkerPool(1);
    try {
      const module = new URL("./throwers.ts", import.meta.url).href;
      const error = await pool.call(module, "throwStoreError", ["c/0/1", "/data/x.zarr"]).then(
        () => assert.fail("no error"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof StoreError, String(error));
      assert.equal(error.key, "c/0/1");
      assert.equal(error.store, "/data/x.zarr");
      assert.equal(error.code, "io");
      assert.equal(error.message, "cannot read c/0/1 from /data/x.zarr: disk on fire");
    } finally {
      await pool.close();
    }
  });
});

describe("StoreError", () => {
  it("a failed write into a directory store names the key and the store", async () => {
    const root = join(dir, "a.zarr");
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, "c"), "a file where the key needs a folder");
    const store = new LocalStore(root);
    const error = await store.set("c/0", new Uint8Array([1])).then(
      () => assert.fail("a key under a file was written"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof StoreError, String(error));
    assert.equal(error.key, "c/0");
    assert.equal(error.store, store.description);
    assert.match(error.message, /"c\/0"/);
  });

  it("writing through requireWritable into a read-only store names the store", async () => {
    const { requireWritable } = await import("../../src/store/types.js");
    const readOnly = { description: "https://example.org/x.zarr", get: async () => undefined };
    assert.throws(
      () => requireWritable(readOnly),
      (e: unknown) => e instanceof StoreError && e.store === "https://example.org/x.zarr",
    );
  });
});
