/**
 * Copying boxes between C-order typed arrays, for sharding (inner chunks ↔ shard) and partial reads.
 * Rows along the last axis are moved with `TypedArray.set`, and trailing axes that are copied whole
 * are merged into one longer row, so the per-element work stays in native code.
 */
import type { TypedArray } from "../dtype/index.js";
import { stridesOf } from "../indexing/copy.js";

// one definition of C-order strides (indexing/copy.ts), re-exported for the codec modules that import it here
export { stridesOf };

export interface Box {
  /** Array the box lives in (C order), with `lanes` slots per element. */
  data: TypedArray;
  shape: readonly number[];
  /** Corner of the box in `shape` coordinates. */
  start: readonly number[];
}

/** Copies a box of size `count` from `src` to `dst`. */
export function copyBox(src: Box, dst: Box, count: readonly number[], lanes: number): void {
  const rank = count.length;
  if (rank === 0) {
    (dst.data as Uint8Array).set((src.data as Uint8Array).subarray(0, lanes), 0);
    return;
  }
  for (const c of count) if (c === 0) return;
  // Merge trailing axes that are copied whole in both arrays into a single contiguous run.
  let inner = rank - 1;
  let run = count[inner] * lanes;
  while (inner > 0 && count[inner] === src.shape[inner] && count[inner] === dst.shape[inner]) {
    inner--;
    run *= count[inner];
  }
  const srcStrides = stridesOf(src.shape, lanes);
  const dstStrides = stridesOf(dst.shape, lanes);
  let s = 0;
  let d = 0;
  for (let k = 0; k < rank; k++) {
    s += src.start[k] * srcStrides[k];
    d += dst.start[k] * dstStrides[k];
  }
  const s8 = src.data as unknown as Uint8Array;
  const d8 = dst.data as unknown as Uint8Array;
  if (inner === 0) {
    d8.set(s8.subarray(s, s + run), d);
    return;
  }
  // Odometer over the outer axes [0, inner).
  const idx = new Array<number>(inner).fill(0);
  for (;;) {
    d8.set(s8.subarray(s, s + run), d);
    let k = inner - 1;
    for (; k >= 0; k--) {
      idx[k]++;
      s += srcStrides[k];
      d += dstStrides[k];
      if (idx[k] < count[k]) break;
      s -= srcStrides[k] * count[k];
      d -= dstStrides[k] * count[k];
      idx[k] = 0;
    }
    if (k < 0) return;
  }
}

/** Calls `fn` with every index of `shape` in C order (nothing for shapes containing 0). */
export function forEachIndex(shape: readonly number[], fn: (index: number[], flat: number) => void): void {
  for (const s of shape) if (s === 0) return;
  const idx = new Array<number>(shape.length).fill(0);
  let flat = 0;
  for (;;) {
    fn(idx, flat++);
    let k = shape.length - 1;
    for (; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
    if (k < 0) return;
  }
}
