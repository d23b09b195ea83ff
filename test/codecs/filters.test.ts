import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BitRoundCodec } from "../../src/codecs/filters/bitround.js";
import { DeltaCodec } from "../../src/codecs/filters/delta.js";
import { FixedScaleOffsetCodec } from "../../src/codecs/filters/fixedscaleoffset.js";
import { ShuffleCodec } from "../../src/codecs/filters/shuffle.js";
import { parseNumpyDType } from "../../src/codecs/numpy-dtype.js";
import type { ArrayToArrayCodec } from "../../src/codecs/types.js";
import { allocate, type DataType, fromBytes, type TypedArray, toBytes } from "../../src/dtype/index.js";
import { CodecError, SpecError } from "../../src/errors.js";
import type { NDArray } from "../../src/ndarray.js";
import { needs, pythonModules } from "../helpers/requirements.js";
import { b64, bytesEqual, python, rng, smoothBytes, unb64 } from "./helpers.js";

/** Values of `dt` drawn from [lo, hi) (integers for integer types, quarter steps for floats to hit ties). */
function values(dt: DataType, n: number, lo: number, hi: number, seed: number): NDArray {
  const r = rng(seed);
  const data = allocate(dt, n) as TypedArray;
  const big = dt === "int64" || dt === "uint64";
  const float = dt.startsWith("float");
  for (let i = 0; i < n; i++) {
    const v = lo + r() * (hi - lo);
    const x = float ? Math.round(v * 4) / 4 : Math.floor(v);
    (data as unknown as (number | bigint)[])[i] = big ? BigInt(x) : x;
  }
  return { data, shape: [n], dtype: dt } as NDArray;
}

interface FilterCase {
  label: string;
  /** numcodecs config. */
  config: Record<string, unknown>;
  codec: ArrayToArrayCodec & { dtype?: DataType; astype?: DataType };
  input: NDArray;
}

const dtypeOf = (s: string) => parseNumpyDType(s)!.dataType;

function deltaCase(dtype: string, astype: string, lo: number, hi: number, seed: number): FilterCase {
  const config = { id: "delta", dtype, astype };
  return {
    label: `delta ${dtype}->${astype}`,
    config,
    codec: new DeltaCodec({ dtype, astype }),
    input: values(dtypeOf(dtype), 999, lo, hi, seed),
  };
}

function fsoCase(
  offset: number,
  scale: number,
  dtype: string,
  astype: string,
  lo: number,
  hi: number,
): FilterCase {
  return {
    label: `fixedscaleoffset ${offset},${scale} ${dtype}->${astype}`,
    config: { id: "fixedscaleoffset", offset, scale, dtype, astype },
    codec: new FixedScaleOffsetCodec({ offset, scale, dtype, astype }),
    input: values(dtypeOf(dtype), 1001, lo, hi, Math.round(offset * 7 + scale * 13)),
  };
}

function bitroundCase(dtype: DataType, keepbits: number): FilterCase {
  return {
    label: `bitround ${dtype} keep ${keepbits}`,
    config: { id: "bitround", keepbits },
    codec: new BitRoundCodec({ keepbits }, dtype),
    input: values(dtype, 500, -1e4, 1e4, keepbits + 5),
  };
}

const CASES: FilterCase[] = [
  deltaCase("<i2", "<i2", -30000, 30000, 1),
  deltaCase("|u1", "|u1", 0, 256, 2),
  deltaCase("|u1", "<i2", 0, 256, 3),
  deltaCase("<i4", "<i2", -1e6, 1e6, 4),
  deltaCase("<u2", "<i4", 0, 65536, 5),
  deltaCase("<u4", "<u4", 0, 4e9, 6),
  deltaCase("<i8", "<i8", -1e15, 1e15, 7),
  deltaCase("<u8", "<u8", 0, 1e15, 8),
  deltaCase("<f4", "<f4", -1e5, 1e5, 9),
  deltaCase("<f8", "<f4", -1e3, 1e3, 10),
  deltaCase("<f4", "<i2", -1000, 1000, 11),
  deltaCase("<f2", "<f2", -100, 100, 12),
  deltaCase("<i2", "<f8", -300, 300, 13),
  fsoCase(1000, 10, "<f4", "<i2", 0, 2000),
  fsoCase(0.5, 3.3, "<f8", "|u1", 0, 70),
  fsoCase(100, 1, "<i4", "|u1", 100, 356),
  fsoCase(2, 0.25, "<i2", "|i1", -400, 400),
  fsoCase(-1.5, 100, "<f4", "<f4", -10, 10),
  fsoCase(0, 2, "<f8", "<i8", -1e6, 1e6),
  fsoCase(10, 2, "<f2", "<i2", 0, 500),
  fsoCase(0, 2, "<f8", "<i4", -100, 100),
  fsoCase(7, 1, "<i8", "<i4", -1e9, 1e9),
  bitroundCase("float32", 5),
  bitroundCase("float32", 0),
  bitroundCase("float64", 20),
  bitroundCase("float16", 3),
];

function bytesOf(a: NDArray): Uint8Array {
  return toBytes(a.data, a.dtype, "little").slice();
}

describe("array filters against numcodecs", () => {
  it("encode and decode exactly as numcodecs does", { skip: needs(pythonModules("numcodecs")) }, async () => {
    const theirs = python<{ enc: string; dec: string }[]>(
      `
import numcodecs
OUTPUT = []
for c in INPUT:
    codec = numcodecs.get_codec(dict(c["config"]))
    x = np.frombuffer(unb64(c["input"]), dtype=c["dtype"]).copy()
    enc = np.ascontiguousarray(codec.encode(x))
    dec = np.ascontiguousarray(codec.decode(enc))
    OUTPUT.append({"enc": b64(enc.astype(enc.dtype.newbyteorder("<"))), "dec": b64(dec.astype(dec.dtype.newbyteorder("<")))})
`,
      CASES.map((c) => ({
        config: c.config,
        input: b64(bytesOf(c.input)),
        dtype:
          (c.config.dtype as string | undefined) ??
          { float16: "<f2", float32: "<f4", float64: "<f8" }[c.input.dtype as "float32"],
      })),
    );
    for (const [i, c] of CASES.entries()) {
      const enc = await c.codec.encode(c.input, {
        shape: c.input.shape,
        dataType: c.input.dtype,
        fillValue: null,
      });
      assert.ok(
        bytesEqual(bytesOf(enc), unb64(theirs[i].enc)),
        `${c.label}: encoded values differ from numcodecs`,
      );
      const dec = await c.codec.decode(enc, {
        shape: c.input.shape,
        dataType: c.input.dtype,
        fillValue: null,
      });
      assert.equal(dec.dtype, c.input.dtype, c.label);
      assert.ok(
        bytesEqual(bytesOf(dec), unb64(theirs[i].dec)),
        `${c.label}: decoded values differ from numcodecs`,
      );
    }
  });

  it("delta round trips integers exactly, with wrap-around", async () => {
    const x = { data: Uint8Array.from([250, 3, 255, 0, 7]), shape: [5], dtype: "uint8" } as NDArray;
    const codec = new DeltaCodec({ dtype: "|u1" });
    const enc = await codec.encode(x);
    assert.deepEqual([...(enc.data as Uint8Array)], [250, 9, 252, 1, 7]);
    assert.deepEqual([...((await codec.decode(enc)).data as Uint8Array)], [250, 3, 255, 0, 7]);
  });

  it("reject a filter dtype that does not match the data", () => {
    assert.throws(
      () => new DeltaCodec({ dtype: "<i2" }, "uint16"),
      (e: SpecError) => e.issues[0].path === "delta.dtype" && /uint16/.test(e.issues[0].message),
    );
    assert.throws(() => new FixedScaleOffsetCodec({ offset: 0, scale: 0, dtype: "<f4" }), SpecError);
    assert.throws(() => new BitRoundCodec({ keepbits: 24 }, "float32"), SpecError);
    assert.throws(() => new BitRoundCodec({ keepbits: 3 }, "int16"), SpecError);
  });
});

describe("shuffle filter", () => {
  it("matches numcodecs for several element sizes", { skip: needs(pythonModules("numcodecs")) }, async () => {
    const raw = smoothBytes(8 * 3 * 5 * 7, 21);
    const sizes = [1, 2, 3, 4, 8];
    const theirs = python<string[]>(
      `
import numcodecs
raw = unb64(INPUT["raw"])
OUTPUT = [b64(numcodecs.Shuffle(elementsize=e).encode(raw)) for e in INPUT["sizes"]]
`,
      { raw: b64(raw), sizes },
    );
    for (const [i, elementsize] of sizes.entries()) {
      const codec = new ShuffleCodec({ elementsize });
      const enc = codec.encode(raw);
      assert.ok(bytesEqual(enc, unb64(theirs[i])), `elementsize ${elementsize}`);
      assert.ok(bytesEqual(codec.decode(unb64(theirs[i])), raw));
    }
    assert.throws(() => new ShuffleCodec({ elementsize: 4 }).decode(raw.subarray(0, 7)), CodecError);
  });
});

describe("numpy dtype strings", () => {
  it("parse v2 forms, bare codes and names", () => {
    assert.deepEqual(parseNumpyDType("<u2"), { dataType: "uint16", endian: "little" });
    assert.deepEqual(parseNumpyDType(">f8"), { dataType: "float64", endian: "big" });
    assert.deepEqual(parseNumpyDType("u1"), { dataType: "uint8", endian: "little" });
    assert.deepEqual(parseNumpyDType("int32"), { dataType: "int32", endian: "little" });
    assert.equal(parseNumpyDType("<U8"), undefined);
    assert.equal(parseNumpyDType(3), undefined);
    const f = fromBytes(new Uint8Array(8), "float64");
    assert.equal(f.length, 1);
  });
});
