/**
 * The geometry of the work: which region of one level a chunk (storage chunk or shard) of another
 * level covers, how deep a block may start, and how far gaussian kernels reach. Pure functions of
 * the levels' shapes, grids and factors.
 */
import { type DataType, itemSize } from "../../dtype/index.js";
import { gridCoords } from "../../indexing/grid.js";
import type { Region } from "../../indexing/region.js";
import { product } from "../../ndarray.js";
import type { BlockLevel } from "../block.js";
import { haloFor } from "../downsample/index.js";
import type { PyramidPlan } from "../plan.js";

/** The id of a tree node (a chunk of a level), as recorded in progress files. */
export function nodeId(level: number, coords: readonly number[]): string {
  return `${level}:${coords.join(",")}`;
}

/** The chunk grid of a level: chunks per axis. */
export function chunkGrid(level: BlockLevel): number[] {
  return level.shape.map((n, i) => Math.ceil(n / level.grid[i]));
}

/** The region of level `from` covered by chunk `coords` of `level` (clipped to the level `from` shape). */
export function regionOf(
  levels: readonly BlockLevel[],
  level: number,
  coords: readonly number[],
  from: number,
): Region {
  return coords.map((c, i) => {
    let f = 1;
    for (let j = from + 1; j <= level; j++) f *= levels[j].factors[i];
    const g = levels[level].grid[i];
    return [c * g * f, Math.min((c + 1) * g * f, levels[from].shape[i])];
  });
}

/** The chunks of level `i` that a region of level `i` touches: [first, last] per axis. */
export function chunkRange(
  levels: readonly BlockLevel[],
  i: number,
  region: Region,
): Array<[number, number]> {
  const g = levels[i].grid;
  return region.map(([a, b], d) => [Math.floor(a / g[d]), Math.ceil(b / g[d]) - 1]);
}

/** How many chunks of level `i` lie under chunk `coords` of `level`. */
export function chunksUnder(
  levels: readonly BlockLevel[],
  level: number,
  coords: readonly number[],
  i: number,
): number {
  return product(chunkRange(levels, i, regionOf(levels, level, coords, i)).map(([a, b]) => b - a + 1));
}

/**
 * The deepest level whose chunk's source region fits the per-block budget (level 0 always: a chunk
 * must fit in memory anyway).
 */
export function chooseLeafLevel(
  plan: PyramidPlan,
  levels: readonly BlockLevel[],
  dtype: DataType,
  budget: number,
): number {
  let leaf = 0;
  for (let j = 1; j < levels.length; j++) {
    const cumulative = plan.levels[j].cumulativeFactors;
    const bytes = levels[j].grid.reduce(
      (a, g, i) => a * Math.min(g * cumulative[i], levels[0].shape[i]),
      itemSize(dtype),
    );
    if (bytes > budget) break;
    leaf = j;
  }
  return leaf;
}

/**
 * How many bytes behind its furthest point a front-to-back stream is asked for, when `regions` are
 * read in order with up to `ahead` of them in flight at once (each one's reads may pull the
 * stream up to the end of the furthest region in flight). `span` gives a region's bytes.
 */
export function lookback(
  regions: Iterable<Region>,
  span: (region: Region) => readonly [number, number],
  ahead: number,
): number {
  const starts: number[] = [];
  const ends: number[] = [];
  let furthest = 0;
  for (const r of regions) {
    const [a, b] = span(r);
    starts.push(a);
    furthest = Math.max(furthest, b);
    ends.push(furthest); // the furthest end of this region and every one before it
  }
  let back = 0;
  for (let j = 0; j < starts.length; j++) {
    back = Math.max(back, ends[Math.min(ends.length - 1, j + Math.max(1, ahead) - 1)] - starts[j]);
  }
  return back;
}

/** The gaussian kernel's reach into level k-1 when level k is made from it. */
export function haloAt(levels: readonly BlockLevel[], k: number): number[] {
  return haloFor("gaussian", levels[k].factors);
}

/** The regions of levels s..t that a level-t chunk needs: itself, and below it what the kernels reach. */
export function contextRegions(
  levels: readonly BlockLevel[],
  s: number,
  t: number,
  coords: readonly number[],
): Region[] {
  const out: Region[] = new Array(t - s + 1);
  let r: Region = regionOf(levels, t, coords, t);
  out[t - s] = r;
  for (let k = t; k > s; k--) {
    const f = levels[k].factors;
    const h = haloAt(levels, k);
    const below = levels[k - 1].shape;
    r = r.map(([a, b], i) => [Math.max(0, a * f[i] - h[i]), Math.min(below[i], b * f[i] + h[i])]);
    out[k - 1 - s] = r;
  }
  return out;
}

/** The deepest level t > s whose (interior) chunk with context at level s fits the block budget. */
export function stageEnd(levels: readonly BlockLevel[], s: number, dtype: DataType, budget: number): number {
  const K = levels.length - 1;
  if (s >= K) return K;
  let t = s + 1;
  while (t < K) {
    let len = levels[t + 1].grid.map((g) => g);
    for (let k = t + 1; k > s; k--) {
      const f = levels[k].factors;
      const h = haloAt(levels, k);
      len = len.map((l, i) => Math.min(levels[k - 1].shape[i], l * f[i] + 2 * h[i]));
    }
    if (len.reduce((a, l) => a * l, itemSize(dtype)) > budget) break;
    t++;
  }
  return t;
}

/** Every chunk in [first, last] per axis, in C order. */
function* chunksIn(range: ReadonlyArray<readonly [number, number]>): Generator<number[]> {
  for (const c of gridCoords(range.map(([a, b]) => b - a + 1))) yield c.map((x, i) => x + range[i][0]);
}

/** The chunks of level `level - 1` under chunk `coords` of `level` (its children), in C order. */
export function childChunks(
  levels: readonly BlockLevel[],
  level: number,
  coords: readonly number[],
): number[][] {
  return [...chunksIn(chunkRange(levels, level - 1, regionOf(levels, level, coords, level - 1)))];
}

/** The chunks of level `level + 1` over chunk `coords` of `level` (its parents; one when the grids nest). */
export function parentChunks(
  levels: readonly BlockLevel[],
  level: number,
  coords: readonly number[],
): number[][] {
  const up = levels[level + 1];
  const range = regionOf(levels, level, coords, level).map(([a, b], i): [number, number] => {
    const span = up.grid[i] * up.factors[i];
    return [Math.floor(a / span), Math.floor((b - 1) / span)];
  });
  return [...chunksIn(range)];
}
