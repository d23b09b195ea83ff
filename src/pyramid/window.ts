/**
 * Display windows for the `omero` metadata, per channel: the data range (min/max over every voxel,
 * gathered while the pyramid was written) and a rendering window from robust percentiles, so that
 * a few hot pixels do not leave the image dark and each channel of a multi-channel image gets its
 * own contrast.
 */
import type { ZarrArray } from "../array/zarr-array.js";
import { product } from "../ndarray.js";
import { percentilesOf } from "../render/slice-png.js";

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
  const count = channelAxis >= 0 ? level.shape[channelAxis] : 1;
  const inner = channelAxis >= 0 ? product(level.shape.slice(channelAxis + 1)) : data.data.length;
  const perChannel = Array.from({ length: count }, () => new Float64Array((data.data.length / count) | 0));
  const filled = new Array<number>(count).fill(0);
  const values = data.data as ArrayLike<number | bigint>;
  for (let start = 0, c = 0; start < values.length; start += inner, c = (c + 1) % count) {
    const out = perChannel[c];
    for (let i = start; i < start + inner; i++) out[filled[c]++] = Number(values[i]);
  }
  return perChannel.map((v) => percentilesOf(v));
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
