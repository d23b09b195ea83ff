/** The hostile harness itself: it reports values and typed errors, and catches hangs and memory use. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertOutcome, runCase } from "./harness.js";

const CASES = new URL("./harness.cases.ts", import.meta.url);

test("a case's value and its typed error come back across the process boundary", async () => {
  const ok = await runCase(CASES, "value", { n: 1 });
  assertOutcome(ok, { peakMiB: 400 });
  assert.deepEqual(ok.result, { ok: true, value: { echoed: { n: 1 } } });
  const bad = await runCase(CASES, "typed");
  assertOutcome(bad, {
    peakMiB: 400,
    error: { name: "CorruptChunkError", code: "corrupt_chunk", key: "a/0/0" },
  });
});

test("a hanging case is killed at its timeout", async () => {
  const run = await runCase(CASES, "hang", null, { timeoutMs: 3000 });
  assert.equal(run.timedOut, true);
  assert.throws(() => assertOutcome(run, { peakMiB: 400 }), /timed out/);
});

test("memory outside the JS heap is measured, and a runaway child is killed", async () => {
  const big = await runCase(CASES, "allocate", 200);
  assert.ok(big.result?.ok);
  assert.ok(big.peakRssMiB >= 200, `peak ${big.peakRssMiB}`);
  assert.throws(() => assertOutcome(big, { peakMiB: 150 }), /peak RSS/);
  const runaway = await runCase(CASES, "allocate", 4000, { killAtMiB: 300 });
  assert.equal(runaway.killedForMemory, true);
});
