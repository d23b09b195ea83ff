/**
 * Gaussian downsampling: a separable Gaussian-weighted average centred on each output block.
 *
 * Choices, per axis with factor f > 1:
 * - sigma = f / 3 (skimage's `pyramid_reduce` default 2·f/6): enough to suppress aliasing at the
 *   new Nyquist rate while keeping edges reasonably sharp. Axes with f = 1 are not blurred.
 * - The kernel is centred on the block centre (position j·f + (f − 1)/2), not on its first voxel,
 *   so the output voxel sits where a `mean` voxel sits and the same OME translation applies.
 *   For odd f this equals `scipy.ndimage.gaussian_filter(x, sigma, mode="reflect")[(f-1)/2::f]`.
 * - Taps reach r = round(4·sigma) voxels from the centre (scipy's truncate = 4), i.e.
 *   r − (f − 1)/2 voxels (rounded down) beyond the block on each side; `gaussianHalo` adds what a
 *   partial last block needs to mirror the data at the array's end.
 * - A partial last block's output stays centred on the regular grid (j·f + (f − 1)/2), so every
 *   output voxel sits where the OME scale/translation says; the missing voxels come from mirroring.
 * - Beyond the array's border the data is mirrored, edge voxel repeated (scipy's "reflect").
 *
 * Sums are in float64; see `gaussianStream` for the loop structure.
 */
import type { NumberArray } from "./mean.js";
import type { Halo } from "./types.js";

/** Kernel reach in units of sigma (scipy's `truncate`). */
export const GAUSSIAN_TRUNCATE = 4;

/** The blur applied along an axis downsampled by `factor`: f / 3, and 0 (no blur) for f = 1. */
export function gaussianSigma(factor: number): number {
  return factor <= 1 ? 0 : factor / 3;
}

/** Taps beyond a block's edge on each side: those within round(4·sigma) of the block centre. */
function kernelReach(factor: number): number {
  if (factor <= 1) return 0;
  const reach = Math.floor(GAUSSIAN_TRUNCATE * gaussianSigma(factor) + 0.5);
  return Math.floor(reach - (factor - 1) / 2);
}

/**
 * Input voxels a block needs on each side along an axis with this factor: the kernel's reach, plus
 * f − 2 because a partial last block (as short as 1 voxel) still has its output centred where a full
 * block's would be, up to f − 1 voxels past the array's end, and mirroring back from there reaches
 * further before the block. Factor 2 needs no extra.
 */
export function gaussianHalo(factor: number): number {
  if (factor <= 1) return 0;
  return kernelReach(factor) + factor - 2;
}

/** Normalised weights of the taps from `-reach` to `factor - 1 + reach` relative to a block's start. */
export function gaussianWeights(factor: number): Float64Array {
  const halo = kernelReach(factor);
  const taps = factor + 2 * halo;
  const w = new Float64Array(taps);
  if (factor <= 1) {
    w[0] = 1;
    return w;
  }
  const sigma = gaussianSigma(factor);
  const centre = (factor - 1) / 2;
  let sum = 0;
  for (let t = 0; t < taps; t++) {
    const x = t - halo - centre;
    w[t] = Math.exp((-0.5 * x * x) / (sigma * sigma));
    sum += w[t];
  }
  for (let t = 0; t < taps; t++) w[t] /= sum;
  return w;
}

/** Index into [0, length) of position k, mirrored at both ends with period 2·length (scipy "reflect"). */
function reflect(k: number, length: number): number {
  const period = 2 * length;
  k %= period;
  if (k < 0) k += period;
  return k >= length ? period - 1 - k : k;
}

/** One axis: output count and, for every output position, the window index of each tap. */
function tapTable(
  length: number,
  halo: Halo,
  factor: number,
): { count: number; taps: number; index: Int32Array } {
  const need = kernelReach(factor);
  const taps = factor + 2 * need;
  const count = Math.ceil((length - halo[0] - halo[1]) / factor);
  const index = new Int32Array(count * taps);
  for (let j = 0; j < count; j++) {
    const start = halo[0] + j * factor - need;
    for (let t = 0; t < taps; t++) {
      const k = start + t;
      // Only a side with less halo than needed is reached past its end: that side is the array border.
      index[j * taps + t] = k < 0 || k >= length ? reflect(k, length) : k;
    }
  }
  return { count, taps, index };
}

/** One filtered axis: its tap table and weights, and how far apart its slabs are in input and output. */
interface AxisPlan {
  count: number;
  taps: number;
  index: Int32Array;
  weights: Float64Array;
  /** Input elements between neighbouring positions along this axis. */
  srcStride: number;
  /** Output elements of one reduced slab (everything after this axis). */
  slabSize: number;
  /** Reduced slabs of the next axis, cached by input position (slot = position mod taps). */
  ring: Float64Array;
  ringHolds: Int32Array;
  /** Scratch: where each tap's slab sits in the ring. */
  tapAt: Int32Array;
}

/**
 * Gaussian-downsamples a real-valued C-order volume (including its halo), calling `emit` with each
 * finished output slab of the first filtered axis, in output order.
 *
 * Streaming, not one pass per axis: output slab j of axis a is a weighted sum of the input slabs its
 * taps hit, each reduced over the later axes first (recursively). Reduced slabs are cached in a
 * small ring, since neighbouring outputs share taps, so every input voxel is read once and no
 * intermediate the size of the volume is ever allocated (fresh memory costs page faults).
 */
export function gaussianStream(
  src: NumberArray,
  shape: readonly number[],
  factors: readonly number[],
  halo: readonly Halo[],
  emit: (slab: Float64Array, offset: number) => void,
): void {
  const n = shape.length;
  const active = (d: number) => factors[d] > 1 || halo[d][0] > 0 || halo[d][1] > 0;
  let first = 0;
  while (first < n && !active(first)) first++;
  let last = n - 1;
  while (last >= first && !active(last)) last--;
  let inner = 1;
  for (let d = last + 1; d < n; d++) inner *= shape[d];
  if (first > last) {
    // Nothing to filter: the output is the input.
    emit(Float64Array.from(src), 0);
    return;
  }
  const plans: AxisPlan[] = [];
  let srcStride = inner;
  let slabSize = inner;
  for (let d = last; d >= first; d--) {
    const table = tapTable(shape[d], halo[d], factors[d]);
    const next = plans[0];
    plans.unshift({
      ...table,
      weights: gaussianWeights(factors[d]),
      srcStride,
      slabSize,
      ring: new Float64Array(next ? table.taps * slabSize : 0),
      ringHolds: new Int32Array(table.taps),
      tapAt: new Int32Array(table.taps),
    });
    srcStride *= shape[d];
    slabSize *= table.count;
  }
  let batches = 1;
  for (let d = 0; d < first; d++) batches *= shape[d];
  const top = plans[0];
  let offset = 0;
  if (plans.length === 1) {
    // A single filtered axis: its outputs are whole rows of `inner` values.
    const acc = new Float64Array(top.count * inner);
    for (let b = 0; b < batches; b++) {
      innermost(top, src, b * srcStride, acc, 0);
      emit(acc, offset);
      offset += acc.length;
    }
    return;
  }
  const acc = new Float64Array(top.slabSize);
  for (let b = 0; b < batches; b++) {
    top.ringHolds.fill(-1);
    for (let j = 0; j < top.count; j++) {
      slab(plans, 0, src, b * srcStride, j, acc, 0);
      emit(acc, offset);
      offset += acc.length;
    }
  }
}

/** All output positions of axis `level` (each reduced over the later axes) into `dst` at `dstOff`. */
function reduce(
  plans: AxisPlan[],
  level: number,
  src: NumberArray,
  srcOff: number,
  dst: Float64Array,
  dstOff: number,
): void {
  const p = plans[level];
  if (level === plans.length - 1) {
    innermost(p, src, srcOff, dst, dstOff);
    return;
  }
  p.ringHolds.fill(-1); // a new input region: nothing cached applies
  for (let j = 0; j < p.count; j++) slab(plans, level, src, srcOff, j, dst, dstOff + j * p.slabSize);
}

/** The innermost filtered axis: weighted sums straight from the input, `inner` values per tap. */
function innermost(p: AxisPlan, src: NumberArray, srcOff: number, dst: Float64Array, dstOff: number): void {
  const { count: m, taps: T, index, weights, srcStride: I } = p;
  if (I === 1 && T === 6) {
    // Factor 2 (the common case), unrolled; border positions also use the index table.
    const [w0, w1, w2, w3, w4, w5] = weights;
    for (let j = 0, q = 0; j < m; j++, q += 6) {
      const a = srcOff + index[q];
      if (index[q + 5] - index[q] === 5) {
        dst[dstOff + j] =
          w0 * src[a] +
          w1 * src[a + 1] +
          w2 * src[a + 2] +
          w3 * src[a + 3] +
          w4 * src[a + 4] +
          w5 * src[a + 5];
      } else {
        const o = srcOff;
        dst[dstOff + j] =
          w0 * src[o + index[q]] +
          w1 * src[o + index[q + 1]] +
          w2 * src[o + index[q + 2]] +
          w3 * src[o + index[q + 3]] +
          w4 * src[o + index[q + 4]] +
          w5 * src[o + index[q + 5]];
      }
    }
    return;
  }
  if (I === 1) {
    for (let j = 0, q = 0; j < m; j++, q += T) {
      let s = 0;
      for (let t = 0; t < T; t++) s += weights[t] * src[srcOff + index[q + t]];
      dst[dstOff + j] = s;
    }
    return;
  }
  for (let j = 0, q = 0; j < m; j++, q += T) {
    const d = dstOff + j * I;
    for (let c = 0; c < I; c++) dst[d + c] = 0;
    for (let t = 0; t < T; t++) {
      const w = weights[t];
      const b = srcOff + index[q + t] * I;
      for (let c = 0; c < I; c++) dst[d + c] += w * src[b + c];
    }
  }
}

/** Output position `j` of axis `level` (not the innermost), reduced over all later axes. */
function slab(
  plans: AxisPlan[],
  level: number,
  src: NumberArray,
  srcOff: number,
  j: number,
  dst: Float64Array,
  dstOff: number,
): void {
  const p = plans[level];
  const { taps: T, index, weights, srcStride, slabSize: size, ring, ringHolds } = p;
  const q = j * T;
  if (T === 1) {
    // Unfiltered axis between filtered ones (only cropped): reduce its one slab straight into dst.
    reduce(plans, level + 1, src, srcOff + index[q] * srcStride, dst, dstOff);
    return;
  }
  // Make sure every tap's reduced slab is in the ring, then combine them in one sweep over dst.
  const at = p.tapAt;
  for (let t = 0; t < T; t++) {
    const k = index[q + t];
    const slot = k % T;
    if (ringHolds[slot] !== k) {
      reduce(plans, level + 1, src, srcOff + k * srcStride, ring, slot * size);
      ringHolds[slot] = k;
    }
    at[t] = slot * size;
  }
  if (T === 6) {
    const [w0, w1, w2, w3, w4, w5] = weights;
    const [r0, r1, r2, r3, r4, r5] = at;
    for (let c = 0; c < size; c++) {
      dst[dstOff + c] =
        w0 * ring[r0 + c] +
        w1 * ring[r1 + c] +
        w2 * ring[r2 + c] +
        w3 * ring[r3 + c] +
        w4 * ring[r4 + c] +
        w5 * ring[r5 + c];
    }
    return;
  }
  for (let c = 0; c < size; c++) {
    let s = 0;
    for (let t = 0; t < T; t++) s += weights[t] * ring[at[t] + c];
    dst[dstOff + c] = s;
  }
}
