/**
 * plan → tasks → finalize through the real CLI: 8 `run-task` processes give the same objects
 * (sha256 of each) as one `convert`; a task run twice or after kill -9 rewrites the same bytes;
 * finalize names missing tasks; the result validates and zarr-python reads it.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { after, before, describe, it } from "node:test";
import { taskIndex } from "../../src/cli/commands/tasks.js";
import { BIN, cli, cliJSON, ensureBuilt } from "../helpers/cli.js";
import { python, tempDir } from "../helpers/python.js";

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
function runTask(out: string, i: number, killWhen?: () => boolean): Promise<number | null> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, "run-task", out, "--task", String(i)]);
    const poll = killWhen && setInterval(() => killWhen() && child.kill("SIGKILL"), 2);
    child.on("close", (code) => {
      if (poll) clearInterval(poll);
      done(code);
    });
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
    // killed once its first shards are stored, long before its last
    const level0 = join(multi, "0");
    const before = digests(level0).size;
    const killed = await runTask(multi, 1, () => digests(level0).size > before);
    assert.notEqual(killed, 0, "the task was killed in the middle");
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
