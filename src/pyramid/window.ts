/**
 * Display windows for the `omero` metadata, per channel: the data range (min/max over every voxel,
 * gathered while the pyramid was written) and a rendering window from robust percentiles, so that
 * a few hot pixels do not leave the image dark and each channel of a multi-channel image gets its
 * own contrast.
 */
import type { ZarrArray } from "../array/zarr-array.js";
import { slice } from "../indexing/selection.js";
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

/** The 0.5/99.5 percentiles of each channel (index along `channelAxis`; one without) of a level. */
export async function channelPercentiles(
  level: ZarrArray,
  channelAxis: number,
): Promise<Array<[number, number]>> {
  const count = channelAxis >= 0 ? level.shape[channelAxis] : 1;
  // per channel: the runs of its values in the regions read
  const parts = Array.from({ length: count }, (): Array<ArrayLike<number | bigint>> => []);
  let inner = Number.POSITIVE_INFINITY;
  for (const region of sampleRegions(level)) {
    const data = await level.get(
      region.map(([a, b]) => slice(a, b)),
      { workers: 0 },
    );
    const values = data.data as unknown as ArrayLike<number | bigint> & {
      length: number;
      subarray(a: number, b: number): ArrayLike<number | bigint>;
    };
    if (count === 1) {
      parts[0].push(values);
      continue;
    }
    const run = product(data.shape.slice(channelAxis + 1));
    inner = Math.min(inner, run);
    // runs of `run` values belong to the region's channels first, first + 1, ... in turn
    const [first, last] = region[channelAxis];
    for (let start = 0, c = 0; start < values.length; start += run, c = (c + 1) % (last - first))
      parts[first + c].push(values.subarray(start, start + run));
  }
  return parts.map((runs) => {
    if (runs.every(isSmallIntegerArray) && (count === 1 || inner >= 64)) return histogramPercentiles(runs);
    const out = new Float64Array(runs.reduce((n, r) => n + r.length, 0));
    let k = 0;
    for (const r of runs) for (let i = 0; i < r.length; i++) out[k++] = Number(r[i]);
    return percentilesOf(out);
  });
}

/**
 * The regions percentiles are taken from: the whole level when it has at most SAMPLE_VOXELS voxels,
 * else whole chunks spread evenly over it in C order, about SAMPLE_VOXELS voxels together (a level
 * 0 of many GiB, when it is the only level, is never read whole).
 */
function sampleRegions(level: ZarrArray): Array<Array<[number, number]>> {
  const whole = level.shape.map((n) => [0, n] as [number, number]);
  if (product(level.shape) <= SAMPLE_VOXELS) return [whole];
  const chunks = level.chunks;
  const grid = level.shape.map((n, i) => Math.ceil(n / chunks[i]));
  const total = product(grid);
  const wanted = Math.max(1, Math.ceil(SAMPLE_VOXELS / product(chunks)));
  const step = total / Math.min(total, wanted);
  const regions: Array<Array<[number, number]>> = [];
  for (let k = 0; k < Math.min(total, wanted); k++) {
    let flat = Math.floor(k * step);
    const coords = new Array<number>(grid.length);
    for (let d = grid.length - 1; d >= 0; d--) {
      coords[d] = flat % grid[d];
      flat = Math.floor(flat / grid[d]);
    }
    regions.push(coords.map((c, d) => [c * chunks[d], Math.min((c + 1) * chunks[d], level.shape[d])]));
  }
  return regions;
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
