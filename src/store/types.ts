/**
 * The store interface: a key → bytes mapping, kept small so that new backends (S3, GCS, IndexedDB)
 * plug in by implementing a handful of methods. Keys are relative, "/"-separated, never absolute
 * and never containing "." or ".." segments (see `validateKey`).
 *
 * Capabilities are separate types — `ReadableStore` (every store), `WritableStore`, `ListableStore`,
 * `DeletableStore` — and each store class declares the ones it has, so writing to a read-only
 * store (`new HttpStore(url).set(...)`) does not compile. `Store` is "some store": readable, the
 * rest optional; code that writes narrows it once (`isWritable` / `requireWritable`) and then
 * calls `set`/`delete` without `!` or casts.
 */
import { StoreError } from "../errors.js";

/** A byte range: `offset`/`length`, or the last `suffixLength` bytes. */
export type RangeQuery = { offset: number; length: number } | { suffixLength: number };

export interface ReadableStore {
  /** The bytes at `key` (or the requested range of them), or undefined when the key does not exist. */
  get(key: string, range?: RangeQuery): Promise<Uint8Array | undefined>;
  /** Whether `key` exists. */
  has?(key: string): Promise<boolean>;
  /** A human-readable location for messages (a path or URL). */
  readonly description?: string;
  /**
   * True when `get` returns new arrays that nothing else holds (read from a file or a response), so
   * a reader may move them to a worker thread instead of copying them; MemoryStore returns the
   * arrays it keeps, and a store that does not say so is treated like it.
   */
  readonly returnsOwnBytes?: boolean;
  /**
   * Set by stores whose chunks a worker thread can read itself, with blocking calls, from this
   * description alone (LocalStore: its root). Reads then never pass through this thread.
   */
  readonly threadReads?: ThreadStore;
}

/**
 * A store as a worker thread reopens it to read or write chunks itself (see
 * `ReadableStore.threadReads`, `WritableStore.threadWrites`).
 */
export interface ThreadStore {
  kind: "local";
  root: string;
}

export interface WritableStore extends ReadableStore {
  /** Stores `value` at `key` atomically: readers see the old bytes or the new, never a mix. */
  set(key: string, value: Uint8Array): Promise<void>;
  /** Removes `key`; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Stores `value` at `key` only if `key` does not exist yet, atomically (two callers racing: exactly
   * one gets true). Returns true when it created the key, false when the key already existed.
   * Atomic where the backend allows it (LocalStore: link(2); MemoryStore; S3: If-None-Match). Used
   * to claim an output (see checkpoint/). Optional: stores without it get a check-then-write.
   */
  setIfAbsent?(key: string, value: Uint8Array): Promise<boolean>;
  /**
   * Set by stores that a worker thread can write chunks to itself, with blocking calls, from this
   * description alone (LocalStore: its root), as atomically as `set`. Chunk writes then never pass
   * through this thread; a store whose `set` does more (a subclass, a proxy) must not say so.
   */
  readonly threadWrites?: ThreadStore;
  /**
   * Removes temporary files left by writes that never finished (a killed process). Only for stores
   * that make them (LocalStore); safe only while nothing writes to the store, or, with `olderThan`,
   * only files last modified before that instant go (those of runs that ended before it). Returns
   * how many.
   */
  removeTemporaryFiles?(olderThan?: Date): Promise<number>;
}

/**
 * A byte-range source: "read bytes at an offset" of something with a size. Zip/.ozx stores read
 * their archive through one (a local file or bytes in memory: store/source.ts; a URL read with HTTP
 * ranges: `httpSource`; an object in a bucket: `S3Store.source`), and so do the file readers in
 * sources/ (TIFF, NIfTI, NRRD, npy, raw, PNG; a gzip stream through its decompressed copy).
 */
export interface ByteSource {
  /** Where the bytes come from (a path or URL), for messages. */
  readonly description: string;
  /** Total size in bytes. */
  size(): Promise<number>;
  /**
   * Exactly `length` bytes starting at `offset`, into `into` when given (else a new array). A range
   * past the end is a StoreError naming the source: the data is truncated or a header is wrong.
   */
  read(offset: number, length: number, into?: Uint8Array): Promise<Uint8Array>;
  /** Releases the source (closes a file handle). */
  close(): Promise<void>;
}

export interface ListableStore {
  /** Every key under `prefix` ("" for all), as full keys. */
  list(prefix?: string): Promise<string[]>;
  /** The direct children of `prefix`: keys (files) and prefixes (folders), as names relative to it. */
  listDir(prefix?: string): Promise<{ keys: string[]; prefixes: string[] }>;
}

/** A store that can also remove everything under a prefix (used by `overwrite`). */
export interface DeletableStore {
  deletePrefix(prefix: string): Promise<void>;
}

export type Store = ReadableStore &
  Partial<WritableStore> &
  Partial<ListableStore> &
  Partial<DeletableStore> & {
    /** Flushes and releases resources (zip writers finalise their central directory here). */
    close?(): Promise<void>;
  };

export function isWritable(store: Store): store is Store & WritableStore {
  return typeof store.set === "function" && typeof store.delete === "function";
}

/**
 * `store` as a writable store, or a StoreError saying it is read-only (`what`: the
 * operation, for the message). The one place where "is this store writable?" becomes a type.
 */
export function requireWritable(store: Store, what = "the store is read-only"): Store & WritableStore {
  if (!isWritable(store)) throw new StoreError(what, { store: store.description });
  return store;
}

export function isListable(store: Store): store is Store & ListableStore {
  return typeof store.list === "function" && typeof store.listDir === "function";
}
