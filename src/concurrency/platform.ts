/**
 * Threads for the worker pool, Node flavour: node:worker_threads. Browser bundles get
 * `platform.browser.ts` instead (Web Workers), through the package.json `"browser"` field, so the
 * pool itself never names a platform API.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { postTransferring } from "./post.js";
import type { Thread } from "./thread.js";

/** How many threads a default pool gets. */
export function hardwareThreads(): number {
  return Math.max(1, availableParallelism());
}

/** Worker script beside this module; under tsx (tests, examples) it is the .ts file. */
function workerUrl(): URL {
  const ts = import.meta.url.endsWith(".ts");
  return new URL(ts ? "./worker.ts" : "./worker.js", import.meta.url);
}

/** A new worker thread (never undefined here: worker_threads always exist in Node). */
export function startThread(): Thread | undefined {
  const url = workerUrl();
  // Under tsx (tests, examples) the worker registers tsx before loading the .ts entry: Node 20
  // neither passes the parent's module hooks to worker threads nor applies --import to their entry.
  const worker = url.pathname.endsWith(".ts")
    ? new Worker(
        `import("tsx/esm/api").then((t) => { t.register(); return import(${JSON.stringify(url.href)}); });`,
        { eval: true },
      )
    : new Worker(url);
  return {
    post: (message, transfer) => postTransferring(worker, message, transfer),
    onMessage: (listener) => worker.on("message", listener),
    onError: (listener) => worker.on("error", listener),
    ref: () => worker.ref(),
    unref: () => worker.unref(),
    terminate: async () => {
      await worker.terminate();
    },
  };
}
