import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  CorruptChunkError,
  DATA_TYPES,
  type DataType,
  ExistsError,
  LocalStore,
  MemoryStore,
  type NDArray,
  open,
  SpecError,
  StoreError,
  slice,
  ValueError,
  v2,
  v3,
  WorkerPool,
} from "../../src/index.js";
import { list } from "../helpers/list.js";
import { randomArray, refGet, refSet } from "../helpers/reference.js";

const DTYPES: readonly DataType[] = DATA_TYPES;

const CASES: Array<{ shape: number[]; chunks: number[]; shards?: number[] }> = [
  { shape: [13], chunks: [4] },
  { shape: [7, 11], chunks: [3, 4] },
  { shape: [9, 5, 6], chunks: [4, 2, 4] },
  { shape: [3, 4, 5, 6], chunks: [2, 3, 2, 4] },
  { shape: [2, 3, 4, 5, 3], chunks: [1, 2, 3, 2, 2] },
];

function specFor(format: 2 | 3, dtype: DataType, shape: number[], chunks: number[], shards?: number[]) {
  if (format === 2) return v2.ArraySpec.parse({ shape, chunks, dtype, compressor: { id: "zstd", level: 3 } });
  return v3.ArraySpec.create({ shape, data_type: dtype, chunks, shards });
}

function selectionsFor(shape: number[]) {
  const n = shape.length;
  return [
    null,
    shape.map((s) => slice(1, s - 1)),
    shape.map((s, i) => (i === 0 ? s - 1 : null)),
    shape.map(() => slice(null, null, 2)),
    shape.map((s, i) => (i === n - 1 ? slice(null, null, -3) : slice(s >> 1, null))),
  ];
}

function assertSame(got: NDArray, want: NDArray, msg: string) {
  assert.deepEqual(got.shape, want.shape, `${msg}: shape`);
  assert.equal(got.dtype, want.dtype, `${msg}: dtype`);
  assert.deepEqual(
    list(got.data as ArrayLike<unknown>),
    list(want.data as ArrayLike<unknown>),
    `${msg}: values`,
  );
}

for (const format of [2, 3] as const) {
  describe(`Zarr v${format}: get/set round trips every dtype on odd shapes`, () => {
    for (const dtype of DTYPES) {
      test(dtype, async () => {
        for (const { shape, chunks } of CASES) {
          const store = new MemoryStore();
          const arr = await specFor(format, dtype, shape, chunks).toZarr(store, "a");
          const model = randomArray(dtype, shape, shape.length);
          await arr.set(null, model, { workers: 0 });
          assertSame(await arr.get(null, { workers: 0 }), model, `${dtype} ${shape} full`);
          for (const sel of selectionsFor(shape)) {
            const patchShape = refGet(model, sel).shape;
            const patch = randomArray(dtype, patchShape, 99);
            await arr.set(sel, patch, { workers: 0 });
            refSet(model, sel, patch);
            assertSame(
              await arr.get(sel, { workers: 0 }),
              refGet(model, sel),
              `${dtype} ${shape} ${JSON.stringify(sel)}`,
            );
          }
          // reopen from the store: metadata round trip
          const again = await open.array(store, "a");
          assertSame(await again.get(null, { workers: 0 }), model, `${dtype} ${shape} reopened`);
        }
      });
    }
  });
}

describe("reads decoded by worker threads straight into shared memory", () => {
  test("every dtype and selection reads as on the calling thread; missing chunks read as fill", async () => {
    const pool = new WorkerPool(2);
    try {
      for (const dtype of DTYPES) {
        for (const { shape, chunks } of CASES) {
          const store = new MemoryStore();
          const arr = await specFor(2, dtype, shape, chunks).toZarr(store, "a");
          const model = randomArray(dtype, shape, 3);
          // leave the first chunk unwritten: it reads as the fill value
          const first = shape.map((_, i) => slice(i === 0 ? chunks[0] : 0, null));
          await arr.set(first, refGet(model, first), { workers: 0 });
          const expected = await arr.get(null, { workers: 0 });
          for (const sel of [null, ...selectionsFor(shape)]) {
            const got = await arr.get(sel, { workers: pool });
            assertSame(got, refGet(expected, sel), `${dtype} ${shape} ${JSON.stringify(sel)}`);
            if (got.data.length > 0)
              assert.ok(
                got.data.buffer instanceof SharedArrayBuffer,
                "the output is shared with the workers",
              );
          }
        }
      }
    } finally {
      await pool.close();
    }
  });

  test("from a LocalStore the workers read the chunks themselves: same values, fill, errors", async (t) => {
    const root = await mkdtemp(join(tmpdir(), "zarrsmith-thread-reads-"));
    t.after(() => rm(root, { recursive: true, force: true }));
    const pool = new WorkerPool(2);
    try {
      const shape = [9, 5, 6];
      const store = new LocalStore(root);
      assert.deepEqual(store.threadReads, { kind: "local", root });
      const arr = await v2.ArraySpec.parse({
        shape,
        chunks: [4, 2, 4],
        dtype: "<u2",
        compressor: { id: "zstd", level: 1 },
        fill_value: 3,
      }).toZarr(store, "a");
      const model = randomArray("uint16", shape, 9);
      const part = [slice(4, null)]; // the chunks of the first four planes stay missing
      await arr.set(part, refGet(model, part), { workers: 0 });
      const expected = await arr.get(null, { workers: 0 });
      assert.equal(expected.data[0], 3, "a missing chunk reads as the fill value");
      for (const sel of [null, ...selectionsFor(shape)])
        assertSame(await arr.get(sel, { workers: pool }), refGet(expected, sel), JSON.stringify(sel));
      await writeFile(join(root, ...arr.chunkKey([2, 0, 0]).split("/")), new Uint8Array([1, 2, 3]));
      await assert.rejects(arr.get(null, { workers: pool }), (e: unknown) => {
        assert.ok(e instanceof CorruptChunkError, String(e));
        assert.equal(e.key, arr.chunkKey([2, 0, 0]));
        return true;
      });
      // a subclass that reads differently is read through its own get
      class Counting extends LocalStore {
        gets = 0;
        override async get(...args: Parameters<LocalStore["get"]>) {
          this.gets++;
          return super.get(...args);
        }
      }
      const counting = new Counting(root);
      assert.equal(counting.threadReads, undefined);
      await (await open.array(counting, "a")).get([slice(4, 8)], { workers: pool });
      assert.ok(counting.gets > 0);
    } finally {
      await pool.close();
    }
  });

  test("to a LocalStore the workers write the chunks themselves: the same files, fill chunks deleted, errors with the key", async (t) => {
    const root = await mkdtemp(join(tmpdir(), "zarrsmith-thread-writes-"));
    t.after(() => rm(root, { recursive: true, force: true }));
    const pool = new WorkerPool(2);
    try {
      const shape = [9, 5, 6];
      const store = new LocalStore(root);
      assert.deepEqual(store.threadWrites, { kind: "local", root });
      const make = (name: string) =>
        v2.ArraySpec.parse({
          shape,
          chunks: [4, 2, 4],
          dtype: "<u2",
          compressor: { id: "zstd", level: 1 },
          fill_value: 3,
        }).toZarr(store, name);
      const [pooled, inline] = [await make("pooled"), await make("inline")];
      const model = randomArray("uint16", shape, 4);
      for (let i = 0; i < 4 * 5 * 6; i++) (model.data as Uint16Array)[i] = 3; // the first four planes: fill
      await inline.set(null, model, { workers: 0 });
      await pooled.set(null, randomArray("uint16", shape, 5), { workers: pool }); // to be overwritten
      await pooled.set(null, model, { workers: pool });
      const files = async (name: string) =>
        Promise.all(
          (await store.list(`${name}/`))
            .filter((k) => !k.endsWith(".zarray") && !k.endsWith(".zattrs"))
            .map(async (k) => [k.slice(name.length), await store.get(k)]),
        );
      const written = await files("pooled");
      // 3 x 3 x 2 chunks; the 6 of the first four planes hold only the fill value and are not stored
      assert.equal(written.filter(([k]) => /^\/\d/.test(k as string)).length, 12);
      assert.deepEqual(written, await files("inline"));
      assert.equal(
        await store.get(pooled.chunkKey([0, 0, 0])),
        undefined,
        "a chunk of fill values is deleted",
      );
      assert.deepEqual(await pooled.get(null, { workers: 0 }), model);
      // a directory where a chunk file goes: the worker's write fails with the store's error and the key
      const inTheWay = join(root, ...pooled.chunkKey([2, 1, 1]).split("/"));
      await rm(inTheWay);
      await mkdir(join(inTheWay, "x"), { recursive: true });
      await assert.rejects(pooled.set(null, model, { workers: pool }), (e: unknown) => {
        assert.ok(e instanceof StoreError, String(e));
        assert.equal(e.key, pooled.chunkKey([2, 1, 1]));
        assert.match(e.message, /a directory is in the way/);
        return true;
      });
      // a subclass that writes differently is written through its own set
      class Counting extends LocalStore {
        sets = 0;
        override async set(...args: Parameters<LocalStore["set"]>) {
          this.sets++;
          return super.set(...args);
        }
      }
      const counting = new Counting(root);
      assert.equal(counting.threadWrites, undefined);
      await (await open.array(counting, "inline")).set(null, model, { workers: pool });
      assert.ok(counting.sets > 0);
    } finally {
      await pool.close();
    }
  });

  test("a sharded array is read by inner chunk in the workers: same values, fill, a short shard names its key", async (t) => {
    const root = await mkdtemp(join(tmpdir(), "zarrsmith-shard-reads-"));
    t.after(() => rm(root, { recursive: true, force: true }));
    const pool = new WorkerPool(2);
    try {
      const shape = [11, 19, 13];
      for (const store of [new LocalStore(root), new MemoryStore()]) {
        const arr = await v3.ArraySpec.create({
          shape,
          data_type: "int16",
          chunks: [4, 5, 6],
          shards: [8, 10, 6],
          fill_value: 7,
        }).toZarr(store, "s", { overwrite: true });
        const model = randomArray("int16", shape, 3);
        const d = model.data as Int16Array;
        for (let i = 0; i < 4 * 19 * 13; i++) d[i] = 7; // inner chunks of fill values: not stored
        await arr.set([slice(0, 8)], refGet(model, [slice(0, 8)]), { workers: 0 }); // the last shards stay missing
        const expected = await arr.get(null, { workers: 0 });
        assert.equal(expected.data[expected.data.length - 1], 7);
        for (const sel of [null, ...selectionsFor(shape), [slice(null, null, -1), 3, slice(2, 11, 4)]])
          assertSame(await arr.get(sel, { workers: pool }), refGet(expected, sel), JSON.stringify(sel));
        // a shard cut short: its last inner chunk's range reads past the end
        const key = arr.chunkKey([0, 1, 0]);
        const bytes = (await store.get(key)) as Uint8Array;
        const index = bytes.subarray(bytes.length - (16 * 2 * 2 * 1 + 4));
        await store.set(key, new Uint8Array([...bytes.subarray(0, 10), ...index]));
        await assert.rejects(arr.get(null, { workers: pool }), (e: unknown) => {
          assert.ok(e instanceof CorruptChunkError, String(e));
          assert.equal(e.key, key);
          return true;
        });
      }
    } finally {
      await pool.close();
    }
  });

  test("a Proxy that changes a LocalStore's set or get keeps them: workers do not write or read around it", async (t) => {
    const root = await mkdtemp(join(tmpdir(), "zarrsmith-thread-proxy-"));
    t.after(() => rm(root, { recursive: true, force: true }));
    const pool = new WorkerPool(2);
    try {
      const local = new LocalStore(root);
      let sets = 0;
      let gets = 0;
      const counting = new Proxy(local, {
        get(target, prop) {
          const v = Reflect.get(target, prop) as unknown;
          if (prop === "set")
            return (key: string, value: Uint8Array) => {
              sets++;
              return target.set(key, value);
            };
          if (prop === "get")
            return (...args: Parameters<LocalStore["get"]>) => {
              gets++;
              return target.get(...args);
            };
          return typeof v === "function" ? v.bind(target) : v;
        },
      });
      assert.ok(counting.threadWrites, "the flag itself comes through the Proxy");
      const arr = await specFor(2, "uint16", [8, 8], [4, 4]).toZarr(counting, "a");
      const before = sets;
      await arr.set(null, randomArray("uint16", [8, 8], 1), { workers: pool });
      assert.equal(sets - before, 4, "every chunk through the Proxy's set");
      const read = gets;
      await arr.get(null, { workers: pool });
      assert.equal(gets - read, 4, "every chunk through the Proxy's get");
    } finally {
      await pool.close();
    }
  });

  test("a corrupt chunk fails the read with its key", async () => {
    const pool = new WorkerPool(2);
    try {
      const store = new MemoryStore();
      const arr = await specFor(2, "uint16", [8, 8], [4, 4]).toZarr(store, "a");
      await arr.set(null, randomArray("uint16", [8, 8], 1), { workers: 0 });
      await store.set(arr.chunkKey([1, 0]), new Uint8Array([1, 2, 3, 4, 5]));
      await assert.rejects(arr.get(null, { workers: pool }), (e: unknown) => {
        assert.ok(e instanceof CorruptChunkError);
        assert.equal(e.key, arr.chunkKey([1, 0]));
        return true;
      });
    } finally {
      await pool.close();
    }
  });
});

describe("sharded Zarr v3 arrays", () => {
  for (const dtype of ["uint8", "uint16", "float32", "int64"] as DataType[]) {
    test(`${dtype}: partial shards, ragged edges, partial reads`, async () => {
      const shape = [11, 9, 10];
      const store = new MemoryStore();
      const arr = await v3.ArraySpec.create({
        shape,
        data_type: dtype,
        chunks: [2, 3, 2],
        shards: [4, 6, 4],
      }).toZarr(store, "s");
      assert.deepEqual(arr.chunks, [2, 3, 2]);
      assert.deepEqual(arr.shards, [4, 6, 4]);
      const model = randomArray(dtype, shape, 5);
      await arr.set(null, model, { workers: 0 });
      for (const sel of [
        null,
        [slice(3, 9), 4, slice(1, 10, 3)],
        [slice(null, null, -2), slice(2, 5)],
        [10, 8, 9],
      ]) {
        assertSame(await arr.get(sel, { workers: 0 }), refGet(model, sel), JSON.stringify(sel));
      }
      const patch = randomArray(dtype, [3, 2, 10], 7);
      await arr.set([slice(5, 8), slice(0, 2)], patch, { workers: 0 });
      refSet(model, [slice(5, 8), slice(0, 2)], patch);
      assertSame(await arr.get(null, { workers: 0 }), model, "after partial shard write");
    });
  }
});

test("chunks equal to the fill value are not stored, and are deleted when they become fill", async () => {
  const store = new MemoryStore();
  const arr = await v2.ArraySpec.parse({ shape: [8, 8], chunks: [4, 4], dtype: "<u2", fill_value: 7 }).toZarr(
    store,
    "",
  );
  const chunkKeys = async () => (await store.list("")).filter((k) => !k.startsWith(".")).sort();
  assert.equal(arr.fillValue, 7);
  assert.deepEqual(list((await arr.get([0, slice(0, 3)])).data), [7, 7, 7]);
  await arr.set([slice(0, 4), slice(0, 4)], 1);
  await arr.set([slice(4, 8), slice(4, 8)], 7);
  assert.deepEqual(await chunkKeys(), ["0/0"]);
  await arr.set([slice(0, 2), slice(0, 4)], 7);
  assert.deepEqual(await chunkKeys(), ["0/0"]);
  await arr.set([slice(2, 4), slice(0, 4)], 7);
  assert.deepEqual(await chunkKeys(), []);
  await arr.set(null, 7, { writeEmptyChunks: true });
  assert.deepEqual(await chunkKeys(), ["0/0", "0/1", "1/0", "1/1"]);
});

/** A store that keeps the very arrays it is given (MemoryStore keeps copies). */
class KeepingStore {
  readonly values = new Map<string, Uint8Array>();
  async get(key: string) {
    return this.values.get(key);
  }
  async set(key: string, value: Uint8Array) {
    this.values.set(key, value);
  }
  async delete(key: string) {
    this.values.delete(key);
  }
}

describe("writes through worker threads, whole chunks cut into reused shared buffers", () => {
  test("every dtype stores the same bytes as on the calling thread, padding and partial chunks included", async () => {
    const pool = new WorkerPool(2);
    try {
      for (const dtype of DTYPES) {
        for (const { shape, chunks } of CASES) {
          // no compressor: the encoded bytes could be views of the reused buffer, which a store
          // that keeps what it is given would hold; a fill value that is not zero pads edge chunks
          const spec = () =>
            v2.ArraySpec.parse({
              shape,
              chunks,
              dtype,
              compressor: null,
              fill_value: dtype === "bool" ? true : 1,
            });
          const kept = new KeepingStore();
          const [a, b] = [await spec().toZarr(kept, ""), await spec().toZarr(new MemoryStore(), "")];
          const model = randomArray(dtype, shape, 5);
          const partial = shape.map((s) => slice(1, s));
          for (const [arr, workers] of [
            [a, pool],
            [b, 0],
          ] as const) {
            await arr.set(null, model, { workers });
            await arr.set(partial, refGet(randomArray(dtype, shape, 6), partial), { workers });
          }
          const keys = await (b.store as MemoryStore).list("");
          assert.deepEqual([...kept.values.keys()].sort(), keys.sort(), `${dtype} ${shape}: keys`);
          for (const key of keys)
            assert.deepEqual(await a.store.get(key), await b.store.get(key), `${dtype} ${shape}: ${key}`);
        }
      }
    } finally {
      await pool.close();
    }
  });
});

test("worker threads encode and decode the same bytes as the calling thread", async () => {
  const shape = [40, 33, 20];
  const model = randomArray("uint16", shape, 3);
  const a = await v3.ArraySpec.create({ shape, data_type: "uint16", chunks: [16, 16, 16] }).toZarr(
    new MemoryStore(),
    "",
  );
  const b = await v3.ArraySpec.create({ shape, data_type: "uint16", chunks: [16, 16, 16] }).toZarr(
    new MemoryStore(),
    "",
  );
  await a.set(null, model, { workers: 2 });
  await b.set(null, model, { workers: 0 });
  for (const key of await (b.store as MemoryStore).list("")) {
    assert.deepEqual(await a.store.get(key), await b.store.get(key), key);
  }
  assertSame(await a.get(null, { workers: 2 }), model, "read with workers");
});

test("creating over an existing node needs overwrite, and leaves the data alone otherwise", async () => {
  const store = new MemoryStore();
  const spec = v2.ArraySpec.parse({ shape: [4], chunks: [2], dtype: "uint8" });
  const arr = await spec.toZarr(store, "x");
  await arr.set(null, 5);
  const before = [...(await store.list(""))].sort();
  await assert.rejects(
    spec.with({ shape: [6] }).toZarr(store, "x"),
    (e: unknown) => e instanceof ExistsError && /overwrite/.test(String(e)),
  );
  assert.deepEqual([...(await store.list(""))].sort(), before);
  assert.deepEqual(list((await (await open.array(store, "x")).get()).data), [5, 5, 5, 5]);
  const replaced = await spec.with({ shape: [6] }).toZarr(store, "x", { overwrite: true });
  assert.deepEqual(list((await replaced.get()).data), [0, 0, 0, 0, 0, 0]);
});

test("bad values and corrupt chunks fail clearly", async () => {
  const store = new MemoryStore();
  const arr = await v2.ArraySpec.parse({
    shape: [4, 4],
    chunks: [2, 2],
    dtype: "uint8",
    compressor: { id: "zstd", level: 1 },
  }).toZarr(store, "c");
  await assert.rejects(arr.set(null, 300), ValueError);
  await assert.rejects(
    arr.set(null, { data: new Uint16Array(16), shape: [4, 4], dtype: "uint16" } as never),
    /data type uint16/,
  );
  await assert.rejects(arr.set([slice(0, 2)], randomArray("uint8", [3, 4])), /shape/);
  await arr.set(null, 3);
  await store.set("c/0/0", new Uint8Array([1, 2, 3, 4, 5]));
  await assert.rejects(
    arr.get(),
    (e: unknown) => e instanceof CorruptChunkError && /c\/0\/0/.test(String(e)),
  );
});

test("invalid specs list every broken rule with its path", () => {
  const cases: Array<[unknown, string[]]> = [
    [{ shape: [10, 10], chunks: [5], dtype: "<u2" }, ["chunks"]],
    [{ shape: [10], chunks: [0], dtype: "<u2" }, ["chunks[0]"]],
    // (a string dtype such as "<U8" is valid since string arrays went through the one engine)
    [{ shape: [10], chunks: [5], dtype: "|V8" }, ["dtype"]],
    [{ shape: [10], chunks: [5], dtype: "|u1", fill_value: 300 }, ["fill_value"]],
    [{ shape: [10], chunks: [5], dtype: "<i2", fill_value: 1.5, order: "X" }, ["order"]],
    [{ shape: [10], chunks: [5], dtype: "<u2", compressor: { id: "nope" } }, ["compressor"]],
    [{ shape: [-1], chunks: [5], dtype: "<u2", chunk: [2] }, ["chunk", "shape[0]"]],
  ];
  for (const [input, paths] of cases) {
    assert.throws(
      () => v2.ArraySpec.parse(input),
      (e: unknown) => {
        assert.ok(e instanceof SpecError, String(e));
        for (const p of paths)
          assert.ok(
            e.issues.some((i) => i.path === p || i.path.startsWith(`${p}.`)),
            `${JSON.stringify(input)}: no issue at ${p} in ${JSON.stringify(e.issues)}`,
          );
        return true;
      },
    );
  }
  const v3cases: Array<[unknown, string]> = [
    [
      {
        shape: [4],
        data_type: "uint8",
        chunk_grid: { name: "regular", configuration: { chunk_shape: [2] } },
        codecs: [],
      },
      "codecs",
    ],
    [
      {
        shape: [4],
        data_type: "uint9",
        chunk_grid: { name: "regular", configuration: { chunk_shape: [2] } },
      },
      "data_type",
    ],
    [
      {
        shape: [4],
        data_type: "uint8",
        chunk_grid: { name: "regular", configuration: { chunk_shape: [2] } },
        dimension_names: ["x", "y"],
      },
      "dimension_names",
    ],
    [
      {
        shape: [4],
        data_type: "float32",
        chunk_grid: { name: "regular", configuration: { chunk_shape: [2] } },
        fill_value: "nan",
      },
      "fill_value",
    ],
  ];
  for (const [input, path] of v3cases) {
    assert.throws(
      () => v3.ArraySpec.parse(input),
      (e: unknown) => e instanceof SpecError && e.issues.some((i) => i.path.startsWith(path)),
    );
  }
});

test("reading through worker threads leaves a memory store's bytes intact", async () => {
  const store = new MemoryStore();
  const arr = await v2.ArraySpec.parse({
    shape: [8, 8],
    chunks: [4, 4],
    dtype: "<u2",
    compressor: { id: "zstd", level: 1 },
  }).toZarr(store, "m");
  const data = randomArray("uint16", [8, 8], 5);
  await arr.set(null, data, { workers: 0 });
  for (let i = 0; i < 2; i++)
    assert.deepEqual(list((await arr.get(null, { workers: 2 })).data), list(data.data), `read ${i}`);
  assert.ok(((await store.get("m/0/0")) ?? new Uint8Array()).length > 0);
});
