/** Browser flavour of thread-reads.ts: no store reads in threads here (no LocalStore). */
import { UnsupportedError } from "../errors.js";
import type { ThreadReadable } from "./types.js";

export function readInThread(ref: ThreadReadable, _key: string): Uint8Array | undefined {
  throw new UnsupportedError(`a ${ref.kind} store cannot be read in a browser`);
}
