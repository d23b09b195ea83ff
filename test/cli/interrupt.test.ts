/**
 * Ctrl-C stops a real `zarrsmith convert` process promptly: the input is a Zarr array served over
 * HTTP by this test, so "promptly" is counted in chunk requests made after SIGINT (the blocks in
 * flight), not in seconds. The process exits 130 without temporary files and the re-run resumes
 * to the input's exact values.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { open } from "../../src/hierarchy/open.js";
import { ArraySpec } from "../../src/metadata/v2.js";
import { LocalStore } from "../../src/store/local.js";
import { MemoryStore } from "../../src/store/memory.js";
import { BIN, ensureBuilt } from "../helpers/cli.js";
import { tempDir } from "../helpers/python.js";
import { startServer, type TestServer } from "../store/helpers.js";

const SHAPE = [64, 128, 128];
const INPUT_CHUNKS = [8, 16, 16]; // 8 x 8 x 8 = 512 chunk objects
const TOTAL = 512;

function value(i: number): number {
  return (i * 2654435761) % 65521;
}

/**
 * Runs the CLI without blocking this process (it serves the input); sends SIGINT once `when()`
 * holds, recording the chunk requests seen at that moment.
 */
function runCli(
  args: string[],
  cwd: string,
  when?: () => boolean,
  count: () => number = () => 0,
): Promise<{ code: number | null; stdout: string; stderr: string; atSignal: number }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd });
    let stdout = "";
    let stderr = "";
    let atSignal = -1;
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const poll = setInterval(() => {
      if (when && atSignal < 0 && when()) {
        atSignal = count();
        child.kill("SIGINT");
      }
    }, 2);
    child.on("close", (code) => {
      clearInterval(poll);
      done({ code, stdout, stderr, atSignal });
    });
  });
}

describe("zarrsmith convert: Ctrl-C", () => {
  const { dir, cleanup } = tempDir("zarrsmith-interrupt-");
  let server: TestServer;
  before(async () => {
    ensureBuilt();
    const store = new MemoryStore();
    const spec = ArraySpec.parse({ shape: SHAPE, dtype: "<u2", chunks: INPUT_CHUNKS, compressor: null });
    const array = await spec.toZarr(store, "");
    await array.set(
      null,
      Uint16Array.from({ length: SHAPE[0] * SHAPE[1] * SHAPE[2] }, (_, i) => value(i)),
    );
    const files = new Map<string, Uint8Array>();
    for (const key of await store.list!("")) files.set(`in.zarr/${key}`, (await store.get(key))!);
    server = await startServer(files);
  });
  after(async () => {
    await server?.close();
    cleanup();
  });

  it("stops within the blocks in flight, exits 130, and the re-run resumes to equal values", async () => {
    const out = join(dir, "out.ome.zarr");
    const args = [
      "convert",
      `${server.url}in.zarr`,
      out,
      "--chunks",
      "16,32,32",
      "--workers",
      "1",
      "--memory-target",
      "2MiB",
      "--codec",
      "gzip:1",
      "--downsample-axes",
      "xyz",
    ];
    const chunkRequests = () => server.requests.filter((r) => /\/\d+[./]\d+[./]\d+$/.test(r.path)).length;
    const run = await runCli(args, dir, () => chunkRequests() >= 48, chunkRequests);
    assert.ok(
      run.atSignal > 0,
      `SIGINT was sent (${chunkRequests()} requests, ${server.requests.slice(0, 5).map((r) => r.path)}; ${run.code}: ${run.stderr})`,
    );
    assert.equal(run.code, 130, run.stderr);
    assert.match(run.stderr, /re-run the same command to resume/);
    // a block is 16x32x32 voxels = 8 input chunks; one worker means 2 blocks in flight, and the
    // reads already started when SIGINT arrived finish: far fewer than the 464 chunks left
    const afterSignal = chunkRequests() - run.atSignal;
    assert.ok(afterSignal <= 40, `${afterSignal} chunk requests after SIGINT`);
    const files = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(d, e.name)) : [e.name],
      );
    assert.deepEqual(
      files(out).filter((f) => f.includes("tmp")),
      [],
      "no temporary files",
    );

    const before = chunkRequests();
    const rerun = await runCli(["--json", ...args], dir);
    assert.equal(rerun.code, 0, rerun.stderr);
    const again = JSON.parse(rerun.stdout) as { valid: boolean; resumedNodes: number };
    assert.equal(again.valid, true);
    assert.ok(again.resumedNodes > 0, "finished work was reused");
    assert.ok(chunkRequests() - before < TOTAL, "the re-run does not read every input chunk again");
    const level0 = await (await open.array(new LocalStore(out), "0")).get();
    const data = level0.data as Uint16Array;
    assert.equal(data.length, SHAPE[0] * SHAPE[1] * SHAPE[2]);
    for (let i = 0; i < data.length; i++) if (data[i] !== value(i)) assert.fail(`voxel ${i}: ${data[i]}`);
  });
});
