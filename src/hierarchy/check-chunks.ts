/**
 * Reading back every stored chunk of a hierarchy (`zarrsmith validate --data`): metadata can be
 * valid while a chunk is truncated or corrupt, and only decoding it tells.
 */
import { ZarrArray } from "../array/zarr-array.js";
import { forEachLimit } from "../concurrency/limit.js";
import { ZarrsmithError } from "../errors.js";
import { gridCoords } from "../indexing/grid.js";
import type { Store } from "../store/types.js";
import { open } from "./open.js";
import { arraysUnder } from "./walk.js";

/** A stored chunk (shard) that does not decode. */
export interface ChunkProblem {
  /** The chunk's store key. */
  path: string;
  message: string;
}

export interface CheckChunksOptions {
  /** No new chunk is read once aborted; the abort reason is thrown. */
  signal?: AbortSignal;
  /** Called after each chunk, with the number checked and the total over all arrays. */
  onProgress?: (done: number, total: number) => void;
}

export interface CheckChunksResult {
  /** The chunks that failed, sorted by key (numbers in keys compared as numbers). */
  errors: ChunkProblem[];
  /** Arrays at or below the root. */
  arrays: number;
  /** Chunks read. */
  checked: number;
}

/** Chunk reads in flight at once: enough to hide store latency, few enough to bound memory. */
const CONCURRENT_READS = 8;

/**
 * Reads and decodes every stored chunk (shard) of every array at the root of `store` or below it;
 * a chunk that fails (truncated, corrupt, wrong size) is a problem naming its key. Missing chunks
 * are fine: they read as the fill value.
 */
export async function checkChunks(
  store: Store,
  options: CheckChunksOptions = {},
): Promise<CheckChunksResult> {
  const { signal, onProgress } = options;
  const node = await open(store, "");
  const arrays = node instanceof ZarrArray ? [node] : await arraysUnder(node);
  const grids = arrays.map((a) => a.shape.map((s, i) => Math.ceil(s / a.storageChunkShape[i])));
  const total = grids.reduce((t, g) => t + g.reduce((p, n) => p * n, 1), 0);
  const errors: ChunkProblem[] = [];
  let checked = 0;
  for (let k = 0; k < arrays.length; k++) {
    const array = arrays[k];
    await forEachLimit(
      gridCoords(grids[k]),
      CONCURRENT_READS,
      async (coords) => {
        try {
          await array.readChunk(coords, { signal });
        } catch (e) {
          if (!(e instanceof ZarrsmithError)) throw e; // CorruptChunkError is one
          const reason = e.message.replace(/\s*\n\s*/g, " ").replace(/^Corrupt chunk "[^"]*": /, "");
          errors.push({
            path: array.chunkKey(coords),
            message: `the stored chunk does not decode: ${reason}`,
          });
        }
        onProgress?.(++checked, total);
      },
      signal,
    );
  }
  errors.sort((a, b) => a.path.localeCompare(b.path, "en", { numeric: true }));
  return { errors, arrays: arrays.length, checked };
}
