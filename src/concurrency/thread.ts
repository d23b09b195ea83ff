/** What the worker pool needs from a thread, whatever the platform provides (see platform.ts). */
import type { TaskRequest, TaskResponse } from "./messages.js";

export interface Thread {
  /**
   * Settles once the thread has loaded its script: false when it could not (e.g. a bundle that
   * left the worker script out), and the pool then runs tasks inline. Absent when a thread is usable
   * as soon as it exists (Node), so that nothing waits.
   */
  readonly started?: Promise<boolean>;
  post(message: TaskRequest, transfer: ArrayBuffer[]): void;
  onMessage(listener: (message: TaskResponse) => void): void;
  onError(listener: (error: Error) => void): void;
  /** Whether an idle thread keeps the process alive (Node only; no-ops elsewhere). */
  ref(): void;
  unref(): void;
  terminate(): Promise<void>;
}

/** The worker's side: messages from and to the pool. */
export interface HostPort {
  onMessage(listener: (message: TaskRequest) => void): void;
  post(message: TaskResponse, transfer?: ArrayBuffer[]): void;
}

/** What a browser worker sends once its script has loaded (see platform.browser.ts). */
export const READY = "zarrsmith:worker-ready";
