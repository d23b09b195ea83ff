/**
 * Chunk reads and writes inside a worker thread: the thread reopens the store from its
 * `threadReads` / `threadWrites` description (one LocalStore per root and thread) and reads or
 * writes with blocking calls, so that a chunk's bytes never pass through the calling thread.
 * Browser bundles get thread-io.browser.ts, where no store offers this.
 */
import { LocalStore } from "./local.js";
import type { ReadableStore, ThreadStore, WritableStore } from "./types.js";

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
 * The bytes at `key` (or `range` of them) of the store `ref` describes, read into `reuse` when it is
 * large enough; undefined when the key does not exist.
 */
export function readInThread(
  ref: ThreadStore,
  key: string,
  reuse?: Uint8Array,
  range?: { offset: number; length: number },
): Uint8Array | undefined {
  return storeFor(ref).getNow(key, reuse, range);
}

/** Stores `value` (or its pieces, back to back) at `key` of the store `ref` describes, atomically (as its `set` does). */
export function writeInThread(
  ref: ThreadStore,
  key: string,
  value: Uint8Array | readonly Uint8Array[],
): void {
  storeFor(ref).setNow(key, value);
}

/** Wrappers' functions that may be bypassed by threads reading or writing the wrapped store (see passThrough). */
const passThroughs = new WeakSet<object>();

/**
 * Declares that `fn`, a wrapper's `get` or `set`, may be bypassed by worker threads that read or
 * write the wrapped store itself (the CLI's Ctrl-C guard, whose writers stop on their signal).
 * Any other wrapper of a store (a Proxy, a subclass) keeps its reads and writes on this thread.
 */
export function passThrough<F extends object>(fn: F): F {
  passThroughs.add(fn);
  return fn;
}

/** Whether `fn`, what a caller sees as the store's `get` or `set`, is the LocalStore's own (or passes through). */
function own(fn: unknown, mine: unknown): boolean {
  return fn === mine || (typeof fn === "function" && passThroughs.has(fn));
}

/**
 * Where worker threads may read the store's chunks themselves: its `threadReads`, but only when its
 * `get`, as the caller sees it, is the store's own. A Proxy that forwards every property to a
 * LocalStore (`Reflect.get(target, prop)`) would otherwise hand out the store's flag and have its
 * own `get` bypassed.
 */
export function threadReadsOf(store: ReadableStore): ThreadStore | undefined {
  const ref = store.threadReads;
  return ref && own(store.get, LocalStore.prototype.get) ? ref : undefined;
}

/** Where worker threads may write the store's chunks themselves: as `threadReadsOf`, for `set`. */
export function threadWritesOf(store: WritableStore): ThreadStore | undefined {
  const ref = store.threadWrites;
  return ref && own(store.set, LocalStore.prototype.set) ? ref : undefined;
}
