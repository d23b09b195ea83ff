/**
 * A codec pipeline described as plain JSON, so that a worker thread can rebuild the same pipeline
 * the array uses. Pipelines are cached by `key` on both sides.
 */
import { CodecPipeline } from "../codecs/pipeline.js";
import type { ChunkSpec, V2CodecJSON, V3CodecJSON } from "../codecs/types.js";
import type { ArrayDataType } from "../dtype/index.js";
import { CodecError } from "../errors.js";
import { copyStrided, type StridedView } from "../indexing/copy.js";
import type { NDArray } from "../ndarray.js";
import { readInThread, writeInThread } from "../store/thread-io.js";
import type { ThreadStore } from "../store/types.js";

export type PipelineDescriptor =
  | {
      key: string;
      format: 2;
      spec: ChunkSpec;
      v2: { dtype: string; order: "C" | "F"; filters: V2CodecJSON[] | null; compressor: V2CodecJSON | null };
    }
  | { key: string; format: 3; spec: ChunkSpec; codecs: V3CodecJSON[] };

/** `Omit` applied to each member of a union (plain `Omit` collapses the union to its common keys). */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export function describePipeline(desc: DistributiveOmit<PipelineDescriptor, "key">): PipelineDescriptor {
  const { spec } = desc;
  const body = desc.format === 2 ? desc.v2 : desc.codecs;
  const key = JSON.stringify([
    desc.format,
    spec.shape,
    spec.dataType,
    String(spec.fillValue),
    spec.fixedWidth ?? null,
    body,
  ]);
  return { ...desc, key } as PipelineDescriptor;
}

const cache = new Map<string, CodecPipeline>();

/** The pipeline for a descriptor, built once per thread. */
export function pipelineFor(desc: PipelineDescriptor): CodecPipeline {
  let p = cache.get(desc.key);
  if (!p) {
    p =
      desc.format === 2
        ? CodecPipeline.fromV2(desc.v2, desc.spec)
        : CodecPipeline.fromV3(desc.codecs, desc.spec);
    if (cache.size > 256) cache.clear();
    cache.set(desc.key, p);
  }
  return p;
}

/**
 * Where a decoded chunk goes: `counts` elements per axis, read from the decoded chunk at
 * `from` (element offset and strides) and written into `into`, a typed array on shared memory
 * (a SharedArrayBuffer) that the caller reads once every task is done.
 */
export interface DecodeTarget {
  into: StridedView;
  from: { offset: number; strides: number[] };
  counts: number[];
  lanes: number;
}

/**
 * A chunk to decode: its bytes, or where the decoding thread reads them itself (a store's
 * `threadReads`, the key, and for an inner chunk of a shard its byte range).
 */
export type ChunkSource =
  | Uint8Array
  | { store: ThreadStore; key: string; range?: { offset: number; length: number } };

/** Where an encoding thread stores the chunk itself: a store's `threadWrites` and the chunk's key. */
export interface ChunkTarget {
  store: ThreadStore;
  key: string;
}

/** Encodes a chunk and stores it where `target` says, on this thread; resolves to its encoded size. */
export async function encodeToStore(
  desc: PipelineDescriptor,
  chunk: NDArray,
  target: ChunkTarget,
): Promise<number> {
  const bytes = await pipelineFor(desc).encode(chunk);
  writeInThread(target.store, target.key, bytes);
  return bytes.length;
}

/**
 * Reads the chunk if `source` says where (see ChunkSource), then `decodeInto`; false when the chunk
 * does not exist (nothing is copied: the caller fills its part with the fill value).
 */
export async function decodeSourceInto(
  desc: PipelineDescriptor,
  source: ChunkSource,
  t: DecodeTarget,
): Promise<boolean> {
  if (source instanceof Uint8Array) {
    await decodeInto(desc, source, t);
    return true;
  }
  // read into a reused buffer: a new one per chunk was a zero-filled allocation (and its page
  // faults) that cost the reading thread a tenth of a 128^3 box read
  const held = readBuffers.pop();
  const bytes = readInThread(source.store, source.key, held, source.range);
  if (!bytes) {
    if (held) keep(readBuffers, held);
    return false;
  }
  try {
    checkRangeRead(bytes, source.range);
    await decodeInto(desc, bytes, t);
  } finally {
    keep(readBuffers, held && bytes.buffer === held.buffer ? held : new Uint8Array(bytes.buffer));
  }
  return true;
}

/** Checks that a read of `range` (an inner chunk of a shard) got all of it: a short one means the shard ended early. */
export function checkRangeRead(
  bytes: Uint8Array,
  range: { offset: number; length: number } | undefined,
): void {
  if (range && bytes.length !== range.length) {
    throw new CodecError(
      `sharding: shard ended early: wanted ${range.length} bytes at ${range.offset}, got ${bytes.length}`,
    );
  }
}

/** Buffers a worker reads chunks into, and decodes them into before their part is copied out. */
const readBuffers: Uint8Array[] = [];
const scratch: Uint8Array[] = [];
/** Kept for reuse: a few, and only up to this size (bigger chunks are rare and costly to hold). */
const SCRATCH_KEPT = 4;
const SCRATCH_MAX_BYTES = 8 * 2 ** 20;

/**
 * Gives a buffer back to this thread's `free` list. Buffers are taken and given back per call, so
 * calls that interleave at their awaits never share one.
 */
function keep(free: Uint8Array[], buffer: Uint8Array): void {
  if (free.length < SCRATCH_KEPT && buffer.byteLength <= SCRATCH_MAX_BYTES) free.push(buffer);
}

/**
 * Decodes a chunk and copies the part `t` names into the read's output. The chunk is decoded into a
 * reused scratch buffer: a new chunk-sized array per chunk is garbage that made the workers collect
 * (and zero-fill) 512 KiB per 64^3 chunk.
 */
export async function decodeInto(
  desc: PipelineDescriptor,
  bytes: Uint8Array,
  t: DecodeTarget,
): Promise<void> {
  const pipeline = pipelineFor(desc);
  const size = pipeline.decodedByteLength;
  if (size === undefined || size > SCRATCH_MAX_BYTES) return copyInto(await pipeline.decode(bytes), t);
  let buffer = scratch.pop();
  if (!buffer || buffer.length < size) buffer = new Uint8Array(size);
  try {
    copyInto(await pipeline.decode(bytes, buffer), t);
  } finally {
    keep(scratch, buffer);
  }
}

/** Copies the part of a decoded chunk that a read needs into its place in the read's output. */
export function copyInto(chunk: NDArray<ArrayDataType>, t: DecodeTarget): void {
  copyStrided(
    { data: chunk.data, offset: t.from.offset, strides: t.from.strides },
    t.into,
    t.counts,
    t.lanes,
  );
}
