/** Region checks and the array shuffles every reader needs. */
import { allocate, type DataType, lanes } from "../dtype/index.js";
import { SelectionError } from "../errors.js";
import { copyStrided, stridesOf } from "../indexing/copy.js";
import { type NDArray, product } from "../ndarray.js";
import type { Region } from "./types.js";

/** Throws unless `region` has one in-bounds `[start, stop)` per axis of `shape`. */
export function checkRegion(region: Region, shape: readonly number[], what: string): void {
  if (region.length !== shape.length) {
    throw new SelectionError(
      `region has ${region.length} axes but ${what} has ${shape.length} (shape [${shape.join(", ")}])`,
    );
  }
  region.forEach(([start, stop], i) => {
    if (!Number.isInteger(start) || !Number.isInteger(stop) || start < 0 || stop < start || stop > shape[i]) {
      throw new SelectionError(
        `region [${start}, ${stop}) on axis ${i} does not fit ${what} (size ${shape[i]} on that axis)`,
      );
    }
  });
}

export function regionShape(region: Region): number[] {
  return region.map(([start, stop]) => stop - start);
}

/**
 * Reorders the axes of a C-order array: output axis i is input axis `perm[i]`.
 * Readers use it where the file's storage order is not t,c,z,y,x (e.g. interleaved RGB).
 */
export function permuteAxes(a: NDArray, perm: readonly number[]): NDArray {
  if (perm.every((p, i) => p === i)) return a;
  const shape = perm.map((p) => a.shape[p]);
  const out = allocate(a.dtype, product(shape));
  const srcStrides = stridesOf(a.shape);
  copyStrided(
    { data: a.data, offset: 0, strides: perm.map((p) => srcStrides[p]) },
    { data: out, offset: 0, strides: stridesOf(shape) },
    shape,
    lanes(a.dtype),
  );
  return { data: out, shape, dtype: a.dtype };
}

/** Inverse of a permutation: `inv[perm[i]] = i`. */
export function invertPermutation(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return inv;
}

/** An empty array of the region's shape, for regions with a zero-length axis. */
export function emptyArray(shape: number[], dtype: DataType): NDArray {
  return { data: allocate(dtype, product(shape)), shape, dtype };
}
