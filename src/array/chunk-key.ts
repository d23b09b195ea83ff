/** Chunk key encodings: where the chunk at grid coordinates (i, j, k) is stored. */

export type ChunkKeyEncoding =
  | { name: "default"; separator: "/" | "." } // v3: c/0/1/2
  | { name: "v2"; separator: "/" | "." }; // v2 and v3's "v2": 0.1.2 (or 0/1/2)

export function chunkKey(encoding: ChunkKeyEncoding, coords: readonly number[]): string {
  if (encoding.name === "default")
    return coords.length === 0 ? "c" : `c${encoding.separator}${coords.join(encoding.separator)}`;
  return coords.length === 0 ? "0" : coords.join(encoding.separator);
}
