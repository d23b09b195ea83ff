/** A deliberately naive N-D array used as the reference model for get/set tests. */
import { allocate, type DataType, lanes } from "../../src/dtype/index.js";
import { normalizeSelection, type Selection, selectionShape } from "../../src/indexing/selection.js";
import { type NDArray, product } from "../../src/ndarray.js";

function indexLists(selection: Selection, shape: number[]): number[][] {
  return normalizeSelection(selection, shape).map((r) =>
    Array.from({ length: r.count }, (_, k) => r.start + k * r.step),
  );
}

function* cartesian(lists: number[][]): Generator<number[]> {
  if (lists.length === 0) {
    yield [];
    return;
  }
  const [first, ...rest] = lists;
  for (const i of first) for (const tail of cartesian(rest)) yield [i, ...tail];
}

function flat(idx: number[], shape: number[]): number {
  let o = 0;
  for (let i = 0; i < shape.length; i++) o = o * shape[i] + idx[i];
  return o;
}

export function refGet(a: NDArray, selection: Selection): NDArray {
  const lists = indexLists(selection, a.shape);
  const outShape = selectionShape(normalizeSelection(selection, a.shape));
  const n = lanes(a.dtype);
  const out = allocate(a.dtype, product(outShape)) as unknown as number[];
  const src = a.data as unknown as number[];
  let k = 0;
  for (const idx of cartesian(lists)) {
    const o = flat(idx, a.shape) * n;
    for (let l = 0; l < n; l++) out[k * n + l] = src[o + l];
    k++;
  }
  return { data: out as never, shape: outShape, dtype: a.dtype };
}

export function refSet(a: NDArray, selection: Selection, value: NDArray): void {
  const lists = indexLists(selection, a.shape);
  const n = lanes(a.dtype);
  const dst = a.data as unknown as number[];
  const src = value.data as unknown as number[];
  let k = 0;
  for (const idx of cartesian(lists)) {
    const o = flat(idx, a.shape) * n;
    for (let l = 0; l < n; l++) dst[o + l] = src[k * n + l];
    k++;
  }
}

/** Deterministic pseudo-random data of a data type (mulberry32). */
export function randomArray<D extends DataType>(dtype: D, shape: number[], seed = 1): NDArray<D> {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const data = allocate(dtype, product(shape)) as unknown as (number | bigint)[];
  for (let i = 0; i < data.length; i++) {
    const r = rand();
    switch (dtype) {
      case "bool":
        data[i] = r < 0.5 ? 0 : 1;
        break;
      case "int64":
        data[i] = BigInt(Math.floor((r - 0.5) * 2 ** 40));
        break;
      case "uint64":
        data[i] = BigInt(Math.floor(r * 2 ** 52));
        break;
      case "float16":
        data[i] = Math.round((r - 0.5) * 2048) / 8; // exactly representable
        break;
      case "float32":
      case "float64":
      case "complex64":
      case "complex128":
        data[i] = Math.fround((r - 0.5) * 1000);
        break;
      default: {
        const bits =
          { int8: 8, uint8: 8, int16: 16, uint16: 16, int32: 32, uint32: 32 }[dtype as string] ?? 8;
        const signed = dtype.startsWith("int");
        const v = Math.floor(r * 2 ** bits);
        data[i] = signed ? v - 2 ** (bits - 1) : v;
      }
    }
  }
  return { data: data as never, shape, dtype };
}
