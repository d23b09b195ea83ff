/**
 * One unit of pyramid work, run in a worker thread: take a block of one level, optionally store it
 * as that level's chunks, then downsample it level after level, cutting each result into whole
 * chunks and encoding them. The main thread only reads the source and writes the returned bytes,
 * or, where the store allows it (`writeTo`), not even that: the worker stores the chunks itself.
 */
import { type ChunkKeyEncoding, chunkKey } from "../array/chunk-key.js";
import { type PipelineDescriptor, pipelineFor } from "../concurrency/descriptor.js";
import { compact } from "../concurrency/messages.js";
import type { Scalar } from "../dtype/index.js";
import { lanes } from "../dtype/index.js";
import { copyStrided, stridesOf } from "../indexing/copy.js";
import type { Region } from "../indexing/region.js";
import { full, isAllFill, type NDArray } from "../ndarray.js";
import { joinKey } from "../store/keys.js";
import { writeInThread } from "../store/thread-io.js";
import type { ThreadStore } from "../store/types.js";
import { type DownsampleMethod, downsample, type Halo } from "./downsample/index.js";

export interface BlockLevel {
  level: number;
  /** Factors from the previous level to this one. */
  factors: number[];
  /** The level's array shape and storage chunk (shard) shape. */
  shape: number[];
  grid: number[];
  pipeline: PipelineDescriptor;
  fillValue: Scalar | null;
  writeEmptyChunks: boolean;
  /** Where the level's chunks are stored: the array's path and chunk key encoding (see `writeTo`). */
  keys: { path: string; encoding: ChunkKeyEncoding };
}

export interface BlockTask {
  /** Data of the input level for the region starting at `origin` (grid-aligned, in that level's coordinates). */
  input: NDArray;
  origin: number[];
  /** When set, the input itself is stored as chunks of this level. */
  store?: BlockLevel;
  /** The part of the input to store (default all of it); the rest is halo. */
  storeRegion?: Region;
  /** Levels computed from the input, each from the one before. */
  levels: BlockLevel[];
  /** Per computed level: the halo around the previous level's data (gaussian); default none. */
  halos?: Halo[][];
  /** Per computed level: the part to store (default all of it); the rest is context for the next level. */
  regions?: Region[];
  method: DownsampleMethod;
  /** Also report the input's min and max (for the omero window). */
  stats?: boolean;
  /** With `stats`: report them per index of this axis (the channel axis) instead of over all. */
  statsAxis?: number;
  /** With `stats`: also count the voxels of each distinct value (label images), up to this many values. */
  countValues?: number;
  /** Send the last level's data back (default true; only the tree's parents need it). */
  returnLast?: boolean;
  /**
   * A store's `threadWrites`: the worker stores the encoded chunks there itself, so that their
   * bytes never come back to the main thread (chunks of fill values are still left to it to delete).
   */
  writeTo?: ThreadStore;
}

export interface EncodedChunk {
  level: number;
  coords: number[];
  /** null: the chunk equals the fill value and is not stored, or it was stored already (`stored`). */
  bytes: Uint8Array | null;
  /** With the task's `writeTo`: the chunk was stored by the worker; its encoded size. */
  stored?: number;
}

export interface BlockResult {
  chunks: EncodedChunk[];
  /** The last computed level's data for this block (the input when `levels` is empty). */
  last?: NDArray;
  /** With `stats`: the input's minimum and maximum, one per index of `statsAxis` in the block
   * (a single entry without it). */
  min?: number[];
  max?: number[];
  /** With `countValues`: [value, voxels] per distinct value; null when there were more. */
  counts?: Array<[number, number]> | null;
}

/**
 * Cuts `region` (grid-aligned, default all) of `data` (a block at `origin` of a level) into whole
 * storage chunks and encodes them.
 */
async function encodeChunks(
  data: NDArray,
  origin: number[],
  level: BlockLevel,
  out: EncodedChunk[],
  writeTo: ThreadStore | undefined,
  region: Region = origin.map((o, i) => [o, o + data.shape[i]]),
): Promise<void> {
  const { grid, shape } = level;
  const n = grid.length;
  const first = region.map(([a], i) => Math.floor(a / grid[i]));
  const last = region.map(([, b], i) => Math.ceil(b / grid[i]) - 1);
  const srcStrides = stridesOf(data.shape);
  const gridStrides = stridesOf(grid);
  const nl = lanes(data.dtype);
  const coords = [...first];
  const pipeline = pipelineFor(level.pipeline);
  // whole chunks are copied into one reused buffer: fresh chunk-sized garbage per chunk is what
  // made worker heaps balloon (edge chunks, which need the fill value around the data, are fresh)
  let scratch: NDArray | undefined;
  for (;;) {
    const start = coords.map((c, i) => c * grid[i]);
    const counts = start.map((s, i) => Math.min(grid[i], shape[i] - s, region[i][1] - s));
    const edge = counts.some((c, i) => c < grid[i]);
    if (!edge && !scratch) scratch = full(grid, data.dtype, null);
    const chunk = edge || !scratch ? full(grid, data.dtype, level.fillValue) : scratch;
    copyStrided(
      {
        data: data.data,
        offset: start.reduce((o, s, i) => o + (s - origin[i]) * srcStrides[i], 0),
        strides: srcStrides,
      },
      { data: chunk.data, offset: 0, strides: gridStrides },
      counts,
      nl,
    );
    const empty = !level.writeEmptyChunks && level.fillValue !== null && isAllFill(chunk, level.fillValue);
    let bytes: Uint8Array | null = null;
    if (!empty) bytes = await pipeline.encode(chunk);
    if (bytes && writeTo) {
      writeInThread(writeTo, joinKey(level.keys.path, chunkKey(level.keys.encoding, coords)), bytes);
      out.push({ level: level.level, coords: [...coords], bytes: null, stored: bytes.length });
    } else {
      // an encoder may return a view of the chunk itself (no compression) or of a larger buffer
      // (zstd's worst-case output): copy to an exact buffer so that it is moved, not cloned, back
      if (bytes) bytes = bytes.buffer === chunk.data.buffer ? bytes.slice() : compact(bytes);
      out.push({ level: level.level, coords: [...coords], bytes });
    }
    let axis = n - 1;
    for (; axis >= 0; axis--) {
      if (++coords[axis] <= last[axis]) break;
      coords[axis] = first[axis];
    }
    if (axis < 0) break;
  }
}

/**
 * Minimum and maximum of `a`, per index of `axis` (one pair without it). NaN is skipped (like
 * `np.nanmin`); an all-NaN group gives +Infinity/-Infinity, which the caller ignores.
 */
function minMax(a: NDArray, axis?: number): { min: number[]; max: number[] } {
  const groups = axis === undefined ? 1 : a.shape[axis];
  // C order: element i lies at index floor(i / inner) % groups along `axis`
  const inner = axis === undefined ? a.data.length : a.shape.slice(axis + 1).reduce((p, n) => p * n, 1);
  const min = new Array<number>(groups).fill(Number.POSITIVE_INFINITY);
  const max = new Array<number>(groups).fill(Number.NEGATIVE_INFINITY);
  const big = a.data instanceof BigInt64Array || a.data instanceof BigUint64Array;
  const d = a.data as ArrayLike<number | bigint>;
  for (let start = 0, g = 0; start < d.length; start += inner, g = (g + 1) % groups) {
    let lo = min[g];
    let hi = max[g];
    const end = Math.min(d.length, start + inner);
    if (big) {
      for (let i = start; i < end; i++) {
        const v = Number(d[i]);
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    } else {
      // plain numbers: no Number() conversion per voxel (this runs over every source voxel)
      const n = d as ArrayLike<number>;
      for (let i = start; i < end; i++) {
        const v = n[i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    min[g] = lo;
    max[g] = hi;
  }
  return { min, max };
}

/** Voxels per distinct value, or null once there are more than `limit` values. */
function countValues(a: NDArray, limit: number): Array<[number, number]> | null {
  const counts = new Map<number, number>();
  const d = a.data as ArrayLike<number | bigint>;
  let last: number | bigint | undefined;
  let run = 0;
  // labels come in runs: count a run at once instead of one Map update per voxel
  const flush = () => {
    if (run === 0) return true;
    const v = Number(last);
    counts.set(v, (counts.get(v) ?? 0) + run);
    return counts.size <= limit;
  };
  for (let i = 0; i < d.length; i++) {
    if (d[i] === last) run++;
    else {
      if (!flush()) return null;
      last = d[i];
      run = 1;
    }
  }
  if (!flush()) return null;
  return [...counts];
}

/** Runs a block task (exported for the worker pool's `call`). */
export async function processBlock(task: BlockTask): Promise<BlockResult> {
  const chunks: EncodedChunk[] = [];
  const stats = task.stats ? minMax(task.input, task.statsAxis) : {};
  const counts =
    task.stats && task.countValues !== undefined ? { counts: countValues(task.input, task.countValues) } : {};
  if (task.store)
    await encodeChunks(task.input, task.origin, task.store, chunks, task.writeTo, task.storeRegion);
  let current = task.input;
  let origin = task.origin;
  for (let k = 0; k < task.levels.length; k++) {
    const level = task.levels[k];
    const halo = task.halos?.[k];
    current = downsample(current, level.factors, task.method, halo ? { halo } : {});
    // the output starts where the previous level's core (input minus its halo) starts
    origin = origin.map((o, i) => (o + (halo ? halo[i][0] : 0)) / level.factors[i]);
    await encodeChunks(current, origin, level, chunks, task.writeTo, task.regions?.[k]);
  }
  return { chunks, ...(task.returnLast === false ? {} : { last: current }), ...stats, ...counts };
}
