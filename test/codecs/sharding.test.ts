import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as zarr from "zarrita";
import { Bytes, Crc32c, Sharding, toV3Codec, Zstd } from "../../src/codecs/index.js";
import { CodecPipeline } from "../../src/codecs/pipeline.js";
import type { ChunkSpec, RangeReader, V3CodecJSON } from "../../src/codecs/types.js";
import { CodecError, SelectionError, type SpecError } from "../../src/errors.js";
import { full, type NDArray } from "../../src/ndarray.js";
import type { RangeQuery } from "../../src/store/types.js";

const SHARD = [8, 6, 10];
const INNER = [4, 3, 5];
const spec: ChunkSpec = { shape: SHARD, dataType: "int32", fillValue: -1 };

/** Distinct values everywhere except inner chunk (1, 0, 1), which is all fill. */
function shardData(): NDArray {
  const a = full(SHARD, "int32", -1);
  const d = a.data as Int32Array;
  for (let z = 0; z < 8; z++)
    for (let y = 0; y < 6; y++)
      for (let x = 0; x < 10; x++) {
        const inEmpty = z >= 4 && y < 3 && x >= 5;
        if (!inEmpty) d[(z * 6 + y) * 10 + x] = z * 1000 + y * 100 + x;
      }
  return a;
}

function at(a: NDArray, z: number, y: number, x: number): number {
  return (a.data as Int32Array)[(z * a.shape[1] + y) * a.shape[2] + x];
}

/** A reader over `bytes` that records every range it is asked for. */
function recordingReader(bytes: Uint8Array | undefined): {
  read: RangeReader;
  requests: RangeQuery[];
  bytesRead(): number;
} {
  const requests: RangeQuery[] = [];
  let total = 0;
  const read: RangeReader = async (range) => {
    if (!bytes) return undefined;
    if (!range) throw new Error("whole-shard read during a partial read");
    requests.push(range);
    const part =
      "suffixLength" in range
        ? bytes.subarray(bytes.length - range.suffixLength)
        : bytes.subarray(range.offset, range.offset + range.length);
    total += part.length;
    return part;
  };
  return { read, requests, bytesRead: () => total };
}

function shardingCodecs(
  index_location: "start" | "end",
  inner: V3CodecJSON[] = [Bytes(), toV3Codec(Zstd({ level: 3 }), "int32")],
) {
  return [Sharding({ chunk_shape: INNER, codecs: inner, index_location })];
}

describe("sharding_indexed", () => {
  for (const location of ["start", "end"] as const) {
    it(`round trips with the index at the ${location}, omitting fill-only inner chunks`, async () => {
      const p = CodecPipeline.fromV3(shardingCodecs(location), spec);
      assert.ok(p.sharding, "sharding exposed for partial reads");
      const a = shardData();
      const bytes = await p.encode(a);
      const back = await p.decode(bytes);
      assert.deepEqual(back.shape, SHARD);
      assert.deepEqual([...(back.data as Int32Array)], [...(a.data as Int32Array)]);
      // The index: 2 x 2 x 2 inner chunks, 16 bytes each, plus a 4-byte crc32c.
      const sharding = p.sharding!;
      assert.equal(sharding.indexSize, 8 * 16 + 4);
      const indexBytes = location === "start" ? bytes.subarray(0, 132) : bytes.subarray(bytes.length - 132);
      const view = new DataView(indexBytes.buffer, indexBytes.byteOffset, 128);
      // Inner chunk (1, 0, 1) is flat index 5: not stored.
      assert.equal(view.getBigUint64(5 * 16, true), 0xffffffffffffffffn);
      assert.equal(view.getBigUint64(5 * 16 + 8, true), 0xffffffffffffffffn);
      const firstOffset = view.getBigUint64(0, true);
      assert.equal(firstOffset, location === "start" ? 132n : 0n);
    });
  }

  it("decodes a region reading only the index and the inner chunks it touches", async () => {
    for (const location of ["start", "end"] as const) {
      const p = CodecPipeline.fromV3(shardingCodecs(location), spec);
      const bytes = await p.encode(shardData());
      const r = recordingReader(bytes);
      // z 1..3, y 4..6, x 6..9: inside inner chunk (0, 1, 1) only.
      const region = await p.sharding!.decodeRegion(r.read, spec, [
        [1, 3],
        [4, 6],
        [6, 9],
      ]);
      assert.ok(region);
      assert.deepEqual(region.shape, [2, 2, 3]);
      assert.equal(at(region, 0, 0, 0), 1 * 1000 + 4 * 100 + 6);
      assert.equal(at(region, 1, 1, 2), 2 * 1000 + 5 * 100 + 8);
      assert.equal(r.requests.length, 2, "one index read and one inner chunk read");
      assert.deepEqual(
        r.requests[0],
        location === "start" ? { offset: 0, length: 132 } : { suffixLength: 132 },
      );
      const index =
        location === "start" ? bytes.subarray(0, 128) : bytes.subarray(bytes.length - 132, bytes.length - 4);
      const view = new DataView(index.buffer, index.byteOffset, 128);
      const flat = 0 * 4 + 1 * 2 + 1; // inner chunk (0, 1, 1)
      const nbytes = Number(view.getBigUint64(flat * 16 + 8, true));
      assert.deepEqual(r.requests[1], { offset: Number(view.getBigUint64(flat * 16, true)), length: nbytes });
      assert.equal(r.bytesRead(), 132 + nbytes);
    }
  });

  it("fills missing inner chunks and spans several chunks in a region", async () => {
    const p = CodecPipeline.fromV3(shardingCodecs("end"), spec);
    const r = recordingReader(await p.encode(shardData()));
    const region = await p.sharding!.decodeRegion(r.read, spec, [
      [3, 6],
      [2, 4],
      [4, 7],
    ]);
    assert.ok(region);
    const expected = shardData();
    for (let z = 0; z < 3; z++)
      for (let y = 0; y < 2; y++)
        for (let x = 0; x < 3; x++) assert.equal(at(region, z, y, x), at(expected, z + 3, y + 2, x + 4));
    assert.equal(at(region, 1, 0, 1), -1, "fill value from the missing inner chunk");
    // 8 inner chunks touched, one missing: consecutive ones are merged into fewer reads.
    assert.ok(r.requests.length >= 2 && r.requests.length <= 8);
  });

  it("returns undefined for a missing shard and the fill value for an empty one", async () => {
    const p = CodecPipeline.fromV3(shardingCodecs("end"), spec);
    const none = recordingReader(undefined);
    assert.equal(
      await p.sharding!.decodeRegion(none.read, spec, [
        [0, 1],
        [0, 1],
        [0, 1],
      ]),
      undefined,
    );
    const emptyShard = await p.encode(full(SHARD, "int32", -1));
    assert.equal(emptyShard.length, 132, "only the index is stored");
    const back = await p.decode(emptyShard);
    assert.ok((back.data as Int32Array).every((v) => v === -1));
  });

  it("nests sharding and passes inner transpose/crc32c", async () => {
    const inner: V3CodecJSON[] = [
      { name: "transpose", configuration: { order: [2, 0, 1] } },
      Bytes({ endian: "big" }),
      Crc32c(),
    ];
    const nested = [
      Sharding({ chunk_shape: [4, 6, 10], codecs: [Sharding({ chunk_shape: INNER, codecs: inner })] }),
    ];
    const p = CodecPipeline.fromV3(nested, spec);
    const a = shardData();
    const back = await p.decode(await p.encode(a));
    assert.deepEqual([...(back.data as Int32Array)], [...(a.data as Int32Array)]);
  });

  it("rejects corrupt shards and bad regions with clear errors", async () => {
    const p = CodecPipeline.fromV3(shardingCodecs("end"), spec);
    const bytes = await p.encode(shardData());
    await assert.rejects(p.decode(bytes.subarray(0, 50)), CodecError);
    const flipped = bytes.slice();
    flipped[flipped.length - 20] ^= 1; // inside the index: crc32c mismatch
    await assert.rejects(p.decode(flipped), /crc32c|checksum/);
    const cut = bytes.subarray(40); // offsets now point past the end
    await assert.rejects(p.decode(cut), CodecError);
    const r = recordingReader(bytes);
    await assert.rejects(
      p.sharding!.decodeRegion(r.read, spec, [
        [0, 9],
        [0, 1],
        [0, 1],
      ]),
      SelectionError,
    );
  });

  it("zarrita reads our shards (an independent reader; it only supports the index at the end)", async () => {
    const codecs = shardingCodecs("end");
    const p = CodecPipeline.fromV3(codecs, spec);
    const a = shardData();
    const files = new Map<string, Uint8Array>([
      [
        "/zarr.json",
        new TextEncoder().encode(
          JSON.stringify({
            zarr_format: 3,
            node_type: "array",
            shape: SHARD,
            data_type: "int32",
            chunk_grid: { name: "regular", configuration: { chunk_shape: SHARD } },
            chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
            fill_value: -1,
            codecs,
            attributes: {},
          }),
        ),
      ],
      ["/c/0/0/0", await p.encode(a)],
    ]);
    const store = {
      get: async (key: string) => files.get(key),
      getRange: async (key: string, range: RangeQuery) => {
        const b = files.get(key);
        if (!b) return undefined;
        return "suffixLength" in range
          ? b.subarray(b.length - range.suffixLength)
          : b.subarray(range.offset, range.offset + range.length);
      },
    };
    const arr = await zarr.open.v3(zarr.root(store), { kind: "array" });
    const got = await zarr.get(arr);
    assert.deepEqual(got.shape, SHARD);
    assert.deepEqual([...(got.data as Int32Array)], [...(a.data as Int32Array)]);
  });

  it("validates chunk_shape against the shard shape", () => {
    assert.throws(
      () => CodecPipeline.fromV3([Sharding({ chunk_shape: [3, 3, 5], codecs: [Bytes()] })], spec),
      (e: SpecError) => e.issues.some((i) => i.path === "codecs[0].configuration.chunk_shape[0]"),
    );
  });
});

describe("sharding receives its pipeline builder", () => {
  it("builds the inner and index pipelines with the builder it is given", async () => {
    const { ShardingCodec } = await import("../../src/codecs/sharding.js");
    const built: string[] = [];
    const builder = (codecs: V3CodecJSON[], s: ChunkSpec) => {
      built.push(`${codecs.map((c) => c.name).join("+")} ${s.dataType} [${s.shape}]`);
      return CodecPipeline.fromV3(codecs, s);
    };
    const codec = new ShardingCodec({ chunk_shape: INNER, codecs: [Bytes()] }, spec, builder);
    assert.deepEqual(built, ["bytes int32 [4,3,5]", "bytes+crc32c uint64 [2,2,2,2]"]);
    const a = shardData();
    const back = await codec.decode(await codec.encode(a, spec), spec);
    assert.deepEqual(back.data, a.data);
  });
});
