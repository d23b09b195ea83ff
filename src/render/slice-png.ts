/**
 * Rendering a 2-D plane to PNG — the textbook's `plot_slice`: values are windowed to 8 bits
 * (by a given window, e.g. omero's, or by percentiles of the plane), then grey or a colormap.
 * PNG encoding itself is fast-png's.
 */
import { encode } from "fast-png";
import { ValueError } from "../errors.js";
import type { NDArray } from "../ndarray.js";
import { DEFAULT_PERCENTILES, percentilesOf } from "./percentiles.js";

export type Colormap = "grey" | "viridis" | "magma" | "fire";

/** Anchor colours of each map, interpolated linearly (a handful of points reproduces them closely). */
const ANCHORS: Record<Exclude<Colormap, "grey">, Array<[number, number, number]>> = {
  viridis: [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ],
  magma: [
    [0, 0, 4],
    [81, 18, 124],
    [183, 55, 121],
    [252, 137, 97],
    [252, 253, 191],
  ],
  fire: [
    [0, 0, 0],
    [128, 0, 0],
    [255, 64, 0],
    [255, 200, 0],
    [255, 255, 255],
  ],
};

export interface RenderOptions {
  /** Values mapped to black and white; default: the `percentiles` of the plane. */
  window?: [number, number];
  /** Percentiles used when no window is given (default [0.5, 99.5]). */
  percentiles?: [number, number];
  colormap?: Colormap;
  /** Integer magnification (nearest neighbour), so that small pyramid levels are visible; default 1. */
  zoom?: number;
}

function planeValues(plane: NDArray): Float64Array {
  if (plane.shape.length !== 2)
    throw new ValueError(`can only render a 2-D plane, got shape [${plane.shape}]`);
  if (plane.dtype.startsWith("complex")) throw new ValueError("cannot render complex data");
  return Float64Array.from(plane.data as ArrayLike<number | bigint>, Number);
}

/** The values at two percentiles of a plane (NaN ignored). */
export function percentileWindow(
  plane: NDArray,
  percentiles: [number, number] = DEFAULT_PERCENTILES,
): [number, number] {
  return percentilesOf(planeValues(plane), percentiles);
}

/** Encodes a 2-D plane (rows = first axis) as an 8-bit grey or RGB PNG. */
export function renderPlanePNG(plane: NDArray, options: RenderOptions = {}): Uint8Array {
  const values = planeValues(plane);
  const [height, width] = plane.shape;
  const [lo, hi] = options.window ?? percentileWindow(plane, options.percentiles);
  const span = hi > lo ? hi - lo : 1;
  const level = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const t = (values[i] - lo) / span;
    level[i] = Number.isNaN(t) ? 0 : t <= 0 ? 0 : t >= 1 ? 255 : Math.round(t * 255);
  }
  const zoom = options.zoom ?? 1;
  if (!Number.isInteger(zoom) || zoom < 1 || zoom > 64)
    throw new ValueError(`zoom must be an integer from 1 to 64, got ${zoom}`);
  return encodeLevels(
    zoom === 1 ? level : magnify(level, height, width, zoom),
    height * zoom,
    width * zoom,
    options.colormap ?? "grey",
  );
}

/** Nearest-neighbour magnification of a row-major 8-bit image by an integer factor. */
function magnify(level: Uint8Array, height: number, width: number, zoom: number): Uint8Array {
  const out = new Uint8Array(level.length * zoom * zoom);
  const row = new Uint8Array(width * zoom);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) row.fill(level[y * width + x], x * zoom, (x + 1) * zoom);
    for (let k = 0; k < zoom; k++) out.set(row, (y * zoom + k) * row.length);
  }
  return out;
}

/** 8-bit levels → PNG, through the colormap's lookup table. */
function encodeLevels(level: Uint8Array, height: number, width: number, map: Colormap): Uint8Array {
  if (map === "grey") return encode({ width, height, data: level, depth: 8, channels: 1 });
  const anchors = ANCHORS[map];
  if (!anchors) throw new ValueError(`unknown colormap "${map}": use grey, viridis, magma or fire`);
  const lut = new Uint8Array(256 * 3);
  for (let v = 0; v < 256; v++) {
    const x = (v / 255) * (anchors.length - 1);
    const k = Math.min(anchors.length - 2, Math.floor(x));
    const f = x - k;
    for (let c = 0; c < 3; c++) lut[v * 3 + c] = Math.round(anchors[k][c] * (1 - f) + anchors[k + 1][c] * f);
  }
  const rgb = new Uint8Array(level.length * 3);
  for (let i = 0; i < level.length; i++) rgb.set(lut.subarray(level[i] * 3, level[i] * 3 + 3), i * 3);
  return encode({ width, height, data: rgb, depth: 8, channels: 3 });
}
