/**
 * plan → tasks → finalize through the real CLI: 8 `run-task` processes give the same objects
 * (sha256 of each) as one `convert`; a task run twice or after kill -9 rewrites the same bytes;
 * finalize names missing tasks; the result validates and zarr-python reads it. In process: the
 * levels above the task level are built by the last task under each chunk, and finalize then
 * computes none of them.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { taskIndex } from "../../src/cli/commands/tasks.js";
import { WorkerPool } from "../../src/concurrency/pool.js";
import { open } from "../../src/hierarchy/open.js";
import * as pyramid from "../../src/pyramid/index.js";
import type { PyramidResult } from "../../src/pyramid/types.js";
import { LocalStore } from "../../src/store/local.js";
import type { Store } from "../../src/store/types.js";
import { BIN, cli, cliJSON, ensureBuilt } from "../helpers/cli.js";
import { python, tempDir } from "../helpers/python.js";
import { randomArray } from "./helpers.js";
import { memorySource } from "./pyramid-helpers.js";

const { dir, cleanup } = tempDir("zarrsmith-tasks-");
const input = join(dir, "in.tif");
before(() => {
  ensureBuilt();
  python(
    `import sys, numpy as np, tifffile
rng = np.random.default_rng(5)
tifffile.imwrite(sys.argv[1], (rng.random((4, 230, 250)) * 60000).astype("uint16"))`,
    [input],
  );
});
after(cleanup);

/** sha256 of every object under `root` but the plan and the task records. */
function digests(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.name.startsWith("zarrsmith-")) continue;
      if (e.isDirectory()) walk(p);
      else out.set(relative(root, p), createHash("sha256").update(readFileSync(p)).digest("hex"));
    }
  };
  walk(root);
  return out;
}

/** Runs one task in its own process; with `killWhen`, kill -9 once it returns true (polled). */
/** The preload that stops a CLI child at an exact write (see test/hostile/stall.mjs). */
const STALL = fileURLToPath(new URL("../hostile/stall.mjs", import.meta.url));

/**
 * `zarrsmith run-task OUT --task I` in a child; with `killAt`, the child is stopped at the nth
 * rename whose target matches (stall.mjs) and killed with SIGKILL there: in the middle by
 * construction, not by timing.
 */
function runTask(out: string, i: number, killAt?: { match: string; nth: number }): Promise<number | null> {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      [...(killAt ? ["--import", STALL] : []), BIN, "run-task", out, "--task", String(i)],
      killAt
        ? {
            env: {
              ...process.env,
              ZARRSMITH_TEST_STALL: JSON.stringify({ op: "rename", when: "after", ...killAt }),
            },
          }
        : {},
    );
    child.stderr?.on("data", (d: Buffer) => {
      if (killAt && d.includes("\0stalled")) child.kill("SIGKILL");
    });
    child.on("close", (code) => done(code));
  });
}

const cases: Array<[string, string, string[]]> = [
  ["mean", "0.4", []],
  ["gaussian", "0.4", []],
  ["mean", "0.5", ["--shards", "4,64,64"]],
  ["gaussian", "0.5", ["--shards", "4,64,64"]],
];

describe("plan → run-task × 8 processes → finalize", () => {
  for (const [method, version, extra] of cases) {
    it(`${method}, OME-Zarr ${version}${extra.length ? " with shards" : ""}: byte-identical to one convert`, async () => {
      const flags = ["--method", method, "--chunks", "4,32,32", "--ome-zarr-version", version, ...extra];
      flags.push("--memory-target", "1MiB");
      const single = join(dir, `single-${method}-${version}`);
      const multi = join(dir, `multi-${method}-${version}`);
      cliJSON(["convert", input, single, ...flags]);
      const planned = cliJSON<{ tasks: number }>([
        "convert",
        input,
        multi,
        ...flags,
        "--plan-only",
        "--tasks",
        "8",
      ]);
      assert.equal(planned.tasks, 8);
      const codes = await Promise.all(Array.from({ length: 8 }, (_, i) => runTask(multi, i)));
      assert.deepEqual(codes, new Array(8).fill(0));
      assert.deepEqual(cliJSON<{ missing: number[] }>(["status", multi]).missing, []);
      const fin = cli(["finalize", multi]);
      assert.equal(fin.code, 0, fin.stderr);
      assert.deepEqual(digests(multi), digests(single));
      const report = cliJSON<{ valid: boolean }>(["validate", multi]);
      assert.equal(report.valid, true);
      if (version !== "0.4") return; // zarr-python here is 2.x: it reads Zarr v2 (OME-Zarr 0.4) only
      const shape = python(
        `import sys, zarr
g = zarr.open_group(sys.argv[1], mode="r")
print([list(g[str(i)].shape) for i in range(len(g.attrs["multiscales"][0]["datasets"]))], int(g["0"][:].sum() > 0))`,
        [multi],
      ).trim();
      assert.match(shape, /^\[\[4, 230, 250\], .*\] 1$/);
    });
  }

  it("a task run twice, or again after kill -9 in the middle, rewrites the same bytes; finalize names missing tasks", async () => {
    const flags = [
      "--method",
      "gaussian",
      "--chunks",
      "4,32,32",
      "--ome-zarr-version",
      "0.5",
      "--shards",
      "4,64,64",
    ];
    flags.push("--memory-target", "1MiB");
    const single = join(dir, "single-again");
    const multi = join(dir, "multi-again");
    cliJSON(["convert", input, single, ...flags]);
    cliJSON(["convert", input, multi, ...flags, "--plan-only", "--tasks", "2"]);
    assert.equal(await runTask(multi, 0), 0);
    assert.equal(await runTask(multi, 0), 0); // twice
    // killed once its second level-0 shard is stored, long before its last
    const killed = await runTask(multi, 1, { match: "multi-again/0/", nth: 2 });
    assert.equal(killed, null, "the task was killed (SIGKILL) in the middle");
    const fin = cli(["finalize", multi]);
    assert.equal(fin.code, 1);
    assert.match(fin.stderr, /not finished.*: 1\b/);
    assert.deepEqual(cliJSON<{ missing: number[] }>(["status", multi]).missing, [1]);
    assert.equal(await runTask(multi, 1), 0);
    rmSync(join(multi, "zarrsmith-tasks", "0.json"));
    assert.match(cli(["finalize", multi]).stderr, /not finished.*: 0\b/);
    assert.equal(await runTask(multi, 0), 0);
    assert.equal(cli(["finalize", multi]).code, 0);
    assert.deepEqual(digests(multi), digests(single));
  });

  it("the same task twice at once: the second refuses, naming the first; progress per level and --json", async () => {
    const flags = ["--method", "mean", "--chunks", "4,32,32", "--ome-zarr-version", "0.4"];
    const single = join(dir, "single-busy");
    const multi = join(dir, "multi-busy");
    cliJSON(["convert", input, single, ...flags]);
    cliJSON(["convert", input, multi, ...flags, "--plan-only", "--tasks", "2"]);
    const claim = join(multi, "zarrsmith-tasks", "0", "zarrsmith-progress.json");
    // the first holds the claim, stopped (SIGSTOP) so that it is certainly still running
    const first = spawn(process.execPath, [BIN, "run-task", multi, "--task", "0"]);
    const exited = new Promise<number | null>((done) => first.on("close", done));
    await new Promise<void>((done) => {
      const poll = setInterval(() => {
        if (!existsSync(claim)) return;
        first.kill("SIGSTOP");
        clearInterval(poll);
        done();
      }, 2);
    });
    const second = cli(["run-task", multi, "--task", "0"]);
    first.kill("SIGCONT");
    assert.equal(second.code, 2, "refused (exit 2), not failed");
    assert.match(
      second.stderr,
      new RegExp(`task 0 of .* is being run by another process \\(run \\w+, process ${first.pid} on `),
    );
    assert.match(second.stderr, /nothing was changed/);
    assert.equal(await exited, 0);
    assert.ok(!existsSync(claim), "the claim is released with the completion record");
    // progress: one line per level per 10 % (stderr is not a terminal), ending at the task's own total
    const plain = cli(["run-task", multi, "--task", "1"]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stderr, /^task 1 level 0: (\d+)\/\1 chunks \(100%\)$/m);
    assert.match(plain.stderr, /^task 1 level 1: (\d+)\/\1 chunks \(100%\)$/m);
    const json = cli(["--json", "run-task", multi, "--task", "1"]);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(json.stderr, "", "no progress with --json");
    const record = JSON.parse(json.stdout) as { task: number; chunksWritten: number };
    assert.equal(record.task, 1);
    assert.ok(record.chunksWritten > 0);
    assert.equal(cli(["finalize", multi]).code, 0);
    assert.deepEqual(digests(multi), digests(single));
  });

  it("a level path may not take the plan's names; an .ozx output cannot be planned", () => {
    const out = join(dir, "reserved");
    for (const name of ["zarrsmith-plan.json", "zarrsmith-tasks"]) {
      const r = cli(["convert", input, out, "--levels", "2", "--paths", `0,${name}`, "--plan-only"]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          `paths\\[1\\] "${name}" begins with "zarrsmith-", which zarrsmith keeps for its own records`,
        ),
      );
      assert.ok(!existsSync(out), "nothing written");
    }
    for (const flags of [["--plan-only"], ["--executor", "slurm", "--dry-run"]]) {
      const r = cli(["convert", input, join(dir, "planned.ozx"), ...flags]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          `${flags[0]}: an .ozx output is one zip file, which many task processes cannot write at once`,
        ),
      );
      assert.ok(!existsSync(join(dir, "planned.ozx")), "nothing written");
    }
  });

  it("the task index comes from --task or the array-job variables", () => {
    assert.equal(taskIndex("3", {}), 3);
    assert.equal(taskIndex(undefined, { SLURM_ARRAY_TASK_ID: "5" }), 5);
    assert.equal(taskIndex(undefined, { LSB_JOBINDEX: "4" }), 4);
    assert.equal(taskIndex(undefined, { PBS_ARRAY_INDEX: "2" }), 2);
    assert.equal(taskIndex(undefined, { JOB_COMPLETION_INDEX: "1" }), 1);
    assert.equal(taskIndex(undefined, { AWS_BATCH_JOB_ARRAY_INDEX: "7" }), 7);
    assert.throws(() => taskIndex(undefined, {}), /--task/);
  });
});

describe("the last one up builds the parent: levels above the task level built by the tasks", () => {
  const pool = new WorkerPool(1);
  after(() => pool.close());
  const a = randomArray([4, 230, 250], "uint16", 12);
  const run = { open: async () => memorySource(a), workers: pool };
  const marker = (root: string, level: number, c: number[]) =>
    join(root, "zarrsmith-tasks", "above", String(level), `${c.join(".")}.json`);

  /** Every chunk (shard) above the task level: level, coords, its level-0 box and its object's path. */
  async function upperChunks(root: string, result: PyramidResult, T: number) {
    const out: Array<{ level: number; coords: number[]; box: number[][]; file: string }> = [];
    const store = new LocalStore(root);
    for (let level = T + 1; level < result.levels.length; level++) {
      const l = result.levels[level];
      const array = await open.array(store, l.path);
      const grid = l.shards ?? l.chunks;
      const factor = l.scale.map((x, i) => Math.round(x / result.levels[0].scale[i]));
      const counts = l.shape.map((n, i) => Math.ceil(n / grid[i]));
      for (let flat = 0; flat < counts.reduce((x, y) => x * y, 1); flat++) {
        const coords = counts.map(() => 0);
        for (let d = counts.length - 1, r = flat; d >= 0; d--, r = Math.floor(r / counts[d + 1]))
          coords[d] = r % counts[d];
        const box = coords.map((c, i) => [c * grid[i] * factor[i], (c + 1) * grid[i] * factor[i]]);
        out.push({ level, coords, box, file: join(root, array.chunkKey(coords)) });
      }
    }
    return out;
  }

  /** The level-0 boxes of task i's task-level chunks. */
  function taskBoxes(plan: pyramid.Plan, result: PyramidResult, i: number): number[][][] {
    const l = result.levels[plan.schedule.taskLevel];
    const grid = l.shards ?? l.chunks;
    const factor = l.scale.map((x, d) => Math.round(x / result.levels[0].scale[d]));
    const counts = l.shape.map((n, d) => Math.ceil(n / grid[d]));
    const boxes: number[][][] = [];
    for (let flat = plan.tasks[i][0]; flat < plan.tasks[i][1]; flat++) {
      const c = counts.map(() => 0);
      for (let d = counts.length - 1, r = flat; d >= 0; d--, r = Math.floor(r / counts[d + 1]))
        c[d] = r % counts[d];
      boxes.push(c.map((x, d) => [x * grid[d] * factor[d], (x + 1) * grid[d] * factor[d]]));
    }
    return boxes;
  }
  const overlaps = (p: number[][], q: number[][]) => p.every(([a, b], d) => a < q[d][1] && q[d][0] < b);

  /** A store that records the keys written to it. */
  function recording(root: string): { store: Store; written: string[] } {
    const inner = new LocalStore(root);
    const written: string[] = [];
    const store = new Proxy(inner, {
      get(target, prop) {
        const v = Reflect.get(target, prop) as unknown;
        if (prop === "set")
          return (key: string, value: Uint8Array) => {
            written.push(key);
            return target.set(key, value);
          };
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    return { store, written };
  }

  const variants: Array<[string, Record<string, unknown>]> = [
    ["mean, OME-Zarr 0.4", { omeZarrVersion: "0.4" }],
    ["mean, OME-Zarr 0.5 with shards", { omeZarrVersion: "0.5", shards: [4, 64, 64] }],
  ];
  for (const [name, extra] of variants) {
    it(`${name}: built by the tasks before finalize, which computes nothing above; re-runs rewrite the same bytes; a missing record stops the parents over it; a build that dies leaves no marker`, async () => {
      const options = {
        chunks: [4, 32, 32],
        method: "mean" as const,
        memoryTarget: 2 ** 20,
        axes: ["z", "y", "x"],
        ...extra,
      };
      const tag = String(extra.omeZarrVersion);
      const single = join(dir, `above-single-${tag}`);
      const result = await pyramid.write(memorySource(a), new LocalStore(single), {
        ...options,
        workers: pool,
      });
      const multi = join(dir, `above-multi-${tag}`);
      const plan = await pyramid.plan(memorySource(a), new LocalStore(multi), {
        ...options,
        input: {},
        tasks: 8,
        workers: pool,
      });
      assert.equal(plan.tasks.length, 8);
      const T = plan.schedule.taskLevel;
      assert.ok(T < result.levels.length - 2, `at least two levels above the task level (task level ${T})`);
      const upper = await upperChunks(single, result, T);
      const top = upper.filter((u) => u.level === result.levels.length - 1);

      // (a) in some order, the last two at once: every chunk above is built and marked by the tasks
      const order = [5, 2, 7, 0, 3, 6, 1, 4];
      const above: number[] = [];
      for (const i of order.slice(0, 6)) above.push(...(await pyramid.runTask(plan, i, run)).above.built);
      assert.ok(
        top.every((u) => !existsSync(marker(multi, u.level, u.coords))),
        "not the top before the last task",
      );
      for (const r of await Promise.all(order.slice(6).map((i) => pyramid.runTask(plan, i, run))))
        above.push(...r.above.built);
      assert.ok(above.reduce((x, y) => x + y, 0) >= upper.length, "every chunk above built by some task");
      for (const u of upper)
        assert.ok(existsSync(marker(multi, u.level, u.coords)), `marker of ${u.level}:${u.coords}`);
      const levelsAbove = (d: Map<string, string>) =>
        new Map(
          [...d].filter(([k]) =>
            result.levels.slice(T + 1).some((l) => k.startsWith(`${l.path}/`) && !/zarr\.json|\.za/.test(k)),
          ),
        );
      const aboveSingle = levelsAbove(digests(single));
      assert.ok(aboveSingle.size > 0);
      assert.deepEqual(
        levelsAbove(digests(multi)),
        aboveSingle,
        "the chunks above, before finalize, are the single process's",
      );

      // (b) finalize writes no chunk, only the metadata; the whole output is the single process's
      const rec = recording(multi);
      await pyramid.finalize(await pyramid.readPlan(rec.store), run);
      assert.deepEqual(
        rec.written.filter((k) => !/(^|\/)(zarr\.json|\.zattrs|\.zgroup|\.zarray|\.zmetadata)$/.test(k)),
        [],
        "finalize wrote no chunk",
      );
      assert.deepEqual(digests(multi), digests(single));

      // (c) a task re-run after everything is built rewrites the same bytes (and its parents, all complete)
      const again = await pyramid.runTask(plan, 3, run);
      assert.equal(
        again.above.built.length,
        result.levels.length - 1 - T,
        "its chain up to the top, once more",
      );
      assert.deepEqual(digests(multi), digests(single));

      // (d) one task's record missing: no parent over its chunks is built by the others; finalize names it
      const holey = join(dir, `above-holey-${tag}`);
      const plan2 = await pyramid.plan(memorySource(a), new LocalStore(holey), {
        ...options,
        input: {},
        tasks: 8,
        workers: pool,
      });
      const lost = 3;
      await pyramid.runTask(plan2, lost, run);
      rmSync(join(holey, "zarrsmith-tasks", `${lost}.json`));
      for (const i of order.filter((i) => i !== lost)) await pyramid.runTask(plan2, i, run);
      const mine = taskBoxes(plan2, result, lost);
      let others = 0;
      for (const u of upper) {
        const over = mine.some((b) => overlaps(u.box, b));
        const file = u.file.replace(single, holey);
        assert.equal(existsSync(marker(holey, u.level, u.coords)), !over, `marker of ${u.level}:${u.coords}`);
        if (over) assert.ok(!existsSync(file), `no chunk ${u.level}:${u.coords} over the unrecorded task`);
        else others++;
      }
      assert.ok(others > 0, "the parents over the other tasks only were built");
      await assert.rejects(
        pyramid.finalize(plan2, run),
        (e: unknown) => e instanceof pyramid.MissingTasksError && e.missing.join() === String(lost),
      );
      await pyramid.runTask(plan2, lost, run);
      await pyramid.finalize(plan2, run);
      assert.deepEqual(digests(holey), digests(single));

      // (e) a task that dies writing a chunk above leaves no marker for it: finalize builds it (and above)
      const killed = join(dir, `above-killed-${tag}`);
      await pyramid.plan(memorySource(a), new LocalStore(killed), {
        ...options,
        input: {},
        tasks: 8,
        workers: pool,
      });
      const parentPath = `${result.levels[T + 1].path}/`;
      let failed: string | undefined;
      const dying = new Proxy(new LocalStore(killed), {
        get(target, prop) {
          const v = Reflect.get(target, prop) as unknown;
          if (prop === "set")
            return async (key: string, value: Uint8Array) => {
              if (!failed && key.startsWith(parentPath) && !/zarr\.json|\.za/.test(key)) {
                failed = key;
                throw new Error("killed (simulated)");
              }
              return target.set(key, value);
            };
          return typeof v === "function" ? v.bind(target) : v;
        },
      });
      const plan3 = await pyramid.readPlan(dying);
      const errors: unknown[] = [];
      for (const i of order) await pyramid.runTask(plan3, i, run).catch((e: unknown) => errors.push(e));
      assert.equal(errors.length, 1, "the one run whose write failed");
      assert.deepEqual((await pyramid.status(plan3)).missing, [], "its record was written before");
      const dead = upper.find((u) => u.file === join(single, failed as string));
      assert.ok(dead, failed);
      assert.ok(!existsSync(marker(killed, dead.level, dead.coords)));
      assert.ok(
        top.every((u) => !existsSync(marker(killed, u.level, u.coords))),
        "nothing above it either",
      );
      await pyramid.finalize(await pyramid.readPlan(new LocalStore(killed)), run);
      assert.deepEqual(digests(killed), digests(single));
    });
  }

  it("planning again with overwrite replaces the earlier plan: its records, markers and chunks count for nothing", async () => {
    const options = {
      chunks: [4, 32, 32],
      method: "mean" as const,
      memoryTarget: 2 ** 20,
      axes: ["z", "y", "x"],
    };
    const single = join(dir, "replan-single");
    await pyramid.write(memorySource(a), new LocalStore(single), { ...options, workers: pool });
    const out = join(dir, "replan");
    // a first plan with other chunks, half run
    const first = await pyramid.plan(memorySource(a), new LocalStore(out), {
      ...options,
      chunks: [2, 16, 16],
      input: {},
      tasks: 4,
      workers: pool,
    });
    await pyramid.runTask(first, 0, run);
    await pyramid.runTask(first, 1, run);
    await assert.rejects(
      pyramid.plan(memorySource(a), new LocalStore(out), { ...options, input: {}, tasks: 3, workers: pool }),
      /already holds a Zarr node; pass overwrite/,
    );
    const plan = await pyramid.plan(memorySource(a), new LocalStore(out), {
      ...options,
      input: {},
      tasks: 3,
      overwrite: true,
      workers: pool,
    });
    assert.deepEqual((await pyramid.status(plan)).missing, [0, 1, 2], "no record of the first plan counts");
    for (const i of [0, 1, 2]) await pyramid.runTask(plan, i, run);
    await pyramid.finalize(plan, run);
    assert.deepEqual(digests(out), digests(single));
  });
});
