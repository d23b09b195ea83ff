/**
 * The pyramid writer: a source (anything that reads a region) → an OME-Zarr image with N levels,
 * in one streaming pass, chunk-parallel, with memory bounded by `memoryTarget`. Orchestration
 * only: `settings.ts` decides what to compute, `schedule/` splits it into tasks and runs them.
 *
 * Crash safety: arrays are created first, the OME `multiscales` metadata is written last (an image
 * without it is visibly incomplete), and the run record (checkpoint/) lists finished tree nodes so
 * that a re-run resumes: finished nodes are read back instead of recomputed, giving identical chunks.
 */

import { ZarrArray } from "../array/zarr-array.js";
import { claimOutput, clearExcept } from "../checkpoint/index.js";
import { resolvePool } from "../concurrency/pool.js";
import { arraySource } from "../convert/copy-array.js";
import { type DataType, itemSize } from "../dtype/index.js";
import { writeArrayMetadata, writeGroupMetadata } from "../hierarchy/create.js";
import { createGroup } from "../hierarchy/group.js";
import { describeExistingNode, readNodeMetadata } from "../hierarchy/metadata-io.js";
import { product } from "../ndarray.js";
import { joinKey } from "../store/keys.js";
import type { Store } from "../store/types.js";
import type { BlockLevel } from "./block.js";
import { labelTable } from "./label-table.js";
import { BLOCK_OVERHEAD, DEFAULT_MEMORY_TARGET } from "./plan-guard.js";
import { Runner } from "./schedule/run.js";
import { Stats, type StatsState } from "./schedule/stats.js";
import { schedule } from "./schedule/tasks.js";
import { resolveSettings, type WriteSettings } from "./settings.js";
import type { PyramidOptions, PyramidResult, RegionSource } from "./types.js";
import { displayWindows } from "./window.js";

export type { PyramidOptions, PyramidResult, RegionSource } from "./types.js";

/** Kept behind a front-to-back source beyond its reads' lookback: a few of node:zlib's 16 KiB pieces. */
const STREAM_MARGIN = 64 * 1024;

/** A ZarrArray read as a region source (decoded on this thread: the pool runs the downsampling). */
export function asSource(src: RegionSource | ZarrArray): RegionSource {
  return src instanceof ZarrArray ? arraySource(src, { workers: 0 }) : src;
}

/** The level arrays of an output, opened on its specs (the metadata is written by the caller). */
export function levelArrays(store: Store, settings: WriteSettings): ZarrArray<DataType>[] {
  return settings.specs.map(
    (spec, i) => new ZarrArray<DataType>(store, joinKey(settings.path, settings.paths[i]), spec),
  );
}

/** What a block of each level needs to know about its array. */
export function blockLevels(settings: WriteSettings, arrays: ZarrArray<DataType>[]): BlockLevel[] {
  return arrays.map((a, i) => ({
    level: i,
    factors: settings.plan.levels[i].factors,
    shape: a.shape,
    grid: a.storageChunkShape,
    pipeline: a.pipelineDescriptor,
    fillValue: a.fillValue,
    writeEmptyChunks: false,
    keys: { path: a.path, encoding: a.keyEncoding },
  }));
}

/**
 * Block input bytes one block may hold: the target shared by the blocks in flight, each costing
 * BLOCK_OVERHEAD times its input (see there).
 */
export function blockBudget(memoryTarget: number | undefined, inFlight: number): number {
  return (memoryTarget ?? DEFAULT_MEMORY_TARGET) / (inFlight * BLOCK_OVERHEAD);
}

/** Creates the group and every level's array (no data); `again` rewrites them after a crash. */
export async function createArrays(store: Store, settings: WriteSettings, again: boolean): Promise<void> {
  const { path, version, specs, paths } = settings;
  const zarrFormat = version === "0.4" ? 2 : 3;
  if (again) {
    // the dead run may have died before (or while) writing the metadata: write it again (same bytes)
    if (!(await readNodeMetadata(store, path))) await createGroup(store, path, zarrFormat, {});
    for (let i = 0; i < specs.length; i++) await writeArrayMetadata(store, joinKey(path, paths[i]), specs[i]);
  } else {
    await createGroup(store, path, zarrFormat, {});
    for (let i = 0; i < specs.length; i++) await specs[i].toZarr(store, joinKey(path, paths[i]));
  }
}

/** Writes the OME metadata (last: the image is only an OME-Zarr image once everything is written). */
export async function writeImageMetadata(
  store: Store,
  settings: WriteSettings,
  arrays: ZarrArray<DataType>[],
  stats: Stats,
  options: Pick<PyramidOptions, "labels" | "labelSource">,
) {
  const channelWindows =
    stats.window && !options.labels
      ? await displayWindows(arrays, settings.channelAxis, stats.window)
      : undefined;
  const labelInfo = options.labels
    ? {
        ...labelTable(stats.counts, stats.countsComplete),
        ...(options.labelSource !== undefined ? { source: { image: options.labelSource } } : {}),
      }
    : undefined;
  await writeGroupMetadata(
    store,
    settings.path,
    settings.version === "0.4" ? 2 : 3,
    settings.metadata.attributes(channelWindows, labelInfo),
  );
  return channelWindows;
}

/** The result of a write, from what was written. */
export function result(
  settings: WriteSettings,
  arrays: ZarrArray<DataType>[],
  stats: Stats,
  counters: { bytesWritten: number; chunksWritten: number; resumedNodes: number },
  started: number,
  channelWindows: PyramidResult["channelWindows"],
): PyramidResult {
  const window = stats.window;
  return {
    path: settings.path,
    levels: settings.plan.levels.map((l, i) => ({
      path: settings.paths[i],
      shape: arrays[i].shape,
      chunks: arrays[i].chunks,
      shards: arrays[i].shards,
      scale: l.scale,
      translation: l.translation,
    })),
    ...counters,
    seconds: (performance.now() - started) / 1000,
    window: window && {
      min: Math.min(...window.min.filter(Number.isFinite)),
      max: Math.max(...window.max.filter(Number.isFinite)),
    },
    channelWindows,
  };
}

/** Builds an OME-Zarr multiscale image from `source`: the schedule's tasks, run in this process. */
export async function write(
  src: RegionSource | ZarrArray,
  store: Store,
  options: PyramidOptions = {},
): Promise<PyramidResult> {
  const started = performance.now();
  const signal = options.signal;
  signal?.throwIfAborted();
  const source = asSource(src);
  const settings = resolveSettings(source, options);
  const { path } = settings;

  // claim the output or resume an unfinished run with the same settings; the run record is
  // written before anything else (see checkpoint/)
  const checkpoint = await claimOutput(store, path, {
    fingerprint: settings.fingerprint,
    overwrite: options.overwrite,
    existing: () => describeExistingNode(store, path),
    clear: (keep) => clearExcept(store, path, keep),
  });
  const stats = new Stats(options.labels ?? false);
  stats.restore(checkpoint.state as StatsState);
  await createArrays(store, settings, checkpoint.resumed);
  const arrays = levelArrays(store, settings);
  const levels = blockLevels(settings, arrays);

  const { pool, owned } = resolvePool(options.workers);
  const inFlight = Math.max(1, pool.size) + 1;
  const target = options.memoryTarget ?? DEFAULT_MEMORY_TARGET;
  const forward = source.forwardOnly;
  const planFor = (window: number) => {
    const budget = blockBudget(target - window, inFlight);
    const tasks = schedule(settings.plan, levels, {
      method: settings.method,
      dtype: settings.dtype,
      blockBudget: budget,
      forwardOnly: forward && window > 0 ? { span: forward.span, window, ahead: inFlight } : undefined,
    });
    return { window, budget, tasks };
  };
  // A source that decodes only front to back gets half the memory for the bytes it keeps behind;
  // if its reads step back further, all but what the smallest blocks (one level-0 chunk or shard
  // each) need, rather than decode the stream again and again.
  let chosen = planFor(forward ? target / 2 : 0);
  const smallest = inFlight * BLOCK_OVERHEAD * product(levels[0].grid) * itemSize(settings.dtype);
  if (forward && (chosen.tasks.lookback ?? 0) > target / 2 && target - smallest > target / 2) {
    chosen = planFor(target - smallest);
  }
  const { budget, tasks: plan } = chosen;
  // the stream's pieces overshoot the furthest read by up to one piece: a margin for that
  if (forward && plan.lookback !== undefined) {
    forward.keep(Math.min(chosen.window, plan.lookback) + STREAM_MARGIN);
  }
  const saveProgress = async (force = false) => {
    Object.assign(checkpoint.state, stats.toState());
    await checkpoint.save(force);
  };
  const runner = new Runner({
    source,
    store,
    arrays,
    levels,
    schedule: plan,
    method: settings.method,
    dtype: settings.dtype,
    channelAxis: settings.channelAxis,
    stats,
    pool,
    inFlight,
    blockBudget: budget,
    done: checkpoint.done,
    onDone: () => saveProgress(),
    onProgress: options.onProgress,
    signal,
  });
  try {
    for (const task of plan.tasks) await runner.runTask(task);
    await runner.runAbove();
  } catch (e) {
    await saveProgress(true).catch(() => {});
    throw e;
  } finally {
    if (owned) await pool.close();
  }

  const channelWindows = await writeImageMetadata(store, settings, arrays, stats, options);
  await checkpoint.finish();
  return result(settings, arrays, stats, runner.counters, started, channelWindows);
}
