/**
 * The browser bundle's thread platform: Web Workers running the separately bundled worker entry,
 * inline fallback when the worker script never loads, and `WorkerPool.call` with a named module
 * (what pyramid downsampling needs inside bundles, where module URLs no longer point at files).
 * Node has no Web Worker, so a stand-in built on worker_threads plays one: it gives the worker
 * bundle a `self`-like global scope (postMessage / "message" events) and nothing Node-specific.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Worker as NodeWorker } from "node:worker_threads";
import { WorkerPool as NodePool } from "../../src/concurrency/pool.js";
import { list } from "../helpers/list.js";
import { randomArray } from "../helpers/reference.js";
import { type Browser, type Bundle, bundle } from "./bundle.js";

let b: Bundle;
let z: Browser;

before(async () => {
  b = await bundle();
  z = await b.load();
});
after(() => b?.dispose());

type Listener = (e: { data?: unknown; error?: unknown; message?: string; preventDefault(): void }) => void;

/** What the worker thread runs before the worker bundle: a dedicated-worker-like global scope. */
const SCOPE = `
const { parentPort, workerData } = require("node:worker_threads");
globalThis.postMessage = (m, transfer) => parentPort.postMessage(m, transfer);
globalThis.addEventListener = (type, fn) => { if (type === "message") parentPort.on("message", (data) => fn({ data })); };
import(workerData.url).catch((e) => setTimeout(() => { throw e; }));
`;

/** A Web Worker stand-in: `new Worker(url, { type: "module" })` with message and error events. */
class FakeWorker {
  static created: string[] = [];
  /** Tasks posted to workers, and answers received (the READY announcement not counted). */
  static posted = 0;
  static answered = 0;
  #thread: NodeWorker;
  #listeners = new Map<string, Listener[]>();

  constructor(url: URL | string, options?: { type?: string }) {
    assert.equal(options?.type, "module");
    FakeWorker.created.push(String(url));
    this.#thread = new NodeWorker(SCOPE, { eval: true, workerData: { url: String(url) } });
    this.#thread.on("message", (data) => {
      if (typeof data === "object") FakeWorker.answered++;
      this.#emit("message", { data, preventDefault() {} });
    });
    this.#thread.on("error", (error) =>
      this.#emit("error", { error, message: error.message, preventDefault() {} }),
    );
  }

  #emit(type: string, e: Parameters<Listener>[0]) {
    for (const fn of this.#listeners.get(type) ?? []) fn(e);
  }

  addEventListener(type: string, fn: Listener) {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), fn]);
  }

  postMessage(message: unknown, transfer?: ArrayBuffer[]) {
    FakeWorker.posted++;
    this.#thread.postMessage(message, transfer);
  }

  terminate() {
    void this.#thread.terminate();
  }
}

/** Runs `fn` with `Worker` defined as in a browser. */
async function withWorker<T>(ctor: unknown, fn: () => Promise<T>): Promise<T> {
  FakeWorker.created = [];
  FakeWorker.posted = 0;
  FakeWorker.answered = 0;
  const g = globalThis as { Worker?: unknown };
  const saved = g.Worker;
  g.Worker = ctor;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete g.Worker;
    else g.Worker = saved;
  }
}

async function roundTrip(pool: InstanceType<Browser["WorkerPool"]>) {
  const store = new z.MemoryStore();
  const arr = await z.v2.ArraySpec.parse({
    shape: [64, 48],
    chunks: [16, 16],
    dtype: "float32",
    compressor: z.codecs.Zstd({ level: 3 }),
  }).toZarr(store, "a");
  const data = randomArray("float32", [64, 48], 9);
  // a separate copy of the same values: chunks sent to workers are moved, not copied
  await arr.set(null, randomArray("float32", [64, 48], 9), { workers: pool });
  assert.deepEqual(list((await arr.get(null, { workers: pool })).data), list(data.data));
  assert.deepEqual(list((await arr.get(null, { workers: 0 })).data), list(data.data));
}

describe("browser thread platform", () => {
  test("a pool runs chunks in Web Workers loaded from the worker bundle beside the page bundle", async () => {
    await withWorker(FakeWorker, async () => {
      const pool = new z.WorkerPool(2);
      try {
        await roundTrip(pool);
      } finally {
        await pool.close();
      }
    });
    assert.equal(FakeWorker.created.length, 2);
    // 12 chunks written, then read, all in the workers
    assert.equal(FakeWorker.posted, 24);
    assert.equal(FakeWorker.answered, 24);
    for (const url of FakeWorker.created) assert.ok(url.endsWith("/worker.js"), url);
    assert.ok(FakeWorker.created[0].startsWith(new URL(".", `file://${b.dir}/`).href));
  });

  test("errors thrown in a Web Worker come back as the same error types", async () => {
    await withWorker(FakeWorker, async () => {
      const pool = new z.WorkerPool(1);
      try {
        const store = new z.MemoryStore();
        const arr = await z.v2.ArraySpec.parse({
          shape: [8],
          chunks: [8],
          dtype: "uint8",
          compressor: z.codecs.Zstd(),
        }).toZarr(store, "a");
        await store.set("a/0", new Uint8Array([1, 2, 3, 4, 5]));
        await assert.rejects(arr.get(null, { workers: pool }), (e: Error) => e instanceof z.ZarrsmithError);
      } finally {
        await pool.close();
      }
    });
  });

  test("when the worker script is missing (not bundled), tasks run inline instead of failing", async () => {
    class MissingScript extends FakeWorker {
      constructor(_url: URL | string, options?: { type?: string }) {
        super(new URL("./no-such-worker.js", `file://${b.dir}/`), options);
      }
    }
    await withWorker(MissingScript, async () => {
      const pool = new z.WorkerPool(3);
      try {
        await roundTrip(pool);
        await roundTrip(pool); // later tasks go inline straight away
      } finally {
        await pool.close();
      }
    });
    assert.ok(
      FakeWorker.created.length >= 1 && FakeWorker.created.length <= 3,
      String(FakeWorker.created.length),
    );
    assert.equal(FakeWorker.posted, 0, "nothing was sent to a worker that never loaded");
  });

  test("without Worker, default pools have no threads and explicit sizes still work (inline)", async () => {
    assert.equal(typeof (globalThis as { Worker?: unknown }).Worker, "undefined");
    assert.equal(new z.WorkerPool().size, 0);
    const pool = new z.WorkerPool(4);
    await roundTrip(pool);
    await pool.close();
  });

  test("WorkerPool.call runs a named module inline and in a Web Worker (bundles cannot follow module URLs)", async () => {
    const input = z.ndarray(
      Float32Array.from({ length: 16 }, (_, i) => i),
      [4, 4],
    );
    const task = { input, origin: [0, 0], levels: [], method: "mean" };
    const inline = await new z.WorkerPool(0).call<{ chunks: unknown[]; last: { data: Float32Array } }>(
      "zarrsmith:pyramid/block",
      "processBlock",
      [task],
    );
    assert.deepEqual(list(inline.last.data), list(input.data));
    await withWorker(FakeWorker, async () => {
      const pool = new z.WorkerPool(1);
      try {
        const r = await pool.call<{ last: { data: Float32Array } }>(
          "zarrsmith:pyramid/block",
          "processBlock",
          [task],
        );
        assert.deepEqual(list(r.last.data), list(input.data));
        assert.equal(FakeWorker.answered, 1, "ran in the worker");
      } finally {
        await pool.close();
      }
    });
  });

  test("the named module also runs in Node worker threads (so pyramid can use the name everywhere)", async () => {
    const input = z.ndarray(
      Uint8Array.from({ length: 16 }, (_, i) => i),
      [4, 4],
    );
    const pool = new NodePool(1);
    try {
      const r = await pool.call<{ last: { data: Uint8Array } }>("zarrsmith:pyramid/block", "processBlock", [
        { input, origin: [0, 0], levels: [], method: "mean" },
      ]);
      assert.deepEqual(list(r.last.data), list(input.data));
    } finally {
      await pool.close();
    }
  });
});
