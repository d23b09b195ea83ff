/**
 * Shapes and index bookkeeping shared by the block-local kernels (mean, nearest, mode, min, max).
 *
 * Every such kernel sees the problem as rows: the last downsampled axis is the "row" (read
 * sequentially), everything after it with factor 1 is one contiguous `inner` run (channels-last
 * data, complex lanes), and the axes before it are "outer". One output row is reduced from the
 * few input rows of its block, so the N-D index arithmetic happens once per row, never per voxel.
 */
import { ValueError } from "../../errors.js";

/** Output shape of downsampling `shape` by `factors`: `ceil(shape / factor)` per axis. */
export function downsampledShape(shape: readonly number[], factors: readonly number[]): number[] {
  return shape.map((n, d) => Math.ceil(n / factors[d]));
}

/** Throws unless `factors` has one integer >= 1 per axis of `shape`. */
export function checkFactors(shape: readonly number[], factors: readonly number[]): void {
  if (!Array.isArray(factors) || factors.length !== shape.length) {
    throw new ValueError(
      `factors must have one entry per axis (${shape.length}), got ${JSON.stringify(factors)}`,
    );
  }
  factors.forEach((f, d) => {
    if (!Number.isInteger(f) || f < 1) {
      throw new ValueError(`factors[${d}] must be an integer >= 1, got ${f}`);
    }
  });
}

/** The row view of a (shape, factors) pair; see the module comment. */
export interface RowGeometry {
  /** Sizes, factors and element strides of the outer axes (input side). */
  outerShape: number[];
  outerFactors: number[];
  outerStrides: number[];
  /** Number of output rows: product of the outer output sizes. */
  outputRows: number;
  /** Input length and factor of the row axis. */
  rowLength: number;
  rowFactor: number;
  /** Output length of the row axis. */
  outputRowLength: number;
  /** Contiguous elements per row position (product of trailing factor-1 axes). */
  inner: number;
}

/**
 * Builds the row view. Axes of size 1 act as factor 1, and neighbouring factor-1 axes merge
 * (they are contiguous in C order), so e.g. (t, c, z, y, x) by (1, 1, 2, 2, 2) becomes one
 * batch axis plus z and y as outer axes and x as the row. Returns undefined when no axis is reduced.
 */
export function rowGeometry(shape: readonly number[], factors: readonly number[]): RowGeometry | undefined {
  const sizes: number[] = [];
  const facts: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    const f = shape[d] <= 1 ? 1 : factors[d];
    if (f === 1 && facts.length > 0 && facts[facts.length - 1] === 1) sizes[sizes.length - 1] *= shape[d];
    else {
      sizes.push(shape[d]);
      facts.push(f);
    }
  }
  let inner = 1;
  if (facts.length > 0 && facts[facts.length - 1] === 1) {
    inner = sizes.pop()!;
    facts.pop();
  }
  if (sizes.length === 0) return undefined;
  const rowLength = sizes.pop()!;
  const rowFactor = facts.pop()!;
  const outerStrides = new Array<number>(sizes.length);
  let stride = rowLength * inner;
  for (let d = sizes.length - 1; d >= 0; d--) {
    outerStrides[d] = stride;
    stride *= sizes[d];
  }
  let outputRows = 1;
  for (let d = 0; d < sizes.length; d++) outputRows *= Math.ceil(sizes[d] / facts[d]);
  return {
    outerShape: sizes,
    outerFactors: facts,
    outerStrides,
    outputRows,
    rowLength,
    rowFactor,
    outputRowLength: Math.ceil(rowLength / rowFactor),
    inner,
  };
}

/**
 * Walks the output rows in order and, for each, lists the input row offsets of its block.
 * One instance per call; `next()` refills `offsets` in place, so there is no allocation per row.
 */
export class RowBlocks {
  /** Element offsets of the input rows in the current block; the first `count` are valid. */
  readonly offsets: Float64Array;
  count = 0;
  /** Index of the current output row (-1 before the first `next()`). */
  row = -1;
  private readonly counter: Int32Array;

  constructor(private readonly g: RowGeometry) {
    let most = 1;
    for (const f of g.outerFactors) most *= f;
    this.offsets = new Float64Array(most);
    this.counter = new Int32Array(g.outerShape.length);
  }

  /** Advances to the next output row; false when all rows are done. */
  next(): boolean {
    const { outerShape, outerFactors, outerStrides } = this.g;
    const k = outerShape.length;
    if (this.row >= 0) {
      // Odometer increment over the outer output indices.
      let d = k - 1;
      for (; d >= 0; d--) {
        if (++this.counter[d] < Math.ceil(outerShape[d] / outerFactors[d])) break;
        this.counter[d] = 0;
      }
      if (d < 0) return false;
    }
    this.row++;
    if (this.row >= this.g.outputRows) return false;
    // Expand the block's row offsets axis by axis, in place from the back.
    const offsets = this.offsets;
    offsets[0] = 0;
    let count = 1;
    for (let d = 0; d < k; d++) {
      const start = this.counter[d] * outerFactors[d];
      const len = Math.min(outerFactors[d], outerShape[d] - start);
      const stride = outerStrides[d];
      for (let e = count - 1; e >= 0; e--) {
        const base = offsets[e] + start * stride;
        for (let t = len - 1; t >= 0; t--) offsets[e * len + t] = base + t * stride;
      }
      count *= len;
    }
    this.count = count;
    return true;
  }
}
