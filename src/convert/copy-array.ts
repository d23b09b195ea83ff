/**
 * `copyArray`: streams any region-readable source (an image file, a ZarrArray, anything with
 * shape/dtype/read) into one new Zarr array, block by block, resumable. Claiming the output and
 * resuming it go through checkpoint/ — the same run record pyramid.write uses.
 */

import { ZarrArray } from "../array/zarr-array.js";
import { claimOutput, clearExcept } from "../checkpoint/index.js";
import type { V2CodecJSON } from "../codecs/types.js";
import { resolvePool, type WorkerPool } from "../concurrency/pool.js";
import { type DataType, itemSize } from "../dtype/index.js";
import { stringifyJSON } from "../dtype/json.js";
import { UnsupportedError } from "../errors.js";
import { writeArrayMetadata } from "../hierarchy/create.js";
import { describeExistingNode } from "../hierarchy/metadata-io.js";
import { clipChunks, clipShards } from "../indexing/grid.js";
import { slice } from "../indexing/selection.js";
import { ArraySpec as ArraySpecV2 } from "../metadata/v2.js";
import { ArraySpec as ArraySpecV3 } from "../metadata/v3.js";
import { product } from "../ndarray.js";
import { checkPlan, checkShardMemory, inputChunks } from "../pyramid/plan-guard.js";
import type { RegionSource } from "../pyramid/types.js";
import type { Store } from "../store/types.js";

export interface CopyArrayOptions {
  /** Array path inside the target store. Default "" (the root). */
  path?: string;
  /** Zarr format of the new array. Default 2. */
  zarrVersion?: 2 | 3;
  /** Chunk shape (clipped to the source's shape). Default 64 per axis. */
  chunks?: number[];
  /** Shard shape (Zarr v3 only). */
  shards?: number[];
  /** Compressor, e.g. `codecs.Zstd({ level: 5 })`; null for none. Default none. */
  codec?: V2CodecJSON | null;
  /** Axis names stored with the array; default the source's `axes`. */
  dimensionNames?: readonly string[];
  /** Bytes of source data read at once (blocks are whole storage chunks). Default 256 MiB. */
  memoryTarget?: number;
  /** Worker pool or thread count for encoding; default the shared pool. */
  workers?: WorkerPool | number;
  /** Replace an existing array, or an unfinished run with other settings. */
  overwrite?: boolean;
  /** Copy even a plan that `checkPlan` calls absurd (more than MAX_PLAN_CHUNKS chunks read or written). */
  force?: boolean;
  /**
   * What identifies the source beyond its shape and data type (e.g. its file name): a re-run
   * resumes only an output written from the same source with the same settings.
   */
  sourceId?: string;
  /** Stops the copy between blocks (the output stays resumable). */
  signal?: AbortSignal;
  /** Called after each finished block. */
  onProgress?(progress: { done: number; total: number }): void;
}

export interface CopyArrayResult {
  array: ZarrArray;
  /** Blocks the copy was cut into. */
  blocks: number;
  /** Blocks an earlier, interrupted run had already written (skipped). */
  resumedBlocks: number;
  seconds: number;
}

/** A ZarrArray read as a region source (what pyramid.write and copyArray take); numbers only. */
export function arraySource(
  array: ZarrArray,
  options: { signal?: AbortSignal; workers?: WorkerPool | number } = {},
): RegionSource {
  if (!array.isNumeric()) {
    throw new UnsupportedError(
      `${array.path || "/"} holds strings; region sources (pyramids, conversion) read numeric arrays`,
    );
  }
  return {
    shape: array.shape,
    dtype: array.dtype,
    storageChunkShape: array.storageChunkShape,
    read: (region) =>
      array.get(
        region.map(([a, b]) => slice(a, b)),
        options,
      ),
  };
}

/**
 * The blocks a copy streams: whole storage chunks (shards), grown along the fastest axes first
 * (contiguous reads for TIFF/raw) while a block stays within `budget` bytes.
 */
export function blockShape(shape: number[], grid: number[], dtype: DataType, budget: number): number[] {
  const block = grid.map((g, i) => Math.min(g, shape[i]));
  for (let i = shape.length - 1; i >= 0; i--) {
    const rest = product(block) / block[i];
    const fit = Math.floor(budget / (rest * itemSize(dtype)) / grid[i]) * grid[i];
    if (fit >= shape[i]) block[i] = shape[i];
    else {
      block[i] = Math.max(block[i], fit);
      break;
    }
  }
  return block;
}

/**
 * Copies `source` into a new Zarr array at `options.path` of `store`, block by block. An output left
 * by an interrupted run with the same settings is resumed; one being written by a live run is
 * refused (OutputBusyError); an existing array is refused unless `overwrite` (ExistsError).
 */
export async function copyArray(
  source: RegionSource | ZarrArray,
  store: Store,
  options: CopyArrayOptions = {},
): Promise<CopyArrayResult> {
  const started = performance.now();
  const src = source instanceof ZarrArray ? arraySource(source, { signal: options.signal }) : source;
  const path = options.path ?? "";
  const axes = options.dimensionNames ?? src.axes;
  const chunks = clipChunks(options.chunks ?? src.shape.map(() => 64), src.shape);
  const codec = options.codec ?? null;
  // the objects written: shards when sharded (Zarr v3), else chunks
  const shards =
    (options.zarrVersion ?? 2) !== 2 && options.shards
      ? clipShards(options.shards, chunks, src.shape)
      : undefined;
  const spec =
    (options.zarrVersion ?? 2) === 2
      ? ArraySpecV2.parse({
          shape: src.shape,
          dtype: src.dtype,
          chunks,
          compressor: codec,
          dimension_separator: "/",
          ...(axes ? { attributes: { _ARRAY_DIMENSIONS: [...axes] } } : {}),
        })
      : ArraySpecV3.create({
          shape: src.shape,
          data_type: src.dtype,
          chunks,
          shards,
          compressor: codec,
          dimension_names: axes ? [...axes] : undefined,
        });
  checkPlan({
    outputs: [{ shape: src.shape, chunks, shards }],
    input: inputChunks(source),
    force: options.force,
  });
  // a block is at least one shard, and takes about 4x its bytes (the budget below is a quarter)
  checkShardMemory({
    levels: [{ shape: src.shape, chunks, shards, factors: src.shape.map(() => 1) }],
    dtype: src.dtype,
    method: "nearest",
    memoryTarget: options.memoryTarget,
    overhead: 4,
  });
  const fingerprint = stringifyJSON({ spec: spec.toJSON(), source: options.sourceId });
  const checkpoint = await claimOutput(store, path, {
    fingerprint,
    overwrite: options.overwrite,
    existing: () => describeExistingNode(store, path),
    clear: (keep) => clearExcept(store, path, keep),
  });
  let array: ZarrArray;
  if (checkpoint.resumed) {
    await writeArrayMetadata(store, path, spec); // the dead run may have died before writing it
    array = new ZarrArray(store, path, spec);
  } else {
    array = await spec.toZarr(store, path);
  }
  const { pool, owned } = resolvePool(options.workers);
  const done = checkpoint.done;
  const block = blockShape(
    src.shape,
    array.storageChunkShape,
    src.dtype,
    (options.memoryTarget ?? 256 * 2 ** 20) / 4,
  );
  const counts = src.shape.map((s, i) => Math.ceil(s / block[i]));
  const total = product(counts);
  let resumed = 0;
  try {
    for (let b = 0; b < total; b++) {
      if (done.has(String(b))) {
        resumed++;
        continue;
      }
      options.signal?.throwIfAborted();
      let rest = b;
      const region = counts.map((_, i, all) => {
        const stride = product(all.slice(i + 1));
        const k = Math.floor(rest / stride);
        rest %= stride;
        return [k * block[i], Math.min((k + 1) * block[i], src.shape[i])] as [number, number];
      });
      const data = await src.read(region);
      await array.set(
        region.map(([x, z]) => slice(x, z)),
        data,
        { workers: pool, signal: options.signal },
      );
      done.add(String(b));
      await checkpoint.save();
      options.onProgress?.({ done: done.size, total });
    }
  } catch (e) {
    await checkpoint.save(true).catch(() => {});
    throw e;
  } finally {
    if (owned) await pool.close();
  }
  await checkpoint.finish();
  return { array, blocks: total, resumedBlocks: resumed, seconds: (performance.now() - started) / 1000 };
}
