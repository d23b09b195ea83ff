/**
 * One conversion spread over processes on real engines gives the same bytes as one process:
 * 8 tasks as a SLURM job array (single-node cluster) and 8 tasks on 3 `zarrsmith worker` processes
 * (BullMQ on redis-server) produce every object of the single-process `convert` byte for byte
 * (sha256), for mean and gaussian pyramids, OME-Zarr 0.4 and 0.5 with shards, and validate. A worker
 * killed with kill -9 (with its running task) mid-conversion: the task is retried elsewhere and the
 * output is still identical. With the output in s3:// on a loopback S3 server given only to the
 * submitting command (`convert --endpoint`) and to the workers (`worker --endpoint`), the SLURM jobs
 * and the workers' task processes reach it too, with the same bytes. Services start once for the file.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { BIN, cli, cliJSON, ensureBuilt } from "../helpers/cli.js";
import { tempDir } from "../helpers/python.js";
import { needs } from "../helpers/requirements.js";
import { type S3TestServer, startS3Server } from "../helpers/s3.js";
import {
  type RedisServer,
  redisRequirements,
  type SlurmCluster,
  slurmRequirements,
  startRedis,
  startSlurm,
} from "../helpers/services.js";
import { assertSameObjects, downloadS3, writeVolume } from "./helpers.js";

const CASES = [
  {
    name: "mean, OME-Zarr 0.4",
    flags: ["--method", "mean", "--ome-zarr-version", "0.4", "--chunks", "16,32,32"],
  },
  {
    name: "gaussian, OME-Zarr 0.5 with shards",
    flags: [
      "--method",
      "gaussian",
      "--ome-zarr-version",
      "0.5",
      "--chunks",
      "8,16,16",
      "--shards",
      "16,32,32",
    ],
  },
];

describe("scale-out conversions match the single-process bytes", {
  skip: needs(slurmRequirements(), redisRequirements()),
}, () => {
  const tmp = tempDir("zarrsmith-scale-e2e-");
  const input = join(tmp.dir, "vol.npy");
  let cluster: SlurmCluster;
  let redis: RedisServer;
  let s3: S3TestServer;
  const workers: ChildProcess[] = [];
  const startWorker = () => {
    // its own process group, so kill -9 of the group takes its running task down with it; the
    // site's S3 endpoint is the worker's own flag (harmless for local outputs), the credentials
    // come from its environment
    const child = spawn(
      process.execPath,
      [
        BIN,
        "worker",
        "--redis",
        redis.url,
        "--lock-duration",
        "2000",
        "--stalled-interval",
        "1000",
        "--endpoint",
        s3.endpoint,
      ],
      { stdio: ["ignore", "ignore", "pipe"], detached: true, env: s3.env },
    );
    workers.push(child);
    return child;
  };
  before(async () => {
    ensureBuilt();
    writeVolume(input, [40, 96, 112]);
    [cluster, redis, s3] = await Promise.all([startSlurm(), startRedis(), startS3Server(["out"])]);
    for (let i = 0; i < 3; i++) startWorker();
  });
  after(async () => {
    for (const w of workers)
      if (w.exitCode === null && w.signalCode === null)
        try {
          process.kill(-(w.pid as number), "SIGKILL");
        } catch {}
    await Promise.all([cluster?.stop(), redis?.stop(), s3?.stop()]);
    tmp.cleanup();
  });

  for (const [n, c] of CASES.entries()) {
    it(`${c.name}: SLURM array of 8 and 3 BullMQ workers`, () => {
      const single = join(tmp.dir, `single-${n}.ome.zarr`);
      const slurm = join(tmp.dir, `slurm-${n}.ome.zarr`);
      const queued = join(tmp.dir, `bullmq-${n}.ome.zarr`);
      assert.equal(cliJSON(["convert", input, single, ...c.flags], tmp.dir).valid, true);
      // sbatch (run by convert) finds this cluster through SLURM_CONF
      const s = cli(
        ["convert", input, slurm, ...c.flags, "--tasks", "8", "--executor", "slurm", "--wait"],
        tmp.dir,
        cluster.env,
      );
      assert.equal(s.code, 0, `${s.stderr}\n${cluster.logs()}`);
      const b = cli(
        ["convert", input, queued, ...c.flags, "--tasks", "8", "--executor", "bullmq", "--redis", redis.url],
        tmp.dir,
      );
      assert.equal(b.code, 0, b.stderr);
      for (const out of [slurm, queued]) {
        assertSameObjects(single, out);
        assert.equal(cliJSON(["validate", out], tmp.dir).valid, true);
        assert.deepEqual((cliJSON(["status", out], tmp.dir) as { missing: unknown[] }).missing, []);
      }
    });
  }

  it("kill -9 of a worker mid-task: its task is retried and the output is still identical", async () => {
    const c = CASES[1];
    const single = join(tmp.dir, "single-1.ome.zarr");
    const out = join(tmp.dir, "killed.ome.zarr");
    let killed: number | undefined;
    for (const w of workers) {
      w.stderr?.on("data", (d: Buffer) => {
        if (killed === undefined && d.toString().includes(`started task 2 of ${out}`)) {
          killed = w.pid;
          process.kill(-(w.pid as number), "SIGKILL");
        }
      });
    }
    const run = spawn(
      process.execPath,
      [BIN, "convert", input, out, ...c.flags, "--tasks", "8", "--executor", "bullmq", "--redis", redis.url],
      { cwd: tmp.dir, stdio: ["ignore", "ignore", "pipe"] },
    );
    let err = "";
    run.stderr?.on("data", (d) => {
      err += d;
    });
    const code = await new Promise((r) => run.once("exit", r));
    assert.equal(code, 0, err);
    assert.ok(killed !== undefined, "a worker was killed while it ran task 2");
    assertSameObjects(single, out);
    assert.equal(cliJSON(["validate", out], tmp.dir).valid, true);
  });

  it("into s3:// with --endpoint given to convert only: the SLURM jobs and the workers' tasks reach it", async () => {
    const c = CASES[0];
    const single = join(tmp.dir, "single-0.ome.zarr");
    if (!existsSync(single)) cliJSON(["convert", input, single, ...c.flags], tmp.dir);
    // credentials from the environment (as users' are), the endpoint from the flag alone
    const env = { ...cluster.env, ...s3.env, SLURM_CONF: cluster.env.SLURM_CONF };
    const endpoint = ["--endpoint", s3.endpoint];
    const runs: Array<[string, string[]]> = [
      ["slurm", ["--executor", "slurm", "--wait"]],
      ["bullmq", ["--executor", "bullmq", "--redis", redis.url]],
    ];
    for (const [name, executor] of runs) {
      const url = `s3://out/${name}.ome.zarr`;
      const r = cli(
        ["convert", input, url, ...c.flags, "--tasks", "4", ...executor, ...endpoint],
        tmp.dir,
        env,
      );
      assert.equal(r.code, 0, `${name}: ${r.stderr}\n${name === "slurm" ? cluster.logs() : ""}`);
      const got = join(tmp.dir, `${name}-s3-downloaded`);
      await downloadS3(s3, url, got);
      // finalize on object storage also writes consolidated metadata, which the local convert does not
      assertSameObjects(single, got, (key) => key === ".zmetadata");
      const status = cli(["--json", "status", url, ...endpoint], tmp.dir, env);
      assert.equal(status.code, 0, status.stderr);
      const { missing, finalized } = JSON.parse(status.stdout) as { missing: unknown[]; finalized: boolean };
      assert.deepEqual([missing, finalized], [[], true], name);
    }
  });
});
