/**
 * Issue 16, metadata: `convert` of an input whose plan is absurd (trillions of chunks to read or
 * write) used to start and run until killed. Each row runs the CLI in a child with a timeout: it must
 * refuse before writing anything, naming the counts and the limit; `force` skips the check.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { checkPlan, MAX_PLAN_CHUNKS } from "../../src/pyramid/index.js";
import { BIN, ensureBuilt } from "../helpers/cli.js";
import { describeRun, runChild } from "./harness.js";

const zarray = (shape: number[], chunks: number[]) =>
  JSON.stringify({
    zarr_format: 2,
    shape,
    chunks,
    dtype: "|u1",
    compressor: null,
    fill_value: 0,
    order: "C",
    filters: null,
  });

export const ROWS = [
  {
    kind: "hang",
    name: "Zarr input of 10^18 one-byte chunks",
    array: zarray([1e6, 1e6, 1e6], [1, 1, 1]),
    args: [],
    message:
      /would write 5,086,567,328,125 chunks.*would read 1,000,000,000,000,000,000 input chunks.*limit of 100,000,000/,
  },
  {
    kind: "hang",
    name: "--plain of the same input",
    array: zarray([1e6, 1e6, 1e6], [1, 1, 1]),
    args: ["--plain"],
    message: /would write 3,814,697,265,625 chunks.*would read 1,000,000,000,000,000,000 input chunks/,
  },
  {
    kind: "hang",
    name: "a few large input chunks written as trillions of 1x1x1 chunks",
    array: zarray([1e5, 1e5, 1e4], [1e5, 1e5, 1e4]),
    args: ["--plain", "--chunks", "1,1,1"],
    message:
      /would write 100,000,000,000,000 chunks \(level 0: shape 100000x100000x10000 in chunks of 1x1x1\)/,
  },
];

for (const row of ROWS) {
  test(`[${row.kind}] convert refuses an absurd plan: ${row.name}`, async (t) => {
    ensureBuilt();
    const dir = await mkdtemp(join(tmpdir(), "zarrsmith-hostile-"));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, "in.zarr"));
    await writeFile(join(dir, "in.zarr", ".zarray"), row.array);
    const out = join(dir, "out.zarr");
    const run = await runChild([BIN, "convert", join(dir, "in.zarr"), out, ...row.args], {
      timeoutMs: 30_000,
    });
    assert.ok(!run.timedOut && !run.killedForMemory, describeRun(run));
    assert.equal(run.exitCode, 2, describeRun(run));
    assert.match(run.stderr, row.message, describeRun(run));
    assert.match(run.stderr, /--force/, describeRun(run));
    assert.equal(existsSync(out), false, "nothing is written");
  });
}

test("[guard] checkPlan: a real plan passes, force skips the limit", () => {
  const outputs = [{ shape: [512, 2048, 2048], chunks: [64, 64, 64] }];
  checkPlan({ outputs, input: { shape: [512, 2048, 2048], chunks: [1, 2048, 2048] } });
  const absurd = [{ shape: [MAX_PLAN_CHUNKS + 1], chunks: [1] }];
  assert.throws(() => checkPlan({ outputs: absurd }), /100,000,001 chunks/);
  checkPlan({ outputs: absurd, force: true });
});
