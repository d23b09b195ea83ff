/**
 * Chunk reads inside a worker thread: the thread reopens the store from its `threadReads`
 * description (one LocalStore per root and thread) and reads with blocking calls, so that a read's
 * bytes never pass through the calling thread. Browser bundles get thread-reads.browser.ts, where
 * no store offers this.
 */
import { LocalStore } from "./local.js";
import type { ThreadReadable } from "./types.js";

const stores = new Map<string, LocalStore>();

/**
 * The bytes at `key` of the store `ref` describes, read into `reuse` when it is large enough;
 * undefined when the key does not exist.
 */
export function readInThread(ref: ThreadReadable, key: string, reuse?: Uint8Array): Uint8Array | undefined {
  let store = stores.get(ref.root);
  if (!store) {
    store = new LocalStore(ref.root);
    stores.set(ref.root, store);
  }
  return store.getNow(key, reuse);
}
