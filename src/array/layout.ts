/**
 * What the array engine needs to know about an array, whatever its Zarr version: shape, data type,
 * fill value, the storage grid (chunks, or shards when sharded), the chunk key encoding, and the
 * codec pipeline as a worker-transferable descriptor.
 */

import type { V3CodecJSON } from "../codecs/types.js";
import { describePipeline, type PipelineDescriptor } from "../concurrency/descriptor.js";
import type { ArrayDataType, ArrayScalar } from "../dtype/index.js";
import type { ArraySpec as ArraySpecV2 } from "../metadata/v2.js";
import type { ArraySpec as ArraySpecV3 } from "../metadata/v3.js";
import type { ChunkKeyEncoding } from "./chunk-key.js";

export interface ArrayLayout {
  zarrFormat: 2 | 3;
  shape: number[];
  dataType: ArrayDataType;
  fillValue: ArrayScalar | null;
  /** Shape of one stored object: the chunk, or the shard when sharded. */
  gridShape: number[];
  /** Shape of the chunks inside a shard (equal to gridShape when not sharded). */
  chunkShape: number[];
  sharded: boolean;
  keyEncoding: ChunkKeyEncoding;
  pipeline: PipelineDescriptor;
  /**
   * The pipeline of one inner chunk, when the array is sharded and sharding is its only codec (so
   * a shard is exactly its inner chunks plus the index): writers encode the inner chunks of a
   * shard as tasks of their own and assemble the shard (ShardingCodec.assemble).
   */
  innerPipeline?: PipelineDescriptor;
}

export function layoutOf(spec: ArraySpecV2 | ArraySpecV3): ArrayLayout {
  const width = spec.fixedWidth ? { fixedWidth: spec.fixedWidth } : {};
  if (spec.zarr_format === 2) {
    return {
      zarrFormat: 2,
      shape: spec.shape,
      dataType: spec.dataType,
      fillValue: spec.fillValue,
      gridShape: spec.chunks,
      chunkShape: spec.chunks,
      sharded: false,
      keyEncoding: { name: "v2", separator: spec.dimension_separator },
      pipeline: describePipeline({
        format: 2,
        spec: { shape: spec.chunks, dataType: spec.dataType, fillValue: spec.fillValue, ...width },
        v2: { dtype: spec.dtype, order: spec.order, filters: spec.filters, compressor: spec.compressor },
      }),
    };
  }
  const grid = spec.chunkShape;
  const first = spec.codecs[0];
  const sharded = first?.name === "sharding_indexed";
  const inner = sharded ? (first.configuration?.chunk_shape as number[]) : grid;
  return {
    zarrFormat: 3,
    shape: spec.shape,
    dataType: spec.dataType,
    fillValue: spec.fillValue,
    gridShape: grid,
    chunkShape: inner,
    sharded,
    keyEncoding: {
      name: spec.chunk_key_encoding.name,
      separator: spec.chunk_key_encoding.configuration.separator,
    },
    pipeline: describePipeline({
      format: 3,
      spec: { shape: grid, dataType: spec.dataType, fillValue: spec.fillValue, ...width },
      codecs: spec.codecs,
    }),
    innerPipeline:
      sharded && spec.codecs.length === 1
        ? describePipeline({
            format: 3,
            spec: { shape: inner, dataType: spec.dataType, fillValue: spec.fillValue, ...width },
            codecs: first.configuration?.codecs as V3CodecJSON[],
          })
        : undefined,
  };
}
