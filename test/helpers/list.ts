import type { TypedArray } from "../../src/dtype/index.js";

/** The elements of any typed array (bigint ones included) as a plain JS array, for deepEqual. */
export function list(data: TypedArray | ArrayLike<unknown>): unknown[] {
  return Array.from(data as ArrayLike<unknown>);
}
