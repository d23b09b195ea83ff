/** Byte ranges: checking a RangeQuery and turning it into [start, end) over a value of known size. */
import { StoreError, ValueError } from "../errors.js";
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

/** The error for a read that needs bytes past the end of `description`. */
export function pastEnd(description: string, end: number, needed: number): StoreError {
  return new StoreError(
    `${description} ends at byte ${end} but the data needs bytes up to ${needed}: the file is truncated or its header is wrong`,
    { store: description },
  );
}

/**
 * `bytes`, the answer to a read of `length` bytes at `offset`, checked to be complete and put into
 * `into` when given: what a source whose transport returns fresh arrays (memory, HTTP, S3) returns.
 */
export function exactRead(
  description: string,
  bytes: Uint8Array,
  offset: number,
  length: number,
  into?: Uint8Array,
): Uint8Array {
  if (bytes.byteLength < length) throw pastEnd(description, offset + bytes.byteLength, offset + length);
  const out = bytes.byteLength === length ? bytes : bytes.subarray(0, length);
  if (!into) return out;
  into.set(out);
  return into.subarray(0, length);
}
