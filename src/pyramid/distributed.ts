/**
 * One pyramid spread over many processes: plan → tasks → finalize (see schedule/tasks.ts for what
 * a task is). `plan` creates every level's array (no data) and writes `zarrsmith-plan.json` into the
 * output: how to reopen the input, every option, the schedule. `runTask(plan, i)` writes task i and
 * then its completion record (`zarrsmith-tasks/<i>.json`); running it again, or after a crash,
 * rewrites the same bytes. `finalize` checks every record, makes the levels above the task level
 * that no task made and writes the OME metadata last. `pyramid.write` runs the very same schedule
 * in one process.
 *
 * The levels above the task level T (tree methods): the last one up builds the parent. A task that
 * has written its record looks at the level-(T+1) chunks over its own chunks; where every task
 * under one has its record, it builds that chunk from level T as stored, then leaves a marker
 * (`zarrsmith-tasks/above/<level>/<coords>.json`, written after the chunk); and so on up: a chunk
 * is built once all its children have markers. Each task writes its record (marker) before it
 * looks at the others', so of several finishing at once the last always sees them all (the stores
 * are strongly consistent); two that both see "all done" build the same chunk twice, with the same
 * bytes, each object written atomically. A task killed in a build leaves no marker: finalize (or a
 * later task) builds that chunk. Gaussian ("staged") levels above T need their neighbours' halos,
 * so they stay with finalize.
 */
import { claimOutput, clearExcept, describeRun, liveRun, OutputBusyError } from "../checkpoint/index.js";
import { forEachLimit } from "../concurrency/limit.js";
import { resolvePool, type WorkerPool } from "../concurrency/pool.js";
import { stringifyJSON } from "../dtype/json.js";
import { ExistsError, NotFoundError, ValueError, ZarrsmithError } from "../errors.js";
import { readNodeMetadata } from "../hierarchy/metadata-io.js";
import { gridCoords } from "../indexing/grid.js";
import { joinKey, normalizePath } from "../store/keys.js";
import type { Store } from "../store/types.js";
import { PLAN_FILE, TASKS_DIR } from "./reserved.js";
import { childChunks, chunkGrid, chunksUnder, nodeId, parentChunks } from "./schedule/geometry.js";
import { Runner } from "./schedule/run.js";
import { Stats, type StatsState } from "./schedule/stats.js";
import { type PyramidTask, type Schedule, schedule, taskChunks } from "./schedule/tasks.js";
import { resolveSettings } from "./settings.js";
import type { PyramidOptions, PyramidResult, RegionSource } from "./types.js";
import { blockBudget, blockLevels, createArrays, levelArrays, result, writeImageMetadata } from "./writer.js";

export { PLAN_FILE, TASKS_DIR } from "./reserved.js";

/** The options a plan records: everything but the run-time ones (workers, progress, signal). */
export type PlannedOptions = Omit<PyramidOptions, "workers" | "onProgress" | "signal">;

export interface PlanOptions extends PlannedOptions {
  /** How another process reopens the input (e.g. `{ path, format, shape, dtype }`): JSON, recorded as is. */
  input: Record<string, unknown>;
  /** Number of tasks (default 1); or `taskSize`: source bytes per task. */
  tasks?: number;
  taskSize?: number;
  workers?: WorkerPool | number;
}

/** zarrsmith-plan.json. */
export interface PyramidPlanFile {
  format: "zarrsmith-plan";
  version: 1;
  input: Record<string, unknown>;
  options: PlannedOptions;
  fingerprint: string;
  /** Bytes of block input per block, fixed at planning so every process cuts the same stages. */
  blockBudget: number;
  schedule: Omit<Schedule, "tasks">;
  /** Per task: its chunks of the task level, C-order indices [start, end) (see schedule/tasks.ts). */
  tasks: Array<[number, number]>;
}

/** A plan as read back: the file plus where it lives. */
export interface Plan extends PyramidPlanFile {
  store: Store;
  path: string;
}

export interface RunOptions {
  /** Opens the input the plan records (the CLI passes its input opener). */
  open(input: Record<string, unknown>): Promise<RegionSource & { close?(): Promise<void> }>;
  workers?: WorkerPool | number;
  onProgress?: PyramidOptions["onProgress"];
  signal?: AbortSignal;
}

/** The completion record of a task. */
export interface TaskRecord {
  task: number;
  fingerprint: string;
  stats: StatsState;
  bytesWritten: number;
  chunksWritten: number;
}

/** What `runTask` returns: the completion record, and the chunks above the task level it built. */
export interface TaskResult extends TaskRecord {
  above: {
    /** Chunks above the task level built by this run (after its record), per level from T+1 up. */
    built: number[];
    bytesWritten: number;
  };
}

/** The marker of a chunk above the task level that a task built (written after the chunk). */
interface AboveMarker {
  level: number;
  coords: number[];
  fingerprint: string;
  task: number;
}

/** finalize found tasks without a completion record. */
export class MissingTasksError extends ZarrsmithError {
  readonly missing: number[];
  constructor(where: string, missing: number[]) {
    super(
      "not_found",
      `${where}: ${missing.length} task(s) not finished (no completion record): ${missing.join(", ")}`,
    );
    this.missing = missing;
  }
}

/** Another live process is running the same task: this one changed nothing. */
export class TaskBusyError extends ExistsError {
  readonly task: number;
  constructor(where: string, task: number, holder: string) {
    super(
      `task ${task} of ${where} is being run by another process (${holder}); refusing to run it twice at once — nothing was changed (once that process is gone, its claim is taken over)`,
    );
    this.task = task;
  }
}

/**
 * How often a running task saves its claim, and how long after the last save a claim held on
 * another host counts as abandoned (on this host, whether its process exists decides).
 */
const CLAIM_HEARTBEAT_MS = 10_000;
const CLAIM_STALE_AFTER_MS = 60_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function recordKey(plan: Plan, i: number): string {
  return joinKey(plan.path, `${TASKS_DIR}/${i}.json`);
}

function markerKey(plan: Plan, level: number, coords: readonly number[]): string {
  return joinKey(plan.path, `${TASKS_DIR}/above/${level}/${coords.join(".")}.json`);
}

async function readMarker(plan: Plan, level: number, coords: readonly number[]): Promise<boolean> {
  const bytes = await plan.store.get(markerKey(plan, level, coords));
  if (!bytes) return false;
  try {
    const m = JSON.parse(decoder.decode(bytes)) as AboveMarker;
    return m.fingerprint === plan.fingerprint && m.level === level && m.coords.join(".") === coords.join(".");
  } catch {
    return false; // torn: built again
  }
}

/** The task whose run of task-level chunks holds C-order index `flat` (the runs are consecutive). */
function taskOf(plan: Plan, flat: number): number {
  let lo = 0;
  let hi = plan.tasks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (plan.tasks[mid][0] <= flat) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function flatIndex(grid: readonly number[], coords: readonly number[]): number {
  return coords.reduce((a, c, i) => a * grid[i] + c, 0);
}

function plannedOptions(options: PlanOptions): PlannedOptions {
  const {
    input: _i,
    tasks: _t,
    taskSize: _s,
    workers: _w,
    ...rest
  } = options as PlanOptions & Record<string, unknown>;
  delete (rest as Record<string, unknown>).onProgress;
  delete (rest as Record<string, unknown>).signal;
  return rest as PlannedOptions;
}

/** Creates the output's arrays (no data) and writes the plan into it. */
export async function plan(source: RegionSource, store: Store, options: PlanOptions): Promise<Plan> {
  const planned = plannedOptions(options);
  const settings = resolveSettings(source, planned);
  if (!store.set) throw new ValueError("plan needs a writable output store");
  const existing = await readNodeMetadata(store, settings.path).catch(() => ({ kind: "node" }));
  if (existing && !options.overwrite) {
    throw new ValueError(
      `${store.description ?? "the store"} at /${settings.path} already holds a Zarr node; pass overwrite to replace it`,
    );
  }
  if (options.tasks !== undefined && !(Number.isInteger(options.tasks) && options.tasks >= 1))
    throw new ValueError(`tasks must be an integer >= 1, got ${options.tasks}`);
  if (options.taskSize !== undefined && !(options.taskSize > 0))
    throw new ValueError(`taskSize must be a number of bytes > 0, got ${options.taskSize}`);
  if (existing) {
    // overwrite: never under a run that is writing it; the old levels, plan, task records and
    // markers go, so that nothing of the earlier conversion counts as done for this one
    const live = await liveRun(store, settings.path);
    if (live) throw new OutputBusyError(`${store.description ?? "the store"} at /${settings.path}`, live);
    await clearExcept(store, settings.path, "");
  }
  await createArrays(store, settings, false);
  const arrays = levelArrays(store, settings);
  const levels = blockLevels(settings, arrays);
  const { pool, owned } = resolvePool(options.workers);
  const budget = blockBudget(options.memoryTarget, Math.max(1, pool.size) + 1);
  if (owned) await pool.close();
  const s = schedule(settings.plan, levels, {
    method: settings.method,
    dtype: settings.dtype,
    blockBudget: budget,
    tasks: options.tasks,
    taskSize: options.taskSize,
  });
  const file: PyramidPlanFile = {
    format: "zarrsmith-plan",
    version: 1,
    input: options.input,
    options: planned,
    fingerprint: settings.fingerprint,
    blockBudget: budget,
    schedule: {
      kind: s.kind,
      leaf: s.leaf,
      taskLevel: s.taskLevel,
    },
    tasks: s.tasks.map((t) => [t.start, t.end]),
  };
  await store.set(joinKey(settings.path, PLAN_FILE), encoder.encode(`${stringifyJSON(file)}\n`));
  return { ...file, store, path: settings.path };
}

/** Reads the plan of the output at `path` in `store`. */
export async function readPlan(store: Store, path = ""): Promise<Plan> {
  const p = normalizePath(path);
  const bytes = await store.get(joinKey(p, PLAN_FILE));
  if (!bytes)
    throw new NotFoundError(
      `${store.description ?? "the store"} at /${p} holds no ${PLAN_FILE}: plan the conversion first`,
    );
  const file = JSON.parse(decoder.decode(bytes)) as PyramidPlanFile;
  if (file.format !== "zarrsmith-plan" || file.version !== 1)
    throw new ValueError(`${PLAN_FILE}: format must be "zarrsmith-plan" version 1`);
  return { ...file, store, path: p };
}

async function prepare(plan: Plan, run: RunOptions) {
  const source = await run.open(plan.input);
  const settings = resolveSettings(source, plan.options);
  if (settings.fingerprint !== plan.fingerprint) {
    throw new ValueError(
      `the input reopened from ${JSON.stringify(plan.input)} no longer matches the plan (shape, dtype or settings changed)`,
    );
  }
  const arrays = levelArrays(plan.store, settings);
  const levels = blockLevels(settings, arrays);
  const sched: Schedule = {
    kind: plan.schedule.kind,
    leaf: plan.schedule.leaf,
    taskLevel: plan.schedule.taskLevel,
    tasks: plan.tasks.map(([start, end], index) => ({
      index,
      level: plan.schedule.taskLevel,
      start,
      end,
    })),
  };
  const { pool, owned } = resolvePool(run.workers);
  const stats = new Stats(plan.options.labels ?? false);
  return { source, settings, arrays, levels, sched, pool, owned, stats };
}

/** Per level, the chunks a task writes (a task's progress totals; the runner counts whole levels). */
function taskTotals(levels: Awaited<ReturnType<typeof prepare>>["levels"], task: PyramidTask): number[] {
  const totals = levels.map(() => 0);
  for (const c of taskChunks(levels, task))
    for (let l = 0; l <= task.level; l++) totals[l] += chunksUnder(levels, task.level, c, l);
  return totals;
}

function runner(
  plan: Plan,
  run: RunOptions,
  p: Awaited<ReturnType<typeof prepare>>,
  done: Pick<Set<string>, "has" | "add">,
  onProgress = run.onProgress,
) {
  return new Runner({
    source: p.source,
    store: plan.store,
    arrays: p.arrays,
    levels: p.levels,
    schedule: p.sched,
    method: p.settings.method,
    dtype: p.settings.dtype,
    channelAxis: p.settings.channelAxis,
    stats: p.stats,
    pool: p.pool,
    // the blocks in flight the plan's block budget was cut for, at most: a task run with more
    // worker threads than the planning process had stays within the memory target
    inFlight: Math.min(
      Math.max(1, p.pool.size) + 1,
      Math.max(1, Math.round(blockBudget(plan.options.memoryTarget, 1) / plan.blockBudget)),
    ),
    blockBudget: plan.blockBudget,
    done: done as Set<string>,
    onDone: async () => {},
    onProgress,
    signal: run.signal,
  });
}

/**
 * Claims task `i` for this process with the output claim of checkpoint/ (an atomic create of
 * `zarrsmith-tasks/<i>/zarrsmith-progress.json`, taken over once its process is dead). A second
 * process refuses rather than waits: the first writes the same bytes and leaves the completion
 * record, and a scheduler's retry (BullMQ's backoff, a requeued array task) finds it done.
 */
async function claimTask(plan: Plan, i: number) {
  const where = `${plan.store.description ?? "the store"} at /${plan.path}`;
  try {
    return await claimOutput(plan.store, joinKey(plan.path, `${TASKS_DIR}/${i}`), {
      fingerprint: plan.fingerprint,
      existing: async () => undefined,
      clear: async () => {},
      staleAfterMs: CLAIM_STALE_AFTER_MS,
      // other tasks write to this store meanwhile: their temporary files are not ours to remove
      removeTemporaryFiles: false,
    });
  } catch (e) {
    if (e instanceof OutputBusyError) throw new TaskBusyError(where, i, describeRun(e.record));
    throw e;
  }
}

/**
 * Writes task `i` of the plan (all of it, every time: idempotent), then its completion record, then
 * (tree methods) the chunks above the task level that it is the last one under (module comment).
 */
export async function runTask(plan: Plan, i: number, run: RunOptions): Promise<TaskResult> {
  if (!(Number.isInteger(i) && i >= 0 && i < plan.tasks.length))
    throw new ValueError(`task must be an integer from 0 to ${plan.tasks.length - 1}, got ${i}`);
  const claim = await claimTask(plan, i);
  const heartbeat = setInterval(() => void claim.save(true).catch(() => {}), CLAIM_HEARTBEAT_MS);
  heartbeat.unref?.();
  let p: Awaited<ReturnType<typeof prepare>> | undefined;
  try {
    p = await prepare(plan, run);
    const task = p.sched.tasks[i];
    const totals = run.onProgress && taskTotals(p.levels, task);
    const onProgress =
      totals && ((x: { level: number; done: number }) => run.onProgress?.({ ...x, total: totals[x.level] }));
    const r = runner(plan, run, p, new Set(), onProgress);
    await r.runTask(task);
    const record: TaskRecord = {
      task: i,
      fingerprint: plan.fingerprint,
      stats: p.stats.toState(),
      bytesWritten: r.counters.bytesWritten,
      chunksWritten: r.counters.chunksWritten,
    };
    await plan.store.set!(recordKey(plan, i), encoder.encode(`${JSON.stringify(record)}\n`));
    const above = await buildAbove(plan, run, p, task);
    return { ...record, above };
  } finally {
    // released after the record, and on an error too (a live worker process would hold it for
    // ever); only a crash leaves it, to a dead process, which the next run takes over
    clearInterval(heartbeat);
    await claim.finish();
    if (p?.owned) await p.pool.close();
    await p?.source.close?.();
  }
}

/**
 * The last one up builds the parent: after task's record is written, every chunk above the task
 * level over the task's chunks whose children are all finished (level T: every task under it has
 * its record; above: every child has its marker) is built from its children as stored, then
 * marked; one level up at a time, from the chunks marked one level down. Tree methods only:
 * gaussian's levels above T need neighbours' halos, and stay with finalize.
 */
async function buildAbove(
  plan: Plan,
  run: RunOptions,
  p: Awaited<ReturnType<typeof prepare>>,
  task: PyramidTask,
): Promise<TaskResult["above"]> {
  const T = plan.schedule.taskLevel;
  const K = p.levels.length - 1;
  const above: TaskResult["above"] = { built: [], bytesWritten: 0 };
  if (plan.schedule.kind !== "tree" || T >= K) return above;
  const gridT = chunkGrid(p.levels[T]);
  const recorded = new Map<number, Promise<boolean>>([[task.index, Promise.resolve(true)]]);
  const hasRecord = (t: number) => {
    let r = recorded.get(t);
    if (!r) {
      r = readRecord(plan, t).then(Boolean);
      recorded.set(t, r);
    }
    return r;
  };
  // finished children, read back as stored; the runner adds each chunk it builds
  const done = new Set<string>();
  const r = runner(plan, run, p, done, () => {});
  let below: number[][] = [...taskChunks(p.levels, task)];
  for (let level = T + 1; level <= K && below.length > 0; level++) {
    const parents = new Map<string, number[]>();
    for (const c of below) for (const q of parentChunks(p.levels, level - 1, c)) parents.set(q.join("."), q);
    const marked: number[][] = [];
    let built = 0;
    for (const coords of parents.values()) {
      run.signal?.throwIfAborted();
      const children = childChunks(p.levels, level, coords);
      let ready: boolean;
      if (level - 1 === T) {
        const tasks = new Set(children.map((c) => taskOf(plan, flatIndex(gridT, c))));
        ready = (await Promise.all([...tasks].map(hasRecord))).every(Boolean);
      } else {
        ready = (
          await Promise.all(
            children.map((c) => done.has(nodeId(level - 1, c)) || readMarker(plan, level - 1, c)),
          )
        ).every(Boolean);
      }
      if (!ready) continue; // a task still running under it is the last one up
      for (const c of children) done.add(nodeId(level - 1, c));
      const bytes = r.counters.bytesWritten;
      await r.build(level, coords);
      above.bytesWritten += r.counters.bytesWritten - bytes;
      // after the chunk: a marker never names a chunk not fully written
      const marker: AboveMarker = { level, coords, fingerprint: plan.fingerprint, task: task.index };
      await plan.store.set!(markerKey(plan, level, coords), encoder.encode(`${JSON.stringify(marker)}\n`));
      marked.push(coords);
      built++;
      run.onProgress?.({ level, done: built, total: built });
    }
    if (built > 0) above.built.push(built);
    below = marked;
  }
  return above;
}

export interface PlanStatus {
  tasks: number;
  done: number[];
  missing: number[];
  /** Whether the OME metadata (written last by finalize) is there. */
  finalized: boolean;
}

async function readRecord(plan: Plan, i: number): Promise<TaskRecord | undefined> {
  const bytes = await plan.store.get(recordKey(plan, i));
  if (!bytes) return undefined;
  try {
    const r = JSON.parse(decoder.decode(bytes)) as TaskRecord;
    return r.fingerprint === plan.fingerprint && r.task === i ? r : undefined;
  } catch {
    return undefined; // a torn record counts as missing: the task is run again
  }
}

/** Records read at once: a plan of 100,000s of tasks on object storage is read in seconds, not an hour. */
const RECORD_READS = 64;

/** Every task's completion record (undefined where missing), by task index. */
async function readRecords(plan: Plan): Promise<Array<TaskRecord | undefined>> {
  const records = new Array<TaskRecord | undefined>(plan.tasks.length);
  await forEachLimit(plan.tasks.keys(), RECORD_READS, async (i) => {
    records[i] = await readRecord(plan, i);
  });
  return records;
}

/** Which tasks have a completion record. */
export async function status(plan: Plan): Promise<PlanStatus> {
  const done: number[] = [];
  const missing: number[] = [];
  for (const [i, r] of (await readRecords(plan)).entries()) (r ? done : missing).push(i);
  const meta = await readNodeMetadata(plan.store, plan.path).catch(() => undefined);
  const attrs = (meta as { attributes?: Record<string, unknown> } | undefined)?.attributes ?? {};
  const finalized = "multiscales" in attrs || "ome" in attrs;
  return { tasks: plan.tasks.length, done, missing, finalized };
}

/**
 * The chunks above the task level that tasks built (marked), found from the top down: a marked
 * chunk's children are not looked at (finalize reads it back and needs nothing below it).
 */
async function builtAbove(
  plan: Plan,
  levels: Awaited<ReturnType<typeof prepare>>["levels"],
): Promise<Set<string>> {
  const built = new Set<string>();
  const T = plan.schedule.taskLevel;
  const K = levels.length - 1;
  if (plan.schedule.kind !== "tree" || T >= K) return built;
  let look: number[][] = [...gridCoords(chunkGrid(levels[K]))];
  for (let level = K; level > T && look.length > 0; level--) {
    const next: number[][] = [];
    await forEachLimit(look, RECORD_READS, async (c) => {
      if (await readMarker(plan, level, c)) built.add(nodeId(level, c));
      else if (level - 1 > T) next.push(...childChunks(levels, level, c));
    });
    look = next;
  }
  return built;
}

/** Checks every task's record, makes the chunks above the task level no task made, writes the OME metadata last. */
export async function finalize(plan: Plan, run: RunOptions): Promise<PyramidResult> {
  const started = performance.now();
  const records: TaskRecord[] = [];
  const missing: number[] = [];
  for (const [i, r] of (await readRecords(plan)).entries()) {
    if (r) records.push(r);
    else missing.push(i);
  }
  if (missing.length > 0)
    throw new MissingTasksError(`${plan.store.description ?? "the store"} at /${plan.path}`, missing);
  const p = await prepare(plan, run);
  try {
    for (const r of records) p.stats.merge(r.stats);
    // every chunk of the task level is finished, and so is every chunk above it that a task
    // built (marked): read back, never recomputed
    const prefix = `${plan.schedule.taskLevel}:`;
    const above = await builtAbove(plan, p.levels);
    const done = {
      has: (id: string) => id.startsWith(prefix) || above.has(id),
      add: (id: string) => above.add(id),
    };
    // interrupted writes of crashed task runs left temporary files; every task is done now
    await plan.store.removeTemporaryFiles?.();
    const r = runner(plan, run, p, done);
    await r.runAbove();
    const channelWindows = await writeImageMetadata(plan.store, p.settings, p.arrays, p.stats, plan.options);
    const counters = {
      bytesWritten: r.counters.bytesWritten + records.reduce((a, x) => a + x.bytesWritten, 0),
      chunksWritten: r.counters.chunksWritten + records.reduce((a, x) => a + x.chunksWritten, 0),
      resumedNodes: 0,
    };
    return result(p.settings, p.arrays, p.stats, counters, started, channelWindows);
  } finally {
    if (p.owned) await p.pool.close();
    await p.source.close?.();
  }
}
