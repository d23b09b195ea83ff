/**
 * Claiming an output and resuming it: one run record per output, used by pyramid.write and the
 * plain-array converter alike.
 *
 * The record (`zarrsmith-progress.json` at the output's path) is written FIRST, before any metadata
 * or chunk, with an atomic create-if-absent (`setIfAbsent`: O_EXCL on disk, If-None-Match on S3). It
 * names the run (id, process, host, start time) and the settings' fingerprint, and later also lists
 * the finished pieces of work. So:
 * - a re-run recognises its own unfinished output whatever moment the first run died at (even right
 *   after the record, before any metadata), and resumes it;
 * - a second run while the first is alive finds the record, sees its process alive, and refuses,
 *   naming it (the record is the lock; `overwrite` does not break a live lock);
 * - the record is deleted only after the output is complete (metadata written last), so an output
 *   without a record is a finished one.
 * On resume, temporary files left by the dead run's interrupted writes are removed first.
 */
import { ExistsError, ZarrsmithError } from "../errors.js";
import { requireWritable, type Store, type WritableStore } from "../store/types.js";
import { hostName as hostname, ownPid, processExists } from "./host.js";

/** The run record's name, at the root of the output path. */
export const PROGRESS_FILE = "zarrsmith-progress.json";

/** Names whose presence at a folder's top marks it as a Zarr node or an unfinished zarrsmith output. */
export const ZARR_MARKERS: readonly string[] = [".zgroup", ".zarray", "zarr.json", PROGRESS_FILE];

/** Whether a folder (or prefix) with these top-level names holds a Zarr node or an unfinished output. */
export function isZarrOutput(names: readonly string[]): boolean {
  return ZARR_MARKERS.some((m) => names.includes(m));
}

/** What the record holds. */
export interface RunRecord {
  /** Random id of the run that holds the claim. */
  run: string;
  pid: number;
  host: string;
  /** ISO time the run started. */
  started: string;
  /** ISO time of the last save (how a run on another host is judged alive). */
  updated?: string;
  /** How long after its last save a run on another host counts as dead (default STALE_AFTER_MS). */
  staleAfterMs?: number;
  /** The settings' fingerprint: a run resumes only an output written with the same one. */
  fingerprint: string;
  /** Finished pieces of work (ids chosen by the writer). */
  done: string[];
  /** Anything else the writer must carry across a resume (e.g. the data range seen so far). */
  state?: Record<string, unknown>;
}

/** The output is being written by another live run: nothing was changed. */
export class OutputBusyError extends ExistsError {
  readonly record: RunRecord;
  constructor(where: string, record: RunRecord) {
    super(
      `${where} is being written by another run (${describeRun(record)}); wait for it to finish or stop it — nothing was changed`,
    );
    this.record = record;
  }
}

/** The output holds an unfinished run with other settings (and overwrite was not given). */
export class RunMismatchError extends ExistsError {
  readonly record: RunRecord;
  constructor(where: string, record: RunRecord) {
    super(
      `${where} holds an unfinished run with different settings (${describeRun(record)}); re-run with the same settings to resume it, or overwrite to start again`,
    );
    this.record = record;
  }
}

/** The run record exists but cannot be read as one. */
export class CorruptRecordError extends ZarrsmithError {
  constructor(where: string, key: string, why: string) {
    super(
      "invalid_value",
      `${where}: the resume record ${key} is corrupt (${why}), so the unfinished run cannot be resumed; overwrite to start again`,
    );
  }
}

export function describeRun(r: RunRecord): string {
  return `run ${r.run.slice(0, 8)}, process ${r.pid} on ${r.host}, started ${r.started}${r.updated ? `, last saved ${r.updated}` : ""}`;
}

/**
 * A run on another host cannot be asked whether it is alive; it counts as dead once its record has
 * not been saved for this long (runs save after finished work, at most once a second).
 */
export const STALE_AFTER_MS = 30 * 60 * 1000;

/**
 * Whether the run that wrote `r` may still be running: on this host, whether its process exists; on
 * another, whether its record was saved within STALE_AFTER_MS.
 */
export function isLive(r: Pick<RunRecord, "pid" | "host" | "started" | "updated" | "staleAfterMs">): boolean {
  if (r.host !== hostname()) {
    const last = Date.parse(r.updated ?? r.started);
    return !(Date.now() - last > (r.staleAfterMs ?? STALE_AFTER_MS));
  }
  if (r.pid === ownPid) return false; // an earlier process that had our pid is gone
  return processExists(r.pid);
}

function join(path: string, name: string): string {
  return path === "" ? name : `${path}/${name}`;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function encode(r: RunRecord): Uint8Array {
  return encoder.encode(`${JSON.stringify(r)}\n`);
}

/**
 * The run holding the output at `path` of `store` while it is alive (isLive), else undefined: no
 * record, or one that cannot be read (the claim reports that as a CorruptRecordError when it runs).
 * For deciding before a run starts whether an output may be replaced at all.
 */
export async function liveRun(store: Store, path: string): Promise<RunRecord | undefined> {
  let r: RunRecord | undefined;
  try {
    const bytes = await store.get(join(path, PROGRESS_FILE));
    if (!bytes) return undefined;
    r = JSON.parse(decoder.decode(bytes)) as RunRecord;
  } catch {
    return undefined;
  }
  return r && typeof r.pid === "number" && typeof r.host === "string" && isLive(r) ? r : undefined;
}

async function readRecord(store: Store, key: string, where: string): Promise<RunRecord | undefined> {
  const bytes = await store.get(key);
  if (!bytes) return undefined;
  let r: Partial<RunRecord>;
  try {
    r = JSON.parse(decoder.decode(bytes));
  } catch (e) {
    throw new CorruptRecordError(where, key, `not JSON: ${(e as Error).message}`);
  }
  if (
    !r ||
    typeof r !== "object" ||
    typeof r.fingerprint !== "string" ||
    !Array.isArray(r.done) ||
    !r.done.every((d) => typeof d === "string")
  ) {
    throw new CorruptRecordError(where, key, "it lacks a fingerprint string or a done list of strings");
  }
  return {
    run: String(r.run ?? "unknown"),
    pid: Number(r.pid ?? 0),
    host: String(r.host ?? "unknown"),
    started: String(r.started ?? "unknown"),
    updated: typeof r.updated === "string" ? r.updated : undefined,
    staleAfterMs: typeof r.staleAfterMs === "number" ? r.staleAfterMs : undefined,
    fingerprint: r.fingerprint,
    done: r.done,
    state: r.state && typeof r.state === "object" ? r.state : undefined,
  };
}

/**
 * Creates `key` only if it does not exist. Stores without `setIfAbsent` get a check-then-write,
 * which two runs starting at the same instant could both pass.
 */
async function setIfAbsent(store: WritableStore, key: string, value: Uint8Array): Promise<boolean> {
  if (store.setIfAbsent) return store.setIfAbsent(key, value);
  if (await store.get(key)) return false;
  await store.set(key, value);
  return true;
}

/**
 * Replaces the dead run's record `stale` with `mine`, atomically against other runs doing the same:
 * the replacing run first creates a marker named after the dead run (create-if-absent, so exactly one
 * run gets it), then re-reads the record and replaces it only if it still is `stale`. A run that
 * loses either step refuses, naming the run that won.
 */
async function takeOver(
  store: Store & WritableStore,
  path: string,
  key: string,
  where: string,
  stale: RunRecord,
  mine: RunRecord,
): Promise<void> {
  const marker = join(path, `${PROGRESS_FILE}.takeover-${stale.run}`);
  if (!(await setIfAbsent(store, marker, encode(mine)))) {
    const taker = await readRecord(store, marker, where).catch(() => undefined);
    const now = await readRecord(store, key, where);
    if (now && now.run !== stale.run) throw new OutputBusyError(where, now);
    if (taker && isLive(taker)) throw new OutputBusyError(where, taker);
    throw new ExistsError(
      `${where}: a run that was taking over the dead ${describeRun(stale)} stopped part way${taker ? ` (${describeRun(taker)})` : ""}; if no run is writing this output, delete ${marker} and re-run`,
    );
  }
  try {
    const now = await readRecord(store, key, where);
    // another run took the claim over (and removed its marker) between our first read and our marker
    if (now && now.run !== stale.run) throw new OutputBusyError(where, now);
    await store.set(key, encode(mine));
  } finally {
    await store.delete(marker);
  }
}

export interface ClaimOptions {
  /** Fingerprint of everything that determines the output's bytes. */
  fingerprint: string;
  /** Replace what is there (a finished output, or an unfinished run with other settings). */
  overwrite?: boolean;
  /** Describes an existing finished node at the path ("Zarr group"), or undefined if there is none. */
  existing(): Promise<string | undefined>;
  /** Removes everything at the path except the record (for overwrite). */
  clear(keep: string): Promise<void>;
  /**
   * For a run that saves often: how long after its last save it counts as dead to a run on another
   * host (recorded, so every reader judges alike). Default STALE_AFTER_MS.
   */
  staleAfterMs?: number;
  /**
   * On resume, remove the store's temporary files (default true). False when other runs may be
   * writing to the same store at the same time (one task of a distributed conversion).
   */
  removeTemporaryFiles?: boolean;
}

/** An output claimed by this run. */
export interface Checkpoint {
  /** True when an earlier, dead run's work is being continued. */
  readonly resumed: boolean;
  /** Finished pieces of work (from the earlier run when resuming); add to it, then `save`. */
  readonly done: Set<string>;
  /** Writer state carried across a resume. */
  state: Record<string, unknown>;
  /** Saves the record: at most once a second unless `force`. */
  save(force?: boolean): Promise<void>;
  /** The output is complete: removes the record (after the writer's last metadata write). */
  finish(): Promise<void>;
}

/**
 * Claims `path` in `store` for this run: resumes an unfinished output written with the same
 * fingerprint by a dead run, refuses one that a live run is writing (even with overwrite), refuses
 * an existing output or a different unfinished run unless `overwrite`.
 */
export async function claimOutput(target: Store, path: string, options: ClaimOptions): Promise<Checkpoint> {
  const store = requireWritable(
    target,
    `cannot write into ${target.description ?? "a read-only store"}: it is read-only`,
  );
  const key = join(path, PROGRESS_FILE);
  const where = `${store.description ?? "the store"} at /${path}`;
  const mine: RunRecord = {
    run: globalThis.crypto.randomUUID(),
    pid: ownPid,
    host: hostname(),
    started: new Date().toISOString(),
    fingerprint: options.fingerprint,
    done: [],
    ...(options.staleAfterMs !== undefined ? { staleAfterMs: options.staleAfterMs } : {}),
  };
  let previous: RunRecord | undefined;
  try {
    previous = await readRecord(store, key, where);
  } catch (e) {
    if (!(e instanceof CorruptRecordError) || !options.overwrite) throw e;
    previous = undefined; // overwriting anyway
    await store.delete(key);
  }
  let resumed = false;
  if (previous) {
    if (isLive(previous)) throw new OutputBusyError(where, previous);
    if (previous.fingerprint === options.fingerprint && !options.overwrite) {
      resumed = true;
      mine.done = previous.done;
      mine.state = previous.state;
      await takeOver(store, path, key, where, previous, mine);
      // the dead run's interrupted writes left temporary files; only those older than this run go: a
      // run racing us for the claim may be mid-create (its temp file about to be linked) right now
      if (options.removeTemporaryFiles !== false) await store.removeTemporaryFiles?.(new Date(mine.started));
    } else if (!options.overwrite) {
      throw new RunMismatchError(where, previous);
    } else {
      await takeOver(store, path, key, where, previous, mine); // before clearing anything
      await options.clear(PROGRESS_FILE);
    }
  } else {
    const existing = await options.existing();
    if (existing && !options.overwrite) {
      throw new ExistsError(`${where} already holds a ${existing}; pass overwrite to replace it`);
    }
    if (!(await setIfAbsent(store, key, encode(mine)))) {
      // another run claimed it between our read and our create
      const winner = await readRecord(store, key, where);
      throw winner
        ? new OutputBusyError(where, winner)
        : new ExistsError(`${where} was claimed by another run`);
    }
    if (existing) await options.clear(PROGRESS_FILE);
  }

  const done = new Set(mine.done);
  let lastSave = 0;
  let finished = false;
  const checkpoint: Checkpoint = {
    resumed,
    done,
    state: mine.state ?? {},
    async save(force = false) {
      if (finished) return;
      if (!force && performance.now() - lastSave < 1000) return;
      lastSave = performance.now();
      await store.set(
        key,
        encode({ ...mine, updated: new Date().toISOString(), done: [...done], state: checkpoint.state }),
      );
    },
    async finish() {
      finished = true;
      await store.delete(key);
    },
  };
  return checkpoint;
}

/**
 * Removes everything directly under `path` except the key named `keep` — what `overwrite` does
 * while this run holds the claim. Uses the store's listing; without one, only the metadata keys go.
 */
export async function clearExcept(store: Store, path: string, keep: string): Promise<void> {
  const child = (name: string) => join(path, name);
  if (store.listDir && store.delete) {
    const { keys, prefixes } = await store.listDir(path);
    for (const name of keys) if (name !== keep) await store.delete(child(name));
    for (const name of prefixes) {
      if (store.deletePrefix) await store.deletePrefix(child(name));
      else if (store.list) for (const k of await store.list(child(name))) await store.delete(k);
    }
    return;
  }
  for (const name of [".zgroup", ".zattrs", ".zarray", "zarr.json"]) await store.delete?.(child(name));
}
