/**
 * Decode bounds: how many bytes a stage may produce when decoding one chunk. The pipeline knows the
 * decoded chunk's size, so a compressed stream that expands past it is corrupt (or a decompression
 * bomb) and decoders stop as soon as they pass the bound instead of inflating everything first.
 */
import { CodecError } from "../errors.js";

/**
 * The most a compressor can expand `n` bytes (zstd, deflate, lz4, bzip2 and blosc all add well under
 * 1/8 plus a few KiB of framing). Bounds the input of a stage whose output size is `n` when stages are
 * stacked ([bytes, zstd, gzip]): the inner stage's encoded size is not stored anywhere.
 */
export function encodedBound(n: number): number {
  return n + Math.ceil(n / 8) + 4096;
}

/** The error for output past the bound. */
export function tooLarge(codec: string, limit: number): CodecError {
  return new CodecError(`${codec}: decodes to more than ${limit} bytes, the most this chunk can hold`);
}
