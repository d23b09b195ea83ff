/**
 * A fixed pool of worker threads that encode and decode chunks in parallel. Compression is ~90% of
 * write time, so this is where the cores go. Tasks are sent to the least busy worker; workers are
 * unref'd while idle so an unused pool never keeps a process alive.
 * With `size: 0` (or where no threads can be started, e.g. a browser without Web Workers) everything
 * runs inline on the calling thread. Threads come from platform.ts (worker_threads), or in browser
 * bundles from platform.browser.ts (Web Workers).
 */
import {
  CodecError,
  CorruptChunkError,
  ExistsError,
  HttpError,
  KeyError,
  NotFoundError,
  SelectionError,
  SpecError,
  StoreError,
  UnsupportedError,
  ValueError,
  ZarrsmithError,
} from "../errors.js";
import type { NDArray } from "../ndarray.js";
import { writeInThread } from "../store/thread-io.js";
import {
  type ChunkSource,
  type ChunkTarget,
  type DistributiveOmit,
  decodeSourceInto,
  encodeToStore,
  type PipelineDescriptor,
  pipelineFor,
} from "./descriptor.js";
import {
  compact,
  type DecodeTarget,
  detachedFrom,
  type SerializedError,
  type TaskRequest,
  type TaskResponse,
  transferablesOf,
} from "./messages.js";
import { callExport } from "./modules.js";
import { hardwareThreads, startThread } from "./platform.js";
import type { Thread } from "./thread.js";

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Thread;
  busy: number;
  /** Still loading its script (browsers only): tasks wait for it, so they can run inline if it fails. */
  starting?: Promise<boolean>;
}

type Task = DistributiveOmit<TaskRequest, "id">;

/** The error classes a worker's error is rebuilt as, by name. */
const ERROR_CLASSES: Record<string, abstract new (...args: never[]) => Error> = {
  CodecError,
  CorruptChunkError,
  ExistsError,
  HttpError,
  KeyError,
  NotFoundError,
  SelectionError,
  SpecError,
  StoreError,
  UnsupportedError,
  ValueError,
  ZarrsmithError,
};

/**
 * The worker's error as the same class on this side, with its message, code and fields (key, store,
 * codec, direction, issues, ...). Built without running the class's constructor, which would
 * re-format the message: Reflect.construct gives a real Error with the class's prototype.
 */
function revive(e: SerializedError): Error {
  const cls = ERROR_CLASSES[e.name] ?? (e.code !== undefined ? ZarrsmithError : Error);
  const err = Reflect.construct(Error, [e.message], cls) as Error;
  Object.assign(err, e.fields);
  err.name = e.name;
  if (e.code !== undefined) Object.assign(err, { code: e.code });
  if (e.key !== undefined) Object.assign(err, { key: e.key });
  err.stack = `${err.name}: ${e.message}\n    (in worker) ${e.stack ?? ""}`;
  return err;
}

/** A codec error that does not say which way it failed gets the direction of the task. */
function withDirection<T>(direction: "encode" | "decode", work: Promise<T>): Promise<T> {
  return work.catch((e: unknown) => {
    if (e instanceof CodecError && e.direction === undefined) e.direction = direction;
    throw e;
  });
}

/** Whether typed arrays on shared memory can be posted to workers here. */
export function sharedMemory(): boolean {
  if (typeof SharedArrayBuffer === "undefined") return false;
  const g = globalThis as { crossOriginIsolated?: boolean; window?: unknown };
  // browsers expose SharedArrayBuffer to cross-origin isolated pages only; Node always
  return g.window === undefined || g.crossOriginIsolated === true;
}

/** Threads of a default pool: the machine's cores in Node, `navigator.hardwareConcurrency` in browsers (0 without Web Workers). */
export function defaultWorkerCount(): number {
  return hardwareThreads();
}

export class WorkerPool {
  readonly size: number;
  private slots: Slot[] = [];
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  /** Set when this platform cannot start a thread: every task then runs inline. */
  private inlineOnly = false;

  constructor(size: number = defaultWorkerCount()) {
    if (!Number.isInteger(size) || size < 0)
      throw new RangeError(`workers must be a non-negative integer, got ${size}`);
    this.size = size;
  }

  private spawn(): Slot | undefined {
    const worker = startThread();
    if (!worker) return undefined;
    const slot: Slot = { worker, busy: 0, starting: worker.started };
    worker.unref();
    worker.onMessage((msg: TaskResponse) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (--slot.busy === 0) worker.unref();
      if (msg.ok) p.resolve(msg.result);
      else p.reject(revive(msg.error));
    });
    worker.onError((err) => {
      // a crashed worker fails everything it was given; the slot is replaced on next use
      for (const [id, p] of this.pending) {
        p.reject(err);
        this.pending.delete(id);
      }
      this.slots = this.slots.filter((s) => s !== slot);
    });
    this.slots.push(slot);
    return slot;
  }

  private pick(): Slot | undefined {
    if (this.slots.length < this.size) {
      const idle = this.slots.find((s) => s.busy === 0);
      if (idle) return idle;
      const slot = this.spawn();
      if (slot) return slot;
      if (this.slots.length === 0) return undefined;
    }
    let best = this.slots[0];
    for (const s of this.slots) if (s.busy < best.busy) best = s;
    return best;
  }

  private post<T>(task: Task, transfer: ArrayBuffer[]): Promise<T> {
    if (this.closed) return Promise.reject(new Error("the worker pool is closed"));
    const slot = this.inlineOnly ? undefined : this.pick();
    if (!slot) {
      this.inlineOnly = true;
      return this.inline(task) as Promise<T>;
    }
    if (slot.starting) return this.postWhenStarted(slot, slot.starting, task, transfer);
    const id = this.nextId++;
    if (slot.busy++ === 0) slot.worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      slot.worker.post({ ...task, id } as TaskRequest, transfer);
    });
  }

  /** Holds a task until its thread has loaded; if it never does, drops the slot and runs the task inline. */
  private async postWhenStarted<T>(
    slot: Slot,
    starting: Promise<boolean>,
    task: Task,
    transfer: ArrayBuffer[],
  ): Promise<T> {
    slot.busy++; // counts as work for pick() while waiting
    const ok = await starting;
    slot.busy--;
    if (slot.starting === starting) slot.starting = undefined;
    if (!ok) {
      // the worker script is missing from this build: any other thread would fail the same way
      this.slots = this.slots.filter((s) => s !== slot);
      this.inlineOnly = true;
      return this.inline(task) as Promise<T>;
    }
    return this.post(task, transfer);
  }

  /** Runs a task on the calling thread. */
  private inline(task: Task): Promise<unknown> {
    if (task.op === "encode")
      return pipelineFor(task.desc)
        .encode(task.chunk)
        .then((bytes) => detachedFrom(bytes, task.chunk.data));
    if (task.op === "encodeStore") return encodeToStore(task.desc, task.chunk, task.target);
    if (task.op === "store")
      return Promise.resolve(writeInThread(task.target.store, task.target.key, task.pieces));
    if (task.op === "decode") return pipelineFor(task.desc).decode(task.bytes);
    if (task.op === "decodeInto") return decodeSourceInto(task.desc, task.source, task);
    return callExport(task.module, task.fn, task.args);
  }

  /**
   * Encodes a chunk. The chunk's buffer is moved to the worker: do not use `chunk` afterwards. A
   * chunk on shared memory (see `encodesShared`) is read in place instead, and may be reused once
   * the promise settles.
   */
  encode(desc: PipelineDescriptor, chunk: NDArray): Promise<Uint8Array> {
    if (this.size === 0 || this.inlineOnly)
      return withDirection("encode", this.inline({ op: "encode", desc, chunk }) as Promise<Uint8Array>);
    const data = compact(chunk.data);
    return withDirection(
      "encode",
      this.post({ op: "encode", desc, chunk: { ...chunk, data } }, transferablesOf(data)),
    );
  }

  /**
   * Encodes a chunk and has the worker store it itself, at `target` (a store's `threadWrites`), so
   * that the encoded bytes never come back to this thread; resolves to the encoded size. The chunk
   * is handed over as for `encode`.
   */
  encodeToStore(desc: PipelineDescriptor, chunk: NDArray, target: ChunkTarget): Promise<number> {
    const task = { op: "encodeStore", desc, chunk, target } as const;
    if (this.size === 0 || this.inlineOnly)
      return withDirection("encode", this.inline(task) as Promise<number>);
    const data = compact(chunk.data);
    return withDirection("encode", this.post({ ...task, chunk: { ...chunk, data } }, transferablesOf(data)));
  }

  /**
   * Has a worker store `pieces`, back to back, at `target` (a store's `threadWrites`): a shard
   * whose inner chunks were encoded in the pool is written without being assembled on this thread.
   * The pieces' buffers are moved to the worker: do not use them afterwards.
   */
  storeInThread(pieces: Uint8Array[], target: ChunkTarget): Promise<void> {
    const task = { op: "store", pieces, target } as const;
    if (this.size === 0 || this.inlineOnly) return this.inline(task) as Promise<void>;
    const moved = pieces.map((p) => compact(p));
    return this.post({ ...task, pieces: moved }, transferablesOf(...moved));
  }

  /**
   * Decodes a chunk. The bytes are copied to the worker (stores may return views of buffers they
   * keep, e.g. MemoryStore, which moving would detach); pass `move: true` for bytes nobody else holds.
   */
  decode(desc: PipelineDescriptor, bytes: Uint8Array, options: { move?: boolean } = {}): Promise<NDArray> {
    if (this.size === 0 || this.inlineOnly) return withDirection("decode", pipelineFor(desc).decode(bytes));
    const data = compact(bytes);
    return withDirection(
      "decode",
      this.post({ op: "decode", desc, bytes: data }, options.move ? transferablesOf(data) : []),
    );
  }

  /**
   * Whether `decodeInto` runs in worker threads: they can write a read's output directly only when
   * it lives in shared memory (SharedArrayBuffer: always in Node, cross-origin isolated pages only
   * in browsers). Otherwise reads decode in workers and copy on the calling thread.
   */
  get decodesInPlace(): boolean {
    return this.size > 0 && !this.inlineOnly && sharedMemory();
  }

  /**
   * Whether `encode` runs in worker threads that can read a chunk on shared memory in place: a
   * writer then cuts its chunks into a few reused shared buffers instead of a new buffer per chunk
   * that is moved to the worker and freed there (its allocation, first-touch page faults and
   * garbage cost more main-thread time than the cut itself on a 512^3 write).
   */
  get encodesShared(): boolean {
    return this.decodesInPlace;
  }

  /**
   * Decodes a chunk and copies the part `target` names straight into the target's shared buffer
   * (`into.data` must be on a SharedArrayBuffer unless the pool runs inline). The main thread then
   * only reads bytes and posts them: cutting 256 MiB out of 512 chunks on one thread cost more than
   * decoding them (profiled on a 512^3 read). `source` is the chunk's bytes, or where the worker
   * reads them itself (a store's `threadReads`): then they never pass through this thread at all.
   * Resolves to false when the chunk does not exist (nothing is copied).
   */
  decodeInto(
    desc: PipelineDescriptor,
    source: ChunkSource,
    target: DecodeTarget,
    options: { move?: boolean } = {},
  ): Promise<boolean> {
    const task = { op: "decodeInto", desc, source, ...target } as const;
    if (this.size === 0 || this.inlineOnly)
      return withDirection("decode", this.inline(task) as Promise<boolean>);
    if (!(source instanceof Uint8Array)) return withDirection("decode", this.post(task, []));
    // copied unless `move` (see decode): copying the bytes of a 512^3 read cost the main thread a
    // fifth of its time
    const data = compact(source);
    return withDirection(
      "decode",
      this.post({ ...task, source: data }, options.move ? transferablesOf(data) : []),
    );
  }

  /**
   * Runs an exported function of one of zarrsmith's own modules in a worker (used for downsampling).
   * `module` is an absolute URL or a name listed in modules.ts (which also works inside bundles);
   * arguments are structured-cloned (pass `transfer` to move buffers).
   */
  call<T>(module: string, fn: string, args: unknown[], transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.size === 0 || this.inlineOnly) return callExport(module, fn, args) as Promise<T>;
    return this.post({ op: "call", module, fn, args }, transfer);
  }

  /** Stops the workers; pending tasks fail. */
  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

let shared: WorkerPool | undefined;

/** The process-wide pool used when an operation is not given one (created on first use). */
export function sharedPool(): WorkerPool {
  if (!shared) shared = new WorkerPool();
  return shared;
}

/** Replaces the process-wide pool (e.g. `setSharedPool(new WorkerPool(4))`), closing the old one. */
export async function setSharedPool(pool: WorkerPool): Promise<void> {
  const old = shared;
  shared = pool;
  if (old && old !== pool) await old.close();
}

/** Resolves an operation's `workers` option: a pool, a count (a new pool per call), or the shared pool. */
export function resolvePool(workers?: WorkerPool | number): { pool: WorkerPool; owned: boolean } {
  if (workers instanceof WorkerPool) return { pool: workers, owned: false };
  if (typeof workers === "number") return { pool: new WorkerPool(workers), owned: true };
  return { pool: sharedPool(), owned: false };
}
