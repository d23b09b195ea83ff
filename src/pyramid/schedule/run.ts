/**
 * Runs a schedule's tasks and what comes after them, in this process, with the worker pool.
 *
 * Tree (every method but gaussian): a task's chunk of level T gathers its children's level T-1
 * data (already in memory) and downsamples it once; at the leaf level and below, a block's source
 * region is read once, stored as level-0 chunks and downsampled in a worker. Only the current path
 * of the tree is held, so memory does not grow with the volume.
 *
 * Staged (gaussian): levels need neighbour context (a halo) at every level, so a parent that sees
 * only its own children would leave seams. A stage s..t has one block per level-t chunk, which
 * reads level s (the source, or level s as stored by the stage before) over the chunk's region
 * widened by the kernels' reach at every level in between, clipped at the volume's edges where the
 * kernel mirrors anyway. Each level s+1..t is computed over that widened region minus its own halo,
 * so every output voxel sees exactly the taps whole-array downsampling would give it, in the same
 * order: the result is bit-identical to it, wherever the stage boundaries fall.
 *
 * Finished nodes (ids in `done`) are read back instead of recomputed, giving identical chunks.
 */
import type { ZarrArray } from "../../array/zarr-array.js";
import { forEachLimit } from "../../concurrency/limit.js";
import { collectTransferables } from "../../concurrency/messages.js";
import type { WorkerPool } from "../../concurrency/pool.js";
import { allocate, type DataType, itemSize, lanes } from "../../dtype/index.js";
import { copyStrided, stridesOf } from "../../indexing/copy.js";
import { gridCoords } from "../../indexing/grid.js";
import { slice } from "../../indexing/selection.js";
import { type NDArray, product } from "../../ndarray.js";
import { Slots } from "../../store/slots.js";
import { threadWritesOf } from "../../store/thread-io.js";
import { requireWritable, type Store } from "../../store/types.js";
import type { BlockLevel, BlockResult, BlockTask } from "../block.js";
import type { DownsampleMethod, Halo } from "../downsample/index.js";
import type { RegionSource } from "../types.js";
import {
  childChunks,
  chunkGrid,
  chunksUnder,
  contextRegions,
  nodeId,
  regionOf,
  stageEnd,
} from "./geometry.js";
import type { Stats } from "./stats.js";
import { type PyramidTask, type Schedule, taskChunks } from "./tasks.js";

// a named module (see concurrency/modules.ts): resolvable in worker threads, Web Workers and bundles alike
const BLOCK_MODULE = "zarrsmith:pyramid/block";

export interface RunContext {
  source: RegionSource;
  store: Store;
  arrays: ZarrArray<DataType>[];
  levels: BlockLevel[];
  schedule: Schedule;
  method: DownsampleMethod;
  dtype: DataType;
  channelAxis: number;
  stats: Stats;
  pool: WorkerPool;
  /** Blocks from reading to storing at once. */
  inFlight: number;
  blockBudget: number;
  /** Finished node ids: read back, not recomputed. Finished nodes are added. */
  done: Set<string>;
  /** Called after a node is added to `done` (to save progress). */
  onDone(): Promise<void>;
  onProgress?: (progress: { level: number; done: number; total: number }) => void;
  signal?: AbortSignal;
}

export interface RunCounters {
  bytesWritten: number;
  chunksWritten: number;
  resumedNodes: number;
}

export class Runner {
  readonly counters: RunCounters = { bytesWritten: 0, chunksWritten: 0, resumedNodes: 0 };
  private readonly progress: number[];
  private readonly totals: number[];
  private readonly leafSlots: Slots;
  private readonly levelSlots: Slots[];

  constructor(private readonly ctx: RunContext) {
    this.totals = ctx.levels.map((l) => product(chunkGrid(l)));
    this.progress = ctx.levels.map(() => 0);
    // leaves take one of `inFlight` slots from reading to storing; a node above takes one of two
    // slots of its level, so the next subtree starts while one finishes (workers never starve)
    // but only two gather buffers per level are alive
    this.leafSlots = new Slots(ctx.inFlight);
    this.levelSlots = ctx.levels.map(() => new Slots(2));
  }

  /** Runs one task: every chunk of levels 0..task.level under its chunks. */
  async runTask(task: PyramidTask): Promise<void> {
    const { schedule, inFlight, signal } = this.ctx;
    if (schedule.kind === "staged") {
      await this.runStage(0, task.level, taskChunks(this.ctx.levels, task));
      return;
    }
    if (task.level === 0) {
      // nothing above them in the task: level-0 chunks go in runs along the fastest axis, one
      // source read each (a 64^3 chunk alone reads 64 short rows per plane)
      await forEachLimit(this.levelZeroRuns(task), inFlight, (run) => this.levelZeroRun(run), signal);
      return;
    }
    await forEachLimit(
      taskChunks(this.ctx.levels, task),
      task.level > schedule.leaf ? 2 : inFlight,
      async (c) => {
        await this.node(task.level, c);
      },
      signal,
    );
  }

  /** Makes the levels above the task level from it as stored (after every task is done). */
  async runAbove(): Promise<void> {
    const { schedule, levels, inFlight, signal, dtype, blockBudget } = this.ctx;
    const K = levels.length - 1;
    if (schedule.taskLevel >= K) return;
    if (schedule.kind === "staged") {
      for (let s = schedule.taskLevel; s < K; ) {
        const t = stageEnd(levels, s, dtype, blockBudget);
        await this.runStage(s, t, gridCoords(chunkGrid(levels[t])));
        s = t;
      }
      return;
    }
    await forEachLimit(
      gridCoords(chunkGrid(levels[K])),
      K > schedule.leaf ? 2 : inFlight,
      async (c) => {
        await this.node(K, c);
      },
      signal,
    );
  }

  /**
   * Makes one chunk above the leaf level from its children (tree only): children in `done` are
   * read back as stored, any other is computed. Resolves once the chunk is stored.
   */
  async build(level: number, coords: number[]): Promise<void> {
    if (this.ctx.schedule.kind !== "tree" || level <= this.ctx.schedule.leaf)
      throw new Error(`build: level ${level} is not a tree level above the leaf`);
    await this.node(level, coords);
  }

  /**
   * The task's unfinished level-0 chunks in C order, grouped into runs of neighbours along the
   * fastest axis whose source region fits the block budget.
   */
  private *levelZeroRuns(task: PyramidTask): Generator<number[][]> {
    const { levels, done, dtype, blockBudget } = this.ctx;
    const last = levels[0].shape.length - 1;
    const chunkBytes =
      product(levels[0].grid.map((g, i) => Math.min(g, levels[0].shape[i]))) * itemSize(dtype);
    const most = Math.max(1, Math.floor(blockBudget / chunkBytes));
    let run: number[][] = [];
    for (const c of taskChunks(levels, task)) {
      if (done.has(nodeId(0, c))) {
        this.counters.resumedNodes++;
        this.report(0, 1);
        continue;
      }
      const prev = run[run.length - 1];
      const follows =
        prev !== undefined && c[last] === prev[last] + 1 && c.every((x, i) => i === last || x === prev[i]);
      if (run.length > 0 && (!follows || run.length >= most)) {
        yield run;
        run = [];
      }
      run.push(c);
    }
    if (run.length > 0) yield run;
  }

  /** Reads one run of level-0 chunks from the source and stores them (a worker encodes them). */
  private async levelZeroRun(run: number[][]): Promise<void> {
    const { levels, source, method, channelAxis, stats, signal, done } = this.ctx;
    const first = regionOf(levels, 0, run[0], 0);
    const end = regionOf(levels, 0, run[run.length - 1], 0);
    const region = first.map(([a, b], i) => [a, i === first.length - 1 ? end[i][1] : b] as [number, number]);
    signal?.throwIfAborted();
    const input = await source.read(region);
    signal?.throwIfAborted();
    await this.runBlock({
      input,
      origin: region.map(([a]) => a),
      store: levels[0],
      levels: [],
      method,
      stats: true,
      statsAxis: channelAxis >= 0 ? channelAxis : undefined,
      countValues: stats.countValues,
      returnLast: false,
    });
    for (const c of run) done.add(nodeId(0, c));
    await this.ctx.onDone();
  }

  private report(level: number, n: number): void {
    this.progress[level] += n;
    this.ctx.onProgress?.({ level, done: this.progress[level], total: this.totals[level] });
  }

  private async storeChunks(result: BlockResult): Promise<void> {
    const { arrays } = this.ctx;
    const store = requireWritable(this.ctx.store);
    await Promise.all(
      result.chunks.map(async (c) => {
        // (a chunk with `stored` was written by the worker: see runBlock)
        const key = arrays[c.level].chunkKey(c.coords);
        if (c.bytes) await store.set(key, c.bytes);
        else if (c.stored === undefined) await store.delete(key);
        const written = c.stored ?? c.bytes?.length;
        if (written !== undefined) {
          this.counters.bytesWritten += written;
          this.counters.chunksWritten++;
        }
        this.report(c.level, 1);
      }),
    );
  }

  /** Downsamples/encodes one block in a worker (its input buffer is moved there) and stores the chunks. */
  private async runBlock(task: BlockTask): Promise<BlockResult> {
    const { pool, channelAxis, stats } = this.ctx;
    // the worker stores the chunks itself where the store allows it (LocalStore)
    const writeTo = pool.encodesShared ? threadWritesOf(requireWritable(this.ctx.store)) : undefined;
    const result = await pool.call<BlockResult>(
      BLOCK_MODULE,
      "processBlock",
      [writeTo ? { ...task, writeTo } : task],
      collectTransferables(task.input),
    );
    await this.storeChunks(result);
    stats.add(result, channelAxis >= 0 ? task.origin[channelAxis] : 0);
    return result;
  }

  /** Computes (or, when finished earlier, reads back) chunk `coords` of `level`, returning its data. */
  private async node(level: number, coords: number[]): Promise<NDArray> {
    const { levels, arrays, pool, signal, done, schedule } = this.ctx;
    const id = nodeId(level, coords);
    if (done.has(id)) {
      this.counters.resumedNodes++;
      for (let i = 0; i <= level; i++) this.report(i, chunksUnder(levels, level, coords, i));
      return arrays[level].get(
        regionOf(levels, level, coords, level).map(([a, b]) => slice(a, b)),
        { workers: pool, signal },
      );
    }
    const slots = level <= schedule.leaf ? this.leafSlots : this.levelSlots[level];
    signal?.throwIfAborted();
    return slots.run(async () => {
      // nodes waiting for a slot when the signal aborts give it up at once
      signal?.throwIfAborted();
      return this.compute(level, coords, id);
    });
  }

  private async compute(level: number, coords: number[], id: string): Promise<NDArray> {
    const { levels, source, method, channelAxis, stats, signal, dtype, schedule, done } = this.ctx;
    let task: BlockTask;
    if (level <= schedule.leaf) {
      const region = regionOf(levels, level, coords, 0);
      const input = await source.read(region);
      task = {
        input,
        origin: region.map(([a]) => a),
        store: levels[0],
        levels: levels.slice(1, level + 1),
        method,
        stats: true,
        statsAxis: channelAxis >= 0 ? channelAxis : undefined,
        countValues: stats.countValues,
      };
    } else {
      // gather the children (level - 1 chunks) and downsample once
      const below = level - 1;
      const region = regionOf(levels, level, coords, below);
      const shape = region.map(([a, b]) => b - a);
      const strides = stridesOf(shape);
      const input = { data: allocate(dtype, product(shape)), shape, dtype } as NDArray;
      const children = childChunks(levels, level, coords);
      await forEachLimit(
        children,
        children.length,
        async (child) => {
          const data = await this.node(below, child);
          const childRegion = regionOf(levels, below, child, below);
          copyStrided(
            { data: data.data, offset: 0, strides: stridesOf(data.shape) },
            {
              data: input.data,
              offset: childRegion.reduce((o, [a], i) => o + (a - region[i][0]) * strides[i], 0),
              strides,
            },
            data.shape,
            lanes(dtype),
          );
        },
        signal,
      );
      task = { input, origin: region.map(([a]) => a), levels: [levels[level]], method };
    }
    signal?.throwIfAborted();
    const result = await this.runBlock(task);
    if (level >= schedule.leaf) {
      done.add(id);
      await this.ctx.onDone();
    }
    return result.last!;
  }

  /** Stage s..t over the given level-t chunks; see the module comment. */
  private async runStage(s: number, t: number, chunks: Iterable<number[]>): Promise<void> {
    const { levels, arrays, source, method, channelAxis, stats, signal, pool, inFlight, done } = this.ctx;
    await forEachLimit(
      chunks,
      inFlight,
      async (coords) => {
        const id = nodeId(t, coords);
        if (done.has(id)) {
          this.counters.resumedNodes++;
          for (let i = s === 0 ? 0 : s + 1; i <= t; i++) this.report(i, chunksUnder(levels, t, coords, i));
          return;
        }
        const context = contextRegions(levels, s, t, coords);
        const halos: Halo[][] = [];
        for (let k = s + 1; k <= t; k++) {
          const f = levels[k].factors;
          const [inner, outer] = [context[k - s], context[k - 1 - s]];
          const below = levels[k - 1].shape;
          halos.push(
            inner.map(([a, b], i) => [a * f[i] - outer[i][0], outer[i][1] - Math.min(b * f[i], below[i])]),
          );
        }
        signal?.throwIfAborted();
        const input =
          s === 0
            ? await source.read(context[0])
            : await arrays[s].get(
                context[0].map(([a, b]) => slice(a, b)),
                { workers: pool, signal },
              );
        signal?.throwIfAborted();
        const task: BlockTask = {
          input,
          origin: context[0].map(([a]) => a),
          store: s === 0 ? levels[0] : undefined,
          storeRegion: regionOf(levels, t, coords, 0),
          levels: levels.slice(s + 1, t + 1),
          halos,
          regions: levels.slice(s + 1, t + 1).map((l) => regionOf(levels, t, coords, l.level)),
          method,
          stats: s === 0,
          statsAxis: channelAxis >= 0 ? channelAxis : undefined,
          countValues: stats.countValues,
          returnLast: false,
        };
        await this.runBlock(task);
        done.add(id);
        await this.ctx.onDone();
      },
      signal,
    );
  }
}
