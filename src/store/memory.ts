/** A store held in a Map: for tests, small in-memory hierarchies, and the browser. */
import { validateKey } from "./keys.js";
import { childrenOf, keysUnder } from "./listing.js";
import { checkRange, sliceRange } from "./range.js";
import type { DeletableStore, ListableStore, RangeQuery, WritableStore } from "./types.js";

export type MemoryEntries = Map<string, Uint8Array> | Record<string, Uint8Array>;

export class MemoryStore implements WritableStore, ListableStore, DeletableStore {
  readonly description = "memory";
  readonly #data = new Map<string, Uint8Array>();

  /** `initial` entries are copied in; their keys are validated like any `set`. */
  constructor(initial?: MemoryEntries) {
    const entries = initial instanceof Map ? initial.entries() : Object.entries(initial ?? {});
    for (const [key, value] of entries) this.#data.set(validateKey(key), value.slice());
  }

  /** The number of keys held. */
  get size(): number {
    return this.#data.size;
  }

  /** Returns a view of the stored bytes (no copy): treat it as read-only. */
  async get(key: string, range?: RangeQuery): Promise<Uint8Array | undefined> {
    validateKey(key);
    if (range) checkRange(range, key);
    const value = this.#data.get(key);
    return value && sliceRange(value, range);
  }

  async has(key: string): Promise<boolean> {
    return this.#data.has(validateKey(key));
  }

  /** Stores a copy, so later changes to `value` by the caller do not leak into the store. */
  async set(key: string, value: Uint8Array): Promise<void> {
    this.#data.set(validateKey(key), value.slice());
  }

  async setIfAbsent(key: string, value: Uint8Array): Promise<boolean> {
    if (this.#data.has(validateKey(key))) return false;
    this.#data.set(key, value.slice());
    return true;
  }

  async delete(key: string): Promise<void> {
    this.#data.delete(validateKey(key));
  }

  async list(prefix = ""): Promise<string[]> {
    return keysUnder(this.#data.keys(), prefix);
  }

  async listDir(prefix = ""): Promise<{ keys: string[]; prefixes: string[] }> {
    return childrenOf(this.#data.keys(), prefix);
  }

  async deletePrefix(prefix: string): Promise<void> {
    for (const key of keysUnder(this.#data.keys(), prefix)) this.#data.delete(key);
  }

  async close(): Promise<void> {}
}
