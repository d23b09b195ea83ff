/**
 * `zarrsmith worker --redis URL` — serves the BullMQ queue of `convert --executor bullmq`: runs one
 * task at a time (each `zarrsmith run-task OUT --task I`, with this worker's own S3 flags), on any
 * number of machines, until SIGTERM or Ctrl-C (the running task finishes first; a killed worker's
 * task goes to another worker).
 */
import type { Command } from "commander";
import { scale } from "../../index.js";
import { CliError, type GlobalOptions } from "../output.js";
import { parseInteger } from "../parse.js";
import { s3Args } from "../s3-flags.js";

interface WorkerFlags {
  redis: string;
  concurrency: string;
  lockDuration: string;
  stalledInterval: string;
}

export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description("run conversion tasks from a BullMQ queue on Redis (see convert --executor bullmq)")
    .requiredOption("--redis <url>", "the queue's Redis, e.g. redis://host:6379")
    .option("--concurrency <n>", "tasks this process runs at once", "1")
    .option(
      "--lock-duration <ms>",
      "a job whose worker stops renewing its lock this long is stalled",
      "30000",
    )
    .option("--stalled-interval <ms>", "how often this worker puts stalled jobs back on the queue", "30000")
    .action(async (flags: WorkerFlags, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const log = (line: string) => {
        if (!globals.quiet) process.stderr.write(`zarrsmith worker ${process.pid}: ${line}\n`);
      };
      checkRedisURL(flags.redis);
      const w = await scale.startWorker({
        redis: flags.redis,
        concurrency: parseInteger("--concurrency", flags.concurrency, 1, 256),
        lockDurationMs: parseInteger("--lock-duration", flags.lockDuration, 1000),
        stalledIntervalMs: parseInteger("--stalled-interval", flags.stalledInterval, 1000),
        // each task child reaches s3:// as this worker was told to (--endpoint, --region, ...)
        globalArgs: s3Args(),
        onTask: (job, state, error) =>
          log(`${state} task ${job.task} of ${job.output}${error ? `: ${error.message}` : ""}`),
      });
      await w.worker.waitUntilReady();
      log(`waiting for tasks on ${flags.redis}`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          log("stopping after the running task");
          w.close().then(resolve, resolve);
        };
        process.once("SIGTERM", stop);
        process.once("SIGINT", stop);
      });
    });
}

/** A bad --redis is a usage error (exit 2), found before connecting. */
export function checkRedisURL(url: string): void {
  try {
    scale.redisConnection(url);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}
