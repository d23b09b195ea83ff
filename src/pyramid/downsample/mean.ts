/**
 * Block mean. Sums are exact: a Float64 accumulator holds integer sums exactly below 2^53 (every
 * ≤ 32-bit type at any sane factor), and 64-bit integers sum as bigint. Integers are then rounded
 * to nearest, ties to even, from the exact sum and count; floats are divided in float64.
 */
import type { TypedArray } from "../../dtype/index.js";
import { RowBlocks, type RowGeometry } from "./geometry.js";
import { divideHalfEven, divideHalfEvenBig } from "./rounding.js";

/** Typed arrays whose elements are numbers (everything but the 64-bit integer arrays). */
export type NumberArray = Exclude<TypedArray, BigInt64Array | BigUint64Array>;
export type BigIntArray = BigInt64Array | BigUint64Array;

/** Adds the block sums of one input row (starting at `off`) into `acc`. */
function addRow(src: NumberArray, off: number, acc: Float64Array, g: RowGeometry): void {
  const { rowLength: n, rowFactor: f, inner } = g;
  const full = Math.floor(n / f);
  const tail = n - full * f;
  if (inner === 1) {
    let p = off;
    if (f === 2) {
      for (let j = 0; j < full; j++, p += 2) acc[j] += src[p] + src[p + 1];
    } else {
      for (let j = 0; j < full; j++) {
        let s = 0;
        for (let k = 0; k < f; k++) s += src[p++];
        acc[j] += s;
      }
    }
    if (tail > 0) {
      let s = 0;
      for (let k = 0; k < tail; k++) s += src[p++];
      acc[full] += s;
    }
    return;
  }
  const m = g.outputRowLength;
  for (let j = 0; j < m; j++) {
    const len = j < full ? f : tail;
    const a = j * inner;
    for (let k = 0; k < len; k++) {
      const b = off + (j * f + k) * inner;
      for (let c = 0; c < inner; c++) acc[a + c] += src[b + c];
    }
  }
}

/** Block means of `src` into `out` (same data type); `integer` selects exact rounding. */
export function meanRows(src: NumberArray, out: NumberArray, g: RowGeometry, integer: boolean): void {
  const { rowLength: n, rowFactor: f, inner } = g;
  const full = Math.floor(n / f);
  const tail = n - full * f;
  const rowOut = g.outputRowLength * inner;
  const fullEnd = full * inner;
  const acc = new Float64Array(rowOut);
  const blocks = new RowBlocks(g);
  while (blocks.next()) {
    acc.fill(0);
    const rows = blocks.count;
    for (let r = 0; r < rows; r++) addRow(src, blocks.offsets[r], acc, g);
    const o = blocks.row * rowOut;
    const countFull = rows * f;
    const countTail = rows * tail;
    if (integer) {
      for (let i = 0; i < fullEnd; i++) out[o + i] = divideHalfEven(acc[i], countFull);
      for (let i = fullEnd; i < rowOut; i++) out[o + i] = divideHalfEven(acc[i], countTail);
    } else {
      for (let i = 0; i < fullEnd; i++) out[o + i] = acc[i] / countFull;
      for (let i = fullEnd; i < rowOut; i++) out[o + i] = acc[i] / countTail;
    }
  }
}

/** Block means of 64-bit integers: bigint sums (never overflow), exact rounding. Slow but rare. */
export function meanRowsBig(src: BigIntArray, out: BigIntArray, g: RowGeometry): void {
  const { rowLength: n, rowFactor: f, inner } = g;
  const full = Math.floor(n / f);
  const tail = n - full * f;
  const m = g.outputRowLength;
  const rowOut = m * inner;
  const acc = new Array<bigint>(rowOut);
  const blocks = new RowBlocks(g);
  while (blocks.next()) {
    acc.fill(0n);
    const rows = blocks.count;
    for (let r = 0; r < rows; r++) {
      const off = blocks.offsets[r];
      for (let j = 0; j < m; j++) {
        const len = j < full ? f : tail;
        for (let k = 0; k < len; k++) {
          const b = off + (j * f + k) * inner;
          for (let c = 0; c < inner; c++) acc[j * inner + c] += src[b + c];
        }
      }
    }
    const o = blocks.row * rowOut;
    for (let j = 0; j < m; j++) {
      const count = BigInt(rows * (j < full ? f : tail));
      for (let c = 0; c < inner; c++) out[o + j * inner + c] = divideHalfEvenBig(acc[j * inner + c], count);
    }
  }
}
