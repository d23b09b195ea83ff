/** Pieces the v2 and v3 specs share: attributes, shape/chunk rules, default chunk choice. */
import { z } from "zod";
import { type ArrayDataType, itemSize } from "../dtype/index.js";
import type { Issue } from "../errors.js";

// biome-ignore lint/suspicious/noExplicitAny: attributes are arbitrary JSON
export type Attributes = Record<string, any>;

export const attributesSchema = z.record(z.string(), z.unknown());

/** A short description of a JSON value for messages: `"abc"`, `12`, `a list`, `null`. */
export function describeJSON(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  if (typeof v === "bigint") return String(v);
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}

/** A fill value error without the repeated field name (the issue's path already says `fill_value`). */
export function fillValueMessage(e: unknown): string {
  return (e as Error).message.replace(/^fill_value /, "");
}

/**
 * len(chunks) == len(shape), checked on the raw values (lists whose entries may be invalid, which
 * the schema reports itself) so that a wrong count and a wrong entry are reported together.
 */
export function checkShapeAndChunks(shape: unknown, chunks: unknown, chunksPath: string): Issue[] {
  if (!Array.isArray(shape) || !Array.isArray(chunks)) return [];
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
/** What a string is taken to weigh when chunks are chosen (its length is not known up front). */
const STRING_ITEM_BYTES = 16;

/**
 * Default chunk shape: the array's shape, halving the largest axis until a chunk is at most 2 MiB
 * (a 64^3 uint16 or 128^3 uint8 chunk), like zarr-python's guess but biased to cubes for volumes.
 */
export function guessChunks(shape: readonly number[], dataType: ArrayDataType): number[] {
  const chunks = shape.map((s) => Math.max(1, s));
  const item = dataType === "string" ? STRING_ITEM_BYTES : itemSize(dataType);
  const bytes = () => chunks.reduce((a, b) => a * b, item);
  while (bytes() > TARGET_CHUNK_BYTES) {
    let largest = 0;
    for (let i = 1; i < chunks.length; i++) if (chunks[i] > chunks[largest]) largest = i;
    if (chunks[largest] === 1) break;
    chunks[largest] = Math.ceil(chunks[largest] / 2);
  }
  return chunks;
}
