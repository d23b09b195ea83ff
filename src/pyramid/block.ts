/**
 * One unit of pyramid work, run in a worker thread: take a block of one level, optionally store it
 * as that level's chunks, then downsample it level after level, cutting each result into whole
 * chunks and encoding them. The main thread only reads the source and writes the returned bytes.
 */
import { type PipelineDescriptor, pipelineFor } from "../concurrency/descriptor.js";
import type { Scalar } from "../dtype/index.js";
import { lanes } from "../dtype/index.js";
import { copyStrided, stridesOf } from "../indexing/copy.js";
import { full, isAllFill, type NDArray } from "../ndarray.js";
import { type DownsampleMethod, downsample } from "./downsample/index.js";

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
  /** Levels computed from the input, each from the one before. */
  levels: BlockLevel[];
  method: DownsampleMethod;
  /** Also report the input's min and max (for the omero window). */
  stats?: boolean;
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
  last: NDArray;
  min?: number;
  max?: number;
}

/** Cuts `data` (a block at `origin` of a level) into whole storage chunks and encodes them. */
async function encodeChunks(
  data: NDArray,
  origin: number[],
  level: BlockLevel,
  out: EncodedChunk[],
): Promise<void> {
  const { grid, shape } = level;
  const n = grid.length;
  const first = origin.map((o, i) => Math.floor(o / grid[i]));
  const last = origin.map((o, i) => Math.ceil((o + data.shape[i]) / grid[i]) - 1);
  const srcStrides = stridesOf(data.shape);
  const gridStrides = stridesOf(grid);
  const nl = lanes(data.dtype);
  const coords = [...first];
  const pipeline = pipelineFor(level.pipeline);
  for (;;) {
    const start = coords.map((c, i) => c * grid[i]);
    const counts = start.map((s, i) => Math.min(grid[i], shape[i] - s, origin[i] + data.shape[i] - s));
    const edge = counts.some((c, i) => c < grid[i]);
    const chunk = full(grid, data.dtype, edge ? level.fillValue : null);
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
    out.push({ level: level.level, coords: [...coords], bytes: empty ? null : await pipeline.encode(chunk) });
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
  const d = a.data as ArrayLike<number | bigint>;
  for (let i = 0; i < d.length; i++) {
    const v = Number(d[i]);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** Runs a block task (exported for the worker pool's `call`). */
export async function processBlock(task: BlockTask): Promise<BlockResult> {
  const chunks: EncodedChunk[] = [];
  const stats = task.stats ? minMax(task.input) : {};
  if (task.store) await encodeChunks(task.input, task.origin, task.store, chunks);
  let current = task.input;
  let origin = task.origin;
  for (const level of task.levels) {
    current = downsample(current, level.factors, task.method);
    origin = origin.map((o, i) => o / level.factors[i]);
    await encodeChunks(current, origin, level, chunks);
  }
  return { chunks, last: current, ...stats };
}
