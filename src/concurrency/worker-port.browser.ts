/** The worker's link to its pool, Web Worker flavour: the worker's global scope. */
import type { TaskRequest, TaskResponse } from "./messages.js";
import { type HostPort, READY } from "./thread.js";

/** The parts of a DedicatedWorkerGlobalScope used here (the DOM typings describe a window instead). */
interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: "message", listener: (e: MessageEvent) => void): void;
}

export function hostPort(): HostPort {
  const scope = globalThis as unknown as Partial<WorkerScope>;
  if (typeof scope.postMessage !== "function" || typeof scope.addEventListener !== "function") {
    throw new Error("concurrency/worker must run as a Web Worker");
  }
  const self = scope as WorkerScope;
  let announced = false;
  return {
    onMessage: (listener) => {
      self.addEventListener("message", (e) => listener(e.data as TaskRequest));
      // Tell the pool the script loaded (see platform.browser.ts), once a listener is in place.
      if (!announced) self.postMessage(READY);
      announced = true;
    },
    post: (message: TaskResponse, transfer) => self.postMessage(message, transfer ?? []),
  };
}
