/**
 * Threads for the worker pool, browser flavour: module Web Workers. Chosen over platform.ts by the
 * package.json `"browser"` field. Where there is no `Worker` (or the worker script cannot be
 * created), pools run their tasks inline on the calling thread.
 */
import type { TaskResponse } from "./messages.js";
import { READY, type Thread } from "./thread.js";

/** How many threads a default pool gets: none without Web Workers. */
export function hardwareThreads(): number {
  if (typeof Worker === "undefined") return 0;
  return Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1);
}

export function startThread(): Thread | undefined {
  if (typeof Worker === "undefined") return undefined;
  let worker: Worker;
  try {
    // Written out in this exact shape so that bundlers (Vite, webpack, Parcel) find the worker entry
    // and emit it as a separate bundle.
    worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  } catch {
    return undefined; // e.g. no import.meta.url in an IIFE bundle, or a CSP forbidding workers
  }
  let messageListener: (message: TaskResponse) => void = () => {};
  let errorListener: (error: Error) => void = () => {};
  let settle: (ok: boolean) => void = () => {};
  const started = new Promise<boolean>((resolve) => {
    settle = resolve;
  });
  let ready = false;
  worker.addEventListener("message", (e: MessageEvent) => {
    if (e.data === READY) {
      ready = true;
      settle(true);
    } else messageListener(e.data as TaskResponse);
  });
  worker.addEventListener("error", (e: ErrorEvent) => {
    // Before READY, an error means the script did not load: report "not started" rather than failing tasks.
    if (!ready) {
      e.preventDefault();
      settle(false);
      worker.terminate();
      return;
    }
    errorListener(e.error instanceof Error ? e.error : new Error(e.message || "worker error"));
  });
  return {
    started,
    post: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (listener) => {
      messageListener = listener;
    },
    onError: (listener) => {
      errorListener = listener;
    },
    ref: () => {},
    unref: () => {},
    terminate: async () => worker.terminate(),
  };
}
