import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import {
  Blosc,
  Bytes,
  BZ2,
  Crc32c,
  Delta,
  FixedScaleOffset,
  GZip,
  LZ4,
  Sharding,
  Shuffle,
  Transpose,
  toV3Codec,
  Zlib,
  Zstd,
} from "../../src/codecs/index.js";
import { CodecPipeline, type V2PipelineMeta } from "../../src/codecs/pipeline.js";
import type { V2CodecJSON, V3CodecJSON } from "../../src/codecs/types.js";
import {
  allocate,
  DATA_TYPES,
  type DataType,
  lanes,
  parseV2DType,
  type TypedArray,
  toBytes,
} from "../../src/dtype/index.js";
import { CodecError, type SpecError, UnsupportedError } from "../../src/errors.js";
import { type NDArray, product } from "../../src/ndarray.js";
import { needs, pythonModules } from "../helpers/requirements.js";
import { b64, bytesEqual, python, rng, unb64 } from "./helpers.js";

/** Values that fit `dt`, smooth with some noise, deterministic. */
function sample(dt: DataType, shape: number[], seed = 1): NDArray {
  const n = product(shape) * lanes(dt);
  const data = allocate(dt, n / lanes(dt)) as TypedArray;
  const r = rng(seed);
  const slots = data as unknown as (number | bigint)[];
  for (let i = 0; i < n; i++) {
    const v = 50 + 40 * Math.sin(i / 5) + r() * 8;
    if (dt === "bool") slots[i] = v > 60 ? 1 : 0;
    else if (dt === "int64" || dt === "uint64") slots[i] = BigInt(Math.floor(v * 1e6));
    else if (dt.startsWith("float") || dt.startsWith("complex"))
      slots[i] = dt === "float16" ? Math.round(v) : v;
    else slots[i] = Math.floor(dt.startsWith("int") ? v - 50 : v);
  }
  return { data, shape, dtype: dt } as NDArray;
}

const DTYPES: readonly DataType[] = DATA_TYPES;

function v3Lists(dt: DataType): [string, V3CodecJSON[]][] {
  const bytes = Bytes({ endian: "little" });
  return [
    ["bytes little", [bytes]],
    ["bytes big", [Bytes({ endian: "big" })]],
    ["transpose+zstd", [Transpose({ order: [2, 0, 1] }), bytes, toV3Codec(Zstd({ level: 3 }), dt)]],
    ["blosc shuffle", [bytes, toV3Codec(Blosc({ cname: "zstd", clevel: 5, shuffle: 1 }), dt)]],
    ["blosc bitshuffle", [bytes, toV3Codec(Blosc({ cname: "lz4", clevel: 5, shuffle: 2 }), dt)]],
    ["gzip+crc32c", [bytes, toV3Codec(GZip({ level: 5 }), dt), Crc32c()]],
    ["zlib", [bytes, toV3Codec(Zlib(), dt)]],
    ["lz4", [bytes, toV3Codec(LZ4(), dt)]],
    ["shuffle+zstd", [bytes, toV3Codec(Shuffle({ elementsize: 4 }), dt), toV3Codec(Zstd(), dt)]],
    ["sharding", [Sharding({ chunk_shape: [3, 2, 7], codecs: [bytes, toV3Codec(Zstd(), dt)] })]],
  ];
}

describe("codec modules", () => {
  it("load in any order despite importing each other (no use before initialisation)", () => {
    for (const entry of ["registry", "validate", "sharding", "pipeline", "index"]) {
      const code = `
        await import("./src/codecs/${entry}.ts");
        const { CodecPipeline } = await import("./src/codecs/pipeline.ts");
        const p = CodecPipeline.fromV3([{ name: "sharding_indexed", configuration: { chunk_shape: [2], codecs: [{ name: "bytes" }] } }],
          { shape: [4], dataType: "uint8", fillValue: 0 });
        const a = { data: Uint8Array.from([1, 2, 3, 4]), shape: [4], dtype: "uint8" };
        const back = await p.decode(await p.encode(a));
        if (back.data.join() !== "1,2,3,4") throw new Error("round trip failed");`;
      const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
        encoding: "utf8",
      });
      assert.equal(r.status, 0, `importing ${entry} first: ${r.stderr}`);
    }
  });
});

describe("CodecPipeline v3", () => {
  it("round trips every data type through every codec list on an odd shape", async () => {
    const shape = [3, 4, 7];
    for (const dt of DTYPES) {
      const a = sample(dt, shape, DTYPES.indexOf(dt) + 1);
      for (const [label, codecs] of v3Lists(dt)) {
        const p = CodecPipeline.fromV3(codecs, { shape, dataType: dt, fillValue: null });
        const back = await p.decode(await p.encode(a));
        assert.deepEqual(back.shape, shape, `${dt} ${label}`);
        assert.equal(back.dtype, dt);
        assert.deepEqual(
          Array.from(back.data as ArrayLike<number>),
          Array.from(a.data as ArrayLike<number>),
          `${dt} ${label}`,
        );
      }
    }
  });

  it("bz2 round trips (slow pure-JS codec, small chunk)", async () => {
    const a = sample("uint16", [9, 11], 3);
    const p = CodecPipeline.fromV3([Bytes(), toV3Codec(BZ2({ level: 9 }), "uint16")], {
      shape: [9, 11],
      dataType: "uint16",
      fillValue: 0,
    });
    assert.deepEqual(
      [...((await p.decode(await p.encode(a))).data as Uint16Array)],
      [...(a.data as Uint16Array)],
    );
  });

  it("decodes Node Buffers from a shared pool without misreading or mutating them", async () => {
    const shape = [5];
    for (const dt of ["float16", "int32", "float64"] as const) {
      const a = sample(dt, shape, 4);
      const p = CodecPipeline.fromV3([Bytes({ endian: "big" })], { shape, dataType: dt, fillValue: 0 });
      const enc = await p.encode(a);
      const pooled = Buffer.from(enc); // small Buffers live at an offset inside a shared 8 KiB pool
      const before = Buffer.from(pooled);
      const back = await p.decode(pooled);
      assert.deepEqual(
        Array.from(back.data as ArrayLike<number>),
        Array.from(a.data as ArrayLike<number>),
        dt,
      );
      assert.ok(pooled.equals(before), `${dt}: input left untouched`);
    }
  });

  it("transpose stores the permuted layout", async () => {
    const a = { data: Uint8Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3], dtype: "uint8" } as NDArray;
    const p = CodecPipeline.fromV3([Transpose({ order: [1, 0] }), Bytes()], {
      shape: [2, 3],
      dataType: "uint8",
      fillValue: 0,
    });
    assert.deepEqual([...(await p.encode(a))], [1, 4, 2, 5, 3, 6]);
  });

  it("reports JSON equal to what it was built from", () => {
    const codecs = [Transpose({ order: [1, 0] }), Bytes(), toV3Codec(Zstd({ level: 4 }), "uint16"), Crc32c()];
    const p = CodecPipeline.fromV3(codecs, { shape: [4, 5], dataType: "uint16", fillValue: 0 });
    assert.deepEqual(p.toJSON(), codecs);
    assert.equal(p.sharding, undefined);
  });

  it("throws CodecError for corrupt or wrongly sized chunks, never returns garbage", async () => {
    const shape = [8, 8];
    const spec = { shape, dataType: "float32" as const, fillValue: 0 };
    const a = sample("float32", shape);
    const plain = CodecPipeline.fromV3([Bytes()], spec);
    await assert.rejects(plain.decode(new Uint8Array(100)), CodecError);
    const checked = CodecPipeline.fromV3([Bytes(), toV3Codec(Zstd(), "float32"), Crc32c()], spec);
    const enc = await checked.encode(a);
    const bad = enc.slice();
    bad[10] ^= 4;
    await assert.rejects(checked.decode(bad), CodecError);
    const unchecked = CodecPipeline.fromV3([Bytes(), toV3Codec(Zstd(), "float32")], spec);
    await assert.rejects(unchecked.decode(new Uint8Array([1, 2, 3, 4, 5])), CodecError);
    // A valid zstd frame of the wrong size.
    const wrong = await CodecPipeline.fromV3([Bytes(), toV3Codec(Zstd(), "float32")], {
      ...spec,
      shape: [4, 8],
    }).encode(sample("float32", [4, 8]));
    await assert.rejects(unchecked.decode(wrong), /expected 256 bytes/);
    await assert.rejects(plain.encode(sample("float32", [8, 7])), CodecError);
    await assert.rejects(plain.encode(sample("int32", shape)), CodecError);
  });

  it("refuses unknown codecs as unsupported and bad configs as spec errors", () => {
    const spec = { shape: [4], dataType: "uint8" as const, fillValue: 0 };
    assert.throws(
      () => CodecPipeline.fromV3([Bytes(), { name: "numcodecs.pcodec", configuration: {} }], spec),
      UnsupportedError,
    );
    assert.throws(
      () => CodecPipeline.fromV3([Bytes(), { name: "zstd", configuration: { level: 99 } }], spec),
      (e: SpecError) => e.issues[0].path === "codecs[1].configuration.level",
    );
  });
});

interface V2Case {
  dtype: string;
  order: "C" | "F";
  filters: V2CodecJSON[] | null;
  compressor: V2CodecJSON | null;
  shape: number[];
  lossy?: boolean;
}

const V2_CASES: V2Case[] = [
  { dtype: "<u2", order: "C", filters: null, compressor: null, shape: [5, 7] },
  {
    dtype: ">i4",
    order: "F",
    filters: null,
    compressor: Blosc({ cname: "lz4", clevel: 5, shuffle: 1 }),
    shape: [5, 7, 3],
  },
  { dtype: "<f8", order: "C", filters: null, compressor: Zstd({ level: 5 }), shape: [6, 9] },
  {
    dtype: "|u1",
    order: "F",
    filters: [Delta({ dtype: "|u1" })],
    compressor: Zlib({ level: 6 }),
    shape: [5, 7],
  },
  {
    dtype: "|b1",
    order: "C",
    filters: null,
    compressor: Blosc({ cname: "zstd", clevel: 3, shuffle: 2 }),
    shape: [33, 9],
  },
  { dtype: "<c8", order: "C", filters: null, compressor: GZip({ level: 9 }), shape: [4, 5] },
  { dtype: ">f2", order: "F", filters: null, compressor: LZ4(), shape: [7, 5] },
  {
    dtype: "<i8",
    order: "C",
    filters: [Delta({ dtype: "<i8" })],
    compressor: BZ2({ level: 1 }),
    shape: [6, 6],
  },
  {
    dtype: "<f4",
    order: "C",
    filters: [FixedScaleOffset({ offset: 50, scale: 10, dtype: "<f4", astype: "<i2" })],
    compressor: Blosc({ cname: "zstd", clevel: 5, shuffle: 1 }),
    shape: [40, 30],
    lossy: true,
  },
  {
    dtype: "<u2",
    order: "C",
    filters: [Shuffle({ elementsize: 2 })],
    compressor: Blosc({ cname: "lz4", clevel: 5, shuffle: 1 }),
    shape: [50, 20],
  },
  {
    dtype: ">u8",
    order: "C",
    filters: null,
    compressor: Blosc({ cname: "zlib", clevel: 4, shuffle: -1 }),
    shape: [30, 10],
  },
  {
    dtype: "<f4",
    order: "F",
    filters: [{ id: "bitround", keepbits: 8 }],
    compressor: Zstd(),
    shape: [10, 12],
    lossy: true,
  },
  {
    dtype: "<i2",
    order: "C",
    filters: [Delta({ dtype: "<i2", astype: ">i2" })],
    compressor: null,
    shape: [9, 9],
  },
];

describe("CodecPipeline v2 against zarr-python 2", () => {
  it("reads zarr-python's chunks and zarr-python reads ours, for dtypes × order × filters × compressors", {
    skip: needs(pythonModules("zarr", "numcodecs")),
  }, async () => {
    const inputs = [];
    const ours: NDArray[] = [];
    for (const [i, c] of V2_CASES.entries()) {
      const { dataType } = parseV2DType(c.dtype)!;
      const a = sample(dataType, c.shape, i + 10);
      const p = CodecPipeline.fromV2(c as V2PipelineMeta, { shape: c.shape, dataType, fillValue: 0 });
      const enc = await p.encode(a);
      ours.push(await p.decode(enc));
      inputs.push({ ...c, data: b64(toBytes(a.data, dataType, "little")), ours: b64(enc) });
    }
    const out = python<{ chunk: string; theirs: string; ours: string; meta: Record<string, unknown> }[]>(
      `
import zarr, numcodecs
OUTPUT = []
for c in INPUT:
    dt = np.dtype(c["dtype"])
    data = np.frombuffer(unb64(c["data"]), dtype=dt.newbyteorder("<")).astype(dt).reshape(c["shape"])
    store = {}
    filters = [numcodecs.get_codec(dict(f)) for f in c["filters"]] if c["filters"] else None
    compressor = numcodecs.get_codec(dict(c["compressor"])) if c["compressor"] else None
    z = zarr.create(shape=c["shape"], chunks=c["shape"], dtype=dt, order=c["order"], filters=filters,
                    compressor=compressor, store=store, fill_value=0)
    z[...] = data
    key = ".".join("0" * len(c["shape"]))
    chunk = bytes(store[key])
    theirs = z[...]
    store[key] = unb64(c["ours"])
    mine = zarr.open(store, mode="r")[...]
    le = lambda a: np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()
    OUTPUT.append({"chunk": b64(chunk), "theirs": b64(le(theirs)), "ours": b64(le(mine)),
                   "meta": json.loads(store[".zarray"])})
`,
      inputs,
    );
    for (const [i, c] of V2_CASES.entries()) {
      const { dataType } = parseV2DType(c.dtype)!;
      const label = `${c.dtype} ${c.order} ${JSON.stringify(c.filters)} ${JSON.stringify(c.compressor)}`;
      // Build from zarr-python's own .zarray, as a reader would.
      const meta = out[i].meta as unknown as V2PipelineMeta;
      const p = CodecPipeline.fromV2(meta, { shape: c.shape, dataType, fillValue: 0 });
      const decoded = await p.decode(unb64(out[i].chunk));
      assert.ok(
        bytesEqual(toBytes(decoded.data, dataType, "little"), unb64(out[i].theirs)),
        `we read zarr's chunk: ${label}`,
      );
      assert.ok(
        bytesEqual(toBytes(ours[i].data, dataType, "little"), unb64(out[i].ours)),
        `zarr reads ours: ${label}`,
      );
      if (!c.lossy) assert.ok(bytesEqual(unb64(out[i].ours), unb64(inputs[i].data)), `lossless: ${label}`);
    }
  });

  it("rejects unsupported v2 codecs and dtypes, and filters that cannot follow bytes", () => {
    const spec = { shape: [4], dataType: "uint16" as const, fillValue: 0 };
    const meta = (m: Partial<V2PipelineMeta>): V2PipelineMeta => ({
      dtype: "<u2",
      order: "C",
      filters: null,
      compressor: null,
      ...m,
    });
    assert.throws(
      () => CodecPipeline.fromV2(meta({ compressor: { id: "zfpy", mode: 4 } }), spec),
      UnsupportedError,
    );
    assert.throws(() => CodecPipeline.fromV2(meta({ dtype: "<U4" }), spec), UnsupportedError);
    assert.throws(
      () =>
        CodecPipeline.fromV2(meta({ filters: [Shuffle({ elementsize: 2 }), Delta({ dtype: "<u2" })] }), spec),
      UnsupportedError,
    );
    assert.throws(
      () =>
        CodecPipeline.fromV2(
          meta({ compressor: { id: "blosc", cname: "zstd", clevel: 12, shuffle: 1 } }),
          spec,
        ),
      (e: SpecError) => e.issues[0].path === "compressor.clevel",
    );
  });
});

describe("decoding into a caller's buffer", () => {
  it("the last decompression writes into the buffer when it fits, and decodes the same values", async () => {
    const spec = { shape: [16, 16], dataType: "uint16" as const, fillValue: 0 };
    const chunk = sample("uint16", spec.shape);
    for (const [i, codecs] of [
      [Bytes(), toV3Codec(Zstd({ level: 3 }), "uint16")],
      [Bytes(), toV3Codec(Zstd({ level: 3 }), "uint16"), Crc32c()],
      [Bytes({ endian: "big" }), toV3Codec(Zstd({ level: 1 }), "uint16")],
    ].entries() as IterableIterator<[number, V3CodecJSON[]]>) {
      const pipeline = CodecPipeline.fromV3(codecs, spec);
      const encoded = await pipeline.encode(chunk);
      assert.equal(pipeline.decodedByteLength, 16 * 16 * 2);
      const into = new Uint8Array(pipeline.decodedByteLength ?? 0);
      const a = await pipeline.decode(encoded, into);
      assert.deepEqual([...a.data], [...chunk.data], JSON.stringify(codecs));
      if (i === 0) assert.equal(a.data.buffer, into.buffer, "a little-endian chunk is a view of the buffer");
      // a buffer too small is not used
      const small = new Uint8Array(10);
      const b = await pipeline.decode(encoded, small);
      assert.notEqual(b.data.buffer, small.buffer);
      assert.deepEqual([...b.data], [...chunk.data]);
    }
  });
});
