/** Pieces the v2 and v3 specs share: attributes, shape/chunk rules, default chunk choice. */
import { z } from "zod";
import { type DataType, itemSize } from "../dtype/index.js";
import type { Issue } from "../errors.js";

// biome-ignore lint/suspicious/noExplicitAny: attributes are arbitrary JSON
export type Attributes = Record<string, any>;

export const attributesSchema = z.record(z.string(), z.unknown());

/** len(chunks) == len(shape); the caller's schema already checked positivity. */
export function checkShapeAndChunks(shape: number[], chunks: number[], chunksPath: string): Issue[] {
  if (shape.length !== chunks.length) {
    return [
      {
        path: chunksPath,
        message: `has ${chunks.length} dimensions but shape has ${shape.length}; they must have the same length`,
      },
    ];
  }
  return [];
}

/** Upper bound for automatically chosen chunks: big enough to compress well, small enough to stream. */
const TARGET_CHUNK_BYTES = 2 * 2 ** 20;

/**
 * Default chunk shape: the array's shape, halving the largest axis until a chunk is at most 2 MiB
 * (a 64^3 uint16 or 128^3 uint8 chunk), like zarr-python's guess but biased to cubes for volumes.
 */
export function guessChunks(shape: readonly number[], dataType: DataType): number[] {
  const chunks = shape.map((s) => Math.max(1, s));
  const bytes = () => chunks.reduce((a, b) => a * b, itemSize(dataType));
  while (bytes() > TARGET_CHUNK_BYTES) {
    let largest = 0;
    for (let i = 1; i < chunks.length; i++) if (chunks[i] > chunks[largest]) largest = i;
    if (chunks[largest] === 1) break;
    chunks[largest] = Math.ceil(chunks[largest] / 2);
  }
  return chunks;
}
