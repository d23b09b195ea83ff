/**
 * Specialised kernels for the pyramid's bread and butter: factor 2 on the last two or three axes,
 * factor 1 before them, 8/16-bit integers or floats. One pass, no accumulator, 4 or 8 loads per
 * output voxel with the index arithmetic hoisted out of the loop.
 *
 * Edges need no special case: a missing row or column is replaced by the one before it. That counts
 * every present voxel of an edge block the same number of times, so the mean, min, max and mode of
 * the padded block equal those of the real one, exactly (for integers, the same rational is rounded).
 */
import type { TypedArray } from "../../dtype/index.js";
import type { NumberArray } from "./mean.js";
import { modeOf } from "./mode.js";
import type { DownsampleMethod } from "./types.js";

/** Volume seen as (batch, z, y, x); z is 1 with `fz` 1 for the 2-D (y, x) kernels. */
interface Layout {
  batch: number;
  Z: number;
  Y: number;
  X: number;
  fz: 1 | 2;
}

/**
 * Runs a specialised kernel if one fits, else returns false. `shape` and `factors` describe the
 * block without halo (complex lanes included, which never match).
 */
export function fastPath(
  src: TypedArray,
  out: TypedArray,
  shape: readonly number[],
  factors: readonly number[],
  method: DownsampleMethod,
  kind: string,
): boolean {
  if (
    !(
      src instanceof Uint8Array ||
      src instanceof Int8Array ||
      src instanceof Uint16Array ||
      src instanceof Int16Array
    )
  ) {
    if (!(src instanceof Float32Array || src instanceof Float64Array) || kind === "complex") return false;
  }
  const layout = layoutOf(shape, factors);
  if (!layout) return false;
  const s = src as NumberArray;
  const o = out as NumberArray;
  const integer = kind !== "float";
  switch (method) {
    case "mean":
      if (integer) meanInteger(s, o, layout);
      else meanFloat(s, o, layout);
      return true;
    case "min":
    case "max":
      extreme(s, o, layout, method === "max");
      return true;
    case "mode":
      mode(s, o, layout);
      return true;
    default:
      return false;
  }
}

function layoutOf(shape: readonly number[], factors: readonly number[]): Layout | undefined {
  const n = shape.length;
  let reduced = 0;
  while (reduced < n && reduced < 3 && factors[n - 1 - reduced] === 2) reduced++;
  if (reduced < 2) return undefined;
  for (let d = 0; d < n - reduced; d++) if (factors[d] !== 1) return undefined;
  let batch = 1;
  for (let d = 0; d < n - reduced; d++) batch *= shape[d];
  return {
    batch,
    Z: reduced === 3 ? shape[n - 3] : 1,
    Y: shape[n - 2],
    X: shape[n - 1],
    fz: reduced === 3 ? 2 : 1,
  };
}

/**
 * Calls `row(a, b, c, d, o)` for every output row with the offsets of its input rows (z0y0, z0y1,
 * z1y0, z1y1; the z1 pair repeats z0 when fz is 1, rows past the edge repeat the last one) and the
 * output row offset. Called once per row, so its cost is amortised over X/2 voxels.
 */
function forEachRow(l: Layout, row: (a: number, b: number, c: number, d: number, o: number) => void): void {
  const { batch, Z, Y, X, fz } = l;
  const oz = Math.ceil(Z / fz);
  const oy = Math.ceil(Y / 2);
  const ox = Math.ceil(X / 2);
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let z = 0; z < oz; z++) {
      const z0 = b * Z + z * fz;
      const z1 = fz === 2 && z * 2 + 1 < Z ? z0 + 1 : z0;
      for (let y = 0; y < oy; y++) {
        const y0 = 2 * y;
        const y1 = y0 + 1 < Y ? y0 + 1 : y0;
        row((z0 * Y + y0) * X, (z0 * Y + y1) * X, (z1 * Y + y0) * X, (z1 * Y + y1) * X, o);
        o += ox;
      }
    }
  }
}

function meanInteger(s: NumberArray, out: NumberArray, l: Layout): void {
  const half = l.X >> 1; // output voxels with two x neighbours
  const tail = l.X & 1;
  if (l.fz === 2) {
    forEachRow(l, (a, b, c, d, o) => {
      for (let i = 0, p = 0; i < half; i++, p += 2) {
        const sum =
          s[a + p] +
          s[a + p + 1] +
          s[b + p] +
          s[b + p + 1] +
          s[c + p] +
          s[c + p + 1] +
          s[d + p] +
          s[d + p + 1];
        // sum / 8, to nearest, ties to even: add 3, plus 1 more when the quotient is odd.
        out[o + i] = (sum + 3 + ((sum >> 3) & 1)) >> 3;
      }
      if (tail) {
        const p = 2 * half;
        const sum = 2 * (s[a + p] + s[b + p] + s[c + p] + s[d + p]);
        out[o + half] = (sum + 3 + ((sum >> 3) & 1)) >> 3;
      }
    });
    return;
  }
  forEachRow(l, (a, b, _c, _d, o) => {
    for (let i = 0, p = 0; i < half; i++, p += 2) {
      const sum = s[a + p] + s[a + p + 1] + s[b + p] + s[b + p + 1];
      out[o + i] = (sum + 1 + ((sum >> 2) & 1)) >> 2;
    }
    if (tail) {
      const p = 2 * half;
      const sum = 2 * (s[a + p] + s[b + p]);
      out[o + half] = (sum + 1 + ((sum >> 2) & 1)) >> 2;
    }
  });
}

function meanFloat(s: NumberArray, out: NumberArray, l: Layout): void {
  const half = l.X >> 1;
  const tail = l.X & 1;
  if (l.fz === 2) {
    forEachRow(l, (a, b, c, d, o) => {
      for (let i = 0, p = 0; i < half; i++, p += 2) {
        out[o + i] =
          (s[a + p] +
            s[a + p + 1] +
            s[b + p] +
            s[b + p + 1] +
            s[c + p] +
            s[c + p + 1] +
            s[d + p] +
            s[d + p + 1]) *
          0.125;
      }
      if (tail) {
        const p = 2 * half;
        out[o + half] = (s[a + p] + s[b + p] + s[c + p] + s[d + p]) * 0.25;
      }
    });
    return;
  }
  forEachRow(l, (a, b, _c, _d, o) => {
    for (let i = 0, p = 0; i < half; i++, p += 2)
      out[o + i] = (s[a + p] + s[a + p + 1] + s[b + p] + s[b + p + 1]) * 0.25;
    if (tail) {
      const p = 2 * half;
      out[o + half] = (s[a + p] + s[b + p]) * 0.5;
    }
  });
}

/** Min or max with the generic kernels' NaN rule: a NaN running value is always replaced. */
function extreme(s: NumberArray, out: NumberArray, l: Layout, max: boolean): void {
  const last = l.X - 1;
  const ox = Math.ceil(l.X / 2);
  const rows = l.fz === 2 ? 4 : 2;
  const at = [0, 0, 0, 0];
  forEachRow(l, (a, b, c, d, o) => {
    at[0] = a;
    at[1] = b;
    at[2] = c;
    at[3] = d;
    // Seed the output row from row a, then fold in each row's pair: rows in the outer loop keep
    // every inner loop a plain sequential sweep.
    for (let i = 0; i < ox; i++) out[o + i] = s[a + 2 * i];
    for (let r = 0; r < rows; r++) {
      const base = at[r];
      if (max) {
        for (let i = 0, p = base; i < ox; i++, p += 2) {
          let m = out[o + i];
          const v0 = s[p];
          const v1 = s[2 * i < last ? p + 1 : p];
          if (v0 > m || Number.isNaN(m)) m = v0;
          if (v1 > m || Number.isNaN(m)) m = v1;
          out[o + i] = m;
        }
      } else {
        for (let i = 0, p = base; i < ox; i++, p += 2) {
          let m = out[o + i];
          const v0 = s[p];
          const v1 = s[2 * i < last ? p + 1 : p];
          if (v0 < m || Number.isNaN(m)) m = v0;
          if (v1 < m || Number.isNaN(m)) m = v1;
          out[o + i] = m;
        }
      }
    }
  });
}

function mode(s: NumberArray, out: NumberArray, l: Layout): void {
  const last = l.X - 1;
  const ox = Math.ceil(l.X / 2);
  const rows = l.fz === 2 ? 4 : 2;
  const scratch = new Float64Array(8);
  forEachRow(l, (a, b, c, d, o) => {
    for (let i = 0; i < ox; i++) {
      const p = 2 * i;
      const q = p < last ? p + 1 : p;
      // Common case first: the whole block is one label.
      const v = s[a + p];
      if (
        v === s[a + q] &&
        v === s[b + p] &&
        v === s[b + q] &&
        (rows === 2 || (v === s[c + p] && v === s[c + q] && v === s[d + p] && v === s[d + q]))
      ) {
        out[o + i] = v;
        continue;
      }
      let n = push(scratch, 0, s[a + p]);
      n = push(scratch, n, s[a + q]);
      n = push(scratch, n, s[b + p]);
      n = push(scratch, n, s[b + q]);
      if (rows === 4) {
        n = push(scratch, n, s[c + p]);
        n = push(scratch, n, s[c + q]);
        n = push(scratch, n, s[d + p]);
        n = push(scratch, n, s[d + q]);
      }
      out[o + i] = n === 0 ? Number.NaN : (modeOf(scratch, n) as number);
    }
  });
}

/** Appends `x` to the block's values unless it is NaN; returns the new count. */
function push(scratch: Float64Array, n: number, x: number): number {
  if (!Number.isNaN(x)) scratch[n++] = x;
  return n;
}
