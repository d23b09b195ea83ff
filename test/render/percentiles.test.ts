/**
 * Percentiles without sorting (histogram for 8/16-bit integers, selection otherwise) give exactly the
 * values that sorting and picking rank round(p / 100 * (n - 1)) gives, NaN ignored.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { render } from "../../src/index.js";
import { histogramPercentiles } from "../../src/render/percentiles.js";

/** The definition: sort, drop NaN, pick the ranks. */
function bySorting(values: ArrayLike<number>, [p0, p1]: [number, number]): [number, number] {
  const sorted = Float64Array.from(values)
    .filter((v) => !Number.isNaN(v))
    .sort();
  if (sorted.length === 0) return [0, 1];
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((p / 100) * (sorted.length - 1))))];
  return [at(p0), at(p1)];
}

let seed = 7;
const random = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
};
const PAIRS: Array<[number, number]> = [
  [0.5, 99.5],
  [0, 100],
  [50, 50],
  [99, 1],
  [2, 98],
];

test("floats (with NaN, ties, runs and sorted input) give the sorted-order values", () => {
  const cases: Float64Array[] = [
    Float64Array.from({ length: 10007 }, () => (random() < 0.01 ? Number.NaN : random() * 1e3 - 500)),
    Float64Array.from({ length: 5000 }, () => Math.floor(random() * 4)), // many ties
    Float64Array.from({ length: 4096 }, (_, i) => i), // sorted
    Float64Array.from({ length: 4096 }, (_, i) => 4096 - i), // reversed
    Float64Array.from({ length: 3 }, () => Number.NaN),
    Float64Array.of(42),
  ];
  for (const values of cases)
    for (const pair of PAIRS) assert.deepEqual(render.percentilesOf(values, pair), bySorting(values, pair));
  // Float32 data (not a small integer type) takes the selection path too
  const f32 = Float32Array.from({ length: 3001 }, () => random() * 10);
  assert.deepEqual(render.percentilesOf(f32), bySorting(f32, [0.5, 99.5]));
});

test("8- and 16-bit integers (signed and unsigned) give the sorted-order values, also over several parts", () => {
  const u16 = Uint16Array.from({ length: 20011 }, () => (random() < 0.001 ? 65535 : 1000 + random() * 3000));
  const i16 = Int16Array.from({ length: 9000 }, () => -32768 + random() * 65535);
  const u8 = Uint8Array.from({ length: 777 }, () => random() * 256);
  const i8 = Int8Array.from({ length: 778 }, () => -128 + random() * 255);
  for (const values of [u16, i16, u8, i8])
    for (const pair of PAIRS) assert.deepEqual(render.percentilesOf(values, pair), bySorting(values, pair));
  const parts = [u16.subarray(0, 5000), u16.subarray(12000)];
  const joined = [...parts[0], ...parts[1]];
  assert.deepEqual(histogramPercentiles(parts, [0.5, 99.5]), bySorting(joined, [0.5, 99.5]));
  assert.deepEqual(render.percentilesOf(new Uint16Array(0)), [0, 1]);
});
