/**
 * Rounding rules for integer outputs: to nearest, ties to even (NumPy's `np.round`, IEEE's default),
 * so that averaging has no upward bias over many pyramid levels.
 */

/** `x` rounded to the nearest integer, ties to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x); // ties go towards +Infinity
  // `& 1` reads the parity of any integer below 2^53 (ToInt32 keeps the value modulo 2^32).
  return r - x === 0.5 && (r & 1) !== 0 ? r - 1 : r;
}

/**
 * `sum / count` rounded to nearest, ties to even, computed exactly from integer `sum` (|sum| < 2^53)
 * and `count` >= 1: floor division with a remainder, then the remainder decides.
 */
export function divideHalfEven(sum: number, count: number): number {
  let q = Math.floor(sum / count);
  let r = sum - q * count;
  // The float quotient can be off by one next to an integer; the remainder puts it right.
  if (r < 0) {
    q--;
    r += count;
  } else if (r >= count) {
    q++;
    r -= count;
  }
  const twice = 2 * r;
  return twice > count || (twice === count && q % 2 !== 0) ? q + 1 : q;
}

/** `divideHalfEven` for 64-bit integers held as bigint. */
export function divideHalfEvenBig(sum: bigint, count: bigint): bigint {
  let q = sum / count; // truncates towards zero
  let r = sum - q * count;
  if (r < 0n) {
    q -= 1n;
    r += count;
  }
  const twice = 2n * r;
  return twice > count || (twice === count && q % 2n !== 0n) ? q + 1n : q;
}
