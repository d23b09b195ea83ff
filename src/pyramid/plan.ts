/**
 * Pyramid planning: which shapes, factors and OME coordinate transformations each level gets,
 * decided up front from the level-0 description alone, before any voxel is read.
 */

import { ValueError } from "../errors.js";
import { tidyNumbers } from "../tidy-number.js";
import { type DownsampleMethod, isDownsampleMethod } from "./downsample/types.js";

export interface PlanAxis {
  name: string;
  /** OME-NGFF axis type. When absent, x/y/z count as space, t as time, c as channel. */
  type?: "space" | "time" | "channel" | string;
}

export interface PyramidPlanOptions {
  /** Level-0 shape. */
  shape: readonly number[];
  axes: readonly PlanAxis[];
  /** Level-0 voxel size per axis (OME `scale`). */
  scale: readonly number[];
  /** Level-0 position of the first voxel's centre per axis (OME `translation`); zeros by default. */
  translation?: readonly number[];
  /** Chunk shape, used by `levels: "auto"` to know when a level is small enough. */
  chunks: readonly number[];
  /**
   * Number of levels including level 0, or "auto" (the default): add levels until every space axis
   * fits in one chunk. Ignored when `factors` is given.
   */
  levels?: number | "auto";
  /** Explicit factors of each level after level 0, relative to the level before. */
  factors?: readonly (readonly number[])[];
  /** The downsampling method; it decides where the voxel centres of coarser levels lie. */
  method?: DownsampleMethod;
  /**
   * "centred" (the default): each level's translation is where its first voxel's centre lies (see
   * `levelTranslation`). "zero": every level keeps the level-0 translation (zeros unless given), as
   * the textbook chapter writes it; viewers then draw coarser levels shifted by half a voxel.
   */
  translations?: LevelTranslations;
  /** Which space axes shrink from level to level (default "xy"); see `DownsampleAxes`. */
  downsampleAxes?: DownsampleAxes;
}

export type LevelTranslations = "centred" | "zero";

/**
 * Which space axes are downsampled:
 * - "xy": every space axis but z (see `shrinkingAxes`); z keeps its size on every level. What bioformats2raw and ome-zarr-py write by default, and what Viv, vizarr and
 *   OMERO.web need (they index every level with the same z), hence the default.
 * - "xyz": every space axis is halved on every level.
 * - "auto": anisotropy-aware (see `defaultFactors`): an axis is halved once its voxel is within √2
 *   of the finest one, so voxels become near-isotropic.
 */
export type DownsampleAxes = "xy" | "xyz" | "auto";
export const DOWNSAMPLE_AXES: readonly DownsampleAxes[] = ["xy", "xyz", "auto"];

export interface PyramidLevel {
  index: number;
  shape: number[];
  /** Factors relative to the previous level (all 1 for level 0). */
  factors: number[];
  /** Factors relative to level 0. */
  cumulativeFactors: number[];
  /** Voxel size: level-0 scale × cumulative factor. */
  scale: number[];
  /** Centre of the first voxel, see `levelTranslation`. */
  translation: number[];
}

export interface PyramidPlan {
  levels: PyramidLevel[];
}

/** How much finer than √2·(finest voxel) an axis must be to be halved with it; see `defaultFactors`. */
const ISOTROPY_LIMIT = Math.SQRT2;

/** Upper bound on levels, so that a mistaken `levels` cannot plan a runaway pyramid. */
const MAX_LEVELS = 64;

/** The axis type, inferred from the usual names when not given. */
export function axisType(axis: PlanAxis): string | undefined {
  if (axis.type !== undefined) return axis.type;
  const name = axis.name.toLowerCase();
  if (name === "x" || name === "y" || name === "z") return "space";
  if (name === "t") return "time";
  if (name === "c") return "channel";
  return undefined;
}

/**
 * The factors for the next level: 2 on space axes, 1 on all others. An axis of size 1 stays.
 * Anisotropic voxels: an axis is halved only when its voxel is less than √2 times the finest
 * space voxel, i.e. when halving brings it closer to the new finest size (2 × finest) than leaving
 * it. So with z 3× coarser than x and y, x and y are halved alone (1 → 2 → 4) until they pass z,
 * then all space axes go 2 together and the voxels stay within √2 of isotropic.
 */
export function defaultFactors(
  shape: readonly number[],
  scale: readonly number[],
  space: readonly boolean[],
  axes: DownsampleAxes = "auto",
  names: readonly string[] = [],
): number[] {
  if (axes !== "auto") {
    const shrink = shrinkingAxes(space, axes, names);
    return shape.map((n, d) => (shrink[d] && n > 1 ? 2 : 1));
  }
  let finest = Number.POSITIVE_INFINITY;
  for (let d = 0; d < shape.length; d++) if (space[d] && shape[d] > 1) finest = Math.min(finest, scale[d]);
  return shape.map((n, d) => (space[d] && n > 1 && scale[d] < ISOTROPY_LIMIT * finest ? 2 : 1));
}

/**
 * The axes that `axes` lets shrink: every space axis ("xyz", "auto"), or all but z ("xy"): the space
 * axis named z, or, with three or more space axes and none named z, the first (OME's order z, y, x).
 */
export function shrinkingAxes(
  space: readonly boolean[],
  axes: DownsampleAxes,
  names: readonly string[] = [],
): boolean[] {
  if (axes !== "xy") return [...space];
  const spaceDims = space.flatMap((s, d) => (s ? [d] : []));
  const named = spaceDims.filter((d) => names[d]?.toLowerCase() === "z");
  const kept = new Set(named.length > 0 ? named : spaceDims.slice(0, Math.max(0, spaceDims.length - 2)));
  return space.map((s, d) => s && !kept.has(d));
}

/**
 * Where the first voxel's centre of a level lies. Methods that aggregate a block (mean, gaussian —
 * centred on the block here —, mode, min, max) put the output voxel at the block's centre:
 * translation₀ + (cumulativeFactor − 1)/2 × voxel₀. `nearest` keeps the block's first voxel, whose
 * centre does not move.
 */
export function levelTranslation(
  translation: readonly number[],
  scale: readonly number[],
  cumulativeFactors: readonly number[],
  method: DownsampleMethod,
): number[] {
  if (method === "nearest") return [...translation];
  return translation.map((t, d) => t + ((cumulativeFactors[d] - 1) / 2) * scale[d]);
}

export function planPyramid(options: PyramidPlanOptions): PyramidPlan {
  const { shape, axes, scale, chunks } = options;
  const method = options.method ?? "mean";
  const translation = options.translation ?? shape.map(() => 0);
  check(options, translation, method);
  const types = axes.map(axisType);
  const space = types.map((t) => t === "space");
  const downsampleAxes = options.downsampleAxes ?? "xy";
  // only axes that shrink need to fit in one chunk: a kept z stays as long as level 0's
  const names = axes.map((a) => a.name);
  const shrinking = shrinkingAxes(space, downsampleAxes, names);

  const levels: PyramidLevel[] = [];
  const push = (factors: number[]) => {
    const prev = levels[levels.length - 1];
    const cumulative = prev ? prev.cumulativeFactors.map((c, d) => c * factors[d]) : factors;
    levels.push({
      index: levels.length,
      shape: prev ? prev.shape.map((n, d) => Math.ceil(n / factors[d])) : [...shape],
      factors,
      cumulativeFactors: cumulative,
      scale: tidyNumbers(scale.map((s, d) => s * cumulative[d])),
      translation: tidyNumbers(
        options.translations === "zero"
          ? [...translation]
          : levelTranslation(translation, scale, cumulative, method),
      ),
    });
  };
  push(shape.map(() => 1));

  if (options.factors !== undefined) {
    options.factors.forEach((f, k) => {
      checkLevelFactors(f, k, shape.length, types);
      push([...f]);
    });
    return { levels };
  }

  const wanted = options.levels ?? "auto";
  const fits = (level: PyramidLevel) => level.shape.every((n, d) => !shrinking[d] || n <= chunks[d]);
  while (wanted === "auto" ? !fits(levels[levels.length - 1]) : levels.length < wanted) {
    const last = levels[levels.length - 1];
    const factors = defaultFactors(last.shape, last.scale, space, downsampleAxes, names);
    if (factors.every((f) => f === 1)) {
      if (wanted === "auto") break; // only reachable without space axes to shrink
      throw new ValueError(
        `levels: ${wanted} requested, but after ${levels.length} levels every space axis is down to 1 voxel`,
      );
    }
    push(factors);
  }
  return { levels };
}

function check(options: PyramidPlanOptions, translation: readonly number[], method: unknown): void {
  const { shape, axes, scale, chunks } = options;
  const n = shape.length;
  if (!Array.isArray(shape) || shape.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new ValueError(`shape must be a list of integers >= 0, got ${JSON.stringify(shape)}`);
  }
  const perAxis = { axes, scale, chunks, translation } as const;
  for (const [name, list] of Object.entries(perAxis)) {
    if (!Array.isArray(list) || list.length !== n) {
      throw new ValueError(
        `${name} must have one entry per axis of shape (${n}), got ${JSON.stringify(list)}`,
      );
    }
  }
  const names = new Set<string>();
  axes.forEach((a, d) => {
    if (typeof a?.name !== "string" || a.name === "")
      throw new ValueError(`axes[${d}].name must be a non-empty string`);
    if (names.has(a.name))
      throw new ValueError(`axes[${d}].name "${a.name}" is used twice; axis names must be unique`);
    names.add(a.name);
  });
  scale.forEach((s, d) => {
    if (!(Number.isFinite(s) && s > 0))
      throw new ValueError(`scale[${d}] must be a finite number > 0, got ${s}`);
  });
  translation.forEach((t, d) => {
    if (!Number.isFinite(t)) throw new ValueError(`translation[${d}] must be a finite number, got ${t}`);
  });
  chunks.forEach((c, d) => {
    if (!Number.isInteger(c) || c < 1) throw new ValueError(`chunks[${d}] must be an integer >= 1, got ${c}`);
  });
  if (
    options.translations !== undefined &&
    options.translations !== "centred" &&
    options.translations !== "zero"
  ) {
    throw new ValueError(
      `translations must be "centred" or "zero", got ${JSON.stringify(options.translations)}`,
    );
  }
  if (options.downsampleAxes !== undefined && !DOWNSAMPLE_AXES.includes(options.downsampleAxes)) {
    throw new ValueError(
      `downsampleAxes must be one of xy, xyz, auto, got ${String(options.downsampleAxes)}`,
    );
  }
  if (!isDownsampleMethod(method)) {
    throw new ValueError(
      `method must be one of mean, gaussian, nearest, mode, min, max, got ${String(method)}`,
    );
  }
  const { levels, factors } = options;
  if (
    levels !== undefined &&
    levels !== "auto" &&
    !(Number.isInteger(levels) && levels >= 1 && levels <= MAX_LEVELS)
  ) {
    throw new ValueError(
      `levels must be "auto" or an integer from 1 to ${MAX_LEVELS}, got ${String(levels)}`,
    );
  }
  if (factors !== undefined) {
    if (!Array.isArray(factors) || factors.length >= MAX_LEVELS) {
      throw new ValueError(
        `factors must be a list (one entry per level after level 0) of fewer than ${MAX_LEVELS}`,
      );
    }
    if (typeof levels === "number" && levels !== factors.length + 1) {
      throw new ValueError(
        `levels (${levels}) disagrees with factors, which describe ${factors.length + 1} levels including level 0`,
      );
    }
  }
}

function checkLevelFactors(
  f: readonly number[],
  k: number,
  rank: number,
  types: readonly (string | undefined)[],
) {
  if (!Array.isArray(f) || f.length !== rank) {
    throw new ValueError(`factors[${k}] must have one entry per axis (${rank}), got ${JSON.stringify(f)}`);
  }
  f.forEach((v, d) => {
    if (!Number.isInteger(v) || v < 1)
      throw new ValueError(`factors[${k}][${d}] must be an integer >= 1, got ${v}`);
    if (v !== 1 && types[d] === "channel") {
      throw new ValueError(`factors[${k}][${d}] must be 1: channel axes are never downsampled`);
    }
  });
}
