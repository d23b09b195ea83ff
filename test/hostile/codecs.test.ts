/**
 * Issue 16, bounded decode: a 4 KiB chunk that decompresses to 512 MiB must fail with a
 * CorruptChunkError naming its key, before the decoder has produced much more than the chunk. One row
 * per codec and path (native zstd with and without a content size, gzip, zlib, lz4, bz2, blosc's header
 * and its inner streams, a sharded inner chunk, the worker pool); each runs in a child with a timeout
 * and a peak-RSS bound (harness.ts).
 */
import { test } from "node:test";
import { needs, python3 } from "../helpers/requirements.js";
import { assertOutcome, type Expect, runCase } from "./harness.js";

const CASES = new URL("./codecs.cases.ts", import.meta.url);
/** node + tsx + the codec libraries + the bomb's compressed bytes (a few MiB at most); a decoded bomb is 512. */
const PEAK = 300;
const bomb = (key: string): Expect => ({
  peakMiB: PEAK,
  error: {
    name: "CorruptChunkError",
    code: "corrupt_chunk",
    key,
    message: /more than|exceeds|expected|declares/,
  },
});

export const ROWS: Array<{ kind: string; name: string; case: string; expect: Expect }> = [
  { kind: "memory", name: "zstd frames with a content size", case: "zstdWithSize", expect: bomb("a/c/0") },
  {
    kind: "memory",
    name: "zstd frames without a content size",
    case: "zstdWithoutSize",
    expect: bomb("a/c/0"),
  },
  {
    kind: "memory",
    name: "WASM (browser) zstd backend, frames without a content size",
    case: "zstdPortableWithoutSize",
    expect: {
      peakMiB: PEAK,
      error: { name: "CodecError", message: /zstd: decodes to more than 4096 bytes/ },
    },
  },
  { kind: "memory", name: "zstd through the worker pool", case: "zstdWorker", expect: bomb("a/c/0") },
  { kind: "memory", name: "gzip (many members)", case: "gzip", expect: bomb("a/c/0") },
  { kind: "memory", name: "zlib (v2 compressor)", case: "zlibV2", expect: bomb("a/0") },
  { kind: "memory", name: "lz4 declaring 512 MiB", case: "lz4", expect: bomb("a/0") },
  { kind: "memory", name: "bz2", case: "bz2", expect: bomb("a/0") },
  {
    kind: "memory",
    name: "blosc header declaring 512 MiB (zstd)",
    case: "bloscZstdHeader",
    expect: bomb("a/0"),
  },
  { kind: "memory", name: "blosc: an inner zstd stream bomb", case: "bloscZstdStream", expect: bomb("a/0") },
  {
    kind: "memory",
    name: "blosc header declaring 512 MiB (lz4)",
    case: "bloscLz4Header",
    expect: bomb("a/0"),
  },
  { kind: "memory", name: "sharded inner chunk (zstd)", case: "shardedInnerZstd", expect: bomb("a/c/0") },
  {
    kind: "silent",
    name: "shard index entry pointing into the index region",
    case: "shardIndexIntoIndex",
    expect: { peakMiB: PEAK, error: { name: "CorruptChunkError", key: "a/c/0", message: /index/ } },
  },
];

for (const row of ROWS) {
  // the bz2 bomb is made by Python's bz2 (zarrsmith only decodes bz2)
  const skip = row.case === "bz2" ? needs(python3()) : false;
  test(`[${row.kind}] ${row.name}`, { skip }, async () => {
    const run = await runCase(CASES, row.case, null, { timeoutMs: 60_000, killAtMiB: 1800 });
    assertOutcome(run, row.expect);
  });
}
