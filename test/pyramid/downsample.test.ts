import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DATA_TYPES, type DataType, dataTypeInfo, lanes } from "../../src/dtype/index.js";
import { UnsupportedError, ValueError } from "../../src/errors.js";
import { type NDArray, ndarray } from "../../src/ndarray.js";
import {
  type DownsampleMethod,
  downsample,
  downsampledShape,
  haloFor,
} from "../../src/pyramid/downsample/index.js";
import {
  blockValues,
  element,
  flatIndex,
  indices,
  isInteger,
  randomArray,
  rng,
  subArray,
} from "./helpers.js";

type V = number | bigint;

/** The elements of an array as a plain list, for deepEqual. */
function values(a: NDArray): V[] {
  return Array.from(a.data as ArrayLike<V>);
}

/** Nearest integer to num/den (den > 0), ties to even, by exact bigint arithmetic. */
function roundedRatio(num: bigint, den: bigint): bigint {
  let q = num / den;
  if (q * den > num) q -= 1n; // floor
  // Compare num/den with q + 1/2: 2·num vs (2q + 1)·den.
  const twice = 2n * num;
  const mid = (2n * q + 1n) * den;
  if (twice > mid) return q + 1n;
  if (twice < mid) return q;
  return q % 2n === 0n ? q : q + 1n;
}

/** Reference reductions over one block's values (each value is [lane...]). */
const reference: Record<Exclude<DownsampleMethod, "gaussian">, (vals: V[][], dtype: DataType) => V[]> = {
  mean(vals, dtype) {
    return vals[0].map((_, l) => {
      if (isInteger(dtype)) {
        const sum = vals.reduce((s, v) => s + BigInt(v[l]), 0n);
        const r = roundedRatio(sum, BigInt(vals.length));
        return dtype === "int64" || dtype === "uint64" ? r : Number(r);
      }
      return vals.reduce((s, v) => s + Number(v[l]), 0) / vals.length;
    });
  },
  nearest: (vals) => vals[0],
  mode(vals) {
    const counts = new Map<V, number>();
    for (const [v] of vals) if (!Number.isNaN(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
    if (counts.size === 0) return [Number.NaN];
    let best: V | undefined;
    let bestCount = 0;
    for (const [v, c] of counts) {
      if (c > bestCount || (c === bestCount && v < best!)) {
        best = v;
        bestCount = c;
      }
    }
    return [best!];
  },
  // Sorting works for bigint too, where Math.min does not.
  min(vals) {
    const real = vals.map((v) => v[0]).filter((v) => !Number.isNaN(v));
    return [real.length === 0 ? Number.NaN : real.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[0]];
  },
  max(vals) {
    const real = vals.map((v) => v[0]).filter((v) => !Number.isNaN(v));
    return [real.length === 0 ? Number.NaN : real.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))[0]];
  },
};

function assertMatchesReference(
  input: NDArray,
  factors: number[],
  method: Exclude<DownsampleMethod, "gaussian">,
) {
  const out = downsample(input, factors, method);
  const label = `${method} ${input.dtype} shape [${input.shape}] factors [${factors}]`;
  assert.deepEqual(out.shape, downsampledShape(input.shape, factors), label);
  assert.equal(out.dtype, input.dtype, label);
  const float = !isInteger(input.dtype);
  const single = dataTypeInfo(input.dtype).ctor === Float32Array;
  for (const o of indices(out.shape)) {
    const expected = reference[method](blockValues(input, factors, o), input.dtype);
    const actual = element(out, flatIndex(o, out.shape));
    for (let l = 0; l < expected.length; l++) {
      const e = expected[l];
      const a = actual[l];
      if (typeof e === "number" && Number.isNaN(e)) {
        assert.ok(Number.isNaN(a), `${label} at [${o}]: ${a} != NaN`);
      } else if (float && method === "mean") {
        const tol = (single ? 1e-6 : 1e-12) * Math.max(1, Math.abs(Number(e)));
        assert.ok(Math.abs(Number(a) - Number(e)) <= tol, `${label} at [${o}]: ${a} != ${e}`);
      } else if (float && single) {
        assert.equal(a, Math.fround(Number(e)), `${label} at [${o}]`);
      } else {
        assert.equal(a, e, `${label} at [${o}]`);
      }
    }
  }
}

const SHAPES = [[7], [5, 9], [4, 7, 5], [3, 5, 4, 7], [2, 3, 5, 4, 3]];
const ALL_TYPES: readonly DataType[] = DATA_TYPES;

/** A few factor vectors per shape mixing 1, 2 and 3 (and one factor larger than its axis). */
function factorSets(shape: number[], seed: number): number[][] {
  const random = rng(seed);
  const sets = [shape.map(() => 2), shape.map((_, d) => (d % 2 === 0 ? 3 : 1))];
  for (let k = 0; k < 3; k++) sets.push(shape.map(() => 1 + Math.floor(random() * 3)));
  sets.push(shape.map((s) => s + 1));
  return sets;
}

/** Sets about a third of the values to NaN, and all of the first 2×2×… block (an all-NaN block). */
function sprinkleNaN(a: NDArray, seed: number): void {
  const random = rng(seed);
  const data = a.data as Float32Array | Float64Array;
  for (let i = 0; i < data.length; i++) if (random() < 0.3) data[i] = Number.NaN;
  for (const k of indices(a.shape.map((n) => Math.min(n, 2)))) data[flatIndex(k, a.shape)] = Number.NaN;
}

describe("downsample against a nested-loop reference", () => {
  for (const method of ["mean", "nearest", "mode", "min", "max"] as const) {
    it(`${method}: every data type, 1-D to 5-D, factors mixing 1, 2, 3`, () => {
      let seed = 1;
      for (const dtype of ALL_TYPES) {
        if (lanes(dtype) === 2 && method !== "mean" && method !== "nearest") continue;
        for (const shape of SHAPES) {
          for (const factors of factorSets(shape, seed)) {
            // Few distinct values for mode, so that blocks have repeats and ties.
            const labels = method === "mode" && isInteger(dtype) ? 5 : undefined;
            assertMatchesReference(randomArray(shape, dtype, seed++, labels), factors, method);
          }
        }
      }
    });
  }

  it("factor 1 everywhere returns an equal copy", () => {
    const a = randomArray([3, 4, 5], "uint16", 7);
    for (const method of ["mean", "nearest", "mode", "min", "max", "gaussian"] as const) {
      const out = downsample(a, [1, 1, 1], method);
      assert.deepEqual(out, a);
      assert.notEqual(out.data, a.data);
    }
  });

  it("a 0-d array and empty arrays", () => {
    const scalar = ndarray(new Float32Array([4.5]), []);
    assert.deepEqual(downsample(scalar, []).data, new Float32Array([4.5]));
    const empty = ndarray(new Uint8Array(0), [0, 5]);
    assert.deepEqual(downsample(empty, [2, 2]).shape, [0, 3]);
  });

  it("the specialised factor-2 kernels agree with the reference on odd and even shapes, with NaNs", () => {
    let seed = 100;
    for (const dtype of ["uint8", "uint16", "int16", "float32", "float64", "uint32"] as const) {
      for (const shape of [
        [6, 8, 10],
        [5, 7, 9],
        [2, 3, 4, 5],
        [3, 6, 1],
        [1, 1, 5],
      ]) {
        for (const factors of [
          shape.map((_, d) => (d < shape.length - 3 ? 1 : 2)),
          shape.map((_, d) => (d < shape.length - 2 ? 1 : 2)),
        ]) {
          for (const method of ["mean", "nearest", "mode", "min", "max"] as const) {
            const labels = method === "mode" ? 3 : undefined;
            const a = randomArray(shape, dtype, seed++, labels);
            if (dtype.startsWith("float")) sprinkleNaN(a, seed);
            assertMatchesReference(a, factors, method);
          }
        }
      }
    }
  });
});

describe("integer mean rounding", () => {
  const mean = (xs: number[], dtype: "uint8" | "int8" | "int32" | "uint32" = "uint8") =>
    values(
      downsample(ndarray(new (dataTypeInfo(dtype).ctor)(xs as never) as never, [xs.length], dtype), [
        xs.length,
      ]),
    );

  it("rounds to nearest with ties to even", () => {
    assert.deepEqual(mean([1, 2]), [2]); // 1.5 → 2
    assert.deepEqual(mean([0, 1]), [0]); // 0.5 → 0
    assert.deepEqual(mean([2, 3]), [2]); // 2.5 → 2
    assert.deepEqual(mean([1, 2, 2]), [2]); // 1.67 → 2
    assert.deepEqual(mean([1, 1, 2]), [1]); // 1.33 → 1
    assert.deepEqual(mean([255, 254]), [254]); // 254.5 → 254, no overflow
    assert.deepEqual(mean([255, 255, 255, 255, 255, 255, 255, 254]), [255]);
  });

  it("is exact for negative and large values", () => {
    assert.deepEqual(mean([-1, -2], "int8"), [-2]); // -1.5 → -2
    assert.deepEqual(mean([-2, -3], "int8"), [-2]); // -2.5 → -2
    assert.deepEqual(mean([-128, -127], "int8"), [-128]);
    assert.deepEqual(mean([2 ** 32 - 1, 2 ** 32 - 2], "uint32"), [2 ** 32 - 2]);
    assert.deepEqual(mean([2 ** 31 - 1, 2 ** 31 - 1, 2 ** 31 - 2], "int32"), [2 ** 31 - 1]);
    assert.deepEqual(mean([-(2 ** 31), -(2 ** 31) + 1], "int32"), [-(2 ** 31)]);
  });

  it("is exact for 64-bit integers beyond 2^53", () => {
    const big = (2n ** 62n) | 1n;
    const a = ndarray(new BigInt64Array([big, big + 2n, -big, -big - 1n]), [4], "int64");
    // (-big) + (-big - 1) over 2 is -big - 0.5: the tie goes to the even -big - 1.
    assert.deepEqual(values(downsample(a, [2])), [big + 1n, -big - 1n]);
    const u = ndarray(new BigUint64Array([2n ** 64n - 1n, 2n ** 64n - 2n]), [2], "uint64");
    assert.deepEqual(values(downsample(u, [2])), [2n ** 64n - 2n]);
  });

  it("divides an edge block by the voxels that exist", () => {
    const a = ndarray(new Uint16Array([10, 20, 30, 40, 50, 61, 70]), [7]);
    assert.deepEqual(values(downsample(a, [3])), [20, 50, 70]); // 151/3 = 50.33
    assert.deepEqual(values(downsample(a, [2])), [15, 35, 56, 70]); // 55.5 → 56
  });
});

describe("bool, complex and NaN", () => {
  const bools = ndarray(new Uint8Array([1, 0, 1, 1, 0, 0, 1, 0]), [2, 4], "bool");
  it("bool: mean is strict majority, min all, max any", () => {
    // Blocks of [2, 2]: {1,0,1,1} and {1,0,0,0}... laid out as rows [1,0,1,1] / [0,0,1,0].
    assert.deepEqual(values(downsample(bools, [2, 2], "mean")), [0, 1]);
    assert.deepEqual(values(downsample(bools, [1, 2], "mean")), [0, 1, 0, 0]); // ties → false
    assert.deepEqual(values(downsample(bools, [2, 2], "min")), [0, 0]);
    assert.deepEqual(values(downsample(bools, [2, 2], "max")), [1, 1]);
    assert.deepEqual(values(downsample(bools, [2, 2], "mode")), [0, 1]);
    const g = downsample(bools, [2, 2], "gaussian");
    assert.ok(Array.from(g.data).every((v) => v === 0 || v === 1));
  });

  it("complex: mean per component; mode, min and max are rejected", () => {
    const c = ndarray(new Float64Array([1, -1, 2, -3, 10, 0, 20, 4]), [4], "complex128");
    assert.deepEqual(values(downsample(c, [2])), [1.5, -2, 15, 2]);
    assert.deepEqual(values(downsample(c, [2], "nearest")), [1, -1, 10, 0]);
    for (const method of ["mode", "min", "max"] as const) {
      assert.throws(() => downsample(c, [2], method), UnsupportedError);
    }
  });

  it("NaN: propagates through mean, is skipped by min/max/mode unless the block is all NaN", () => {
    const a = ndarray(new Float32Array([Number.NaN, 3, 5, Number.NaN, Number.NaN, Number.NaN, 2, 2]), [8]);
    const f = (m: DownsampleMethod) => values(downsample(a, [2], m));
    assert.deepEqual(f("mean"), [Number.NaN, Number.NaN, Number.NaN, 2]);
    assert.deepEqual(f("min"), [3, 5, Number.NaN, 2]);
    assert.deepEqual(f("max"), [3, 5, Number.NaN, 2]);
    assert.deepEqual(f("mode"), [3, 5, Number.NaN, 2]);
  });
});

describe("mode for label images", () => {
  it("breaks ties towards the smallest value", () => {
    const a = ndarray(new Uint32Array([7, 3, 3, 7, 9, 1, 5, 5, 9, 9, 1, 1]), [12]);
    assert.deepEqual(values(downsample(a, [4], "mode")), [3, 5, 1]);
    const s = ndarray(new Int16Array([-4, 2, 2, -4]), [2, 2]);
    assert.deepEqual(values(downsample(s, [2, 2], "mode")), [-4]);
  });

  it("returns only values present in the input, also for large blocks", () => {
    const labels = [17, 400, 4000, 65000];
    const a = randomArray([12, 12, 12], "uint16", 3, 4);
    const d = a.data as Uint16Array;
    for (let i = 0; i < d.length; i++) d[i] = labels[d[i]];
    for (const factors of [
      [2, 2, 2],
      [3, 3, 3],
      [5, 5, 5], // 125-voxel blocks: the sorting path for large blocks
    ]) {
      const out = downsample(a, factors, "mode");
      for (const v of out.data as Uint16Array) assert.ok(labels.includes(v), `${v} is not a label`);
      assertMatchesReference(a, factors, "mode");
    }
  });

  it("works on 64-bit labels", () => {
    const a = ndarray(new BigUint64Array([2n ** 63n, 5n, 5n, 2n ** 63n, 2n ** 63n, 1n]), [6], "uint64");
    assert.deepEqual(values(downsample(a, [3], "mode")), [5n, 2n ** 63n]);
  });
});

describe("block-wise use", () => {
  it("blocks aligned to the factors give the whole-array result (non-gaussian methods)", () => {
    const a = randomArray([9, 10, 11], "uint16", 11, 6);
    const factors = [2, 3, 2];
    const block = [4, 6, 4];
    for (const method of ["mean", "nearest", "mode", "min", "max"] as const) {
      const whole = downsample(a, factors, method);
      const stitched = new Uint16Array(whole.data.length);
      for (const b of indices(a.shape.map((s, d) => Math.ceil(s / block[d])))) {
        const start = b.map((v, d) => v * block[d]);
        const stop = start.map((s, d) => Math.min(s + block[d], a.shape[d]));
        const part = downsample(subArray(a, start, stop), factors, method);
        for (const o of indices(part.shape)) {
          const at = o.map((v, d) => v + start[d] / factors[d]);
          stitched[flatIndex(at, whole.shape)] = (part.data as Uint16Array)[flatIndex(o, part.shape)];
        }
      }
      assert.deepEqual(stitched, whole.data, method);
    }
  });

  it("non-gaussian methods ignore a halo around the block", () => {
    const a = randomArray([8, 9], "float32", 5);
    const inner = subArray(a, [2, 1], [6, 8]);
    for (const method of ["mean", "nearest", "mode", "min", "max"] as const) {
      const withHalo = downsample(a, [2, 2], method, {
        halo: [
          [2, 2],
          [1, 1],
        ],
      });
      assert.deepEqual(withHalo, downsample(inner, [2, 2], method), method);
    }
  });
});

describe("argument checks", () => {
  const a = ndarray(new Uint8Array(12), [3, 4]);
  it("names the broken rule", () => {
    assert.throws(() => downsample(a, [2]), {
      name: "ValueError",
      message: /factors must have one entry per axis \(2\)/,
    });
    assert.throws(() => downsample(a, [2, 0]), { message: /factors\[1\] must be an integer >= 1, got 0/ });
    assert.throws(() => downsample(a, [1.5, 2]), { message: /factors\[0\] must be an integer >= 1/ });
    assert.throws(() => downsample(a, [2, 2], "median" as DownsampleMethod), {
      message: /method must be one of/,
    });
    assert.throws(() => downsample(a, [2, 2], "mean", { halo: [[0, 0]] }), {
      message: /options.halo must have one/,
    });
    assert.throws(
      () =>
        downsample(a, [2, 2], "mean", {
          halo: [
            [0, 0],
            [-1, 0],
          ],
        }),
      { message: /options.halo\[1\]/ },
    );
    assert.throws(
      () =>
        downsample(a, [2, 2], "gaussian", {
          halo: [
            [2, 2],
            [0, 0],
          ],
        }),
      {
        message: /options.halo\[0\] \(2 \+ 2\) is larger than axis 0 \(3\)/,
      },
    );
    assert.throws(() => downsample({ ...a, shape: [4, 4] }, [2, 2]), ValueError);
    assert.throws(() => haloFor("gaussian", [2, 0]), { message: /factors\[1\]/ });
  });

  it("haloFor is zero except for gaussian", () => {
    for (const method of ["mean", "nearest", "mode", "min", "max"] as const) {
      assert.deepEqual(haloFor(method, [1, 2, 3]), [0, 0, 0]);
    }
    assert.deepEqual(haloFor("gaussian", [1, 2, 3, 4]), [0, 2, 4, 5]);
  });
});

describe("huge blocks", () => {
  it("uint32 mean stays exact when a block's sum passes 2^53", () => {
    // 3·2^20 values of 2^32 - 1 take the sum past 2^53, where float64 steps by 2, so a float64 sum
    // may drop the 2^20 ones that follow (giving 3·2^30 - 0.75 → 3·2^30 - 1; V8 happens to keep
    // such integer sums exact in optimised code, so this is a guard, not a proof). Exact mean:
    // 3·2^30 - 0.5, a tie that goes to the even 3·2^30.
    const n = 2 ** 22;
    const data = new Uint32Array(n).fill(2 ** 32 - 1);
    data.fill(1, 3 * 2 ** 20);
    assert.deepEqual(values(downsample(ndarray(data, [n]), [n])), [3 * 2 ** 30]);
  });
});
