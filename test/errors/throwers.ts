/** Functions a worker thread runs in test/errors/transport.test.ts: each throws one library error. */
import { StoreError } from "../../src/errors.js";

export function throwStoreError(key: string, store: string): never {
  throw new StoreError(`cannot read ${key} from ${store}: disk on fire`, { key, store });
}
