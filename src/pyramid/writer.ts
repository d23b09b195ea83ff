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
import { claimOutput, clearExcept, PROGRESS_FILE } from "../checkpoint/index.js";
import type { V2CodecJSON, V3CodecJSON } from "../codecs/types.js";
import { forEachLimit } from "../concurrency/limit.js";
import { collectTransferables } from "../concurrency/messages.js";
import { resolvePool, type WorkerPool } from "../concurrency/pool.js";
import { allocate, type DataType, isIntegerType, itemSize, lanes } from "../dtype/index.js";
import { stringifyJSON } from "../dtype/json.js";
import { ValueError } from "../errors.js";
import { writeArrayMetadata, writeGroupMetadata } from "../hierarchy/create.js";
import { createGroup } from "../hierarchy/group.js";
import { readNodeMetadata } from "../hierarchy/metadata-io.js";
import { copyStrided, stridesOf } from "../indexing/copy.js";
import { clipChunks, clipShards, gridCoords } from "../indexing/grid.js";
import { slice } from "../indexing/selection.js";
import { ArraySpec as ArraySpecV2 } from "../metadata/v2.js";
import { ArraySpec as ArraySpecV3 } from "../metadata/v3.js";
import { type NDArray, product } from "../ndarray.js";
import type { CoordinateSystem, Transformation } from "../ome/v06/transformations/models.js";
import { normalizePath, validateKey } from "../store/keys.js";
import type { Store } from "../store/types.js";
import type { BlockLevel, BlockResult, BlockTask, Region } from "./block.js";
import { type DownsampleMethod, type Halo, haloFor } from "./downsample/index.js";
import { labelTable, MAX_COUNTED_VALUES } from "./label-table.js";
import { type AxisInput, buildImageMetadata, resolveAxes } from "./metadata.js";
import { type DownsampleAxes, type LevelTranslations, type PyramidPlan, planPyramid } from "./plan.js";
import { checkPlan, inputChunks } from "./plan-guard.js";
import { type ChannelRanges, type ChannelWindow, displayWindows } from "./window.js";

/**
 * Anything that can read a region: a ZarrArray, a file source, a generated volume. A source that
 * knows its physical metadata (an `openSource` result) gives the defaults for the options of the
 * same names.
 */
export interface RegionSource {
  readonly shape: number[];
  readonly dtype: DataType;
  read(region: ReadonlyArray<readonly [number, number]>): Promise<NDArray>;
  readonly axes?: readonly string[];
  readonly scale?: readonly number[];
  readonly units?: ReadonlyArray<string | undefined>;
  readonly translation?: readonly number[];
  readonly channelNames?: readonly string[];
  /** The source's storage chunk shape, when it is a chunked array (checked by `checkPlan`). */
  readonly storageChunkShape?: readonly number[];
}

export interface PyramidOptions {
  /** Number of levels, or "auto": until a level fits in one chunk. Default "auto". */
  levels?: number | "auto";
  /** Default "mean" ("mode" with `labels`). */
  method?: DownsampleMethod;
  /** Chunk shape of every level (clipped to small levels). Default 64 per space axis, 1 elsewhere. */
  chunks?: number[];
  /** OME-Zarr 0.5 and 0.6 (Zarr v3) only: shard shape (multiples of `chunks`). */
  shards?: number[];
  /** Compressor: `codecs.Zstd({ level: 5 })` (default), Blosc, GZip, ... or null. */
  codec?: V2CodecJSON | V3CodecJSON | null;
  omeZarrVersion?: "0.4" | "0.5" | "0.6";
  /**
   * OME-Zarr 0.6 only: coordinate systems besides the image's "physical" one (e.g. a reference
   * space) and transformations from "physical" to them (`input` defaults to it).
   */
  coordinateSystems?: CoordinateSystem[];
  coordinateTransformations?: Transformation[];
  /** Axis names (x, y, z, c, t) or full axes, in the source's dimension order. Default: the source's. */
  axes?: AxisInput[];
  /** Voxel size per axis (level 0 scale). Default: the source's, else 1. */
  scale?: number[];
  /** Default: the source's, else 0. */
  translation?: number[];
  /** One unit for all space axes, or one per axis (undefined for none). Default: the source's. */
  units?: string | (string | undefined)[];
  name?: string;
  /** Display names of the channels (one per index of the "c" axis), for the `omero` metadata. Default: the source's. */
  channelNames?: string[];
  /**
   * Level translations: "centred" (default; a level's voxel centres where its downsampling put them,
   * half a coarse voxel in from level 0's) or "zero" (every level at the level-0 translation, the
   * textbook chapter's form).
   */
  translations?: LevelTranslations;
  /** Array path of each level (one per level, e.g. ["level0", "level1", "level2"]). Default "0", "1", ... */
  paths?: string[];
  /** Explicit per-level factors (relative to the previous level), overriding the automatic choice. */
  factors?: number[][];
  /** Which space axes shrink: "xy" (default: z kept on every level, as Viv/vizarr/OMERO.web need),
   * "xyz" (all halved) or "auto" (anisotropy-aware). */
  downsampleAxes?: DownsampleAxes;
  /** A label image: method "mode", integer data required, `image-label` metadata (with a colour
   * and a property entry per label value found). */
  labels?: boolean;
  /** Label images: the image they annotate, relative to the label image (`image-label.source.image`,
   * "../../" for one under the image's `labels/` group). */
  labelSource?: string;
  /** Bytes of block data in flight (default 256 MiB). */
  memoryTarget?: number;
  /** Write even a plan that `checkPlan` calls absurd (more than MAX_PLAN_CHUNKS chunks read or written). */
  force?: boolean;
  workers?: WorkerPool | number;
  onProgress?: (progress: { level: number; done: number; total: number }) => void;
  /**
   * Stops the write: once aborted no new block is read or encoded, the blocks in flight finish,
   * the progress is saved (a re-run with the same settings resumes) and the abort reason is thrown.
   */
  signal?: AbortSignal;
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
  /** The data range over all channels (images only). */
  window?: { min: number; max: number };
  /** Per channel: its data range and display window (robust percentiles), as written to `omero`. */
  channelWindows?: ChannelWindow[];
}

/** Peak bytes per byte of block input in flight (see where `blockBudget` is set). */
const BLOCK_OVERHEAD = 6;
// a named module (see concurrency/modules.ts): resolvable in worker threads, Web Workers and bundles alike
const BLOCK_MODULE = "zarrsmith:pyramid/block";

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
  const signal = options.signal;
  signal?.throwIfAborted();
  const source = asSource(src);
  const path = normalizePath(options.path ?? "");
  const version = options.omeZarrVersion ?? "0.4";
  const method: DownsampleMethod = options.method ?? (options.labels ? "mode" : "mean");
  if (options.labels && !isIntegerType(source.dtype)) {
    throw new ValueError(`labels must be integers, but the source holds ${source.dtype}`);
  }
  if (options.labels && (method === "mean" || method === "gaussian")) {
    throw new ValueError(`labels need a method that keeps values (mode, nearest, min or max), not ${method}`);
  }
  if (options.shards && version === "0.4")
    throw new ValueError('shards need Zarr v3: omeZarrVersion "0.5" or "0.6"');
  if ((options.coordinateSystems || options.coordinateTransformations) && version !== "0.6") {
    throw new ValueError(
      `coordinateSystems/coordinateTransformations need omeZarrVersion "0.6" (this is ${version})`,
    );
  }
  // a source that carries metadata (openSource("x.ome.tif")) provides the defaults; options override
  const sourceAxes = options.axes ?? (source.axes ? [...source.axes] : undefined);
  const units = options.units ?? (options.axes === undefined && source.units ? [...source.units] : undefined);
  const scale = options.scale ?? (options.axes === undefined && source.scale ? [...source.scale] : undefined);
  const translation =
    options.translation ??
    (options.axes === undefined && source.translation ? [...source.translation] : undefined);
  const channelNames =
    options.channelNames ?? (options.labels || !source.channelNames ? undefined : [...source.channelNames]);
  const axes = resolveAxes(sourceAxes as AxisInput[] | undefined, source.shape.length, units);
  const ndim = source.shape.length;
  const chunks = clipChunks(options.chunks ?? axes.map((a) => (a.type === "space" ? 64 : 1)), source.shape);
  if (chunks.length !== ndim)
    throw new ValueError(`chunks has ${chunks.length} entries but the source has ${ndim} dimensions`);
  const plan = planPyramid({
    shape: source.shape,
    axes,
    scale: scale ?? new Array(ndim).fill(1),
    translation,
    chunks,
    levels: options.levels ?? "auto",
    factors: options.factors,
    method,
    translations: options.translations,
    downsampleAxes: options.downsampleAxes,
  });
  const paths = levelPaths(options.paths, plan.levels.length);
  const outputs = plan.levels.map((l) => ({ shape: l.shape, chunks: clipChunks(chunks, l.shape) }));
  checkPlan({ outputs, input: inputChunks(src), force: options.force });

  // one spec per level
  const specs = plan.levels.map((l) => {
    const levelChunks = clipChunks(chunks, l.shape);
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
      shards: options.shards && clipShards(options.shards, levelChunks, l.shape),
      compressor: options.codec,
      dimension_names: axes.map((a) => a.name),
    });
  });
  const metadata = buildImageMetadata({
    version,
    axes,
    plan,
    specs,
    paths,
    name: options.name ?? "image",
    method,
    dtype: source.dtype,
    labels: options.labels,
    channelNames,
    explicitTranslations: options.translations === "zero",
    extra:
      version === "0.6"
        ? {
            coordinateSystems: options.coordinateSystems,
            coordinateTransformations: options.coordinateTransformations,
          }
        : undefined,
  });

  // claim the output or resume an unfinished run with the same settings
  const fingerprint = stringifyJSON({
    shape: source.shape,
    dtype: source.dtype,
    specs: specs.map((s) => s.toJSON()),
    factors: plan.levels.map((l) => l.factors),
    method,
    // default paths keep the fingerprint of runs started before `paths` existed
    ...(options.paths ? { paths } : {}),
  });
  // the run record is written before anything else (see checkpoint/)
  const checkpoint = await claimOutput(store, path, {
    fingerprint,
    overwrite: options.overwrite,
    existing: async () => {
      const node = await readNodeMetadata(store, path).catch(() => ({
        kind: "node with unreadable metadata",
      }));
      return node && `Zarr ${node.kind}`;
    },
    clear: (keep) => clearExcept(store, path, keep),
  });
  const done = checkpoint.done;
  // the data range per channel seen so far; saved with the progress, since resumed nodes are not read again
  let window = checkpoint.state.window as ChannelRanges | undefined;
  // label images: voxels per label value (for the colour table), saved with the progress likewise
  const counts = new Map<number, number>();
  for (const [v, n] of (checkpoint.state.counts as Array<[number, number]> | undefined) ?? [])
    counts.set(v, n);
  let countsComplete = (checkpoint.state.countsComplete as boolean | undefined) ?? true;
  const channelAxis = axes.findIndex((a) => a.type === "channel");
  if (checkpoint.resumed) {
    // the dead run may have died before (or while) writing the metadata: write it again (same bytes)
    if (!(await readNodeMetadata(store, path))) await createGroup(store, path, version === "0.4" ? 2 : 3, {});
    for (let i = 0; i < specs.length; i++)
      await writeArrayMetadata(store, joinPath(path, paths[i]), specs[i]);
  } else {
    await createGroup(store, path, version === "0.4" ? 2 : 3, {});
    for (let i = 0; i < specs.length; i++) await specs[i].toZarr(store, joinPath(path, paths[i]));
  }
  const arrays = specs.map((spec, i) => new ZarrArray(store, joinPath(path, paths[i]), spec));

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
  // A block in flight costs several times its input: the input, its encoded chunks (twice while
  // they are copied out of the encoder's buffer), the copy received back, and garbage the worker
  // has not collected yet; measured peaks are ~5x, hence the budget of a sixth per block.
  const blockBudget = memoryTarget / (inFlight * BLOCK_OVERHEAD);
  const leaf = chooseLeafLevel(plan, levelInfo, source.dtype, blockBudget);
  const totals = levelInfo.map((l) => product(l.shape.map((s, i) => Math.ceil(s / l.grid[i]))));
  const progress = levelInfo.map(() => 0);
  let bytesWritten = 0;
  let chunksWritten = 0;
  let resumed = 0;
  const saveProgress = async (force = false) => {
    if (window) checkpoint.state.window = window;
    if (options.labels) {
      checkpoint.state.counts = [...counts];
      checkpoint.state.countsComplete = countsComplete;
    }
    await checkpoint.save(force);
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
  };

  /** Folds a block's per-channel range (channels from `first` on) into the running `window`. */
  const addRange = (result: BlockResult, first: number) => {
    if (result.min === undefined || result.max === undefined) return;
    const next: ChannelRanges = window ?? { min: [], max: [] };
    result.min.forEach((lo, k) => {
      next.min[first + k] = Math.min(next.min[first + k] ?? lo, lo);
      next.max[first + k] = Math.max(next.max[first + k] ?? result.max![k], result.max![k]);
    });
    window = next;
    if (result.counts === null) countsComplete = false;
    if (!countsComplete || !result.counts) return;
    for (const [v, n] of result.counts) counts.set(v, (counts.get(v) ?? 0) + n);
    if (counts.size > MAX_COUNTED_VALUES) countsComplete = false;
  };

  /** Downsamples/encodes one block in a worker (its input buffer is moved there) and stores the chunks. */
  const runBlock = async (task: BlockTask): Promise<BlockResult> => {
    const result = await pool.call<BlockResult>(
      BLOCK_MODULE,
      "processBlock",
      [task],
      collectTransferables(task.input),
    );
    await storeChunks(result);
    addRange(result, channelAxis >= 0 ? task.origin[channelAxis] : 0);
    return result;
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

  const leafSlots = new Slots(inFlight);
  const levelSlots = levelInfo.map(() => new Slots(2));

  /** Computes (or, when finished earlier, reads back) chunk `coords` of `level`, returning its data. */
  const node = async (level: number, coords: number[]): Promise<NDArray> => {
    const id = nodeId(level, coords);
    if (done.has(id)) {
      resumed++;
      for (let i = 0; i <= level; i++) report(i, chunksUnder(level, coords, i));
      return arrays[level].get(
        regionOf(level, coords, level).map(([a, b]) => slice(a, b)),
        { workers: pool, signal },
      );
    }
    // leaves take one of `inFlight` slots from reading to storing; a node above takes one of two
    // slots of its level, so the next subtree starts while one finishes (workers never starve)
    // but only two gather buffers per level are alive
    const slots = level <= leaf ? leafSlots : levelSlots[level];
    signal?.throwIfAborted();
    await slots.acquire();
    try {
      // nodes waiting for a slot when the signal aborts give it up at once
      signal?.throwIfAborted();
      return await compute(level, coords, id);
    } finally {
      slots.release();
    }
  };

  const compute = async (level: number, coords: number[], id: string): Promise<NDArray> => {
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
        statsAxis: channelAxis >= 0 ? channelAxis : undefined,
        countValues: options.labels && countsComplete ? MAX_COUNTED_VALUES : undefined,
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
      await forEachLimit(
        children,
        children.length,
        async (child) => {
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
        },
        signal,
      );
      task = { input, origin: region.map(([a]) => a), levels: [levelInfo[level]], method };
    }
    signal?.throwIfAborted();
    const result = await runBlock(task);
    if (level >= leaf) {
      done.add(id);
      await saveProgress();
    }
    return result.last!;
  };

  /*
   * Gaussian levels need neighbour context (a halo) at every level, so the tree above, where a
   * parent sees only its own children, would leave seams. Instead the levels are made in stages:
   * a stage s..t has one task per level-t chunk, which reads level s (the source, or level s as
   * stored by the stage before) over the chunk's region widened by the kernels' reach at every
   * level in between, clipped at the volume's edges where the kernel mirrors anyway. Each level
   * s+1..t is computed over that widened region minus its own halo, so every output voxel sees
   * exactly the taps whole-array downsampling would give it, in the same order: the result is
   * bit-identical to it. Memory stays bounded by the stage's block size (chosen like the leaf
   * level); the cost is re-reading the halos (a few voxels per side) and reading back each stage's
   * top level once, which is 1/8 or less of the level below.
   */
  const haloAt = (k: number): number[] => haloFor("gaussian", levelInfo[k].factors);

  /** The regions of levels s..t that a level-t chunk needs: itself, and below it what the kernels reach. */
  const contextRegions = (s: number, t: number, coords: number[]): Region[] => {
    const out: Region[] = new Array(t - s + 1);
    let r: Region = regionOf(t, coords, t);
    out[t - s] = r;
    for (let k = t; k > s; k--) {
      const f = levelInfo[k].factors;
      const h = haloAt(k);
      const below = levelInfo[k - 1].shape;
      r = r.map(([a, b], i) => [Math.max(0, a * f[i] - h[i]), Math.min(below[i], b * f[i] + h[i])]);
      out[k - 1 - s] = r;
    }
    return out;
  };

  /** The deepest level t > s whose (interior) chunk with context at level s fits the block budget. */
  const stageEnd = (s: number): number => {
    if (s >= K) return K;
    const budget = blockBudget;
    let t = s + 1;
    while (t < K) {
      let len = levelInfo[t + 1].grid.map((g) => g);
      for (let k = t + 1; k > s; k--) {
        const f = levelInfo[k].factors;
        const h = haloAt(k);
        len = len.map((l, i) => Math.min(levelInfo[k - 1].shape[i], l * f[i] + 2 * h[i]));
      }
      if (len.reduce((a, l) => a * l, itemSize(source.dtype)) > budget) break;
      t++;
    }
    return t;
  };

  const runStage = async (s: number, t: number): Promise<void> => {
    const grid = levelInfo[t].shape.map((n, i) => Math.ceil(n / levelInfo[t].grid[i]));
    await forEachLimit(
      gridCoords(grid),
      inFlight,
      async (coords) => {
        const id = nodeId(t, coords);
        if (done.has(id)) {
          resumed++;
          for (let i = s === 0 ? 0 : s + 1; i <= t; i++) report(i, chunksUnder(t, coords, i));
          return;
        }
        const context = contextRegions(s, t, coords);
        const halos: Halo[][] = [];
        for (let k = s + 1; k <= t; k++) {
          const f = levelInfo[k].factors;
          const [inner, outer] = [context[k - s], context[k - 1 - s]];
          const below = levelInfo[k - 1].shape;
          halos.push(
            inner.map(([a, b], i) => [a * f[i] - outer[i][0], outer[i][1] - Math.min(b * f[i], below[i])]),
          );
        }
        signal?.throwIfAborted();
        const input =
          s === 0
            ? await source.read(context[0])
            : await arrays[s].get(
                context[0].map(([a, b]) => slice(a, b)),
                { workers: pool, signal },
              );
        signal?.throwIfAborted();
        const task: BlockTask = {
          input,
          origin: context[0].map(([a]) => a),
          store: s === 0 ? levelInfo[0] : undefined,
          storeRegion: regionOf(t, coords, 0),
          levels: levelInfo.slice(s + 1, t + 1),
          halos,
          regions: levelInfo.slice(s + 1, t + 1).map((l) => regionOf(t, coords, l.level)),
          method,
          stats: s === 0,
          statsAxis: channelAxis >= 0 ? channelAxis : undefined,
          countValues: options.labels && countsComplete ? MAX_COUNTED_VALUES : undefined,
          returnLast: false,
        };
        await runBlock(task);
        done.add(id);
        await saveProgress();
      },
      signal,
    );
  };

  try {
    if (method === "gaussian") {
      for (let s = 0; ; ) {
        const t = stageEnd(s);
        await runStage(s, t);
        if (t >= K) break;
        s = t;
      }
    } else {
      const top = levelInfo[K].shape.map((s, i) => Math.ceil(s / levelInfo[K].grid[i]));
      await forEachLimit(
        gridCoords(top),
        K > leaf ? 2 : inFlight,
        async (c) => {
          await node(K, c);
        },
        signal,
      );
    }
  } catch (e) {
    await saveProgress(true).catch(() => {});
    throw e;
  } finally {
    if (owned) await pool.close();
  }

  // metadata last: the image is only an OME-Zarr image once everything is written
  const channelWindows =
    window && !options.labels ? await displayWindows(arrays, channelAxis, window) : undefined;
  const labelInfo = options.labels
    ? {
        ...labelTable(counts, countsComplete),
        ...(options.labelSource !== undefined ? { source: { image: options.labelSource } } : {}),
      }
    : undefined;
  await writeGroupMetadata(
    store,
    path,
    version === "0.4" ? 2 : 3,
    metadata.attributes(channelWindows, labelInfo),
  );
  await checkpoint.finish();

  return {
    path,
    levels: plan.levels.map((l, i) => ({
      path: paths[i],
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
    window: window && {
      min: Math.min(...window.min.filter(Number.isFinite)),
      max: Math.max(...window.max.filter(Number.isFinite)),
    },
    channelWindows,
  };
}

/** A FIFO counting semaphore: first come, first served, so subtrees finish in order. */
class Slots {
  private waiting: Array<() => void> = [];
  constructor(private free: number) {}
  async acquire(): Promise<void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/**
 * The array path of each level: as given (one per level, distinct, each one store key segment), else
 * level i at "i" ("0" the full resolution), as ome-zarr-py and bioformats2raw do.
 */
function levelPaths(given: string[] | undefined, levels: number): string[] {
  if (given === undefined) return Array.from({ length: levels }, (_, i) => String(i));
  if (!Array.isArray(given) || given.length !== levels) {
    throw new ValueError(
      `paths must name each of the ${levels} levels, got ${Array.isArray(given) ? given.length : "no list"}: ${JSON.stringify(given)}`,
    );
  }
  const taken = new Set([".zattrs", ".zgroup", ".zarray", "zarr.json", PROGRESS_FILE]);
  given.forEach((p, i) => {
    let segment = typeof p === "string" && !p.includes("/") && !taken.has(p);
    try {
      if (segment) validateKey(p);
    } catch {
      segment = false;
    }
    if (!segment) {
      throw new ValueError(
        `paths[${i}] must be one path segment (no "/", ".", "..", not a metadata file name), got ${JSON.stringify(p)}`,
      );
    }
    if (given.indexOf(p) !== i)
      throw new ValueError(`paths[${i}] "${p}" is used twice; each level needs its own path`);
  });
  return [...given];
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
