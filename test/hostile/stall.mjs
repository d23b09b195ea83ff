// Preloaded into a CLI child (node --import, which also runs it in each worker thread) to stop it at
// an exact moment of a write, so a test can kill -9 it there: the crash windows of issue 16 without
// timing luck.
//
// ZARRSMITH_TEST_STALL = JSON { op: "rename" | "link", match: "<regex source>", nth: 1, when: "before" | "after" }
// The nth call of fs.promises[op] (or, in worker threads, which write chunks with blocking calls,
// fs[op + "Sync"]) whose destination path matches `match` stalls forever, either before doing its
// work (a write left as a temporary file) or after it, and so does every rename or link after it,
// in any thread; "\0stalled" is written to stderr at that moment. Calls are counted per thread.
import { randomUUID } from "node:crypto";
import fsSync from "node:fs";
import fs from "node:fs/promises";
import { syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMainThread } from "node:worker_threads";

const spec = JSON.parse(process.env.ZARRSMITH_TEST_STALL ?? "null");
if (spec) {
  const re = new RegExp(spec.match);
  // the process's threads share "stalled" through a file only this process names: the main thread
  // picks it before any worker starts, and workers get it in their copy of the environment (a name
  // from the pid alone was reused by later children, whose killed predecessors left it behind)
  if (isMainThread)
    process.env.ZARRSMITH_TEST_STALL_MARKER = join(tmpdir(), `zarrsmith-test-stalled-${randomUUID()}`);
  const marker = process.env.ZARRSMITH_TEST_STALL_MARKER;
  let seen = 0;
  const stalled = () => fsSync.existsSync(marker);
  const markStalled = () => {
    if (!stalled()) fsSync.writeSync(2, "\0stalled\n");
    fsSync.writeFileSync(marker, "");
  };
  process.on("exit", () => {
    if (isMainThread) fsSync.rmSync(marker, { force: true });
  });
  const stall = () => {
    markStalled();
    return new Promise(() => {});
  };
  const stallNow = () => {
    markStalled();
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // blocks this thread for good
  };
  // once stalled, every later rename/link stalls too: writes in flight in parallel stop at the
  // same moment instead of carrying on behind the test's back
  for (const op of ["rename", "link"]) {
    const original = fs[op];
    fs[op] = async (from, to, ...rest) => {
      if (stalled()) return stall();
      if (op !== spec.op || !re.test(String(to))) return original(from, to, ...rest);
      seen++;
      if (seen !== (spec.nth ?? 1)) return original(from, to, ...rest);
      if (spec.when === "before") return stall();
      await original(from, to, ...rest);
      return stall();
    };
    const originalSync = fsSync[`${op}Sync`];
    fsSync[`${op}Sync`] = (from, to, ...rest) => {
      if (stalled()) return stallNow();
      if (op !== spec.op || !re.test(String(to))) return originalSync(from, to, ...rest);
      seen++;
      if (seen !== (spec.nth ?? 1)) return originalSync(from, to, ...rest);
      if (spec.when === "before") return stallNow();
      originalSync(from, to, ...rest);
      return stallNow();
    };
  }
  syncBuiltinESMExports();
}
