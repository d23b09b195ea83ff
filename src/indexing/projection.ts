/**
 * Projects a normalised selection onto a regular chunk grid: which chunks it touches, and for
 * each one which part of the chunk maps to which part of the output.
 */
import type { AxisRange } from "./selection.js";

/** One axis of one chunk's share of a selection. */
export interface AxisProjection {
  /** Chunk index along the axis. */
  chunk: number;
  /** First selected index inside the chunk, and the step between selected indices. */
  chunkStart: number;
  chunkStep: number;
  /** How many indices of the selection fall into this chunk. */
  count: number;
  /** Position of the first of them in the selection (output) along this axis. */
  outStart: number;
}

export interface ChunkProjection {
  coords: number[];
  axes: AxisProjection[];
  /** Whether the selection covers the whole chunk (so a write needs no read-modify-write). */
  complete: boolean;
}

function projectAxis(range: AxisRange, chunkSize: number, length: number): AxisProjection[] {
  const out: AxisProjection[] = [];
  if (range.count === 0) return out;
  const { start, step, count } = range;
  let k = 0;
  while (k < count) {
    const index = start + k * step;
    const chunk = Math.floor(index / chunkSize);
    const lo = chunk * chunkSize;
    const hi = Math.min(lo + chunkSize, length);
    // last k (exclusive) whose index still falls inside [lo, hi)
    const kEnd =
      step > 0
        ? Math.min(count, Math.ceil((hi - start) / step))
        : Math.min(count, Math.ceil((start - lo + 1) / -step));
    out.push({ chunk, chunkStart: index - lo, chunkStep: step, count: kEnd - k, outStart: k });
    k = kEnd;
  }
  return out;
}

/** Every chunk touched by the selection, with its projection (C order of chunk coordinates). */
export function* projectSelection(
  ranges: readonly AxisRange[],
  chunkShape: readonly number[],
  shape: readonly number[],
): Generator<ChunkProjection> {
  const perAxis = ranges.map((r, i) => projectAxis(r, chunkShape[i], shape[i]));
  if (perAxis.some((p) => p.length === 0)) return;
  const n = perAxis.length;
  const index = new Array<number>(n).fill(0);
  for (;;) {
    const axes = index.map((j, axis) => perAxis[axis][j]);
    const complete = axes.every((p, axis) => {
      const size = Math.min(chunkShape[axis], shape[axis] - p.chunk * chunkShape[axis]);
      return Math.abs(p.chunkStep) === 1 && p.count === size;
    });
    yield { coords: axes.map((p) => p.chunk), axes, complete };
    let axis = n - 1;
    for (; axis >= 0; axis--) {
      if (++index[axis] < perAxis[axis].length) break;
      index[axis] = 0;
    }
    if (axis < 0) return;
  }
}

/** Number of chunks per axis of a regular grid. */
export function gridShape(shape: readonly number[], chunkShape: readonly number[]): number[] {
  return shape.map((s, i) => Math.ceil(s / chunkShape[i]));
}
