/**
 * `downsample`: one pyramid step for an in-memory block, any rank, any per-axis integer factors.
 *
 * Block-wise use: feed blocks whose start is a multiple of the factors (and whose size is too,
 * except at the array's end). Then mean, nearest, mode, min and max only see their own block, and
 * gaussian needs `haloFor` extra voxels around it, passed via `options.halo`; either way the
 * stitched result equals downsampling the whole array at once.
 *
 * Data types (the output always has the input's data type):
 * - integers: mean and gaussian round to nearest, ties to even; mean is exact.
 * - floats: mean/gaussian in float64; NaN propagates through mean and gaussian, and is skipped by
 *   mode/min/max unless the whole block is NaN. float16 (held as float32) is rounded to half
 *   precision only when encoded.
 * - bool (0/1): mean = strict majority (a tie is 0.5, which rounds to even: false), min = all,
 *   max = any, mode = majority with ties to false, gaussian = Gaussian-weighted majority.
 * - complex: mean, gaussian and nearest work on real and imaginary parts separately; mode, min and
 *   max have no ordering to use and are rejected.
 * - int64/uint64: exact bigint mean; gaussian goes through float64 (exact only below 2^53).
 */
import { type DataType, dataTypeInfo, lanes, type TypedArray } from "../../dtype/index.js";
import { UnsupportedError, ValueError } from "../../errors.js";
import { type NDArray, product } from "../../ndarray.js";
import { extremeRows } from "./extrema.js";
import { fastPath } from "./fast.js";
import { gaussianHalo, gaussianStream } from "./gaussian.js";
import { checkFactors, downsampledShape, rowGeometry } from "./geometry.js";
import { type BigIntArray, meanRows, meanRowsBig, type NumberArray } from "./mean.js";
import { modeRows } from "./mode.js";
import { nearestRows } from "./nearest.js";
import { roundHalfEven } from "./rounding.js";
import {
  DOWNSAMPLE_METHODS,
  type DownsampleMethod,
  type DownsampleOptions,
  type Halo,
  isDownsampleMethod,
} from "./types.js";

export { GAUSSIAN_TRUNCATE, gaussianHalo, gaussianSigma, gaussianWeights } from "./gaussian.js";
export { downsampledShape } from "./geometry.js";
export { roundHalfEven } from "./rounding.js";
export * from "./types.js";

/**
 * Input voxels `method` needs on each side of a block, per axis (the same before and after).
 * Zero everywhere except for gaussian; see `gaussian.ts` for how the kernel is sized.
 */
export function haloFor(method: DownsampleMethod, factors: readonly number[]): number[] {
  checkMethod(method);
  return factors.map((f, d) => {
    if (!Number.isInteger(f) || f < 1) {
      throw new ValueError(`factors[${d}] must be an integer >= 1, got ${f}`);
    }
    return method === "gaussian" ? gaussianHalo(f) : 0;
  });
}

/**
 * Downsamples `input` by integer `factors` (one per axis, 1 leaves an axis alone) with `method`.
 * The output shape is `ceil(blockShape / factors)`, where `blockShape` is the input shape minus the
 * halo; edge blocks aggregate only the voxels that exist.
 */
export function downsample<D extends DataType>(
  input: NDArray<D>,
  factors: readonly number[],
  method: DownsampleMethod = "mean",
  options: DownsampleOptions = {},
): NDArray<D> {
  checkMethod(method);
  const { dtype } = input;
  const kind = dataTypeInfo(dtype).kind;
  if (kind === "complex" && (method === "mode" || method === "min" || method === "max")) {
    throw new UnsupportedError(
      `method "${method}" needs ordered values and ${dtype} has none; use mean, gaussian or nearest`,
    );
  }
  checkFactors(input.shape, factors);
  const expected = product(input.shape) * lanes(dtype);
  if (input.data.length !== expected) {
    throw new ValueError(
      `input.data has ${input.data.length} values but shape [${input.shape}] needs ${expected}`,
    );
  }
  const halo = checkHalo(input.shape, options.halo);
  const blockShape = input.shape.map((n, d) => n - halo[d][0] - halo[d][1]);
  const outShape = downsampledShape(blockShape, factors);
  const Ctor = dataTypeInfo(dtype).ctor;
  const outData = new Ctor(product(outShape) * lanes(dtype)) as TypedArray;
  const result = { data: outData, shape: outShape, dtype } as NDArray<D>;
  if (outData.length === 0) return result;

  // Complex values are two interleaved lanes: a trailing axis of 2 that is never reduced.
  const withLanes = (a: number[]) => (lanes(dtype) === 2 ? [...a, 2] : a);
  const shape = withLanes([...input.shape]);
  const facts = withLanes([...factors]) as number[];
  if (lanes(dtype) === 2) facts[facts.length - 1] = 1;
  const halos: Halo[] = lanes(dtype) === 2 ? [...halo, [0, 0]] : halo;

  if (method === "gaussian") {
    gaussianInto(input.data as TypedArray, outData, shape, facts, halos, kind);
    return result;
  }
  const src = halos.some(([a, b]) => a > 0 || b > 0)
    ? crop(input.data as TypedArray, shape, halos)
    : (input.data as TypedArray);
  const core = withLanes(blockShape);
  const g = rowGeometry(core, facts);
  if (!g) {
    outData.set(src as never);
    return result;
  }
  if (fastPath(src, outData, core, facts, method, kind)) return result;
  switch (method) {
    case "mean":
      if (src instanceof BigInt64Array || src instanceof BigUint64Array) {
        meanRowsBig(src, outData as BigIntArray, g);
      } else if ((src instanceof Int32Array || src instanceof Uint32Array) && product(factors) > 2 ** 21) {
        // Sums of 2^21+ values near 2^32 could pass 2^53, where float64 stops being exact.
        const wide = new BigInt64Array(outData.length);
        meanRowsBig(BigInt64Array.from(src, BigInt), wide, g);
        (outData as NumberArray).set(Array.from(wide, Number));
      } else {
        meanRows(src as NumberArray, outData as NumberArray, g, kind !== "float" && kind !== "complex");
      }
      break;
    case "nearest":
      nearestRows(src, outData, g);
      break;
    case "mode":
      modeRows(src, outData, g);
      break;
    case "min":
    case "max":
      extremeRows(src, outData, g, method === "max");
      break;
  }
  return result;
}

function checkMethod(method: unknown): void {
  if (!isDownsampleMethod(method)) {
    throw new ValueError(`method must be one of ${DOWNSAMPLE_METHODS.join(", ")}, got ${String(method)}`);
  }
}

function checkHalo(shape: readonly number[], halo: readonly Halo[] | undefined): Halo[] {
  if (halo === undefined) return shape.map(() => [0, 0]);
  if (!Array.isArray(halo) || halo.length !== shape.length) {
    throw new ValueError(`options.halo must have one [before, after] pair per axis (${shape.length})`);
  }
  return halo.map((pair, d) => {
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isInteger(v) && v >= 0)) {
      throw new ValueError(
        `options.halo[${d}] must be [before, after] with integers >= 0, got ${JSON.stringify(pair)}`,
      );
    }
    if (pair[0] + pair[1] > shape[d]) {
      throw new ValueError(
        `options.halo[${d}] (${pair[0]} + ${pair[1]}) is larger than axis ${d} (${shape[d]})`,
      );
    }
    return [pair[0], pair[1]];
  });
}

/** Copies the block without its halo (C order); only for non-gaussian methods given a halo. */
function crop(src: TypedArray, shape: readonly number[], halo: readonly Halo[]): TypedArray {
  const n = shape.length;
  const inner = shape.map((s, d) => s - halo[d][0] - halo[d][1]);
  const strides = new Array<number>(n);
  let stride = 1;
  for (let d = n - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d];
  }
  const out = new (src.constructor as new (length: number) => TypedArray)(product(inner));
  const rowLen = inner[n - 1];
  const rows = product(inner.slice(0, -1));
  const idx = new Array<number>(n - 1).fill(0);
  for (let r = 0; r < rows; r++) {
    let off = halo[n - 1][0];
    for (let d = 0; d < n - 1; d++) off += (idx[d] + halo[d][0]) * strides[d];
    out.set(src.subarray(off, off + rowLen) as never, r * rowLen);
    for (let d = n - 2; d >= 0 && ++idx[d] === inner[d]; d--) idx[d] = 0;
  }
  return out;
}

function gaussianInto(
  src: TypedArray,
  out: TypedArray,
  shape: number[],
  factors: number[],
  halo: Halo[],
  kind: "bool" | "int" | "uint" | "float" | "complex",
): void {
  const real =
    src instanceof BigInt64Array || src instanceof BigUint64Array ? Float64Array.from(src, Number) : src;
  const emit =
    kind === "float" || kind === "complex"
      ? (slab: Float64Array, at: number) => (out as NumberArray).set(slab, at)
      : out instanceof BigInt64Array || out instanceof BigUint64Array
        ? (slab: Float64Array, at: number) => {
            for (let i = 0; i < slab.length; i++) out[at + i] = BigInt(roundHalfEven(slab[i]));
          }
        : (slab: Float64Array, at: number) => roundInto(slab, out as NumberArray, at);
  gaussianStream(real as NumberArray, shape, factors, halo, emit);
}

/** Stores `slab` rounded to nearest, ties to even, into `out` from `at`. */
function roundInto(slab: Float64Array, out: NumberArray, at: number): void {
  for (let i = 0; i < slab.length; i++) {
    const x = slab[i];
    const r = Math.round(x);
    out[at + i] = r - x === 0.5 && (r & 1) !== 0 ? r - 1 : r;
  }
}
