/** Browser flavour of thread-io.ts: no store reads or writes in threads here (no LocalStore). */
import { UnsupportedError } from "../errors.js";
import type { ReadableStore, ThreadStore, WritableStore } from "./types.js";

export function readInThread(ref: ThreadStore, _key: string): Uint8Array | undefined {
  throw new UnsupportedError(`a ${ref.kind} store cannot be read in a browser`);
}

export function writeInThread(
  ref: ThreadStore,
  _key: string,
  _value: Uint8Array | readonly Uint8Array[],
): void {
  throw new UnsupportedError(`a ${ref.kind} store cannot be written in a browser`);
}

export function passThrough<F extends object>(fn: F): F {
  return fn;
}

export function threadReadsOf(_store: ReadableStore): ThreadStore | undefined {
  return undefined;
}

export function threadWritesOf(_store: WritableStore): ThreadStore | undefined {
  return undefined;
}
