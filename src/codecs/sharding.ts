/**
 * The v3 `sharding_indexed` codec: a shard holds a grid of inner chunks, each encoded with the inner
 * codecs and stored back to back, plus an index of (offset, nbytes) uint64 pairs in C order of the
 * inner chunks, encoded with `index_codecs` and placed at the start or end of the shard. Inner chunks
 * equal to the fill value are not stored (both index entries 2^64-1).
 */
import { allocate, type DataType, type Scalar } from "../dtype/index.js";
import { CodecError, type Issue, SelectionError, SpecError } from "../errors.js";
import type { Region } from "../indexing/region.js";
import { full, isAllFill, type NDArray, product } from "../ndarray.js";
import type { RangeQuery } from "../store/types.js";
import { plain } from "./backends.js";
import { type Config, checkEnum, isObject } from "./config.js";
import { copyBox, forEachIndex } from "./region.js";
import type {
  ArrayToBytesCodec,
  ChunkPipeline,
  ChunkSpec,
  PipelineBuilder,
  RangeReader,
  V3CodecJSON,
} from "./types.js";

export type IndexLocation = "start" | "end";

export interface ShardingConfig {
  chunk_shape: number[];
  codecs: V3CodecJSON[];
  index_codecs?: V3CodecJSON[];
  index_location?: IndexLocation;
}

const MISSING = 0xffffffffffffffffn;
export const DEFAULT_INDEX_CODECS: V3CodecJSON[] = [
  { name: "bytes", configuration: { endian: "little" } },
  { name: "crc32c" },
];

/** Index codecs must give a fixed-size index so it can be found with one range read. */
const FIXED_SIZE_INDEX_CODECS: Record<string, number> = { bytes: 0, transpose: 0, crc32c: 4 };

/** Checks the sharding configuration itself; nested codec lists are checked by the caller. */
export function checkShardingConfig(config: Config, path: string, shardShape?: readonly number[]): Issue[] {
  const issues: Issue[] = [];
  const cs = config.chunk_shape;
  const at = `${path}.chunk_shape`;
  if (!Array.isArray(cs) || !cs.every((v) => typeof v === "number" && Number.isInteger(v) && v > 0)) {
    issues.push({ path: at, message: `must be an array of positive integers, got ${JSON.stringify(cs)}` });
  } else if (shardShape) {
    if (cs.length !== shardShape.length) {
      issues.push({
        path: at,
        message: `has ${cs.length} dimensions but the shard has ${shardShape.length}`,
      });
    } else {
      cs.forEach((c, k) => {
        if (shardShape[k] % c !== 0) {
          issues.push({
            path: `${at}[${k}]`,
            message: `${c} does not divide the shard shape ${shardShape[k]}; inner chunks must tile the shard exactly`,
          });
        }
      });
    }
  }
  if (!Array.isArray(config.codecs)) {
    issues.push({ path: `${path}.codecs`, message: "is required: the list of codecs for inner chunks" });
  }
  if (config.index_codecs !== undefined) {
    if (!Array.isArray(config.index_codecs)) {
      issues.push({ path: `${path}.index_codecs`, message: "must be a list of codecs" });
    } else {
      config.index_codecs.forEach((c, i) => {
        const name = isObject(c) ? c.name : undefined;
        if (typeof name === "string" && !Object.hasOwn(FIXED_SIZE_INDEX_CODECS, name)) {
          issues.push({
            path: `${path}.index_codecs[${i}].name`,
            message: `"${name}" does not give a fixed-size index; use only bytes, transpose and crc32c`,
          });
        }
      });
    }
  }
  issues.push(...checkEnum(config, "index_location", path, ["start", "end"]));
  return issues;
}

/** A byte range of the shard holding one or more consecutive inner chunks. */
interface Span {
  offset: number;
  length: number;
  chunks: { index: number[]; offset: number; nbytes: number }[];
}

export class ShardingCodec implements ArrayToBytesCodec {
  readonly kind = "array_to_bytes";
  readonly chunkShape: readonly number[];
  /** Inner chunks per shard along each axis. */
  readonly chunksPerShard: readonly number[];
  readonly indexLocation: IndexLocation;
  /** Encoded index size in bytes. */
  readonly indexSize: number;
  readonly inner: ChunkPipeline;
  private readonly index: ChunkPipeline;
  private readonly config: ShardingConfig;

  /** `spec` is the shard's: its shape is the shard shape; `build` makes the inner and index pipelines. */
  constructor(config: ShardingConfig, spec: ChunkSpec, build: PipelineBuilder) {
    const issues = checkShardingConfig(config as unknown as Config, "sharding_indexed", spec.shape);
    if (issues.length) throw new SpecError("sharding_indexed configuration", issues);
    this.config = config;
    this.chunkShape = [...config.chunk_shape];
    this.chunksPerShard = spec.shape.map((s, k) => s / config.chunk_shape[k]);
    this.indexLocation = config.index_location ?? "end";
    this.inner = build(config.codecs, { ...spec, shape: [...config.chunk_shape] });
    const indexCodecs = config.index_codecs ?? DEFAULT_INDEX_CODECS;
    this.index = build(indexCodecs, {
      shape: [...this.chunksPerShard, 2],
      dataType: "uint64",
      fillValue: 0,
    });
    const extra = indexCodecs.reduce((n, c) => n + (FIXED_SIZE_INDEX_CODECS[c.name] ?? 0), 0);
    this.indexSize = 16 * product(this.chunksPerShard) + extra;
  }

  async encode(shard: NDArray, spec: ChunkSpec): Promise<Uint8Array> {
    const L = shard.data.length / Math.max(product(shard.shape), 1);
    const chunks: number[][] = [];
    forEachIndex(this.chunksPerShard, (idx) => {
      chunks.push([...idx]);
    });
    const parts: (Uint8Array | undefined)[] = [];
    for (const idx of chunks) {
      const chunk = allocate(shard.dtype, product(this.chunkShape));
      copyBox(
        { data: shard.data, shape: shard.shape, start: idx.map((c, k) => c * this.chunkShape[k]) },
        { data: chunk, shape: this.chunkShape, start: this.chunkShape.map(() => 0) },
        this.chunkShape,
        L,
      );
      const inner = { data: chunk, shape: [...this.chunkShape], dtype: shard.dtype } as NDArray;
      parts.push(isAllFill(inner, spec.fillValue) ? undefined : await this.inner.encode(inner));
    }
    return this.assemble(parts);
  }

  /**
   * The shard made of its encoded inner chunks, in C order of the inner grid (undefined: the chunk
   * equals the fill value and is not stored): the chunks back to back and the index. Writers that
   * encode the inner chunks elsewhere (in parallel, see ZarrArray) assemble the shard with this.
   */
  async assemble(parts: readonly (Uint8Array | undefined)[]): Promise<Uint8Array> {
    const pieces = await this.pieces(parts);
    const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of pieces) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /** The shard `assemble` makes, as the pieces it concatenates (for a writer that writes them one by one). */
  async pieces(parts: readonly (Uint8Array | undefined)[]): Promise<Uint8Array[]> {
    const n = product(this.chunksPerShard);
    if (parts.length !== n)
      throw new CodecError(`sharding: a shard has ${n} inner chunks, got ${parts.length}`);
    const index = new BigUint64Array(2 * n).fill(MISSING);
    let offset = this.indexLocation === "start" ? this.indexSize : 0;
    const stored: Uint8Array[] = [];
    for (let flat = 0; flat < n; flat++) {
      const bytes = parts[flat];
      if (!bytes) continue;
      index[2 * flat] = BigInt(offset);
      index[2 * flat + 1] = BigInt(bytes.length);
      offset += bytes.length;
      stored.push(bytes);
    }
    const indexBytes = await this.index.encode({
      data: index,
      shape: [...this.chunksPerShard, 2],
      dtype: "uint64",
    });
    return this.indexLocation === "start" ? [indexBytes, ...stored] : [...stored, indexBytes];
  }

  /** Every inner chunk at its largest, plus the index. */
  maxEncodedSize(): number | undefined {
    const inner = this.inner.maxEncodedSize();
    return inner === undefined ? undefined : product(this.chunksPerShard) * inner + this.indexSize;
  }

  async decode(bytes: Uint8Array, spec: ChunkSpec): Promise<NDArray> {
    if (bytes.length < this.indexSize) {
      throw new CodecError(
        `sharding: shard of ${bytes.length} bytes is shorter than its ${this.indexSize}-byte index`,
      );
    }
    const indexBytes =
      this.indexLocation === "start"
        ? bytes.subarray(0, this.indexSize)
        : bytes.subarray(bytes.length - this.indexSize);
    const index = await this.readIndex(indexBytes);
    const out = full(spec.shape, spec.dataType as DataType, spec.fillValue as Scalar | null);
    const L = out.data.length / Math.max(product(spec.shape), 1);
    const chunks: number[][] = [];
    forEachIndex(this.chunksPerShard, (idx) => {
      chunks.push([...idx]);
    });
    for (let flat = 0; flat < chunks.length; flat++) {
      const entry = this.entry(index, flat, bytes.length);
      if (!entry) continue;
      const chunk = await this.inner.decode(bytes.subarray(entry.offset, entry.offset + entry.nbytes));
      copyBox(
        { data: chunk.data, shape: this.chunkShape, start: this.chunkShape.map(() => 0) },
        { data: out.data, shape: spec.shape, start: chunks[flat].map((c, k) => c * this.chunkShape[k]) },
        this.chunkShape,
        L,
      );
    }
    return out;
  }

  /**
   * Decodes only `region` (shard-local [start, stop) per axis): one range read for the index, then
   * one read per run of consecutive stored inner chunks that intersect the region. Undefined when
   * the shard does not exist.
   */
  async decodeRegion(read: RangeReader, spec: ChunkSpec, region: Region): Promise<NDArray | undefined> {
    this.checkRegion(region, spec.shape);
    const got = await read(this.indexRange);
    if (got === undefined) return undefined;
    const entryOf = await this.locate(got);
    const regionShape = region.map(([a, b]) => b - a);
    const out = full(regionShape, spec.dataType as DataType, spec.fillValue as Scalar | null);
    const L = out.data.length / Math.max(product(regionShape), 1);
    if (product(regionShape) === 0) return out;

    // Inner chunks touching the region, in C order (so stored neighbours often are adjacent).
    const lo = region.map(([a], k) => Math.floor(a / this.chunkShape[k]));
    const count = region.map(([, b], k) => Math.ceil(b / this.chunkShape[k]) - lo[k]);
    const wanted: { index: number[]; offset: number; nbytes: number }[] = [];
    forEachIndex(count, (rel) => {
      const idx = rel.map((r, k) => r + lo[k]);
      let flat = 0;
      for (let k = 0; k < idx.length; k++) flat = flat * this.chunksPerShard[k] + idx[k];
      // reads past the shard's end are caught below
      const entry = entryOf(flat);
      if (entry) wanted.push({ index: idx, ...entry });
    });
    const spans = coalesce(wanted);
    await Promise.all(
      spans.map(async (span) => {
        const got = await read({ offset: span.offset, length: span.length });
        if (got === undefined || got.length !== span.length) {
          throw new CodecError(
            `sharding: shard ended early: wanted ${span.length} bytes at ${span.offset}, got ${got?.length ?? 0}`,
          );
        }
        const bytes = plain(got);
        for (const c of span.chunks) {
          const rel = c.offset - span.offset;
          const chunk = await this.inner.decode(bytes.subarray(rel, rel + c.nbytes));
          const origin = c.index.map((i, k) => i * this.chunkShape[k]);
          const from = region.map(([a], k) => Math.max(a, origin[k]));
          const to = region.map(([, b], k) => Math.min(b, origin[k] + this.chunkShape[k]));
          copyBox(
            { data: chunk.data, shape: this.chunkShape, start: from.map((f, k) => f - origin[k]) },
            { data: out.data, shape: regionShape, start: from.map((f, k) => f - region[k][0]) },
            to.map((t, k) => t - from[k]),
            L,
          );
        }
      }),
    );
    return out;
  }

  /** Where a shard keeps its index: the range to read for it. */
  get indexRange(): RangeQuery {
    return this.indexLocation === "start"
      ? { offset: 0, length: this.indexSize }
      : { suffixLength: this.indexSize };
  }

  /**
   * The shard's index, read from `indexBytes` (what `indexRange` names), as a lookup of each inner
   * chunk by its C-order number: its byte range in the shard, or undefined when it is not stored.
   * For readers that fetch and decode inner chunks themselves (in parallel, see ZarrArray.get).
   */
  async locate(
    indexBytes: Uint8Array,
  ): Promise<(flat: number) => { offset: number; nbytes: number } | undefined> {
    if (indexBytes.length !== this.indexSize) {
      throw new CodecError(`sharding: read ${indexBytes.length} index bytes, expected ${this.indexSize}`);
    }
    const index = await this.readIndex(plain(indexBytes));
    // (the shard's length is not known here: a range past its end reads short, which the reader checks)
    return (flat) => this.entry(index, flat, Number.MAX_SAFE_INTEGER);
  }

  private checkRegion(region: Region, shape: readonly number[]): void {
    if (region.length !== shape.length) {
      throw new SelectionError(`region has ${region.length} dimensions but the shard has ${shape.length}`);
    }
    region.forEach(([a, b], k) => {
      if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && a <= b && b <= shape[k])) {
        throw new SelectionError(`region [${a}, ${b}) on axis ${k} is not within the shard's 0..${shape[k]}`);
      }
    });
  }

  private async readIndex(bytes: Uint8Array): Promise<BigUint64Array> {
    try {
      return (await this.index.decode(bytes)).data as BigUint64Array;
    } catch (e) {
      throw new CodecError(`sharding: corrupt shard index: ${(e as Error).message}`, { cause: e });
    }
  }

  /**
   * The (offset, nbytes) of inner chunk `flat`, undefined when it is not stored. The entry must lie in
   * the shard's data region: inside the shard and clear of the index (which would otherwise be
   * decoded as chunk data).
   */
  private entry(
    index: BigUint64Array,
    flat: number,
    shardLength: number,
  ): { offset: number; nbytes: number } | undefined {
    const offset = index[2 * flat];
    const nbytes = index[2 * flat + 1];
    if (offset === MISSING && nbytes === MISSING) return undefined;
    const where = `inner chunk ${flat} at offset ${offset} with ${nbytes} bytes`;
    if (offset === MISSING || nbytes === MISSING || offset + nbytes > BigInt(shardLength)) {
      throw new CodecError(
        `sharding: corrupt shard index: ${where} lies outside the ${shardLength}-byte shard`,
      );
    }
    const size = BigInt(this.indexSize);
    const overlaps =
      this.indexLocation === "start"
        ? offset < size
        : shardLength !== Number.MAX_SAFE_INTEGER && offset + nbytes > BigInt(shardLength) - size;
    if (overlaps) {
      throw new CodecError(
        `sharding: corrupt shard index: ${where} overlaps the ${this.indexSize}-byte index at the ${this.indexLocation} of the shard`,
      );
    }
    return { offset: Number(offset), nbytes: Number(nbytes) };
  }

  toJSON(): V3CodecJSON {
    return {
      name: "sharding_indexed",
      configuration: {
        chunk_shape: [...this.chunkShape],
        codecs: this.config.codecs,
        index_codecs: this.config.index_codecs ?? DEFAULT_INDEX_CODECS,
        index_location: this.indexLocation,
      },
    };
  }
}

/** Merges inner chunks stored back to back into single range reads. */
function coalesce(chunks: { index: number[]; offset: number; nbytes: number }[]): Span[] {
  const sorted = [...chunks].sort((a, b) => a.offset - b.offset);
  const spans: Span[] = [];
  for (const c of sorted) {
    const last = spans[spans.length - 1];
    if (last && last.offset + last.length === c.offset) {
      last.length += c.nbytes;
      last.chunks.push(c);
    } else {
      spans.push({ offset: c.offset, length: c.nbytes, chunks: [c] });
    }
  }
  return spans;
}
