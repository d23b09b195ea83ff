/**
 * A fixed pool of worker threads that encode and decode chunks in parallel. Compression is ~90% of
 * write time, so this is where the cores go. Tasks are sent to the least busy worker; workers are
 * unref'd while idle so an unused pool never keeps a process alive.
 * With `size: 0` (or where worker_threads do not exist) everything runs inline on the calling thread.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { CodecError, CorruptChunkError, ZarrsmithError } from "../errors.js";
import type { NDArray } from "../ndarray.js";
import { type DistributiveOmit, type PipelineDescriptor, pipelineFor } from "./descriptor.js";
import {
  compact,
  type SerializedError,
  type TaskRequest,
  type TaskResponse,
  transferablesOf,
} from "./messages.js";

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  busy: number;
}

/** Worker script beside this module; under tsx (tests, examples) it is the .ts file. */
function workerUrl(): URL {
  const ts = import.meta.url.endsWith(".ts");
  return new URL(ts ? "./worker.ts" : "./worker.js", import.meta.url);
}

function revive(e: SerializedError): Error {
  const err =
    e.code === "codec" || e.name === "CodecError"
      ? new CodecError(e.message)
      : e.code === "corrupt_chunk"
        ? new CorruptChunkError("?", e.message)
        : new Error(e.message);
  if (!(err instanceof ZarrsmithError)) err.name = e.name;
  err.stack = `${err.name}: ${e.message}\n    (in worker) ${e.stack ?? ""}`;
  return err;
}

export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

export class WorkerPool {
  readonly size: number;
  private slots: Slot[] = [];
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(size: number = defaultWorkerCount()) {
    if (!Number.isInteger(size) || size < 0)
      throw new RangeError(`workers must be a non-negative integer, got ${size}`);
    this.size = size;
  }

  private spawn(): Slot {
    const url = workerUrl();
    // Under tsx (tests, examples) the worker registers tsx before loading the .ts entry: Node 20
    // neither passes the parent's module hooks to worker threads nor applies --import to their entry.
    const worker = url.pathname.endsWith(".ts")
      ? new Worker(
          `import("tsx/esm/api").then((t) => { t.register(); return import(${JSON.stringify(url.href)}); });`,
          { eval: true },
        )
      : new Worker(url);
    const slot: Slot = { worker, busy: 0 };
    worker.unref();
    worker.on("message", (msg: TaskResponse) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (--slot.busy === 0) worker.unref();
      if (msg.ok) p.resolve(msg.result);
      else p.reject(revive(msg.error));
    });
    worker.on("error", (err) => {
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

  private pick(): Slot {
    if (this.slots.length < this.size) {
      const idle = this.slots.find((s) => s.busy === 0);
      return idle ?? this.spawn();
    }
    let best = this.slots[0];
    for (const s of this.slots) if (s.busy < best.busy) best = s;
    return best;
  }

  private post<T>(task: DistributiveOmit<TaskRequest, "id">, transfer: ArrayBuffer[]): Promise<T> {
    if (this.closed) return Promise.reject(new Error("the worker pool is closed"));
    const slot = this.pick();
    const id = this.nextId++;
    if (slot.busy++ === 0) slot.worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      slot.worker.postMessage({ ...task, id } as TaskRequest, transfer);
    });
  }

  /** Encodes a chunk. The chunk's buffer is moved to the worker: do not use `chunk` afterwards. */
  encode(desc: PipelineDescriptor, chunk: NDArray): Promise<Uint8Array> {
    if (this.size === 0) return pipelineFor(desc).encode(chunk);
    const data = compact(chunk.data);
    return this.post({ op: "encode", desc, chunk: { ...chunk, data } }, transferablesOf(data));
  }

  /**
   * Decodes a chunk. The bytes are copied to the worker (stores may return views of buffers they
   * keep, e.g. MemoryStore, which moving would detach); pass `move: true` for bytes nobody else holds.
   */
  decode(desc: PipelineDescriptor, bytes: Uint8Array, options: { move?: boolean } = {}): Promise<NDArray> {
    if (this.size === 0) return pipelineFor(desc).decode(bytes);
    const data = compact(bytes);
    return this.post({ op: "decode", desc, bytes: data }, options.move ? transferablesOf(data) : []);
  }

  /**
   * Runs an exported function of one of zarrsmith's own modules in a worker (used for downsampling).
   * `moduleUrl` must be an absolute file URL; arguments are structured-cloned (pass `transfer` to move buffers).
   */
  call<T>(moduleUrl: string, fn: string, args: unknown[], transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.size === 0) {
      return import(moduleUrl).then((m: Record<string, (...a: unknown[]) => T>) => m[fn](...args));
    }
    return this.post({ op: "call", module: moduleUrl, fn, args }, transfer);
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
