/** The worker's link to its pool, Node flavour (worker-port.browser.ts is the Web Worker one). */
import { parentPort } from "node:worker_threads";
import { postTransferring } from "./post.js";
import type { HostPort } from "./thread.js";

export function hostPort(): HostPort {
  if (!parentPort) throw new Error("concurrency/worker must run as a worker thread");
  const port = parentPort;
  return {
    onMessage: (listener) => port.on("message", listener),
    post: (message, transfer) => postTransferring(port, message, transfer),
  };
}
