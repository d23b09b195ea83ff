/** Byte ranges: checking a RangeQuery and turning it into [start, end) over a value of known size. */
import { ValueError } from "../errors.js";
import type { RangeQuery } from "./types.js";

function isCount(n: unknown): n is number {
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
}

/** Throws ValueError unless the range has non-negative integer fields. */
export function checkRange(range: RangeQuery, key: string): RangeQuery {
  if ("suffixLength" in range) {
    if (!isCount(range.suffixLength)) {
      throw new ValueError(
        `Invalid byte range for ${JSON.stringify(key)}: suffixLength must be an integer >= 0`,
      );
    }
  } else if (!isCount(range.offset) || !isCount(range.length)) {
    throw new ValueError(
      `Invalid byte range for ${JSON.stringify(key)}: offset and length must be integers >= 0`,
    );
  }
  return range;
}

/**
 * The half-open interval a range selects from `size` bytes. Ranges are clamped to the value, the way
 * HTTP servers answer: past the end gives fewer bytes (or none), a suffix longer than the value gives all.
 */
export function resolveRange(range: RangeQuery, size: number): { start: number; end: number } {
  if ("suffixLength" in range) return { start: Math.max(0, size - range.suffixLength), end: size };
  const start = Math.min(range.offset, size);
  return { start, end: Math.min(size, range.offset + range.length) };
}

/** The selected bytes of `bytes`, as a view (no copy). */
export function sliceRange(bytes: Uint8Array, range: RangeQuery | undefined): Uint8Array {
  if (!range) return bytes;
  const { start, end } = resolveRange(range, bytes.byteLength);
  return bytes.subarray(start, end);
}

/** True when a range selects nothing whatever the size (a zero length or zero suffix). */
export function isEmptyRange(range: RangeQuery): boolean {
  return "suffixLength" in range ? range.suffixLength === 0 : range.length === 0;
}
