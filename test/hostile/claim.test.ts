/**
 * Issue 16, crash windows: two runs that both find a stale claim (a dead process) must not both take
 * the output over. Each row starts two children at once that race through the takeover; exactly one
 * may win, the other must refuse naming the winner.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { PROGRESS_FILE } from "../../src/checkpoint/index.js";
import { describeRun, runCase } from "./harness.js";

const CASES = new URL("./claim.cases.ts", import.meta.url);

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  await new Promise((r) => child.on("exit", r));
  return child.pid!;
}

export const ROWS = [
  { kind: "silent", name: "two resumes of one stale claim: one takes over", overwrite: false },
  { kind: "silent", name: "two --overwrite runs on one stale claim: one takes over", overwrite: true },
];

for (const row of ROWS) {
  test(`[${row.kind}] ${row.name}`, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), "zarrsmith-hostile-"));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, "out", "img"), { recursive: true });
    const stale = {
      run: "dead-run",
      pid: await deadPid(),
      host: hostname(),
      started: "2026-01-01T00:00:00Z",
    };
    await writeFile(
      join(dir, "out", "img", PROGRESS_FILE),
      JSON.stringify({ ...stale, fingerprint: "same", done: ["0:0"] }),
    );
    const one = (me: string, other: string) =>
      runCase(CASES, "claim", { dir, me, other, overwrite: row.overwrite }, { timeoutMs: 60_000 });
    const runs = await Promise.all([one("a", "b"), one("b", "a")]);
    const won = runs.filter((r) => r.result?.ok);
    const lost = runs.filter((r) => r.result && !r.result.ok);
    const all = runs.map(describeRun).join("\n");
    assert.equal(won.length, 1, `exactly one run takes over:\n${all}`);
    assert.equal(lost.length, 1, all);
    const error = lost[0].result?.ok === false ? lost[0].result.error : undefined;
    assert.equal(error?.name, "OutputBusyError", all);
    assert.match(error?.message ?? "", /is being written by another run \(run [0-9a-f]{8}, process \d+/, all);
  });
}
