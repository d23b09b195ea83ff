/**
 * The BullMQ executor's entry points, loading BullMQ on first use rather than with zarrsmith (it
 * takes about 0.8 s to import, which every CLI command would otherwise pay).
 */
import type { EnqueueOptions, startWorker as start, WorkerOptions } from "./bullmq.js";

export type { EnqueueOptions, WorkerOptions };

/** Enqueues every task of a planned output and resolves when all completed. */
export async function runOnQueue(o: EnqueueOptions): Promise<void> {
  return (await import("./bullmq.js")).runOnQueue(o);
}

/** Starts a worker on the queue; it runs tasks until `close()`. */
export async function startWorker(o: WorkerOptions): Promise<ReturnType<typeof start>> {
  return (await import("./bullmq.js")).startWorker(o);
}
