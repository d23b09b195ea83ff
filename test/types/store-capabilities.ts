/**
 * Type-level test (checked by `npm run typecheck`, never run): store capabilities are types, so
 * writing to a read-only store is a compile error. Each `@ts-expect-error` fails the typecheck if
 * the line below it ever compiles.
 */
import {
  HttpStore,
  isWritable,
  MemoryStore,
  type ReadableStore,
  type Store,
  type WritableStore,
} from "../../src/index.js";

export async function capabilities(): Promise<void> {
  const bytes = new Uint8Array(1);
  const http = new HttpStore("http://localhost:1/");
  // @ts-expect-error HttpStore is read-only: it has no set
  await http.set("a", bytes);
  // @ts-expect-error nor delete
  await http.delete("a");
  // @ts-expect-error and it is not a WritableStore
  const w: WritableStore = http;
  void w;
  const r: ReadableStore = http;
  await r.get("a");

  // "some store" may be read-only: writing needs narrowing first
  const some: Store = Math.random() > 0.5 ? http : new MemoryStore();
  // @ts-expect-error set is optional on Store
  await some.set("a", bytes);
  if (isWritable(some)) await some.set("a", bytes);

  // a writable store writes without `!` or casts
  const memory: WritableStore = new MemoryStore();
  await memory.set("a", bytes);
  await memory.delete("a");
}
