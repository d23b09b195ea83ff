/** The run record: claimed first, resumed by a re-run, a live run's output refused, bad records named. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { hostname } from "node:os";
import { describe, it } from "node:test";
import {
  type ClaimOptions,
  CorruptRecordError,
  claimOutput,
  clearExcept,
  OutputBusyError,
  PROGRESS_FILE,
  RunMismatchError,
} from "../../src/checkpoint/index.js";
import { ExistsError } from "../../src/errors.js";
import { MemoryStore } from "../../src/store/memory.js";

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

function options(store: MemoryStore, fingerprint: string, overwrite = false): ClaimOptions {
  return {
    fingerprint,
    overwrite,
    existing: async () => ((await store.get("img/.zgroup")) ? "Zarr group" : undefined),
    clear: (keep) => clearExcept(store, "img", keep),
  };
}

function record(pid: number, fingerprint: string, done: string[] = []) {
  return enc({ run: "r-1", pid, host: hostname(), started: "2026-01-01T00:00:00Z", fingerprint, done });
}

/** A pid that is certainly not running: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  await new Promise((r) => child.on("exit", r));
  return child.pid!;
}

describe("checkpoint.claimOutput", () => {
  it("a fresh output gets the record before anything else; finish removes it", async () => {
    const store = new MemoryStore();
    const c = await claimOutput(store, "img", options(store, "f"));
    assert.equal(c.resumed, false);
    assert.deepEqual(await store.list(), [`img/${PROGRESS_FILE}`]);
    c.done.add("0:0");
    await c.save(true);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(await store.get(`img/${PROGRESS_FILE}`))).done, [
      "0:0",
    ]);
    await c.finish();
    assert.deepEqual(await store.list(), []);
  });

  it("a dead run with the same settings is resumed with its finished work", async () => {
    const store = new MemoryStore({ [`img/${PROGRESS_FILE}`]: record(await deadPid(), "f", ["0:1", "1:0"]) });
    const c = await claimOutput(store, "img", options(store, "f"));
    assert.equal(c.resumed, true);
    assert.deepEqual([...c.done].sort(), ["0:1", "1:0"]);
  });

  it("a live run's output is refused, even with overwrite, naming the run", async () => {
    const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      const store = new MemoryStore({ [`img/${PROGRESS_FILE}`]: record(sleeper.pid!, "f"), "img/x": enc(1) });
      for (const overwrite of [false, true]) {
        await assert.rejects(
          claimOutput(store, "img", options(store, "f", overwrite)),
          (e) => e instanceof OutputBusyError && e.message.includes(`process ${sleeper.pid}`),
        );
      }
      assert.ok(await store.get("img/x"), "nothing deleted");
    } finally {
      sleeper.kill();
    }
  });

  it("a dead run with other settings: RunMismatchError, or with overwrite cleared but for the record", async () => {
    const store = new MemoryStore({
      [`img/${PROGRESS_FILE}`]: record(await deadPid(), "old"),
      "img/.zgroup": enc({}),
      "img/0/0": enc(1),
    });
    await assert.rejects(claimOutput(store, "img", options(store, "new")), RunMismatchError);
    const c = await claimOutput(store, "img", options(store, "new", true));
    assert.equal(c.resumed, false);
    assert.deepEqual(await store.list(), [`img/${PROGRESS_FILE}`]);
  });

  it("a run on another host counts as alive until its record is stale", async () => {
    const other = (updated: string) =>
      enc({
        run: "r-2",
        pid: 1,
        host: "elsewhere.example",
        started: updated,
        updated,
        fingerprint: "f",
        done: ["0:0"],
      });
    const fresh = new MemoryStore({ [`img/${PROGRESS_FILE}`]: other(new Date().toISOString()) });
    await assert.rejects(claimOutput(fresh, "img", options(fresh, "f")), OutputBusyError);
    const stale = new MemoryStore({
      [`img/${PROGRESS_FILE}`]: other(new Date(Date.now() - 2 * 3600_000).toISOString()),
    });
    const c = await claimOutput(stale, "img", options(stale, "f"));
    assert.equal(c.resumed, true);
    assert.deepEqual([...c.done], ["0:0"]);
  });

  it("a corrupt record is named as such; overwrite starts again", async () => {
    const store = new MemoryStore({ [`img/${PROGRESS_FILE}`]: new TextEncoder().encode("{nope") });
    await assert.rejects(claimOutput(store, "img", options(store, "f")), CorruptRecordError);
    const c = await claimOutput(store, "img", options(store, "f", true));
    assert.equal(c.resumed, false);
  });

  it("a finished output (no record) is refused without overwrite", async () => {
    const store = new MemoryStore({ "img/.zgroup": enc({}) });
    await assert.rejects(
      claimOutput(store, "img", options(store, "f")),
      (e) => e instanceof ExistsError && !(e instanceof RunMismatchError),
    );
  });
});
