/**
 * The BullMQ executor on a real redis-server (Debian's, on a private loopback port, started once
 * for this file): one job per task, retries with backoff, a final failure named, removeOnComplete,
 * and a worker killed with kill -9 mid-task whose task another worker process picks up.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Queue } from "bullmq";
import { QUEUE, redisConnection, runOnQueue, startWorker } from "../../src/scale/index.js";
import { tempDir } from "../helpers/python.js";
import { needs } from "../helpers/requirements.js";
import { type RedisServer, redisRequirements, startRedis } from "../helpers/services.js";

/**
 * Short lock and stalled-check intervals for every worker here: the queue's stalled check runs at
 * most once per interval of whichever worker ran it last, so one default (30 s) worker would delay
 * the kill -9 recovery below by up to 30 s.
 */
const SHORT = { lockDurationMs: 2000, stalledIntervalMs: 1000 };

describe("BullMQ executor", { skip: needs(redisRequirements()) }, () => {
  let redis: RedisServer;
  const tmp = tempDir("zarrsmith-bullmq-test-");
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
    tmp.cleanup();
  });
  const output = (name: string) => {
    const dir = join(tmp.dir, name);
    mkdirSync(dir);
    return dir;
  };

  it("runs each task once as one job, retries a failed attempt, keeps no completed jobs", async () => {
    const out = output("retry");
    const runs: number[] = [];
    const w = await startWorker({
      redis: redis.url,
      ...SHORT,
      concurrency: 2,
      runTask: async ({ output: o, task }) => {
        assert.equal(o, out);
        runs.push(task);
        if (task === 5 && runs.filter((t) => t === 5).length === 1) throw new Error("first attempt fails");
      },
    });
    const progress: number[] = [];
    try {
      await runOnQueue({
        redis: redis.url,
        output: out,
        tasks: 8,
        backoffMs: 100,
        onProgress: (done) => progress.push(done),
      });
    } finally {
      await w.close();
    }
    assert.deepEqual([...runs].sort(), [0, 1, 2, 3, 4, 5, 5, 6, 7]);
    assert.equal(progress.at(-1), 8);
    const queue = new Queue(QUEUE, { connection: redisConnection(redis.url) });
    const counts = await queue.getJobCounts("completed", "wait", "active", "delayed");
    await queue.close();
    assert.deepEqual(counts, { completed: 0, wait: 0, active: 0, delayed: 0 });
  });

  it("names the task that failed on every attempt", async () => {
    const out = output("fail");
    const w = await startWorker({
      redis: redis.url,
      ...SHORT,
      runTask: async ({ task }) => {
        if (task === 2) throw new Error("disk full");
      },
    });
    try {
      await assert.rejects(
        runOnQueue({ redis: redis.url, output: out, tasks: 4, attempts: 2, backoffMs: 50 }),
        /1 task\(s\) failed after every attempt: task 2 \(disk full\)/,
      );
    } finally {
      await w.close();
    }
  });

  it("a worker killed with kill -9 mid-task: another worker process runs its task", async () => {
    const out = output("kill");
    const fixture = join(import.meta.dirname, "fixtures", "worker.ts");
    const workers: ChildProcess[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const child = spawn(process.execPath, ["--import", "tsx", fixture, redis.url, "3"], {
          stdio: ["ignore", "pipe", "inherit"],
        });
        workers.push(child);
        await new Promise<void>((ready) => child.stdout?.once("data", () => ready()));
      }
      const done = runOnQueue({ redis: redis.url, output: out, tasks: 8, backoffMs: 100 });
      let holder: number | undefined;
      while (holder === undefined) {
        const started = readdirSync(out).find((f) => f.startsWith("started-3-"));
        if (started) holder = Number(started.slice("started-3-".length));
        else await sleep(50);
      }
      const victim = workers.find((w) => w.pid === holder);
      assert.ok(victim, "the task runs in one of the worker processes");
      victim.kill("SIGKILL");
      await done;
      for (let t = 0; t < 8; t++) assert.ok(existsSync(join(out, `task-${t}`)), `task ${t} ran`);
      const ranBy = Number(readFileSync(join(out, "task-3"), "utf8"));
      assert.notEqual(ranBy, holder, "task 3 finished in another worker");
      assert.ok(workers.some((w) => w.pid === ranBy));
    } finally {
      for (const w of workers) w.kill("SIGKILL");
    }
  });
});
