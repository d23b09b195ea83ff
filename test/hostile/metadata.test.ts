/**
 * Issue 16, metadata: huge selections fail typed before allocating, int64/uint64 fill values beyond
 * 2^53 stay exact, unknown v3 fields are refused by name, deep attributes get a clear error, and a zip
 * entry cannot inflate without bound. Each row runs in a child with a timeout and a memory bound.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { BIN, ensureBuilt } from "../helpers/cli.js";
import { assertOutcome, describeRun, type Expect, runCase, runChild } from "./harness.js";

const CASES = new URL("./metadata.cases.ts", import.meta.url);
const PEAK = 300;
const ok = { peakMiB: PEAK };
const unknownField = (field: string): Expect => ({
  peakMiB: PEAK,
  error: {
    name: "SpecError",
    code: "invalid_spec",
    message: new RegExp(`${field}.*unknown extension field "${field}"`),
  },
});

export const ROWS: Array<{ kind: string; name: string; case: string; expect: Expect; value?: unknown }> = [
  {
    kind: "untyped",
    name: "a 1e15-element selection",
    case: "hugeSelection",
    expect: {
      peakMiB: PEAK,
      error: { name: "SelectionError", code: "invalid_selection", message: /1000000000000000.*too large/ },
    },
  },
  {
    kind: "silent",
    name: "int64 fill 9007199254740993 reads exactly",
    case: "int64FillRead",
    expect: ok,
    value: "9007199254740993",
  },
  {
    kind: "silent",
    name: "int64 fill written back exactly",
    case: "int64FillRoundTrip",
    expect: ok,
    value: "-9223372036854775807",
  },
  {
    kind: "silent",
    name: "uint64 fill 2^64-1 (v2) reads exactly",
    case: "uint64FillV2",
    expect: ok,
    value: "18446744073709551615",
  },
  {
    kind: "silent",
    name: 'v3 field with "must_understand": true',
    case: "mustUnderstandTrue",
    expect: unknownField("my_extension"),
  },
  {
    kind: "silent",
    name: "v3 unknown field without the flag",
    case: "unknownFieldNoFlag",
    expect: unknownField("weird"),
  },
  {
    kind: "guard",
    name: 'v3 field with "must_understand": false opens',
    case: "mustUnderstandFalse",
    expect: ok,
    value: "",
  },
  {
    kind: "memory",
    name: "zip entry of 0.3 MB that inflates to 320 MiB",
    case: "zipBomb",
    expect: { peakMiB: PEAK, error: { code: "io", message: /c\/0.*335544320.*maxInflatedBytes/ } },
  },
];

for (const row of ROWS) {
  test(`[${row.kind}] ${row.name}`, async () => {
    const run = await runCase(CASES, row.case, null, { timeoutMs: 60_000, killAtMiB: 1800 });
    assertOutcome(run, row.expect);
    if ("value" in row) assert.deepEqual(run.result?.ok && run.result.value, row.value, describeRun(run));
  });
}

test("[untyped] zarrsmith spec on attributes nested 100,000 deep: a clear error", async (t) => {
  ensureBuilt();
  const root = await mkdtemp(join(tmpdir(), "zarrsmith-hostile-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  const depth = 100_000;
  const attrs = `{"a":${"[".repeat(depth)}${"]".repeat(depth)}}`;
  await writeFile(join(root, "zarr.json"), `{"zarr_format":3,"node_type":"group","attributes":${attrs}}`);
  const run = await runChild([BIN, "spec", root], { timeoutMs: 30_000, killAtMiB: 1024 });
  assert.ok(!run.timedOut && !run.killedForMemory && run.peakRssMiB < PEAK, describeRun(run));
  assert.notEqual(run.exitCode, 0, describeRun(run));
  assert.match(
    run.stderr,
    /zarr\.json nests deeper than 512 levels \(at attributes\.a\[0\]/,
    describeRun(run),
  );
});
