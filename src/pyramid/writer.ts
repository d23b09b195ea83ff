/**
 * The pyramid writer: a source (anything that reads a region) → an OME-Zarr image with N levels,
 * in one streaming pass, chunk-parallel, with memory bounded by `memoryTarget`.
 *
 * How: the levels' chunk grids nest (a level-j chunk covers `factor` chunks of level j-1 per axis),
 * so the work is a tree. A leaf is one chunk of a "leaf level" m, chosen as deep as the memory target
 * allows: its source region is read once, stored as level-0 chunks, and downsampled in a worker down
 * to level m. Above the leaves, a level-j chunk gathers its children's level j-1 data (already in
 * memory) and downsamples it once. Only the current path of the tree is held, so memory does not
 * grow with the volume.
 *
 * Crash safety: arrays are created first, the OME `multiscales` metadata is written last (an image
 * without it is visibly incomplete), and a small progress file records finished tree nodes so that a
 * re-run resumes: finished nodes are read back instead of recomputed, giving identical chunks.
 */
import { ZarrArray } from "../array/zarr-array.js";
import type { V2CodecJSON, V3CodecJSON } from "../codecs/types.js";
import { forEachLimit } from "../concurrency/limit.js";
import { collectTransferables } from "../concurrency/messages.js";
import { resolvePool, type WorkerPool } from "../concurrency/pool.js";
import { allocate, type DataType, isIntegerType, itemSize, lanes } from "../dtype/index.js";
import { ExistsError, ValueError } from "../errors.js";
import { writeGroupMetadata } from "../hierarchy/create.js";
import { readJSON, readNodeMetadata, writeJSON } from "../hierarchy/metadata-io.js";
import { createGroup } from "../hierarchy/node.js";
import { copyStrided, stridesOf } from "../indexing/copy.js";
import { slice } from "../indexing/selection.js";
import { type NDArray, product } from "../ndarray.js";
import { ArraySpec as ArraySpecV2 } from "../spec/v2.js";
import { ArraySpec as ArraySpecV3 } from "../spec/v3.js";
import { normalizePath } from "../store/keys.js";
import type { Store } from "../store/types.js";
import type { BlockLevel, BlockResult, BlockTask } from "./block.js";
import type { DownsampleMethod } from "./downsample/index.js";
import { type AxisInput, buildImageMetadata, resolveAxes } from "./metadata.js";
import { type PyramidPlan, planPyramid } from "./plan.js";

/** Anything that can read a region: a ZarrArray, a file source, a generated volume. */
export interface RegionSource {
  readonly shape: number[];
  readonly dtype: DataType;
  read(region: ReadonlyArray<readonly [number, number]>): Promise<NDArray>;
}

export interface PyramidOptions {
  /** Number of levels, or "auto": until a level fits in one chunk. Default "auto". */
  levels?: number | "auto";
  /** Default "mean" ("mode" with `labels`). */
  method?: DownsampleMethod;
  /** Chunk shape of every level (clipped to small levels). Default 64 per space axis, 1 elsewhere. */
  chunks?: number[];
  /** OME-Zarr 0.5 only: shard shape (multiples of `chunks`). */
  shards?: number[];
  /** Compressor: `codecs.Zstd({ level: 5 })` (default), Blosc, GZip, ... or null. */
  codec?: V2CodecJSON | V3CodecJSON | null;
  omeZarrVersion?: "0.4" | "0.5";
  /** Axis names (x, y, z, c, t) or full axes, in the source's dimension order. */
  axes?: AxisInput[];
  /** Voxel size per axis (level 0 scale). Default 1. */
  scale?: number[];
  translation?: number[];
  /** One unit for all space axes, or one per axis (undefined for none). */
  units?: string | (string | undefined)[];
  name?: string;
  /** Explicit per-level factors (relative to the previous level), overriding the automatic choice. */
  factors?: number[][];
  /** A label image: method "mode", integer data required, `image-label` metadata. */
  labels?: boolean;
  /** Bytes of block data in flight (default 256 MiB). */
  memoryTarget?: number;
  workers?: WorkerPool | number;
  onProgress?: (progress: { level: number; done: number; total: number }) => void;
  /** Where in the store (default the root). */
  path?: string;
  /** Replace existing data at the path. Without it, an existing image is an error — unless it is an
   * unfinished pyramid written with the same settings, which is resumed. */
  overwrite?: boolean;
}

export interface PyramidResult {
  path: string;
  levels: Array<{
    path: string;
    shape: number[];
    chunks: number[];
    shards?: number[];
    scale: number[];
    translation: number[];
  }>;
  bytesWritten: number;
  chunksWritten: number;
  /** Nodes of the work tree skipped because an earlier run finished them. */
  resumedNodes: number;
  seconds: number;
  window?: { min: number; max: number };
}

const PROGRESS_FILE = "zarrsmith-progress.json";
const BLOCK_MODULE = new URL(import.meta.url.endsWith(".ts") ? "./block.ts" : "./block.js", import.meta.url)
  .href;

/** A ZarrArray read as a region source. */
function asSource(src: RegionSource | ZarrArray): RegionSource {
  if (!(src instanceof ZarrArray)) return src;
  return {
    shape: src.shape,
    dtype: src.dtype,
    read: (region) =>
      src.get(
        region.map(([a, b]) => slice(a, b)),
        { workers: 0 },
      ),
  };
}

function nodeId(level: number, coords: number[]): string {
  return `${level}:${coords.join(",")}`;
}

/** Builds an OME-Zarr multiscale image from `source`; see the module comment for how. */
export async function write(
  src: RegionSource | ZarrArray,
  store: Store,
  options: PyramidOptions = {},
): Promise<PyramidResult> {
  const started = performance.now();
  const source = asSource(src);
  const path = normalizePath(options.path ?? "");
  const version = options.omeZarrVersion ?? "0.4";
  const method: DownsampleMethod = options.method ?? (options.labels ? "mode" : "mean");
  if (options.labels && !isIntegerType(source.dtype)) {
    throw new ValueError(`labels must be integers, but the source holds ${source.dtype}`);
  }
  if (options.shards && version !== "0.5") throw new ValueError('shards need omeZarrVersion "0.5" (Zarr v3)');
  const axes = resolveAxes(options.axes, source.shape.length, options.units);
  const ndim = source.shape.length;
  const chunks = (options.chunks ?? axes.map((a) => (a.type === "space" ? 64 : 1))).map((c, i) =>
    Math.min(c, Math.max(1, source.shape[i])),
  );
  if (chunks.length !== ndim)
    throw new ValueError(`chunks has ${chunks.length} entries but the source has ${ndim} dimensions`);
  const plan = planPyramid({
    shape: source.shape,
    axes,
    scale: options.scale ?? new Array(ndim).fill(1),
    translation: options.translation,
    chunks,
    levels: options.levels ?? "auto",
    factors: options.factors,
    method,
  });

  // one spec per level
  const specs = plan.levels.map((l) => {
    const levelChunks = chunks.map((c, i) => Math.min(c, Math.max(1, l.shape[i])));
    if (version === "0.4") {
      return ArraySpecV2.parse({
        shape: l.shape,
        dtype: source.dtype,
        chunks: levelChunks,
        compressor: options.codec === undefined ? { id: "zstd", level: 5 } : options.codec,
        dimension_separator: "/",
      });
    }
    return ArraySpecV3.create({
      shape: l.shape,
      data_type: source.dtype,
      chunks: levelChunks,
      shards: options.shards?.map((s, i) =>
        Math.min(s, Math.max(levelChunks[i], Math.ceil(l.shape[i] / levelChunks[i]) * levelChunks[i])),
      ),
      compressor: options.codec,
      dimension_names: axes.map((a) => a.name),
    });
  });
  const metadata = buildImageMetadata({
    version,
    axes,
    plan,
    specs,
    paths: specs.map((_, i) => levelPath(i)),
    name: options.name ?? "image",
    method,
    dtype: source.dtype,
    labels: options.labels,
  });

  // claim the output or resume an unfinished run with the same settings
  const fingerprint = JSON.stringify({
    shape: source.shape,
    dtype: source.dtype,
    specs: specs.map((s) => s.toJSON()),
    method,
  });
  const previous = (await readJSON(store, path, PROGRESS_FILE).catch(() => undefined)) as
    | { fingerprint: string; done: string[] }
    | undefined;
  const done = new Set<string>();
  if (previous && previous.fingerprint === fingerprint && !options.overwrite) {
    for (const id of previous.done) done.add(id);
  } else {
    const existing = await readNodeMetadata(store, path);
    if (existing && !options.overwrite) {
      throw new ExistsError(
        `${store.description ?? "the store"} already has a Zarr ${existing.kind} at /${path}; pass overwrite to replace it`,
      );
    }
    await createGroup(store, path, version === "0.4" ? 2 : 3, {}, { overwrite: options.overwrite });
    for (let i = 0; i < specs.length; i++) await specs[i].toZarr(store, joinPath(path, levelPath(i)));
  }
  const arrays = specs.map((spec, i) => new ZarrArray(store, joinPath(path, levelPath(i)), spec));

  // the work tree
  const levelInfo: BlockLevel[] = arrays.map((a, i) => ({
    level: i,
    factors: plan.levels[i].factors,
    shape: a.shape,
    grid: a.storageChunkShape,
    pipeline: a.pipelineDescriptor,
    fillValue: a.fillValue,
    writeEmptyChunks: false,
  }));
  const K = arrays.length - 1;
  const { pool, owned } = resolvePool(options.workers);
  const inFlight = Math.max(1, pool.size) + 1;
  const memoryTarget = options.memoryTarget ?? 256 * 2 ** 20;
  const leaf = chooseLeafLevel(plan, levelInfo, source.dtype, memoryTarget / (inFlight * 3));
  const totals = levelInfo.map((l) => product(l.shape.map((s, i) => Math.ceil(s / l.grid[i]))));
  const progress = levelInfo.map(() => 0);
  let bytesWritten = 0;
  let chunksWritten = 0;
  let resumed = 0;
  let window: { min: number; max: number } | undefined;
  let lastSave = 0;
  const saveProgress = async (force = false) => {
    if (!force && performance.now() - lastSave < 1000) return;
    lastSave = performance.now();
    await writeJSON(store, path, PROGRESS_FILE, { fingerprint, done: [...done] });
  };
  const report = (level: number, n: number) => {
    progress[level] += n;
    options.onProgress?.({ level, done: progress[level], total: totals[level] });
  };

  const storeChunks = async (result: BlockResult) => {
    await Promise.all(
      result.chunks.map(async (c) => {
        const key = arrays[c.level].chunkKey(c.coords);
        if (c.bytes) {
          await store.set!(key, c.bytes);
          bytesWritten += c.bytes.length;
          chunksWritten++;
        } else await store.delete!(key);
        report(c.level, 1);
      }),
    );
    if (result.min !== undefined && result.max !== undefined) {
      window = {
        min: Math.min(window?.min ?? result.min, result.min),
        max: Math.max(window?.max ?? result.max, result.max),
      };
    }
  };

  /** The region of level `from` covered by chunk `coords` of level `level` (clipped to the level `from` shape). */
  const regionOf = (level: number, coords: number[], from: number): Array<[number, number]> =>
    coords.map((c, i) => {
      let f = 1;
      for (let j = from + 1; j <= level; j++) f *= levelInfo[j].factors[i];
      const g = levelInfo[level].grid[i];
      return [c * g * f, Math.min((c + 1) * g * f, levelInfo[from].shape[i])];
    });

  /** How many chunks of level `i` lie under chunk `coords` of `level`. */
  const chunksUnder = (level: number, coords: number[], i: number): number =>
    product(
      regionOf(level, coords, i).map(
        ([a, b], d) => Math.ceil(b / levelInfo[i].grid[d]) - Math.floor(a / levelInfo[i].grid[d]),
      ),
    );

  /** Computes (or, when finished earlier, reads back) chunk `coords` of `level`, returning its data. */
  const node = async (level: number, coords: number[]): Promise<NDArray> => {
    const id = nodeId(level, coords);
    if (done.has(id)) {
      resumed++;
      for (let i = 0; i <= level; i++) report(i, chunksUnder(level, coords, i));
      return arrays[level].get(
        regionOf(level, coords, level).map(([a, b]) => slice(a, b)),
        { workers: pool },
      );
    }
    let task: BlockTask;
    if (level <= leaf) {
      const region = regionOf(level, coords, 0);
      const input = await source.read(region);
      task = {
        input,
        origin: region.map(([a]) => a),
        store: levelInfo[0],
        levels: levelInfo.slice(1, level + 1),
        method,
        stats: true,
      };
    } else {
      // gather the children (level - 1 chunks) and downsample once
      const below = level - 1;
      const region = regionOf(level, coords, below);
      const childGrid = levelInfo[below].grid;
      const first = region.map(([a], i) => Math.floor(a / childGrid[i]));
      const last = region.map(([, b], i) => Math.ceil(b / childGrid[i]) - 1);
      const shape = region.map(([a, b]) => b - a);
      const input = { data: allocate(source.dtype, product(shape)), shape, dtype: source.dtype } as NDArray;
      const children: number[][] = [];
      const walk = (prefix: number[]) => {
        if (prefix.length === ndim) children.push(prefix);
        else for (let c = first[prefix.length]; c <= last[prefix.length]; c++) walk([...prefix, c]);
      };
      walk([]);
      await forEachLimit(children, level - 1 > leaf ? 1 : inFlight, async (child) => {
        const data = await node(below, child);
        const childRegion = regionOf(below, child, below);
        copyStrided(
          { data: data.data, offset: 0, strides: stridesOf(data.shape) },
          {
            data: input.data,
            offset: childRegion.reduce((o, [a], i) => o + (a - region[i][0]) * stridesOf(shape)[i], 0),
            strides: stridesOf(shape),
          },
          data.shape,
          lanes(source.dtype),
        );
      });
      task = { input, origin: region.map(([a]) => a), levels: [levelInfo[level]], method };
    }
    const result = await pool.call<BlockResult>(
      BLOCK_MODULE,
      "processBlock",
      [task],
      collectTransferables(task.input),
    );
    await storeChunks(result);
    if (level >= leaf) {
      done.add(id);
      await saveProgress();
    }
    return result.last;
  };

  try {
    const top = levelInfo[K].shape.map((s, i) => Math.ceil(s / levelInfo[K].grid[i]));
    const roots: number[][] = [];
    const walk = (prefix: number[]) => {
      if (prefix.length === ndim) roots.push(prefix);
      else for (let c = 0; c < top[prefix.length]; c++) walk([...prefix, c]);
    };
    walk([]);
    await forEachLimit(roots, K > leaf ? 1 : inFlight, async (c) => {
      await node(K, c);
    });
  } catch (e) {
    await saveProgress(true).catch(() => {});
    throw e;
  } finally {
    if (owned) await pool.close();
  }

  // metadata last: the image is only an OME-Zarr image once everything is written
  await writeGroupMetadata(store, path, version === "0.4" ? 2 : 3, metadata.attributes(window));
  await store.delete!(joinPath(path, PROGRESS_FILE));

  return {
    path,
    levels: plan.levels.map((l, i) => ({
      path: levelPath(i),
      shape: arrays[i].shape,
      chunks: arrays[i].chunks,
      shards: arrays[i].shards,
      scale: l.scale,
      translation: l.translation,
    })),
    bytesWritten,
    chunksWritten,
    resumedNodes: resumed,
    seconds: (performance.now() - started) / 1000,
    window,
  };
}

/** Level i is stored at "i" ("0" the full resolution), as ome-zarr-py and bioformats2raw do. */
function levelPath(i: number): string {
  return String(i);
}

function joinPath(path: string, child: string): string {
  return path === "" ? child : `${path}/${child}`;
}

/**
 * The deepest level whose chunk's source region fits the per-block budget (level 0 always: a chunk
 * must fit in memory anyway).
 */
function chooseLeafLevel(plan: PyramidPlan, levels: BlockLevel[], dtype: DataType, budget: number): number {
  let leaf = 0;
  for (let j = 1; j < levels.length; j++) {
    const cumulative = plan.levels[j].cumulativeFactors;
    const bytes = levels[j].grid.reduce(
      (a, g, i) => a * Math.min(g * cumulative[i], levels[0].shape[i]),
      itemSize(dtype),
    );
    if (bytes > budget) break;
    leaf = j;
  }
  return leaf;
}
