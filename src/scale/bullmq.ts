/**
 * BullMQ on Redis: one job per task (never per chunk) on one queue shared by any number of
 * `zarrsmith worker` processes on any machines. BullMQ gives the rest: retries with exponential
 * backoff, stalled-job recovery (a worker that dies, even by kill -9, stops renewing its job's lock;
 * another worker's stalled check puts the job back on the queue), removeOnComplete.
 */
import { createHash } from "node:crypto";
import { type Job, Queue, QueueEvents, Worker } from "bullmq";
import { QUEUE, redisConnection, type TaskJob } from "./queue-options.js";
import { runTaskProcess } from "./task-command.js";

export interface EnqueueOptions {
  redis: string;
  output: string;
  tasks: number;
  /** Attempts per task, the first included (default 5). */
  attempts?: number;
  /** First retry delay in ms, doubled each retry (default 2000). */
  backoffMs?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Job ids derive from the output and the task, so enqueueing the same conversion twice (a re-run
 * after Ctrl-C) does not duplicate the tasks still queued.
 */
function jobId(output: string, task: number): string {
  return `${createHash("sha256").update(output).digest("hex").slice(0, 16)}-${task}`;
}

/** Enqueues every task and resolves when all completed; throws naming the tasks that failed for good. */
export async function runOnQueue(o: EnqueueOptions): Promise<void> {
  const connection = redisConnection(o.redis);
  const queue = new Queue<TaskJob>(QUEUE, { connection });
  const events = new QueueEvents(QUEUE, { connection });
  try {
    await events.waitUntilReady();
    const ids = new Map<string, number>();
    for (let task = 0; task < o.tasks; task++) ids.set(jobId(o.output, task), task);
    let done = 0;
    const failed = new Map<number, string>();
    const finished = new Promise<void>((resolve) => {
      const settle = () => {
        o.onProgress?.(done, o.tasks);
        if (done + failed.size === o.tasks) resolve();
      };
      events.on("completed", ({ jobId: id }) => {
        if (ids.has(id)) {
          ids.delete(id);
          done++;
          settle();
        }
      });
      events.on("failed", async ({ jobId: id, failedReason }) => {
        const task = ids.get(id);
        if (task === undefined) return;
        // "failed" fires on every failed attempt; only the last one is final
        const job = await queue.getJob(id);
        if (job && job.attemptsMade < (job.opts.attempts ?? 1)) return;
        ids.delete(id);
        failed.set(task, failedReason);
        settle();
      });
    });
    await queue.addBulk(
      [...ids].map(([id, task]) => ({
        name: "run-task",
        data: { output: o.output, task },
        opts: {
          jobId: id,
          attempts: o.attempts ?? 5,
          backoff: { type: "exponential", delay: o.backoffMs ?? 2000 },
          removeOnComplete: true,
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      })),
    );
    o.onProgress?.(0, o.tasks);
    await finished;
    if (failed.size > 0) {
      const list = [...failed].sort((a, b) => a[0] - b[0]);
      throw new Error(
        `${list.length} task(s) failed after every attempt: ${list.map(([t, why]) => `task ${t} (${why})`).join("; ")}`,
      );
    }
  } finally {
    await events.close();
    await queue.close();
  }
}

export interface WorkerOptions {
  redis: string;
  /** Tasks this process runs at once (default 1: a task already uses every core). */
  concurrency?: number;
  /** How long a job's lock lives without renewal before the job counts as stalled (default 30 s). */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (default 30 s). */
  stalledIntervalMs?: number;
  /** Runs one task; default: `zarrsmith run-task OUT --task I` in a child process. */
  runTask?: (job: TaskJob) => Promise<void>;
  /** Called as each task starts, finishes or fails (for logs). */
  onTask?: (job: TaskJob, state: "started" | "done" | "failed", error?: Error) => void;
}

/** Starts a worker; it runs tasks until `close()` (which lets the running tasks finish). */
export function startWorker(o: WorkerOptions): { worker: Worker<TaskJob>; close(): Promise<void> } {
  const runTask = o.runTask ?? runTaskProcess;
  const worker = new Worker<TaskJob>(
    QUEUE,
    async (job: Job<TaskJob>) => {
      o.onTask?.(job.data, "started");
      await runTask(job.data);
    },
    {
      connection: redisConnection(o.redis),
      concurrency: o.concurrency ?? 1,
      lockDuration: o.lockDurationMs ?? 30_000,
      stalledInterval: o.stalledIntervalMs ?? 30_000,
      // a task may be caught by a dying worker more than once; idempotent tasks make re-runs safe
      maxStalledCount: 5,
      // an idle worker polls at least this often (seconds), so a recovered job waits little
      drainDelay: 1,
    },
  );
  worker.on("completed", (job) => o.onTask?.(job.data, "done"));
  worker.on("failed", (job, error) => job && o.onTask?.(job.data, "failed", error));
  return { worker, close: () => worker.close() };
}
