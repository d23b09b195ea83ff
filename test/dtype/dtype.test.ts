import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import {
  fillValueToJSON,
  floatToHalf,
  formatV2DType,
  fromBytes,
  halfToFloat,
  parseFillValue,
  parseV2DType,
  toBytes,
} from "../../src/dtype/index.js";
import { list } from "../helpers/list.js";
import { PYTHON } from "../helpers/python.js";
import { needs, pythonModules } from "../helpers/requirements.js";

test("float16 conversion matches NumPy for every half value and for rounding cases", {
  skip: needs(pythonModules()),
}, () => {
  const bits = Uint16Array.from({ length: 65536 }, (_, i) => i);
  const floats = Float32Array.from({ length: 2000 }, (_, i) => (i - 1000) * 0.37 + 1 / (i + 1));
  const specials = new Float32Array([
    0,
    -0,
    65504,
    65520,
    1e-8,
    6e-8,
    1e6,
    2049,
    2051,
    Number.NaN,
    Number.POSITIVE_INFINITY,
  ]);
  const all = new Float32Array([...floats, ...specials]);
  const py = spawnSync(
    PYTHON,
    [
      "-c",
      "import sys,numpy as np; b=np.frombuffer(sys.stdin.buffer.read(),dtype='<f4'); sys.stdout.buffer.write(b.astype('<f2').tobytes())",
    ],
    { input: Buffer.from(all.buffer) },
  );
  assert.equal(py.status, 0, py.stderr.toString());
  const expected = new Uint16Array(new Uint8Array(py.stdout).buffer);
  for (let i = 0; i < all.length; i++) {
    const got = floatToHalf(all[i]);
    if (Number.isNaN(all[i])) assert.ok((got & 0x7c00) === 0x7c00 && (got & 0x3ff) !== 0);
    else assert.equal(got, expected[i], `value ${all[i]}`);
  }
  for (const b of bits) {
    const v = halfToFloat(b);
    if (!Number.isNaN(v)) assert.equal(floatToHalf(v), b, `bits ${b}`);
  }
});

test("bytes round trip in both byte orders, with views only where safe", () => {
  const values = new Int32Array([1, -2, 0x01020304]);
  const big = toBytes(values, "int32", "big");
  assert.deepEqual(list(big.subarray(8, 12)), [1, 2, 3, 4]);
  assert.deepEqual(list(fromBytes(big, "int32", "big")), [1, -2, 0x01020304]);
  const complex = new Float64Array([1.5, -2.5]);
  const back = fromBytes(toBytes(complex, "complex128", "big"), "complex128", "big");
  assert.deepEqual(list(back), [1.5, -2.5]);
  const half = fromBytes(toBytes(new Float32Array([0.5, -3, 65504]), "float16", "big"), "float16", "big");
  assert.deepEqual(list(half), [0.5, -3, 65504]);
  // unaligned input is copied, not viewed
  const odd = new Uint8Array(9).subarray(1);
  odd.set([1, 0, 0, 0, 2, 0, 0, 0]);
  assert.deepEqual(list(fromBytes(odd, "uint32", "little")), [1, 2]);
  assert.throws(() => fromBytes(new Uint8Array(3), "uint16"), /whole number/);
});

test("v2 dtype strings", () => {
  assert.deepEqual(parseV2DType("<u2"), { dataType: "uint16", endian: "little" });
  assert.deepEqual(parseV2DType(">f8"), { dataType: "float64", endian: "big" });
  assert.deepEqual(parseV2DType("|u1"), { dataType: "uint8", endian: "little" });
  assert.deepEqual(parseV2DType("|b1"), { dataType: "bool", endian: "little" });
  assert.equal(parseV2DType("|u2"), undefined);
  assert.equal(parseV2DType("<U10"), undefined);
  assert.equal(formatV2DType("uint8"), "|u1");
  assert.equal(formatV2DType("complex64", "big"), ">c8");
});

test("fill values: special floats, hex (v3), ranges, null (v2 only)", () => {
  assert.ok(Number.isNaN(parseFillValue("NaN", "float32", 2) as number));
  assert.equal(parseFillValue("-Infinity", "float64", 3), Number.NEGATIVE_INFINITY);
  assert.ok(Number.isNaN(parseFillValue("0x7fc00000", "float32", 3) as number));
  assert.equal(parseFillValue("0x3c00", "float16", 3), 1);
  assert.equal(parseFillValue("0x3ff0000000000000", "float64", 3), 1);
  assert.throws(() => parseFillValue("0x7fc00000", "float32", 2), /not a float32/);
  assert.throws(() => parseFillValue(256, "uint8", 2), /outside the uint8 range/);
  assert.throws(() => parseFillValue(1.5, "int16", 3), /not an integer/);
  assert.throws(() => parseFillValue(-1, "uint32", 3), /outside/);
  assert.equal(parseFillValue(null, "uint8", 2), null);
  assert.throws(() => parseFillValue(null, "uint8", 3), /required/);
  assert.equal(parseFillValue(2 ** 53, "uint64", 3), 2n ** 53n);
  assert.deepEqual(parseFillValue([1, "NaN"], "complex64", 3)!.toString(), [1, Number.NaN].toString());
  assert.equal(fillValueToJSON(Number.NaN, "float32"), "NaN");
  assert.deepEqual(fillValueToJSON([1, Number.POSITIVE_INFINITY], "complex128"), [1, "Infinity"]);
  assert.equal(fillValueToJSON(true, "bool"), true);
});
