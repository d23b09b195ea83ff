/**
 * Block min and max, reduced straight into the output row (same data type, so no accumulator).
 * Float NaNs are skipped unless the whole block is NaN (like `np.nanmin`): a NaN in the running
 * value is always replaced, a NaN candidate never wins, so the result does not depend on order.
 */
import type { TypedArray } from "../../dtype/index.js";
import { RowBlocks, type RowGeometry } from "./geometry.js";

type Comparable = number | bigint;
type Elements = { [i: number]: Comparable; readonly length: number };

function reduceRow(src: Elements, off: number, out: Elements, o: number, g: RowGeometry, max: boolean): void {
  const { rowLength: n, rowFactor: f, inner } = g;
  const m = g.outputRowLength;
  for (let j = 0; j < m; j++) {
    const len = Math.min(f, n - j * f);
    for (let c = 0; c < inner; c++) {
      let a = out[o + j * inner + c];
      let p = off + j * f * inner + c;
      if (max) {
        for (let k = 0; k < len; k++, p += inner) {
          const v = src[p];
          if (v > a || Number.isNaN(a)) a = v;
        }
      } else {
        for (let k = 0; k < len; k++, p += inner) {
          const v = src[p];
          if (v < a || Number.isNaN(a)) a = v;
        }
      }
      out[o + j * inner + c] = a;
    }
  }
}

/** Block minima (`max` false) or maxima (`max` true) of `src` into `out`. */
export function extremeRows(src: TypedArray, out: TypedArray, g: RowGeometry, max: boolean): void {
  const { rowFactor: f, inner } = g;
  const m = g.outputRowLength;
  const rowOut = m * inner;
  const blocks = new RowBlocks(g);
  const s = src as Elements;
  const d = out as Elements;
  while (blocks.next()) {
    const o = blocks.row * rowOut;
    // Seed with the first voxel of each block, then fold in every voxel (the seed again, harmlessly).
    const first = blocks.offsets[0];
    for (let j = 0; j < m; j++) {
      for (let c = 0; c < inner; c++) d[o + j * inner + c] = s[first + j * f * inner + c];
    }
    for (let r = 0; r < blocks.count; r++) reduceRow(s, blocks.offsets[r], d, o, g, max);
  }
}
