/**
 * Block mode for label images: the most frequent value, ties to the smallest, so the output only
 * ever holds values that occur in the input. Each block (8..64 voxels typically) is gathered into a
 * scratch buffer, checked for the common all-one-label case, else sorted and scanned for the longest
 * run. Float NaNs are skipped unless the whole block is NaN.
 */
import type { TypedArray } from "../../dtype/index.js";
import { RowBlocks, type RowGeometry } from "./geometry.js";

type Value = number | bigint;
type Elements = { [i: number]: Value };

/** Blocks up to this size are insertion-sorted; larger ones use the built-in typed-array sort. */
const INSERTION_SORT_LIMIT = 64;

/** Mode of `v[0..n)`, reordering `v`. `n` >= 1. */
export function modeOf(v: TypedArray, n: number): Value {
  const a = v as unknown as Elements;
  const first = a[0];
  let same = 1;
  while (same < n && a[same] === first) same++;
  if (same === n) return first;
  if (n <= INSERTION_SORT_LIMIT) {
    for (let i = 1; i < n; i++) {
      const x = a[i];
      let k = i - 1;
      while (k >= 0 && a[k] > x) {
        a[k + 1] = a[k];
        k--;
      }
      a[k + 1] = x;
    }
  } else {
    v.subarray(0, n).sort();
  }
  // Ascending order, and only a strictly longer run replaces the best: ties go to the smallest.
  let best = a[0];
  let bestCount = 0;
  for (let i = 0; i < n; ) {
    const x = a[i];
    let k = i + 1;
    while (k < n && a[k] === x) k++;
    if (k - i > bestCount) {
      best = x;
      bestCount = k - i;
    }
    i = k;
  }
  return best;
}

/** Block modes of `src` into `out` (same data type). */
export function modeRows(src: TypedArray, out: TypedArray, g: RowGeometry): void {
  const { rowLength: n, rowFactor: f, inner } = g;
  const m = g.outputRowLength;
  const rowOut = m * inner;
  const blocks = new RowBlocks(g);
  const scratch = new (src.constructor as new (length: number) => TypedArray)(blocks.offsets.length * f);
  const sc = scratch as unknown as Elements;
  const s = src as unknown as Elements;
  const d = out as unknown as Elements;
  const offsets = blocks.offsets;
  while (blocks.next()) {
    const o = blocks.row * rowOut;
    const rows = blocks.count;
    for (let j = 0; j < m; j++) {
      const len = Math.min(f, n - j * f);
      for (let c = 0; c < inner; c++) {
        let count = 0;
        for (let r = 0; r < rows; r++) {
          let p = offsets[r] + j * f * inner + c;
          for (let k = 0; k < len; k++, p += inner) {
            const x = s[p];
            if (!Number.isNaN(x)) sc[count++] = x;
          }
        }
        d[o + j * inner + c] = count === 0 ? Number.NaN : modeOf(scratch, count);
      }
    }
  }
}
