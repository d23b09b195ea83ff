/** The vocabulary of downsampling: which reductions exist and what a call may say about its input block. */

/**
 * How one output voxel is made from the block of `factors` input voxels it covers:
 * - `mean`: the average (integers: exact, rounded to nearest, ties to even; bool: strict majority).
 * - `gaussian`: a Gaussian-weighted average centred on the block (anti-aliased; needs a halo).
 * - `nearest`: the block's first voxel (plain striding).
 * - `mode`: the most frequent value, ties to the smallest (for label images).
 * - `min`, `max`: the block's extreme value (bool: all / any).
 */
export type DownsampleMethod = "mean" | "gaussian" | "nearest" | "mode" | "min" | "max";

export const DOWNSAMPLE_METHODS: readonly DownsampleMethod[] = [
  "mean",
  "gaussian",
  "nearest",
  "mode",
  "min",
  "max",
];

/** Extra input voxels around the block on one axis: `[before, after]`. */
export type Halo = [before: number, after: number];

export interface DownsampleOptions {
  /**
   * How many extra input voxels surround the block on each axis (default none). Only `gaussian`
   * reads them; other methods ignore them. A side with fewer voxels than `haloFor` asks for is
   * taken to be the array's border, where the kernel mirrors the data (scipy's `reflect` mode).
   */
  halo?: readonly Halo[];
}

export function isDownsampleMethod(name: unknown): name is DownsampleMethod {
  return typeof name === "string" && (DOWNSAMPLE_METHODS as readonly string[]).includes(name);
}
