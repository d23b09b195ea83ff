/**
 * Display windows for the `omero` metadata, per channel: the data range (min/max over every voxel,
 * gathered while the pyramid was written) and a rendering window from robust percentiles, so that
 * a few hot pixels do not leave the image dark and each channel of a multi-channel image gets its
 * own contrast.
 */
import type { ZarrArray } from "../array/zarr-array.js";
import { product } from "../ndarray.js";
import { histogramPercentiles, isSmallIntegerArray, percentilesOf } from "../render/percentiles.js";

/** Per channel index: the minimum and maximum seen (±Infinity when a channel held only NaN). */
export interface ChannelRanges {
  min: number[];
  max: number[];
}

/** The omero `window` of one channel. */
export interface ChannelWindow {
  min: number;
  max: number;
  start: number;
  end: number;
}

/**
 * Voxels read for the percentiles: the finest level with at most this many (the coarsest
 * otherwise). As napari does for contrast limits, a coarse level stands for the whole: its values
 * are block means, so percentiles (not the extremes, which come from every voxel) are close.
 */
const SAMPLE_VOXELS = 2 ** 22;

/** The 0.5/99.5 percentiles of each channel (index along `channelAxis`; one without) of a whole array. */
export async function channelPercentiles(
  level: ZarrArray,
  channelAxis: number,
): Promise<Array<[number, number]>> {
  const data = await level.get(undefined, { workers: 0 });
  const values = data.data as unknown as ArrayLike<number | bigint> & { length: number };
  const count = channelAxis >= 0 ? level.shape[channelAxis] : 1;
  if (count === 1)
    return [isSmallIntegerArray(values) ? histogramPercentiles([values]) : percentilesOf(numbers(values))];
  const inner = product(level.shape.slice(channelAxis + 1));
  // runs of `inner` values belong to channels 0, 1, ..., count - 1, 0, 1, ... in turn
  const runs = Array.from({ length: count }, (): number[] => []);
  for (let start = 0, c = 0; start < values.length; start += inner, c = (c + 1) % count) runs[c].push(start);
  return runs.map((starts) => {
    if (isSmallIntegerArray(values) && inner >= 64)
      return histogramPercentiles(starts.map((s) => values.subarray(s, s + inner)));
    const out = new Float64Array(starts.length * inner);
    let k = 0;
    for (const s of starts) for (let i = s; i < s + inner; i++) out[k++] = Number(values[i]);
    return percentilesOf(out);
  });
}

/** The values as numbers (a copy only when they are not numbers already). */
function numbers(values: ArrayLike<number | bigint>): ArrayLike<number> {
  return values instanceof BigInt64Array || values instanceof BigUint64Array
    ? Float64Array.from(values, Number)
    : (values as ArrayLike<number>);
}

/** The level percentiles are taken from: the finest with at most SAMPLE_VOXELS voxels, else the coarsest. */
export function sampleLevel<A extends { shape: number[] }>(levels: readonly A[]): A {
  return levels.find((a) => product(a.shape) <= SAMPLE_VOXELS) ?? levels[levels.length - 1];
}

export async function displayWindows(
  levels: readonly ZarrArray[],
  channelAxis: number,
  ranges: ChannelRanges,
): Promise<ChannelWindow[]> {
  const percentiles = await channelPercentiles(sampleLevel(levels), channelAxis);
  return percentiles.map(([p0, p1], c) => {
    const lo = ranges.min[c];
    const hi = ranges.max[c];
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { min: 0, max: 1, start: 0, end: 1 };
    // the coarse level's values lie inside the full range; a flat channel falls back to it
    const start = Math.max(lo, Math.min(p0, hi));
    const end = Math.min(hi, Math.max(p1, lo));
    return end > start ? { min: lo, max: hi, start, end } : { min: lo, max: hi, start: lo, end: hi };
  });
}
