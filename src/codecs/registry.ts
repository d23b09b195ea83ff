/**
 * Which codecs exist, by v3 `name` and by v2 (numcodecs) `id`: their stage kind, how to check a
 * configuration, and how to build one. v3 `numcodecs.<id>` names take the numcodecs configuration,
 * as zarr-python 3 writes them. String codecs are registry codecs like the others: `vlen-utf8`
 * (v2 object codec and v3 array-to-bytes codec), `json2` (v2 object codec), and the `bytes` codec
 * of fixed-width string types.
 */
import { type DataType, itemSize } from "../dtype/index.js";
import type { Issue } from "../errors.js";
import {
  BloscCodec,
  checkBloscV2Config,
  checkBloscV3Config,
  SHUFFLE_NAMES,
  type ShuffleMode,
} from "./blosc/codec.js";
import type { Cname } from "./blosc/frame.js";
import { BytesCodec, checkBytesConfig } from "./bytes.js";
import { ChecksumCodec, type ChecksumKind, checkChecksumConfig } from "./checksum.js";
import { Bz2Codec, checkBz2Config } from "./compressors/bz2.js";
import { checkDeflateConfig, GzipCodec, ZlibCodec } from "./compressors/deflate.js";
import { checkLz4Config, Lz4Codec } from "./compressors/lz4.js";
import { checkZstdConfig, ZstdCodec } from "./compressors/zstd.js";
import type { Config } from "./config.js";
import { BitRoundCodec, checkBitRoundConfig } from "./filters/bitround.js";
import { astypeSpec, checkDeltaConfig, checkInputDtype, DeltaCodec } from "./filters/delta.js";
import { checkFixedScaleOffsetConfig, FixedScaleOffsetCodec } from "./filters/fixedscaleoffset.js";
import { checkShuffleConfig, ShuffleCodec } from "./filters/shuffle.js";
import { checkShardingConfig, ShardingCodec, type ShardingConfig } from "./sharding.js";
import { FixedWidthStringCodec, Json2Codec } from "./strings/read-only.js";
import { checkVlenUtf8Config, notStrings, VlenUtf8Codec } from "./strings/vlen-utf8.js";
import { checkTransposeConfig, TransposeCodec } from "./transpose.js";
import type { ChunkSpec, Codec, PipelineBuilder } from "./types.js";

/** What a stage is built for: the spec it receives, and the element size at the bytes stage. */
export interface StageContext {
  spec: ChunkSpec;
  /** Item size of the data when it became bytes; 1 after a v2 bytes filter (numcodecs semantics). */
  typesize: number;
  /** Builds nested codec lists (sharding's inner and index codecs); given by the pipeline. */
  pipeline?: PipelineBuilder;
}

/**
 * One codec: `check` is the single validation of its configuration, shared by metadata validation
 * and pipeline building; `build` runs only on a configuration `check` accepted.
 */
export interface CodecEntry {
  kind: Codec["kind"];
  check(config: Config, path: string, ctx?: StageContext): Issue[];
  build(config: Config, ctx: StageContext): Codec;
  /** For array→array codecs: the spec the next stage receives, worked out without building. */
  encodedSpec?(config: Config, spec: ChunkSpec): ChunkSpec;
}

// biome-ignore lint/suspicious/noExplicitAny: configs are validated by `check` before `build` casts them.
type AnyConfig = any;

/**
 * The data type a numeric filter sees: validation keeps array-to-array codecs other than transpose
 * (and sharding) away from string arrays (validate.ts, and pipeline.ts for v2 filters).
 */
const numeric = (ctx: StageContext | undefined) => ctx?.spec.dataType as DataType | undefined;

/**
 * The element size a bytes-to-bytes stage sees (blosc's shuffle `typesize`): the data type's item
 * size; for strings 4 (a UTF-32 code point) or 1 (bytes, UTF-8), as the old string reader used.
 */
export function typesizeOf(spec: ChunkSpec): number {
  if (spec.dataType !== "string") return itemSize(spec.dataType);
  return spec.fixedWidth?.kind === "utf32" ? 4 : 1;
}

const vlenUtf8: CodecEntry = {
  kind: "array_to_bytes",
  check: (c, p, ctx) => checkVlenUtf8Config(c, p, ctx?.spec.dataType),
  build: () => new VlenUtf8Codec(),
};

/** String object codecs of v2 `|O` arrays (the first filter), by numcodecs `id`. */
const V2_STRING_CODECS: Record<string, CodecEntry> = {
  "vlen-utf8": vlenUtf8,
  json2: {
    kind: "array_to_bytes",
    // its settings (encoding, separators) do not change reading
    check: (_, p, ctx) =>
      ctx && ctx.spec.dataType !== "string" ? [notStrings("json2", p, ctx.spec.dataType)] : [],
    build: () => new Json2Codec(),
  },
};

function checksumEntry(kind: ChecksumKind): CodecEntry {
  return {
    kind: "bytes_to_bytes",
    check: (c, p) => checkChecksumConfig(c, p, kind),
    build: (c) => new ChecksumCodec(kind, c as AnyConfig),
  };
}

/** numcodecs codecs, keyed by v2 `id`; shared by v2 metadata and v3 `numcodecs.<id>` names. */
export const NUMCODECS: Record<string, CodecEntry> = {
  zstd: { kind: "bytes_to_bytes", check: checkZstdConfig, build: (c) => new ZstdCodec(c as AnyConfig) },
  blosc: {
    kind: "bytes_to_bytes",
    check: checkBloscV2Config,
    build: (c, ctx) =>
      new BloscCodec({
        cname: (c.cname ?? "lz4") as Cname,
        clevel: (c.clevel ?? 5) as number,
        shuffle: (c.shuffle ?? 1) as ShuffleMode,
        blocksize: (c.blocksize ?? 0) as number,
        typesize: (c.typesize as number | undefined) ?? ctx.typesize,
      }),
  },
  gzip: { kind: "bytes_to_bytes", check: checkDeflateConfig, build: (c) => new GzipCodec(c as AnyConfig) },
  zlib: { kind: "bytes_to_bytes", check: checkDeflateConfig, build: (c) => new ZlibCodec(c as AnyConfig) },
  lz4: { kind: "bytes_to_bytes", check: checkLz4Config, build: (c) => new Lz4Codec(c as AnyConfig) },
  bz2: { kind: "bytes_to_bytes", check: checkBz2Config, build: (c) => new Bz2Codec(c as AnyConfig) },
  shuffle: {
    kind: "bytes_to_bytes",
    check: checkShuffleConfig,
    build: (c) => new ShuffleCodec(c as AnyConfig),
  },
  crc32: checksumEntry("crc32"),
  adler32: checksumEntry("adler32"),
  fletcher32: checksumEntry("fletcher32"),
  delta: {
    kind: "array_to_array",
    check: (c, p, ctx) => [...checkDeltaConfig(c, p), ...checkInputDtype(c, p, numeric(ctx))],
    build: (c, ctx) => new DeltaCodec(c as AnyConfig, numeric(ctx)!),
    encodedSpec: astypeSpec,
  },
  fixedscaleoffset: {
    kind: "array_to_array",
    check: (c, p, ctx) => [...checkFixedScaleOffsetConfig(c, p), ...checkInputDtype(c, p, numeric(ctx))],
    build: (c, ctx) => new FixedScaleOffsetCodec(c as AnyConfig, numeric(ctx)!),
    encodedSpec: astypeSpec,
  },
  bitround: {
    kind: "array_to_array",
    check: (c, p, ctx) => checkBitRoundConfig(c, p, numeric(ctx)),
    build: (c, ctx) => new BitRoundCodec(c as AnyConfig, numeric(ctx)!),
    encodedSpec: (_, spec) => spec,
  },
};

/** v3 codecs by `name`. */
export const V3_CODECS: Record<string, CodecEntry> = {
  bytes: {
    kind: "array_to_bytes",
    check: (c, p, ctx) => {
      if (ctx?.spec.dataType !== "string") return checkBytesConfig(c, p, ctx?.spec.dataType);
      const issues = checkBytesConfig(c, p);
      if (!ctx.spec.fixedWidth) {
        issues.push({
          path: p,
          message: `"bytes" encodes fixed-size elements; variable-length strings are encoded by "vlen-utf8"`,
        });
      }
      return issues;
    },
    build: (c, ctx) =>
      ctx.spec.dataType === "string"
        ? new FixedWidthStringCodec(ctx.spec.fixedWidth!, (c as AnyConfig).endian)
        : new BytesCodec(c as AnyConfig, ctx.spec.dataType),
  },
  "vlen-utf8": vlenUtf8,
  transpose: {
    kind: "array_to_array",
    check: (c, p, ctx) => checkTransposeConfig(c, p, ctx?.spec.shape.length),
    build: (c, ctx) => new TransposeCodec(c as AnyConfig, ctx.spec.shape.length),
    encodedSpec: (c, spec) => ({ ...spec, shape: (c.order as number[]).map((a) => spec.shape[a]) }),
  },
  sharding_indexed: {
    kind: "array_to_bytes",
    check: (c, p, ctx) => checkShardingConfig(c, p, ctx?.spec.shape),
    build: (c, ctx) => {
      if (!ctx.pipeline) throw new Error("sharding_indexed needs a pipeline builder (StageContext.pipeline)");
      return new ShardingCodec(c as unknown as ShardingConfig, ctx.spec, ctx.pipeline);
    },
  },
  crc32c: checksumEntry("crc32c"),
  zstd: NUMCODECS.zstd,
  gzip: NUMCODECS.gzip,
  blosc: {
    kind: "bytes_to_bytes",
    check: checkBloscV3Config,
    build: (c, ctx) =>
      new BloscCodec({
        cname: c.cname as Cname,
        clevel: c.clevel as number,
        shuffle: SHUFFLE_NAMES.indexOf(c.shuffle as (typeof SHUFFLE_NAMES)[number]) as ShuffleMode,
        blocksize: (c.blocksize ?? 0) as number,
        // zarr-python fills a missing typesize from the data type; so do we.
        typesize: (c.typesize as number | undefined) ?? ctx.typesize,
      }),
  },
  ...Object.fromEntries(Object.entries(NUMCODECS).map(([id, entry]) => [`numcodecs.${id}`, entry])),
};

/** The v3 codec called `name`, if any (own keys only: "constructor" is not a codec). */
export function v3Entry(name: string): CodecEntry | undefined {
  return Object.hasOwn(V3_CODECS, name) ? V3_CODECS[name] : undefined;
}

/** The numcodecs codec with v2 `id` (a string object codec included), if any. */
export function v2Entry(id: string): CodecEntry | undefined {
  if (Object.hasOwn(NUMCODECS, id)) return NUMCODECS[id];
  return Object.hasOwn(V2_STRING_CODECS, id) ? V2_STRING_CODECS[id] : undefined;
}

/** Every v2 codec id: numcodecs compressors and filters, then the string object codecs. */
export function v2CodecIds(): string[] {
  return [...Object.keys(NUMCODECS), ...Object.keys(V2_STRING_CODECS)];
}
