/** Shared checks for the source tests: expected values come from Python, regions are cut naively here. */
import assert from "node:assert/strict";
import type { NDArray } from "../../src/ndarray.js";
import type { Source } from "../../src/sources/index.js";

export { python, pythonJSON, tempDir } from "../helpers/python.js";

/** Values of an NDArray as plain numbers, C order (complex: interleaved re, im). */
export function values(a: NDArray): number[] {
  return Array.from(a.data as ArrayLike<number | bigint>, Number);
}

/** The elements of a C-order array (given flat) inside `region`, in C order, by plain index arithmetic. */
export function cut(
  flat: readonly number[],
  shape: readonly number[],
  region: ReadonlyArray<readonly [number, number]>,
  lanes = 1,
): number[] {
  const out: number[] = [];
  const walk = (axis: number, offset: number) => {
    if (axis === shape.length) {
      for (let l = 0; l < lanes; l++) out.push(flat[offset * lanes + l]);
      return;
    }
    for (let i = region[axis][0]; i < region[axis][1]; i++) walk(axis + 1, offset * shape[axis] + i);
  };
  walk(0, 0);
  return out;
}

/** Reads the whole source and a region of it and checks both against `flat` (the full array, C order). */
export async function checkReads(
  source: Source,
  flat: readonly number[],
  region: ReadonlyArray<readonly [number, number]>,
  lanes = 1,
): Promise<void> {
  const whole = await source.read(source.shape.map((s) => [0, s] as const));
  assert.deepEqual(whole.shape, source.shape);
  assert.deepEqual(values(whole), [...flat]);
  const part = await source.read(region);
  assert.deepEqual(
    part.shape,
    region.map(([a, b]) => b - a),
  );
  assert.deepEqual(values(part), cut(flat, source.shape, region, lanes));
}

/** Asserts two number lists agree to a relative tolerance (for float32 results). */
export function assertClose(actual: readonly number[], expected: readonly number[], rel = 1e-6): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    const tol = rel * Math.max(1, Math.abs(expected[i]));
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      assert.fail(`element ${i}: ${actual[i]} differs from ${expected[i]}`);
    }
  }
}
