/**
 * Codec stages, after the Zarr v3 model: array→array (transpose, v2 filters), array→bytes
 * (bytes, sharding_indexed) and bytes→bytes (compressors, checksums). A chunk is encoded by running
 * the stages in order and decoded by running them backwards; see `pipeline.ts`.
 * Zarr v2's compressor + filters + order + dtype endianness map onto the same stages.
 */
import type { ArrayDataType, ArrayScalar } from "../dtype/index.js";
import type { FixedWidthStrings } from "../dtype/strings.js";
import type { NDArray } from "../ndarray.js";
import type { RangeQuery } from "../store/types.js";

/** What a stage receives: the decoded chunk's shape, data type and fill value. */
export interface ChunkSpec {
  shape: number[];
  dataType: ArrayDataType;
  fillValue: ArrayScalar | null;
  /**
   * For fixed-width string types (v2 `<U7`/`|S7`, v3 `fixed_length_utf32`): the width of an item,
   * which the `bytes` stage needs and the data type name "string" does not say.
   */
  fixedWidth?: FixedWidthStrings;
}

/** A v2 codec configuration as stored in `.zarray` (`compressor`, `filters[]`): `{ id, ...config }`. */
export interface V2CodecJSON {
  id: string;
  [key: string]: unknown;
}

/** A v3 codec as stored in `zarr.json` `codecs[]`: `{ name, configuration }`. */
export interface V3CodecJSON {
  name: string;
  configuration?: Record<string, unknown>;
}

type MaybePromise<T> = T | Promise<T>;

export interface ArrayToArrayCodec {
  readonly kind: "array_to_array";
  /** The spec of what this stage outputs, given what it receives (transpose permutes the shape). */
  encodedSpec(spec: ChunkSpec): ChunkSpec;
  // (typed as numbers: of these only transpose runs on strings, and it moves elements of any kind)
  encode(array: NDArray, spec: ChunkSpec): MaybePromise<NDArray>;
  decode(array: NDArray, spec: ChunkSpec): MaybePromise<NDArray>;
  toJSON(): V3CodecJSON;
}

export interface ArrayToBytesCodec {
  readonly kind: "array_to_bytes";
  encode(array: NDArray<ArrayDataType>, spec: ChunkSpec): MaybePromise<Uint8Array>;
  decode(bytes: Uint8Array, spec: ChunkSpec): MaybePromise<NDArray<ArrayDataType>>;
  /** The most bytes a valid encoding of a `spec` chunk takes; undefined when unbounded (strings). */
  maxEncodedSize?(spec: ChunkSpec): number | undefined;
  /** Throws (an UnsupportedError) when this codec only decodes; absent when it encodes too. */
  checkEncodable?(): void;
  toJSON(): V3CodecJSON;
}

export interface BytesToBytesCodec {
  readonly kind: "bytes_to_bytes";
  encode(bytes: Uint8Array): MaybePromise<Uint8Array>;
  /**
   * `maxLength`: the most bytes a valid chunk can decode to here (the pipeline derives it from the
   * chunk's size). Decompressors stop and throw a CodecError once past it, before producing the rest.
   * `into`: a buffer the result may be written to when it fits (the result is then a view of it), so
   * that a thread decoding chunk after chunk reuses one buffer; codecs may ignore it.
   */
  decode(bytes: Uint8Array, maxLength?: number, into?: Uint8Array): MaybePromise<Uint8Array>;
  toJSON(): V3CodecJSON;
}

export type Codec = ArrayToArrayCodec | ArrayToBytesCodec | BytesToBytesCodec;

/** A built chunk pipeline, as a codec that nests codec lists (sharding) uses it. */
export interface ChunkPipeline {
  encode(chunk: NDArray): Promise<Uint8Array>;
  decode(bytes: Uint8Array): Promise<NDArray>;
  maxEncodedSize(): number | undefined;
}

/**
 * Builds the pipeline of a v3 codec list. Handed to codecs that nest codec lists (sharding, as
 * zarr-python's sharding asks for the pipeline at run time), so they need not import the pipeline.
 */
export type PipelineBuilder = (codecs: V3CodecJSON[], spec: ChunkSpec) => ChunkPipeline;

/** Reads a byte range of one stored object (a shard); undefined when the object does not exist. */
export type RangeReader = (range?: RangeQuery) => Promise<Uint8Array | undefined>;
