/** Small, obviously-correct N-D helpers for the pyramid tests: random data, index walks, references. */
import { allocate, type DataType, dataTypeInfo, lanes } from "../../src/dtype/index.js";
import { type NDArray, product } from "../../src/ndarray.js";

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RANGES: Partial<Record<DataType, [number, number]>> = {
  bool: [0, 1],
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 2 ** 32 - 1],
  int64: [-(2 ** 62), 2 ** 62],
  uint64: [0, 2 ** 63],
};

/** A random array of `dtype`; `values` limits integers to that many distinct small values (labels). */
export function randomArray(shape: number[], dtype: DataType, seed: number, values?: number): NDArray {
  const random = rng(seed);
  const n = product(shape) * lanes(dtype);
  const data = allocate(dtype, product(shape)) as unknown as { [i: number]: number | bigint };
  const range = RANGES[dtype];
  for (let i = 0; i < n; i++) {
    let v: number;
    if (values !== undefined) v = Math.floor(random() * values);
    else if (range) v = range[0] + Math.floor(random() * (range[1] - range[0] + 1));
    else v = (random() - 0.5) * 1000;
    if (dtype === "int64" || dtype === "uint64") {
      data[i] = values === undefined ? BigInt(v) * 3n + BigInt(Math.floor(random() * 3)) : BigInt(v);
    } else data[i] = v;
  }
  if (dtype === "float16") {
    // Keep float16 data representable in half precision (as the dtype layer would).
    const f = data as unknown as Float32Array;
    for (let i = 0; i < n; i++) f[i] = Math.round(f[i] * 4) / 4;
  }
  return { data: data as never, shape, dtype };
}

/** Every index vector of `shape`, in C order. */
export function* indices(shape: readonly number[]): Generator<number[]> {
  if (shape.some((s) => s === 0)) return;
  const idx = shape.map(() => 0);
  while (true) {
    yield [...idx];
    let d = shape.length - 1;
    for (; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

export function flatIndex(idx: readonly number[], shape: readonly number[]): number {
  let f = 0;
  for (let d = 0; d < shape.length; d++) f = f * shape[d] + idx[d];
  return f;
}

/** Element `i` of `a` as plain values: [re, im] for complex, else a one-element list. */
export function element(a: NDArray, i: number): Array<number | bigint> {
  const data = a.data as unknown as { [k: number]: number | bigint };
  return lanes(a.dtype) === 2 ? [data[2 * i], data[2 * i + 1]] : [data[i]];
}

/** The input elements of output block `out` (each as its lane values), straight from the definition. */
export function blockValues(a: NDArray, factors: number[], out: number[]): Array<Array<number | bigint>> {
  const lo = out.map((o, d) => o * factors[d]);
  const size = lo.map((l, d) => Math.min(factors[d], a.shape[d] - l));
  const values: Array<Array<number | bigint>> = [];
  for (const k of indices(size))
    values.push(
      element(
        a,
        flatIndex(
          k.map((v, d) => v + lo[d]),
          a.shape,
        ),
      ),
    );
  return values;
}

/** The sub-array of `a` from `start` (inclusive) to `stop` (exclusive) per axis. */
export function subArray(a: NDArray, start: number[], stop: number[]): NDArray {
  const shape = stop.map((s, d) => s - start[d]);
  const L = lanes(a.dtype);
  const out = allocate(a.dtype, product(shape)) as unknown as { [i: number]: number | bigint };
  const src = a.data as unknown as { [i: number]: number | bigint };
  let o = 0;
  for (const k of indices(shape)) {
    const i = flatIndex(
      k.map((v, d) => v + start[d]),
      a.shape,
    );
    for (let l = 0; l < L; l++) out[o++] = src[i * L + l];
  }
  return { data: out as never, shape, dtype: a.dtype };
}

/** Writes `block` into `target` with its first element at `start`. */
export function place(target: NDArray, block: NDArray, start: number[]): void {
  const L = lanes(target.dtype);
  const dst = target.data as unknown as { [i: number]: number | bigint };
  const src = block.data as unknown as { [i: number]: number | bigint };
  let o = 0;
  for (const k of indices(block.shape)) {
    const i = flatIndex(
      k.map((v, d) => v + start[d]),
      target.shape,
    );
    for (let l = 0; l < L; l++) dst[i * L + l] = src[o++];
  }
}

export function isInteger(dtype: DataType): boolean {
  const k = dataTypeInfo(dtype).kind;
  return k === "int" || k === "uint" || k === "bool";
}
