/**
 * One unit of pyramid work, run in a worker thread: take a block of one level, optionally store it
 * as that level's chunks, then downsample it level after level, cutting each result into whole
 * chunks and encoding them. The main thread only reads the source and writes the returned bytes.
 */
import { type PipelineDescriptor, pipelineFor } from "../concurrency/descriptor.js";
import { compact } from "../concurrency/messages.js";
import type { Scalar } from "../dtype/index.js";
import { lanes } from "../dtype/index.js";
import { copyStrided, stridesOf } from "../indexing/copy.js";
import { full, isAllFill, type NDArray } from "../ndarray.js";
import { type DownsampleMethod, downsample, type Halo } from "./downsample/index.js";

/** A box in one level's coordinates: [start, stop) per axis. */
export type Region = Array<[number, number]>;

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
  /** Send the last level's data back (default true; only the tree's parents need it). */
  returnLast?: boolean;
}

export interface EncodedChunk {
  level: number;
  coords: number[];
  /** null: the chunk equals the fill value and is not stored. */
  bytes: Uint8Array | null;
}

export interface BlockResult {
  chunks: EncodedChunk[];
  /** The last computed level's data for this block (the input when `levels` is empty). */
  last?: NDArray;
  min?: number;
  max?: number;
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
    if (!empty) {
      bytes = await pipeline.encode(chunk);
      // an encoder may return a view of the chunk itself (no compression) or of a larger buffer
      // (zstd's worst-case output): copy to an exact buffer so that it is moved, not cloned, back
      bytes = bytes.buffer === chunk.data.buffer ? bytes.slice() : compact(bytes);
    }
    out.push({ level: level.level, coords: [...coords], bytes });
    let axis = n - 1;
    for (; axis >= 0; axis--) {
      if (++coords[axis] <= last[axis]) break;
      coords[axis] = first[axis];
    }
    if (axis < 0) break;
  }
}

function minMax(a: NDArray): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  if (a.data instanceof BigInt64Array || a.data instanceof BigUint64Array) {
    for (const x of a.data) {
      const v = Number(x);
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return { min, max };
  }
  // plain numbers: no Number() conversion per voxel (this runs over every source voxel)
  const d = a.data as ArrayLike<number>;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** Runs a block task (exported for the worker pool's `call`). */
export async function processBlock(task: BlockTask): Promise<BlockResult> {
  const chunks: EncodedChunk[] = [];
  const stats = task.stats ? minMax(task.input) : {};
  if (task.store) await encodeChunks(task.input, task.origin, task.store, chunks, task.storeRegion);
  let current = task.input;
  let origin = task.origin;
  for (let k = 0; k < task.levels.length; k++) {
    const level = task.levels[k];
    const halo = task.halos?.[k];
    current = downsample(current, level.factors, task.method, halo ? { halo } : {});
    // the output starts where the previous level's core (input minus its halo) starts
    origin = origin.map((o, i) => (o + (halo ? halo[i][0] : 0)) / level.factors[i]);
    await encodeChunks(current, origin, level, chunks, task.regions?.[k]);
  }
  return { chunks, ...(task.returnLast === false ? {} : { last: current }), ...stats };
}
