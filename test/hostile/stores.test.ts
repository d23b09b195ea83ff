/**
 * Issue 16, store escape: a LocalStore never reads, writes, lists or deletes outside its root, and
 * symlink loops cannot make listing (or `zarrsmith info`) run forever. One row per hostile layout; each
 * runs in a child with a timeout and a memory bound (harness.ts).
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { BIN, ensureBuilt } from "../helpers/cli.js";
import { assertOutcome, describeRun, type Expect, runCase, runChild } from "./harness.js";

const CASES = new URL("./stores.cases.ts", import.meta.url);
/** node + tsx + a small store: anything near this is fine, an escape or a loop is not about memory. */
const PEAK = 300;
const refused: Expect = {
  peakMiB: PEAK,
  error: { name: "KeyError", code: "invalid_key", message: /symbolic link.*outside the store root/ },
};

export const ROWS: Array<{ name: string; kind: string; case: string; expect: Expect; value?: unknown }> = [
  {
    kind: "escape",
    name: "read through a directory link to outside",
    case: "readThroughDirLink",
    expect: refused,
  },
  {
    kind: "escape",
    name: "range read through a directory link",
    case: "rangeReadThroughDirLink",
    expect: refused,
  },
  { kind: "escape", name: "has() through a directory link", case: "hasThroughDirLink", expect: refused },
  {
    kind: "escape",
    name: "a chunk file that links to a secret",
    case: "chunkFileLinksToSecret",
    expect: refused,
  },
  {
    kind: "escape",
    name: "a worker thread's blocking read through a directory link",
    case: "readNowThroughDirLink",
    expect: refused,
  },
  {
    kind: "escape",
    name: "a worker thread's blocking read of a chunk file that links to a secret",
    case: "chunkFileLinksToSecretNow",
    expect: refused,
  },
  {
    kind: "escape",
    name: "an array read whose workers read a linked chunk themselves",
    case: "arrayReadInWorkersOfLinkedChunk",
    expect: refused,
  },
  { kind: "escape", name: "write through a directory link", case: "writeThroughDirLink", expect: refused },
  {
    kind: "escape",
    name: "a worker thread's blocking write through a directory link",
    case: "writeNowThroughDirLink",
    expect: refused,
  },
  {
    kind: "escape",
    name: "an array write whose workers write into a chunk folder linked to outside",
    case: "arrayWriteInWorkersThroughLinkedFolder",
    expect: refused,
  },
  { kind: "escape", name: "delete through a directory link", case: "deleteThroughDirLink", expect: refused },
  {
    kind: "escape",
    name: "deletePrefix (overwrite) through a directory link",
    case: "deletePrefixThroughDirLink",
    expect: refused,
  },
  {
    kind: "escape",
    name: "list() does not follow links out of the root",
    case: "listSkipsOutside",
    expect: { peakMiB: PEAK },
    value: ["zarr.json"],
  },
  {
    kind: "escape",
    name: "listDir() does not report links out of the root",
    case: "listDirSkipsOutside",
    expect: { peakMiB: PEAK },
    value: { keys: ["zarr.json"], prefixes: ["a"] },
  },
  {
    kind: "hang",
    name: "two `l -> .` links: list() ends",
    case: "listLoop",
    expect: { peakMiB: PEAK },
    value: ["zarr.json"],
  },
  // Guards that already held (rename and rm do not follow the last link); kept so they stay true.
  {
    kind: "guard",
    name: "overwriting a linked chunk replaces the link, not its target",
    case: "overwriteLinkedChunk",
    expect: { peakMiB: PEAK },
    value: "\u0001",
  },
  {
    kind: "guard",
    name: "a worker thread's blocking overwrite of a linked chunk replaces the link, not its target",
    case: "overwriteLinkedChunkNow",
    expect: { peakMiB: PEAK },
    value: "\u0001",
  },
  {
    kind: "guard",
    name: "deletePrefix of a link removes the link only",
    case: "deletePrefixOfLink",
    expect: { peakMiB: PEAK },
  },
  {
    kind: "guard",
    name: "deletePrefix('') keeps outside files",
    case: "deleteAllKeepsOutside",
    expect: { peakMiB: PEAK },
  },
];

for (const row of ROWS) {
  test(`[${row.kind}] ${row.name}`, async () => {
    const run = await runCase(CASES, row.case, null, { timeoutMs: 20_000, killAtMiB: 1024 });
    assertOutcome(run, row.expect);
    if ("value" in row) assert.deepEqual(run.result?.ok && run.result.value, row.value, describeRun(run));
  });
}

test("[hang] zarrsmith info on a group with two `l -> .` links ends", async (t) => {
  ensureBuilt();
  const root = await mkdtemp(join(tmpdir(), "zarrsmith-hostile-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  await writeFile(join(root, "zarr.json"), JSON.stringify({ zarr_format: 3, node_type: "group" }));
  await symlink(".", join(root, "l"));
  await symlink(".", join(root, "m"));
  const run = await runChild([BIN, "info", "--json", root], { timeoutMs: 30_000, killAtMiB: 1024 });
  assert.ok(!run.timedOut && !run.killedForMemory && run.exitCode === 0, describeRun(run));
  assert.ok(run.peakRssMiB < PEAK, describeRun(run));
  assert.deepEqual(JSON.parse(run.stdout).tree.members, []);
});
