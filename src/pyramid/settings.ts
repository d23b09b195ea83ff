/**
 * What a pyramid write computes, decided from the source's description and the options alone: the
 * checked options, the level plan, one array spec per level, their paths, the OME metadata builder
 * and the fingerprint that a resume or a distributed task must match. No store is touched here.
 */

import { type DataType, isIntegerType } from "../dtype/index.js";
import { stringifyJSON } from "../dtype/json.js";
import { ValueError } from "../errors.js";
import { clipChunks, clipShards } from "../indexing/grid.js";
import { ArraySpec as ArraySpecV2 } from "../metadata/v2.js";
import { ArraySpec as ArraySpecV3 } from "../metadata/v3.js";
import { normalizePath, validateKey } from "../store/keys.js";
import type { DownsampleMethod } from "./downsample/index.js";
import { type AxisOrName, buildImageMetadata, resolveAxes } from "./metadata.js";
import { type PyramidPlan, planPyramid } from "./plan.js";
import { checkPlan, checkShardMemory, inputChunks } from "./plan-guard.js";
import { RECORD_NAMES, RECORD_PREFIX } from "./reserved.js";
import type { PyramidOptions, RegionSource } from "./types.js";

export interface WriteSettings {
  path: string;
  version: "0.4" | "0.5" | "0.6";
  method: DownsampleMethod;
  axes: ReturnType<typeof resolveAxes>;
  plan: PyramidPlan;
  paths: string[];
  specs: Array<ArraySpecV2 | ArraySpecV3>;
  metadata: ReturnType<typeof buildImageMetadata>;
  /** Everything that determines the output's bytes (see checkpoint/). */
  fingerprint: string;
  /** Index of the channel axis, or -1. */
  channelAxis: number;
  dtype: DataType;
}

/** Checks the options against the source and derives every level's spec and the metadata. */
export function resolveSettings(source: RegionSource, options: PyramidOptions): WriteSettings {
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
  const axes = resolveAxes(sourceAxes as AxisOrName[] | undefined, source.shape.length, units);
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
  const outputs = plan.levels.map((l) => {
    const levelChunks = clipChunks(chunks, l.shape);
    // the objects written: shards when sharded (the specs below clip them the same way)
    return {
      shape: l.shape,
      chunks: levelChunks,
      shards: options.shards && clipShards(options.shards, levelChunks, l.shape),
    };
  });
  checkPlan({ outputs, input: inputChunks(source), force: options.force });
  checkShardMemory({
    levels: outputs.map((o, i) => ({ ...o, factors: plan.levels[i].factors })),
    dtype: source.dtype,
    method,
    memoryTarget: options.memoryTarget,
  });

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
  const fingerprint = stringifyJSON({
    shape: source.shape,
    dtype: source.dtype,
    specs: specs.map((s) => s.toJSON()),
    factors: plan.levels.map((l) => l.factors),
    method,
    // default paths keep the fingerprint of runs started before `paths` existed
    ...(options.paths ? { paths } : {}),
  });
  return {
    path,
    version,
    method,
    axes,
    plan,
    paths,
    specs,
    metadata,
    fingerprint,
    channelAxis: axes.findIndex((a) => a.type === "channel"),
    dtype: source.dtype,
  };
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
  const taken = new Set([".zattrs", ".zgroup", ".zarray", "zarr.json"]);
  given.forEach((p, i) => {
    if (typeof p === "string" && p.startsWith(RECORD_PREFIX))
      throw new ValueError(
        `paths[${i}] "${p}" begins with "${RECORD_PREFIX}", which zarrsmith keeps for its own records at the output's root (${RECORD_NAMES.join(", ")}); choose another level path`,
      );
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
