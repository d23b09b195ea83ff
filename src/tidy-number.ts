/**
 * Metadata numbers as a person would write them. File formats store voxel sizes as float32 (NIfTI
 * pixdim, many TIFF writers), so 0.9 arrives as 0.8999999761581421; and arithmetic on doubles
 * (unit conversion, half-voxel offsets) leaves noise like 0.48750000000000004. Writing those into
 * OME metadata is correct to the bit but misleading to read, and it differs from what other tools
 * write. `tidyNumber` gives the shortest decimal that stands for the same value.
 */

/**
 * The shortest decimal for `x`: when `x` is exactly a float32, the shortest decimal that rounds
 * back to the same float32 (0.8999999761581421 → 0.9); otherwise `x` rounded to 15 significant
 * digits, below which a double holds only rounding noise (0.48750000000000004 → 0.4875).
 * Integers, non-finite values and already-short decimals are returned unchanged.
 */
export function tidyNumber(x: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  if (Math.fround(x) === x) {
    for (let p = 1; p <= 9; p++) {
      const candidate = Number(x.toPrecision(p));
      if (Math.fround(candidate) === x) return candidate;
    }
    return x;
  }
  return Number(x.toPrecision(15));
}

/** `tidyNumber` over a list (undefined stays undefined). */
export function tidyNumbers<T extends number[] | undefined>(values: T): T {
  return (values === undefined ? undefined : values.map(tidyNumber)) as T;
}
