import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import type { DataType } from "../../src/dtype/index.js";
import { type NDArray, ndarray } from "../../src/ndarray.js";
import {
  downsample,
  downsampledShape,
  gaussianSigma,
  gaussianWeights,
  type Halo,
  haloFor,
  roundHalfEven,
} from "../../src/pyramid/downsample/index.js";
import { PYTHON } from "../helpers/python.js";
import { needs, pythonModules } from "../helpers/requirements.js";
import { flatIndex, indices, place, randomArray, rng, subArray } from "./helpers.js";

/** scipy's "reflect": mirror with the edge voxel repeated, period 2n. */
function reflect(k: number, n: number): number {
  const p = 2 * n;
  k = ((k % p) + p) % p;
  return k < n ? k : p - 1 - k;
}

/** Taps of output `j` along an axis, from the documented definition (not from the implementation). */
function taps(j: number, factor: number, n: number): Array<[number, number]> {
  if (factor === 1) return [[j, 1]];
  const sigma = factor / 3;
  const centre = j * factor + (factor - 1) / 2;
  const reach = Math.floor(4 * sigma + 0.5);
  const list: Array<[number, number]> = [];
  for (let k = Math.ceil(centre - reach); k <= centre + reach; k++) {
    list.push([reflect(k, n), Math.exp(-((k - centre) ** 2) / (2 * sigma * sigma))]);
  }
  const sum = list.reduce((s, [, w]) => s + w, 0);
  return list.map(([k, w]) => [k, w / sum]);
}

/** Straightforward N-D Gaussian downsampling of a real array, as float64. */
function reference(a: NDArray, factors: number[]): Float64Array {
  const outShape = downsampledShape(a.shape, factors);
  const out = new Float64Array(outShape.reduce((p, s) => p * s, 1));
  const data = a.data as unknown as ArrayLike<number>;
  for (const o of indices(outShape)) {
    const perAxis = o.map((j, d) => taps(j, factors[d], a.shape[d]));
    let sum = 0;
    for (const pick of indices(perAxis.map((t) => t.length))) {
      let w = 1;
      const at = pick.map((p, d) => {
        w *= perAxis[d][p][1];
        return perAxis[d][p][0];
      });
      sum += w * data[flatIndex(at, a.shape)];
    }
    out[flatIndex(o, outShape)] = sum;
  }
  return out;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, label: string) {
  assert.equal(actual.length, expected.length, label);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${label} [${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

describe("gaussian kernel", () => {
  it("uses sigma = factor / 3, no blur for factor 1, normalised symmetric weights", () => {
    assert.equal(gaussianSigma(1), 0);
    assert.equal(gaussianSigma(2), 2 / 3);
    assert.equal(gaussianSigma(3), 1);
    for (const f of [1, 2, 3, 4, 5]) {
      const w = gaussianWeights(f);
      assert.equal(w.length % 2, f % 2);
      assert.ok(Math.abs(w.reduce((s, v) => s + v, 0) - 1) < 1e-15);
      for (let t = 0; t < w.length; t++) assert.ok(Math.abs(w[t] - w[w.length - 1 - t]) < 1e-17);
    }
  });

  it("matches the nested-loop reference, 1-D to 4-D, factors 1..4, tiny axes", () => {
    let seed = 1;
    const cases: Array<[number[], number[]]> = [
      [[13], [2]],
      [[13], [3]],
      [[2], [2]], // axis shorter than the kernel: repeated reflection
      [[1], [4]],
      [
        [9, 10],
        [2, 3],
      ],
      [
        [7, 5],
        [4, 1],
      ],
      [
        [5, 6, 7],
        [2, 2, 2],
      ],
      [
        [3, 8, 6],
        [1, 2, 3],
      ],
      [
        [2, 3, 5, 6],
        [1, 3, 2, 2],
      ],
    ];
    for (const [shape, factors] of cases) {
      const a = randomArray(shape, "float64", seed++);
      const out = downsample(a, factors, "gaussian");
      assert.deepEqual(out.shape, downsampledShape(shape, factors));
      assertClose(out.data as Float64Array, reference(a, factors), 1e-9, `[${shape}] by [${factors}]`);
    }
  });

  it("rounds integers to nearest, ties to even", () => {
    const a = randomArray([6, 7, 9], "uint16", 9);
    const out = downsample(a, [2, 2, 3], "gaussian");
    const ref = reference(a, [2, 2, 3]);
    const got = out.data as Uint16Array;
    for (let i = 0; i < ref.length; i++) {
      // Only exact ties could legitimately differ with summation order; random data has none.
      assert.equal(got[i], roundHalfEven(ref[i]), `at ${i}: ${ref[i]}`);
    }
  });

  it("filters complex values per component", () => {
    const c = randomArray([6, 5], "complex128", 4);
    const data = c.data as Float64Array;
    const re = ndarray(
      data.filter((_, i) => i % 2 === 0),
      [6, 5],
    );
    const im = ndarray(
      data.filter((_, i) => i % 2 === 1),
      [6, 5],
    );
    const out = downsample(c, [2, 2], "gaussian").data as Float64Array;
    assertClose(
      out.filter((_, i) => i % 2 === 0),
      downsample(re, [2, 2], "gaussian").data as Float64Array,
      0,
      "re",
    );
    assertClose(
      out.filter((_, i) => i % 2 === 1),
      downsample(im, [2, 2], "gaussian").data as Float64Array,
      0,
      "im",
    );
  });

  it("equals scipy.ndimage.gaussian_filter(sigma = f/3, mode reflect) sampled at block centres (odd factors)", {
    skip: needs(pythonModules("scipy")),
  }, () => {
    const shape = [9, 8, 11];
    const factors = [3, 1, 3];
    const a = randomArray(shape, "float64", 21);
    const script = [
      "import json, sys, numpy as np",
      "from scipy.ndimage import gaussian_filter",
      "d = json.load(sys.stdin)",
      "x = np.array(d['data'], dtype=np.float64).reshape(d['shape'])",
      "f = d['factors']",
      "y = gaussian_filter(x, sigma=[v / 3 if v > 1 else 0 for v in f], mode='reflect', truncate=4.0)",
      "y = y[tuple(slice((v - 1) // 2, None, v) for v in f)]",
      "json.dump({'shape': list(y.shape), 'data': y.ravel().tolist()}, sys.stdout)",
    ].join("\n");
    const run = spawnSync(PYTHON, ["-c", script], {
      input: JSON.stringify({ shape, factors, data: Array.from(a.data as Float64Array) }),
      encoding: "utf8",
    });
    assert.equal(run.status, 0, run.stderr);
    const scipy = JSON.parse(run.stdout) as { shape: number[]; data: number[] };
    const out = downsample(a, factors, "gaussian");
    assert.deepEqual(out.shape, scipy.shape);
    assertClose(out.data as Float64Array, scipy.data, 1e-10, "scipy");
  });
});

describe("gaussian block by block", () => {
  /** Downsamples `a` in blocks of `block` (multiples of the factors) with halos, then stitches. */
  function blockwise(a: NDArray, factors: number[], block: number[], extra = 0): NDArray {
    const need = haloFor("gaussian", factors).map((h) => h + extra);
    const outShape = downsampledShape(a.shape, factors);
    const out = {
      ...a,
      shape: outShape,
      data: new (a.data.constructor as Float64ArrayConstructor)(a.data.length),
    };
    out.data = out.data.subarray(
      0,
      outShape.reduce((p, s) => p * s, 1) * (a.dtype.startsWith("complex") ? 2 : 1),
    );
    for (const b of indices(a.shape.map((s, d) => Math.ceil(s / block[d])))) {
      const start = b.map((v, d) => v * block[d]);
      const stop = start.map((s, d) => Math.min(s + block[d], a.shape[d]));
      // Take the halo where the array has it; less at the borders.
      const lo = start.map((s, d) => Math.max(0, s - need[d]));
      const hi = stop.map((s, d) => Math.min(a.shape[d], s + need[d]));
      const halo = lo.map((l, d) => [start[d] - l, hi[d] - stop[d]] as Halo);
      const part = downsample(subArray(a, lo, hi), factors, "gaussian", { halo });
      place(
        out as NDArray,
        part,
        start.map((s, d) => s / factors[d]),
      );
    }
    return out as NDArray;
  }

  const cases: Array<{ dtype: DataType; shape: number[]; factors: number[]; block: number[] }> = [
    { dtype: "float32", shape: [17, 19, 23], factors: [2, 2, 2], block: [4, 6, 8] },
    { dtype: "uint16", shape: [11, 13, 9], factors: [1, 2, 3], block: [3, 4, 3] },
    { dtype: "float64", shape: [10, 3, 25], factors: [2, 3, 4], block: [2, 3, 4] }, // blocks smaller than the halo
    { dtype: "uint8", shape: [2, 9, 14], factors: [1, 3, 2], block: [1, 6, 6] },
    { dtype: "complex64", shape: [7, 12], factors: [2, 2], block: [2, 4] },
    { dtype: "int64", shape: [30], factors: [2], block: [6] },
  ];
  it("random shapes, factors 1..5 and block sizes (including 1-voxel last blocks) match too", () => {
    const random = rng(77);
    const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    for (let c = 0; c < 40; c++) {
      const rank = int(1, 3);
      const factors = Array.from({ length: rank }, () => int(1, 5));
      const block = factors.map((f) => f * int(1, 3));
      // Lengths of k·block + 1 leave a single voxel in the last block, the hardest case to mirror.
      const shape = block.map((b) => (random() < 0.5 ? b * int(1, 3) + 1 : int(1, 3 * b)));
      const a = randomArray(shape, "float64", c);
      assert.deepEqual(
        blockwise(a, factors, block),
        downsample(a, factors, "gaussian"),
        `[${shape}] [${factors}] [${block}]`,
      );
    }
  });

  for (const { dtype, shape, factors, block } of cases) {
    it(`${dtype} [${shape}] by [${factors}] in blocks of [${block}] equals the whole-array result`, () => {
      const a = randomArray(shape, dtype, shape[0]);
      const whole = downsample(a, factors, "gaussian");
      assert.deepEqual(blockwise(a, factors, block), whole);
      // More halo than needed changes nothing.
      assert.deepEqual(blockwise(a, factors, block, 2), whole);
    });
  }
});
