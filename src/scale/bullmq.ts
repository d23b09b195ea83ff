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

/**
 * Enqueues every task and resolves when all completed; throws naming the tasks that failed for good.
 *
 * Completion comes from two places. Queue events give prompt progress, but a QueueEvents reader
 * starts at the stream's newest entry only once its first blocking read is issued, some time after
 * it reports ready: a task finishing in between (a fast task on an idle worker) has its event
 * missed, and waiting on events alone then waits for ever. So every few seconds the tasks still
 * outstanding are looked up by job id, and that sweep settles whatever the events did not.
 */
export async function runOnQueue(o: EnqueueOptions): Promise<void> {
  const connection = redisConnection(o.redis);
  const queue = new Queue<TaskJob>(QUEUE, { connection });
  const events = new QueueEvents(QUEUE, { connection });
  let sweepTimer: NodeJS.Timeout | undefined;
  try {
    await events.waitUntilReady();
    const pending = new Map<string, number>();
    for (let task = 0; task < o.tasks; task++) pending.set(jobId(o.output, task), task);
    let done = 0;
    const failed = new Map<number, string>();
    let resolveFinished = () => {};
    const finished = new Promise<void>((resolve) => {
      resolveFinished = resolve;
    });
    const settle = (id: string, outcome: { failedReason?: string }) => {
      const task = pending.get(id);
      if (task === undefined) return;
      pending.delete(id);
      if (outcome.failedReason === undefined) done++;
      else failed.set(task, outcome.failedReason);
      o.onProgress?.(done, o.tasks);
      if (pending.size === 0) resolveFinished();
    };
    /** A failed job has failed for good once it used every attempt ("failed" fires on each one). */
    const settleIfFinal = async (id: string) => {
      const job = await queue.getJob(id);
      if (job && job.attemptsMade < (job.opts.attempts ?? 1)) return;
      settle(id, { failedReason: job?.failedReason || "failed" });
    };
    events.on("completed", ({ jobId: id }) => settle(id, {}));
    events.on("failed", ({ jobId: id }) => void settleIfFinal(id).catch(() => {}));
    const sweep = async () => {
      for (const id of [...pending.keys()]) {
        const state = await queue.getJobState(id);
        // removeOnComplete deletes a completed job: once enqueued, "unknown" means it completed
        if (state === "completed" || state === "unknown") settle(id, {});
        else if (state === "failed") await settleIfFinal(id);
      }
    };
    const scheduleSweep = () => {
      // a few seconds, longer for very many outstanding tasks (one lookup each)
      sweepTimer = setTimeout(
        () =>
          void sweep()
            .catch(() => {}) // a lost connection: the next sweep tries again
            .finally(() => pending.size > 0 && scheduleSweep()),
        Math.max(2000, pending.size * 2),
      );
    };
    await queue.addBulk(
      [...pending].map(([id, task]) => ({
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
    o.onProgress?.(done, o.tasks);
    if (pending.size > 0) scheduleSweep();
    await finished;
    if (failed.size > 0) {
      const list = [...failed].sort((a, b) => a[0] - b[0]);
      throw new Error(
        `${list.length} task(s) failed after every attempt: ${list.map(([t, why]) => `task ${t} (${why})`).join("; ")}`,
      );
    }
  } finally {
    clearTimeout(sweepTimer);
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
  /** Runs one task; default: `zarrsmith run-task OUT --task I ...globalArgs` in a child process. */
  runTask?: (job: TaskJob) => Promise<void>;
  /**
   * With the default runTask: CLI words appended to every task's command, e.g. this worker's own S3
   * flags ["--endpoint", "http://minio:9000"] (see runTaskCommand).
   */
  globalArgs?: string[];
  /** Called as each task starts, finishes or fails (for logs). */
  onTask?: (job: TaskJob, state: "started" | "done" | "failed", error?: Error) => void;
}

/** Starts a worker; it runs tasks until `close()` (which lets the running tasks finish). */
export function startWorker(o: WorkerOptions): { worker: Worker<TaskJob>; close(): Promise<void> } {
  const runTask = o.runTask ?? ((job: TaskJob) => runTaskProcess(job, o.globalArgs));
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
