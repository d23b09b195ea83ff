/** Corrupt chunks, one row per way a stored chunk can be broken: each read fails with CorruptChunkError naming the key. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CorruptChunkError, codecs, MemoryStore, v2, v3 } from "../../src/index.js";
import { randomArray } from "../helpers/reference.js";

type Corrupt = (bytes: Uint8Array) => Uint8Array;
const flipLast: Corrupt = (b) => {
  const c = new Uint8Array(b);
  c[c.length - 1] ^= 0xff;
  return c;
};
const truncate: Corrupt = (b) => b.slice(0, Math.max(1, b.length >> 1));
const garbage: Corrupt = () => new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]);
const extend: Corrupt = (b) => new Uint8Array([...b, 0, 0]);

const v2spec = (compressor: unknown) =>
  v2.ArraySpec.parse({ shape: [6, 8], chunks: [3, 4], dtype: "<u2", compressor });
const v3spec = (codecList: unknown[], chunk = [3, 4]) =>
  v3.ArraySpec.parse({
    shape: [6, 8],
    data_type: "uint16",
    chunk_grid: { name: "regular", configuration: { chunk_shape: chunk } },
    codecs: codecList,
    fill_value: 0,
  });

const CASES: Array<{
  name: string;
  spec: v2.ArraySpec | v3.ArraySpec;
  key: string;
  corrupt: Corrupt;
  why: RegExp;
}> = [
  {
    name: "uncompressed chunk of the wrong size",
    spec: v2spec(null),
    key: "a/0/0",
    corrupt: extend,
    why: /bytes|size|length/i,
  },
  {
    name: "zstd: not a zstd frame",
    spec: v2spec(codecs.Zstd({ level: 3 })),
    key: "a/0/1",
    corrupt: garbage,
    why: /zstd/i,
  },
  {
    name: "zstd: truncated frame",
    spec: v2spec(codecs.Zstd({ level: 3 })),
    key: "a/1/1",
    corrupt: truncate,
    why: /./,
  },
  {
    name: "blosc: truncated",
    spec: v2spec(codecs.Blosc({ cname: "lz4" })),
    key: "a/1/0",
    corrupt: truncate,
    why: /blosc/i,
  },
  {
    name: "blosc: garbage header",
    spec: v2spec(codecs.Blosc({ cname: "zstd" })),
    key: "a/0/0",
    corrupt: garbage,
    why: /blosc/i,
  },
  { name: "gzip: garbage", spec: v2spec(codecs.GZip()), key: "a/0/0", corrupt: garbage, why: /./ },
  { name: "lz4: garbage", spec: v2spec(codecs.LZ4()), key: "a/0/0", corrupt: garbage, why: /./ },
  {
    name: "v3 crc32c: checksum mismatch",
    spec: v3spec([codecs.Bytes(), codecs.Crc32c()]),
    key: "a/c/0/0",
    corrupt: flipLast,
    why: /crc32c|checksum/i,
  },
  {
    name: "v3 sharding: shard truncated",
    spec: v3spec([codecs.Sharding({ chunk_shape: [3, 2] })], [6, 4]),
    key: "a/c/0/1",
    corrupt: truncate,
    why: /shard|index|crc/i,
  },
  {
    name: "v3 sharding: index checksum broken",
    spec: v3spec([codecs.Sharding({ chunk_shape: [3, 2] })], [6, 4]),
    key: "a/c/0/0",
    corrupt: flipLast,
    why: /crc32c|checksum|index/i,
  },
];

test("corrupt chunks fail with CorruptChunkError naming the key and the reason", async () => {
  for (const c of CASES) {
    const store = new MemoryStore();
    const arr = await c.spec.toZarr(store, "a");
    await arr.set(null, randomArray("uint16", [6, 8], 3), { workers: 0 });
    const stored = await store.get(c.key);
    assert.ok(stored, `${c.name}: ${c.key} was written`);
    await store.set(c.key, c.corrupt(stored));
    for (const workers of [0, 1]) {
      await assert.rejects(
        arr.get(null, { workers }),
        (e: unknown) => {
          assert.ok(e instanceof CorruptChunkError, `${c.name}: got ${String(e)}`);
          assert.ok(e.message.includes(JSON.stringify(c.key)), `${c.name}: "${e.message}" names ${c.key}`);
          assert.match(e.message, c.why, c.name);
          return true;
        },
        c.name,
      );
    }
  }
});
