/**
 * NDArray: the in-memory value that `get` returns and `set` accepts — a C-order typed array (a list
 * of strings for string arrays: `NDArray<"string">` is `{ data: string[], shape, dtype: "string" }`)
 * with a shape and a data type. Deliberately a plain object: easy to build, to transfer to workers,
 * to log.
 */

import {
  type ArrayDataType,
  type ArrayScalar,
  allocate,
  type DataType,
  dataTypeOfTypedArray,
  fillSlots,
  lanes,
  type TypedArray,
  type TypedArrayFor,
  typedArrayMatches,
  type ValuesFor,
} from "./dtype/index.js";
import { ValueError } from "./errors.js";

export interface NDArray<D extends ArrayDataType = DataType> {
  data: ValuesFor[D];
  shape: number[];
  dtype: D;
}

/** Number of elements of a shape (1 for a 0-d shape). */
export function product(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Wraps a typed array as an NDArray, checking that its length matches the shape. */
export function ndarray<D extends DataType>(
  data: TypedArrayFor[D],
  shape: readonly number[],
  dtype?: D,
): NDArray<D> {
  const dt = (dtype ?? dataTypeOfTypedArray(data as TypedArray)) as D;
  if (!typedArrayMatches(dt, data as TypedArray)) {
    throw new ValueError(`a ${data.constructor.name} cannot hold ${dt} data`);
  }
  const expected = product(shape) * lanes(dt);
  if (data.length !== expected) {
    throw new ValueError(`data has ${data.length} values but shape [${shape.join(", ")}] needs ${expected}`);
  }
  return { data, shape: [...shape], dtype: dt } as NDArray<D>;
}

/** A new NDArray filled with `value` (zeros, or empty strings, by default). */
export function full<D extends ArrayDataType>(
  shape: readonly number[],
  dtype: D,
  value: ArrayScalar | null = null,
): NDArray<D> {
  const a = { data: allocate(dtype, product(shape)), shape: [...shape], dtype };
  // a new array holds zeros (empty strings) already; -0.0 is not zero here (its sign bit is set)
  if (fillSlots(value, dtype).some((v) => !Object.is(v, 0) && v !== 0n && v !== "")) fillWith(a, value);
  return a;
}

/** Sets every element of `a` to `value` (null: zeros, or empty strings), in place. */
export function fillWith(a: NDArray<ArrayDataType>, value: ArrayScalar | null): void {
  const slots = fillSlots(value, a.dtype);
  if (typeof slots[0] === "string") (a.data as string[]).fill(slots[0]);
  else if (slots.length === 2) {
    const d = a.data as Float32Array | Float64Array;
    for (let i = 0; i < d.length; i += 2) {
      d[i] = slots[0] as number;
      d[i + 1] = slots[1] as number;
    }
  } else (a.data as { fill(v: number | bigint): unknown }).fill(slots[0] as number | bigint);
}

/** Whether every element of `a` equals the fill value (NaN equals NaN, as zarr-python treats it). */
export function isAllFill(a: NDArray<ArrayDataType>, value: ArrayScalar | null): boolean {
  const slots = fillSlots(value, a.dtype) as (number | bigint)[];
  const data = a.data as ArrayLike<number | bigint>;
  if (slots.length === 2) {
    for (let i = 0; i < data.length; i += 2) {
      if (!sameValue(data[i], slots[0]) || !sameValue(data[i + 1], slots[1])) return false;
    }
    return true;
  }
  const v = slots[0];
  if (typeof v === "number" && Number.isNaN(v)) {
    for (let i = 0; i < data.length; i++) if (!Number.isNaN(data[i])) return false;
    return true;
  }
  for (let i = 0; i < data.length; i++) if (data[i] !== v) return false;
  return true;
}

function sameValue(a: number | bigint, b: number | bigint): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}
