/** The pyramid writer's public types: its source, options and result. */

import type { V2CodecJSON, V3CodecJSON } from "../codecs/types.js";
import type { WorkerPool } from "../concurrency/pool.js";
import type { DataType } from "../dtype/index.js";
import type { ForwardOnlyReads, Region } from "../indexing/region.js";
import type { NDArray } from "../ndarray.js";
import type { CoordinateSystem, Transformation } from "../ome/v06/transformations/models.js";
import type { DownsampleMethod } from "./downsample/index.js";
import type { AxisOrName } from "./metadata.js";
import type { DownsampleAxes, LevelTranslations } from "./plan.js";
import type { ChannelWindow } from "./window.js";

/**
 * Anything that can read a region: a ZarrArray, a file source, a generated volume. A source that
 * knows its physical metadata (an `openSource` result) gives the defaults for the options of the
 * same names.
 */
export interface RegionSource {
  readonly shape: number[];
  readonly dtype: DataType;
  read(region: Region): Promise<NDArray>;
  readonly axes?: readonly string[];
  readonly scale?: readonly number[];
  readonly units?: ReadonlyArray<string | undefined>;
  readonly translation?: readonly number[];
  readonly channelNames?: readonly string[];
  /** The source's storage chunk shape, when it is a chunked array (checked by `checkPlan`). */
  readonly storageChunkShape?: readonly number[];
  /** Present when the source decodes only front to back: the writer then reads in its byte order. */
  readonly forwardOnly?: ForwardOnlyReads;
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
  axes?: AxisOrName[];
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
