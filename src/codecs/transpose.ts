/**
 * The v3 `transpose` codec: encoded axis k is decoded axis order[k]. Also used for v2 `order: "F"`,
 * which is a transpose with the axes reversed.
 */
import { allocate, lanes, type TypedArray } from "../dtype/index.js";
import type { Issue } from "../errors.js";
import type { NDArray } from "../ndarray.js";
import { assertValid, type Config } from "./config.js";
import { stridesOf } from "./region.js";
import type { ArrayToArrayCodec, ChunkSpec, V3CodecJSON } from "./types.js";

export function checkTransposeConfig(config: Config, path: string, rank?: number): Issue[] {
  const order = config.order;
  const at = `${path}.order`;
  if (order === undefined)
    return [{ path: at, message: "is required (a permutation of the axes, e.g. [2, 1, 0])" }];
  if (!Array.isArray(order) || !order.every((v) => typeof v === "number" && Number.isInteger(v))) {
    return [{ path: at, message: `must be an array of integers, got ${JSON.stringify(order)}` }];
  }
  const n = rank ?? order.length;
  if (order.length !== n) {
    return [{ path: at, message: `must have one entry per axis (${n}), got ${order.length}` }];
  }
  const seen = new Set(order);
  if (seen.size !== n || order.some((v) => v < 0 || v >= n)) {
    return [{ path: at, message: `must be a permutation of 0..${n - 1}, got [${order.join(", ")}]` }];
  }
  return [];
}

export class TransposeCodec implements ArrayToArrayCodec {
  readonly kind = "array_to_array";
  readonly order: readonly number[];
  private readonly inverse: number[];

  constructor(config: { order: number[] }, rank?: number) {
    assertValid("transpose codec configuration", checkTransposeConfig(config, "transpose", rank));
    this.order = [...config.order];
    this.inverse = new Array<number>(this.order.length);
    this.order.forEach((axis, k) => {
      this.inverse[axis] = k;
    });
  }

  encodedSpec(spec: ChunkSpec): ChunkSpec {
    return { ...spec, shape: this.order.map((a) => spec.shape[a]) };
  }

  encode(array: NDArray): NDArray {
    return permute(array, this.order);
  }

  decode(array: NDArray): NDArray {
    return permute(array, this.inverse);
  }

  toJSON(): V3CodecJSON {
    return { name: "transpose", configuration: { order: [...this.order] } };
  }
}

/** A new C-order array whose axis k is axis `order[k]` of `a`. */
export function permute(a: NDArray, order: readonly number[]): NDArray {
  const rank = order.length;
  if (order.every((v, i) => v === i)) return a;
  const L = lanes(a.dtype);
  const outShape = order.map((axis) => a.shape[axis]);
  const src = a.data as TypedArray;
  const out = allocate(a.dtype, src.length / L) as TypedArray;
  if (out.length === 0) return { data: out, shape: outShape, dtype: a.dtype } as NDArray;
  const inStrides = stridesOf(a.shape, L);
  // Stride in the source for a step along each output axis.
  const step = order.map((axis) => inStrides[axis]);
  const last = rank - 1;
  const n = outShape[last];
  const stepLast = step[last];
  const s = src as unknown as Float64Array;
  const o = out as unknown as Float64Array;
  const idx = new Array<number>(rank).fill(0);
  let base = 0;
  let w = 0;
  for (;;) {
    if (L === 1) {
      for (let i = 0, r = base; i < n; i++, r += stepLast) o[w++] = s[r];
    } else {
      for (let i = 0, r = base; i < n; i++, r += stepLast) {
        o[w++] = s[r];
        o[w++] = s[r + 1];
      }
    }
    let k = last - 1;
    for (; k >= 0; k--) {
      idx[k]++;
      base += step[k];
      if (idx[k] < outShape[k]) break;
      base -= step[k] * outShape[k];
      idx[k] = 0;
    }
    if (k < 0) break;
  }
  return { data: out, shape: outShape, dtype: a.dtype } as NDArray;
}
