/**
 * Two percentiles of many values, exactly as sorting them and picking the values at ranks
 * round(p / 100 * (n - 1)) would (NaN ignored), without the sort: 8- and 16-bit integers go through
 * a counting histogram, everything else through selection (expected O(n)), since a display window
 * is computed on the main thread while the workers wait.
 */

/** Default display percentiles: robust to a few outliers, unlike min/max. */
export const DEFAULT_PERCENTILES: [number, number] = [0.5, 99.5];

/** Integer arrays small enough for a counting histogram (at most 65536 bins). */
export type SmallIntegerArray = Uint8Array | Uint8ClampedArray | Int8Array | Uint16Array | Int16Array;

export function isSmallIntegerArray(values: unknown): values is SmallIntegerArray {
  return (
    values instanceof Uint8Array ||
    values instanceof Uint8ClampedArray ||
    values instanceof Int8Array ||
    values instanceof Uint16Array ||
    values instanceof Int16Array
  );
}

/** The sorted-order rank a percentile picks among `n` values. */
function rankOf(p: number, n: number): number {
  return Math.min(n - 1, Math.max(0, Math.round((p / 100) * (n - 1))));
}

/** The values at two percentiles of a list of values (NaN ignored; [0, 1] when nothing is left). */
export function percentilesOf(
  values: ArrayLike<number>,
  percentiles: [number, number] = DEFAULT_PERCENTILES,
): [number, number] {
  if (isSmallIntegerArray(values)) return histogramPercentiles([values], percentiles);
  const kept = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isNaN(v)) kept[n++] = v;
  }
  if (n === 0) return [0, 1];
  const work = kept.subarray(0, n);
  // selection reorders `work` but keeps its values, so the second pick is as exact as the first
  return [selectRank(work, rankOf(percentiles[0], n)), selectRank(work, rankOf(percentiles[1], n))];
}

/**
 * Two percentiles over the values of several integer arrays together (e.g. the strided pieces of one
 * channel), by counting: exact, one pass, no copy.
 */
export function histogramPercentiles(
  parts: ReadonlyArray<SmallIntegerArray>,
  percentiles: [number, number] = DEFAULT_PERCENTILES,
): [number, number] {
  const signed = parts[0] instanceof Int8Array || parts[0] instanceof Int16Array;
  const wide = parts.some((p) => p.BYTES_PER_ELEMENT === 2);
  const bins = wide ? 65536 : 256;
  const offset = signed ? bins / 2 : 0;
  const counts = new Float64Array(bins);
  let n = 0;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) counts[part[i] + offset]++;
    n += part.length;
  }
  if (n === 0) return [0, 1];
  const valueAt = (rank: number) => {
    let seen = 0;
    for (let b = 0; b < bins; b++) {
      seen += counts[b];
      if (seen > rank) return b - offset;
    }
    return bins - 1 - offset;
  };
  return [valueAt(rankOf(percentiles[0], n)), valueAt(rankOf(percentiles[1], n))];
}

/**
 * The value that would sit at `rank` if `a` were sorted ascending (Hoare's quickselect with a
 * median-of-three pivot; a range that does not shrink fast enough is sorted instead, which bounds
 * the worst case at O(n log n)). Reorders `a`.
 */
function selectRank(a: Float64Array, rank: number): number {
  let lo = 0;
  let hi = a.length - 1;
  let budget = 2 * Math.ceil(Math.log2(a.length + 1)) + 8;
  while (hi > lo) {
    if (budget-- === 0 || hi - lo < 16) {
      a.subarray(lo, hi + 1).sort();
      return a[rank];
    }
    const mid = lo + ((hi - lo) >> 1);
    const x = a[lo];
    const y = a[mid];
    const z = a[hi];
    const pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z)); // the median of the three
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    // now a[lo..j] <= pivot <= a[i..hi], and everything between equals the pivot
    if (rank <= j) hi = j;
    else if (rank >= i) lo = i;
    else return a[rank];
  }
  return a[rank];
}
