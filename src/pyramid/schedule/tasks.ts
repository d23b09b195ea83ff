/**
 * The pyramid's work as a list of independent tasks plus what depends on them.
 *
 * A task finishes every chunk (shard) of levels 0..`level` under a run of level-`level` chunks
 * (consecutive in C order): it reads only the source (with the gaussian halo it needs) and writes
 * only objects under its own chunks, so no two tasks write the same object and none reads another's
 * output; they may run in any order, in any process. What comes after — the levels above the task
 * level, made from it as stored — depends on every task and runs once they are all done.
 *
 * In one process the schedule is one task at the deepest level a task can reach (the top of the
 * tree; for gaussian, the end of the first stage), so the single-process writer and a distributed
 * run execute the same code.
 */
import { type DataType, itemSize } from "../../dtype/index.js";
import { gridCoords } from "../../indexing/grid.js";
import type { Region } from "../../indexing/region.js";
import { product } from "../../ndarray.js";
import type { BlockLevel } from "../block.js";
import type { DownsampleMethod } from "../downsample/index.js";
import type { PyramidPlan } from "../plan.js";
import { chooseLeafLevel, chunkGrid, contextRegions, lookback, regionOf, stageEnd } from "./geometry.js";

export interface PyramidTask {
  index: number;
  /** The level whose chunks the task finishes (with every chunk below them). */
  level: number;
  /** The task's chunks of `level`: C-order indices [start, end) in that level's chunk grid. */
  start: number;
  end: number;
}

export interface Schedule {
  /** "tree": each chunk gathers its children; "staged": gaussian stages that re-read halos. */
  kind: "tree" | "staged";
  /** The deepest level a block is computed for straight from the source. */
  leaf: number;
  /** The level the tasks finish; every level above it is made after all tasks. */
  taskLevel: number;
  tasks: PyramidTask[];
  /** With `forwardOnly`: the most bytes the source reads step back behind the stream. */
  lookback?: number;
}

export interface ScheduleOptions {
  method: DownsampleMethod;
  dtype: DataType;
  /** Bytes of block input one block may hold. */
  blockBudget: number;
  /** Split into this many tasks (about; never more than the task level has chunks). Default 1. */
  tasks?: number;
  /** Or: split so that a task covers about this many bytes of the source. */
  taskSize?: number;
  /**
   * The source decodes only front to back (see ForwardOnlyReads) and may keep `window` bytes behind
   * the stream. The tasks then read their blocks in C order — the source's byte order — each block
   * one chunk of the task level (so a task never walks back into an earlier slab), at the deepest
   * task level whose reads step back at most `window`; the levels above are made from it as stored.
   */
  forwardOnly?: {
    span(region: Region): readonly [number, number];
    window: number;
    /** Blocks read at once. */
    ahead: number;
  };
}

/** Plans the tasks of a pyramid; see the module comment. */
export function schedule(
  plan: PyramidPlan,
  levels: readonly BlockLevel[],
  options: ScheduleOptions,
): Schedule {
  const K = levels.length - 1;
  const kind = options.method === "gaussian" ? "staged" : "tree";
  const deepest = kind === "staged" ? stageEnd(levels, 0, options.dtype, options.blockBudget) : K;
  let wanted = options.tasks ?? 1;
  if (options.taskSize !== undefined) {
    const bytes = product(levels[0].shape) * itemSize(options.dtype);
    wanted = Math.max(1, Math.ceil(bytes / options.taskSize));
  }
  // the deepest level (fewest tasks' worth of reading back later) that still has enough chunks
  let taskLevel = deepest;
  while (taskLevel > 0 && product(chunkGrid(levels[taskLevel])) < wanted) taskLevel--;
  let leaf = Math.min(chooseLeafLevel(plan, levels, options.dtype, options.blockBudget), taskLevel);
  let back: number | undefined;
  const forward = options.forwardOnly;
  if (forward) {
    // the blocks level t's tasks read from the source, in the order they read them
    const reads = (t: number): Iterable<Region> => {
      const coords = gridCoords(chunkGrid(levels[t]));
      return kind === "staged"
        ? map(coords, (c) => contextRegions(levels, 0, t, c)[0])
        : map(coords, (c) => regionOf(levels, t, c, 0));
    };
    // tree: a task chunk is one leaf block; staged: a stage 0..t must keep t >= 1
    let t = kind === "staged" ? taskLevel : leaf;
    const lowest = kind === "staged" ? Math.min(1, taskLevel) : 0;
    back = lookback(reads(t), forward.span, forward.ahead);
    while (t > lowest && back > forward.window) {
      t--;
      back = lookback(reads(t), forward.span, forward.ahead);
    }
    taskLevel = t;
    leaf = Math.min(leaf, t);
  }
  const count = product(chunkGrid(levels[taskLevel]));
  const n = Math.max(1, Math.min(wanted, count));
  const tasks: PyramidTask[] = [];
  for (let i = 0; i < n; i++) {
    tasks.push({
      index: i,
      level: taskLevel,
      start: Math.floor((i * count) / n),
      end: Math.floor(((i + 1) * count) / n),
    });
  }
  return { kind, leaf, taskLevel, tasks, ...(back !== undefined ? { lookback: back } : {}) };
}

function* map<T, U>(items: Iterable<T>, f: (item: T) => U): Generator<U> {
  for (const item of items) yield f(item);
}

/** The chunk coordinates of a task's level that it finishes, in C order. */
export function* taskChunks(levels: readonly BlockLevel[], task: PyramidTask): Generator<number[]> {
  const grid = chunkGrid(levels[task.level]);
  for (let flat = task.start; flat < task.end; flat++) {
    const c = new Array<number>(grid.length);
    let r = flat;
    for (let d = grid.length - 1; d >= 0; d--) {
      c[d] = r % grid[d];
      r = Math.floor(r / grid[d]);
    }
    yield c;
  }
}
