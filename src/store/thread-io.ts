/**
 * Chunk reads and writes inside a worker thread: the thread reopens the store from its
 * `threadReads` / `threadWrites` description (one LocalStore per root and thread) and reads or
 * writes with blocking calls, so that a chunk's bytes never pass through the calling thread.
 * Browser bundles get thread-io.browser.ts, where no store offers this.
 */
import { LocalStore } from "./local.js";
import type { ThreadStore } from "./types.js";

const stores = new Map<string, LocalStore>();

function storeFor(ref: ThreadStore): LocalStore {
  let store = stores.get(ref.root);
  if (!store) {
    store = new LocalStore(ref.root);
    stores.set(ref.root, store);
  }
  return store;
}

/**
 * The bytes at `key` of the store `ref` describes, read into `reuse` when it is large enough;
 * undefined when the key does not exist.
 */
export function readInThread(ref: ThreadStore, key: string, reuse?: Uint8Array): Uint8Array | undefined {
  return storeFor(ref).getNow(key, reuse);
}

/** Stores `value` (or its pieces, back to back) at `key` of the store `ref` describes, atomically (as its `set` does). */
export function writeInThread(
  ref: ThreadStore,
  key: string,
  value: Uint8Array | readonly Uint8Array[],
): void {
  storeFor(ref).setNow(key, value);
}
