/**
 * The SLURM executor on a real single-node cluster (slurmctld + slurmd + munged, started once for
 * this file): the harness runs jobs, a job array's elements each run once with their index, the
 * finalize job starts only after every element succeeded, and a failed element cancels it.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { submitSlurm, waitSlurm } from "../../src/scale/index.js";
import { BIN, cli, ensureBuilt } from "../helpers/cli.js";
import { tempDir } from "../helpers/python.js";
import { needs } from "../helpers/requirements.js";
import { type SlurmCluster, slurmRequirements, startSlurm } from "../helpers/services.js";

/**
 * A stand-in for the zarrsmith command prefix: `sh -c SCRIPT` gets "run-task OUT" or
 * "finalize OUT" as $0 $1, as zarrsmith would. A task records its index (and fails for FAIL_TASK);
 * finalize records the task files it saw.
 */
const STAND_IN = [
  "/bin/sh",
  "-c",
  'if [ "$0" = finalize ]; then ls "$1" | grep -c "^task-" > "$1/finalized"; ' +
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion
    'else [ "$SLURM_ARRAY_TASK_ID" != "${FAIL_TASK:-}" ] || exit 3; echo "$SLURM_ARRAY_JOB_ID" > "$1/task-$SLURM_ARRAY_TASK_ID"; fi',
];

describe("SLURM executor", { skip: needs(slurmRequirements()) }, () => {
  let cluster: SlurmCluster;
  const tmp = tempDir("zarrsmith-slurm-test-");
  before(async () => {
    ensureBuilt();
    cluster = await startSlurm();
  });
  after(async () => {
    await cluster?.stop();
    tmp.cleanup();
  });

  it("runs srun and sbatch --wrap jobs", () => {
    assert.match(cluster.run("srun", ["hostname"]), /\S/);
    const out = join(tmp.dir, "wrap.txt");
    cluster.run("sbatch", ["--wait", `--output=${out}`, "--wrap", "echo wrapped"]);
    assert.equal(readFileSync(out, "utf8").trim(), "wrapped");
  });

  it("submits an 8-element array and a finalize job that runs after all of them", async () => {
    const output = join(tmp.dir, "ok");
    mkdirSync(output);
    const o = {
      output,
      tasks: 8,
      command: STAND_IN,
      sbatchArgs: [`--output=${join(tmp.dir, "ok-%A_%a.log")}`],
      env: cluster.env,
    };
    const ids = submitSlurm(o);
    let last = -1;
    await waitSlurm(ids, 8, {
      env: cluster.env,
      pollMs: 200,
      onProgress: (done) => {
        assert.ok(done >= last, "progress never goes back");
        last = done;
      },
    });
    assert.equal(last, 8);
    const tasks = readdirSync(output).filter((f) => f.startsWith("task-"));
    assert.deepEqual(tasks.sort(), [0, 1, 2, 3, 4, 5, 6, 7].map((i) => `task-${i}`).sort());
    for (const t of tasks) assert.equal(readFileSync(join(output, t), "utf8").trim(), ids.arrayJobId);
    // finalize ran after every element: it saw all 8 records
    assert.equal(readFileSync(join(output, "finalized"), "utf8").trim(), "8");
  });

  it("cancels finalize and names the task when an element fails", async () => {
    const output = join(tmp.dir, "fail");
    mkdirSync(output);
    const env = { ...cluster.env, FAIL_TASK: "2" };
    const ids = submitSlurm({
      output,
      tasks: 4,
      command: STAND_IN,
      sbatchArgs: [`--output=${join(tmp.dir, "fail-%A_%a.log")}`],
      env,
    });
    await assert.rejects(waitSlurm(ids, 4, { env, pollMs: 200 }), /task\(s\) 2 failed.*cancelled/);
    assert.equal(existsSync(join(output, "finalized")), false);
    assert.equal(cluster.run("squeue", ["-h", "-j", ids.finalizeJobId]).trim(), "");
  });

  it("--dry-run prints both batch scripts with absolute paths", () => {
    const output = join(tmp.dir, "planned");
    mkdirSync(output);
    writeFileSync(join(output, "zarrsmith-plan.json"), JSON.stringify({ tasks: [{}, {}, {}] }));
    const r = cli(
      ["submit", output, "--executor", "slurm", "--dry-run", "--slurm-args", "-p test --time=5"],
      tmp.dir,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /#SBATCH --array=0-2\n/);
    assert.match(
      r.stdout,
      /sbatch --parsable -p test --time=5 --dependency=afterok:<tasks job id> finalize.sh/,
    );
    const zarrsmith = `${process.execPath} ${BIN}`;
    assert.ok(r.stdout.includes(`\nexec ${zarrsmith} run-task ${output}\n`), r.stdout);
    assert.ok(r.stdout.includes(`\nexec ${zarrsmith} finalize ${output}\n`), r.stdout);
  });
});
