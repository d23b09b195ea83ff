/** Nearest: the first voxel of every block, i.e. plain striding. Any data type, values copied as is. */
import type { TypedArray } from "../../dtype/index.js";
import { RowBlocks, type RowGeometry } from "./geometry.js";

type Elements = { [i: number]: number | bigint };

export function nearestRows(src: TypedArray, out: TypedArray, g: RowGeometry): void {
  const { rowFactor: f, inner } = g;
  const m = g.outputRowLength;
  const rowOut = m * inner;
  const blocks = new RowBlocks(g);
  const s = src as Elements;
  const d = out as Elements;
  while (blocks.next()) {
    const o = blocks.row * rowOut;
    const first = blocks.offsets[0];
    if (inner === 1) {
      for (let j = 0; j < m; j++) d[o + j] = s[first + j * f];
    } else {
      for (let j = 0; j < m; j++) {
        for (let c = 0; c < inner; c++) d[o + j * inner + c] = s[first + j * f * inner + c];
      }
    }
  }
}
