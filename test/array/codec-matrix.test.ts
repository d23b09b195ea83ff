/**
 * Every data type through every codec chain, in both formats, on an odd 3-D shape (partial edge
 * chunks), written with worker threads and read back on the calling thread and reopened from the store.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { codecs, DATA_TYPES, type DataType, MemoryStore, open, v2, v3, WorkerPool } from "../../src/index.js";
import { list } from "../helpers/list.js";
import { randomArray } from "../helpers/reference.js";

const DTYPES: readonly DataType[] = DATA_TYPES;
const SHAPE = [9, 13, 7];
const CHUNKS = [4, 5, 3];

const V2_CHAINS: Record<
  string,
  (dtype: DataType) => { compressor: unknown; filters?: unknown[]; dtype?: string }
> = {
  none: () => ({ compressor: null }),
  zstd: () => ({ compressor: codecs.Zstd({ level: 5 }) }),
  "zstd-checksum": () => ({ compressor: codecs.Zstd({ level: 1, checksum: true }) }),
  "blosc-lz4-shuffle": () => ({ compressor: codecs.Blosc({ cname: "lz4", shuffle: 1 }) }),
  "blosc-zstd-bitshuffle": () => ({ compressor: codecs.Blosc({ cname: "zstd", clevel: 3, shuffle: 2 }) }),
  "blosc-zlib-noshuffle": () => ({ compressor: codecs.Blosc({ cname: "zlib", shuffle: 0 }) }),
  "blosc-lz4hc": () => ({ compressor: codecs.Blosc({ cname: "lz4hc", shuffle: -1 }) }),
  gzip: () => ({ compressor: codecs.GZip({ level: 6 }) }),
  zlib: () => ({ compressor: codecs.Zlib({ level: 1 }) }),
  lz4: () => ({ compressor: codecs.LZ4() }),
  bz2: () => ({ compressor: codecs.BZ2({ level: 1 }) }),
  "shuffle+zstd": () => ({ compressor: codecs.Zstd(), filters: [codecs.Shuffle({ elementsize: 2 })] }),
  "big-endian+zlib": () => ({ compressor: codecs.Zlib() }),
};

const V3_CHAINS: Record<string, (dtype: DataType) => unknown[]> = {
  bytes: () => [codecs.Bytes()],
  "bytes-big": () => [codecs.Bytes({ endian: "big" })],
  "transpose+zstd": (dt) => [
    codecs.Transpose({ order: [2, 0, 1] }),
    codecs.Bytes(),
    codecs.toV3Codec(codecs.Zstd({ level: 3 }), dt),
  ],
  gzip: (dt) => [codecs.Bytes(), codecs.toV3Codec(codecs.GZip({ level: 5 }), dt)],
  "blosc-crc32c": (dt) => [
    codecs.Bytes(),
    codecs.toV3Codec(codecs.Blosc({ cname: "zstd", shuffle: 1 }), dt),
    codecs.Crc32c(),
  ],
  "sharding-index-start": (dt) => [
    codecs.Sharding({
      chunk_shape: [2, 5, 3],
      codecs: [codecs.Bytes(), codecs.toV3Codec(codecs.Zstd({ level: 3 }), dt)],
      index_location: "start",
    }),
  ],
  "sharding-transpose-crc": () => [
    codecs.Sharding({
      chunk_shape: [2, 5, 3],
      codecs: [codecs.Transpose({ order: [1, 2, 0] }), codecs.Bytes({ endian: "big" }), codecs.Crc32c()],
    }),
  ],
};

const pool = new WorkerPool(2);
after(() => pool.close());

async function roundTrip(
  store: MemoryStore,
  arr: Awaited<ReturnType<typeof open.array>>,
  dtype: DataType,
  what: string,
) {
  const data = randomArray(dtype, SHAPE, 7);
  await arr.set(null, data, { workers: pool });
  const back = await arr.get(null, { workers: 0 });
  assert.deepEqual(list(back.data), list(data.data), `${what}: values`);
  const reopened = await open.array(store, "a");
  assert.deepEqual(
    list((await reopened.get(null, { workers: pool })).data),
    list(data.data),
    `${what}: reopened`,
  );
}

describe("Zarr v2: every dtype through every compressor/filter chain", () => {
  for (const [name, chain] of Object.entries(V2_CHAINS)) {
    test(name, async () => {
      for (const dtype of DTYPES) {
        const c = chain(dtype);
        const bigEndian = name.startsWith("big-endian");
        const spec = v2.ArraySpec.parse({
          shape: SHAPE,
          chunks: CHUNKS,
          // the same type stored big-endian (">u2"); 1-byte types keep "|"
          dtype: bigEndian
            ? v2.ArraySpec.parse({ shape: [1], chunks: [1], dtype }).dtype.replace("<", ">")
            : dtype,
          compressor: c.compressor,
          filters: c.filters ?? null,
        });
        const store = new MemoryStore();
        await roundTrip(store, await spec.toZarr(store, "a"), dtype, `${name} ${dtype}`);
      }
    });
  }
});

describe("Zarr v3: every data type through every codec chain", () => {
  for (const [name, chain] of Object.entries(V3_CHAINS)) {
    test(name, async () => {
      for (const dtype of DTYPES) {
        const sharded = name.startsWith("sharding");
        const spec = v3.ArraySpec.parse({
          shape: SHAPE,
          data_type: dtype,
          chunk_grid: { name: "regular", configuration: { chunk_shape: sharded ? [4, 10, 6] : CHUNKS } },
          codecs: chain(dtype),
          fill_value: dtype === "bool" ? false : dtype.startsWith("complex") ? [0, 0] : 0,
        });
        const store = new MemoryStore();
        await roundTrip(store, await spec.toZarr(store, "a"), dtype, `${name} ${dtype}`);
      }
    });
  }
});
