/** Messages between the pool and its workers. */

import type { NDArray } from "../ndarray.js";
import type { ChunkSource, ChunkTarget, DecodeTarget, PipelineDescriptor } from "./descriptor.js";

export type { ChunkSource, ChunkTarget, DecodeTarget };

export type TaskRequest =
  | { id: number; op: "encode"; desc: PipelineDescriptor; chunk: NDArray }
  | { id: number; op: "encodeStore"; desc: PipelineDescriptor; chunk: NDArray; target: ChunkTarget }
  | { id: number; op: "store"; pieces: Uint8Array[]; target: ChunkTarget }
  | { id: number; op: "decode"; desc: PipelineDescriptor; bytes: Uint8Array }
  | ({ id: number; op: "decodeInto"; desc: PipelineDescriptor; source: ChunkSource } & DecodeTarget)
  | { id: number; op: "call"; module: string; fn: string; args: unknown[] };

export type TaskResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  /** A CorruptChunkError's or StoreError's key. */
  key?: string;
  stack?: string;
  /** The error's other own fields that survive structured cloning (store, codec, direction, issues, ...). */
  fields?: Record<string, unknown>;
}

/** The buffers of typed arrays in `value` that can be moved (not copied) to another thread. */
export function transferablesOf(...arrays: Array<ArrayBufferView | undefined>): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const a of arrays) {
    if (a && a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength) {
      if (!out.includes(a.buffer)) out.push(a.buffer);
    }
  }
  return out;
}

/**
 * A typed array that owns its whole buffer, so posting it copies/moves only its own bytes
 * (structured clone of a view clones the *entire* underlying buffer, e.g. Node's 8 KiB Buffer pool).
 * A view on shared memory is returned as it is: posting it shares the memory and copies nothing.
 */
export function compact<T extends ArrayBufferView>(a: T): T {
  if (isShared(a)) return a;
  if (a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer) return a;
  const ctor = a.constructor as new (x: T) => T;
  return new ctor(a);
}

/**
 * Buffers of every typed array inside `value` (objects and arrays walked) that own their whole
 * buffer: results of compute functions are moved back to the caller, not copied.
 */
export function collectTransferables(value: unknown, out: ArrayBuffer[] = []): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    out.push(...transferablesOf(value).filter((b) => !out.includes(b)));
  } else if (Array.isArray(value)) {
    for (const v of value) collectTransferables(v, out);
  } else if (value && typeof value === "object") {
    for (const v of Object.values(value)) collectTransferables(v, out);
  }
  return out;
}

/** Whether `a` is a view on a SharedArrayBuffer (which threads share instead of copying or moving). */
export function isShared(a: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== "undefined" && a.buffer instanceof SharedArrayBuffer;
}

/**
 * Encoded bytes safe to keep once the chunk's buffer is reused: bytes that are a view of a chunk on
 * shared memory (no compressor) are copied, or the next chunk cut into that buffer would change them.
 */
export function detachedFrom(encoded: Uint8Array, chunk: ArrayBufferView): Uint8Array {
  return isShared(chunk) && encoded.buffer === chunk.buffer ? encoded.slice() : encoded;
}
