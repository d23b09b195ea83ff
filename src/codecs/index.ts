/**
 * Codec builders (exported as the `codecs` namespace): each returns the JSON that goes into array
 * metadata, exactly as numcodecs' `get_config` (v2) or zarr-python 3 (v3) writes it.
 *
 *   codecs.Zstd({ level: 5 })                     → { id: "zstd", level: 5 }
 *   codecs.Blosc({ cname: "zstd", clevel: 5 })    → { id: "blosc", cname: "zstd", clevel: 5, shuffle: 1, blocksize: 0 }
 *   codecs.Sharding({ chunk_shape: [32, 32] })    → { name: "sharding_indexed", configuration: {...} }
 */
import { type DataType, type Endian, isDataType } from "../dtype/index.js";
import { type Issue, SpecError } from "../errors.js";
import { checkBloscV2Config, SHUFFLE_NAMES, type ShuffleName } from "./blosc/codec.js";
import type { Cname } from "./blosc/frame.js";
import { checkBytesConfig } from "./bytes.js";
import { checkBz2Config } from "./compressors/bz2.js";
import { checkDeflateConfig } from "./compressors/deflate.js";
import { checkLz4Config } from "./compressors/lz4.js";
import { checkZstdConfig } from "./compressors/zstd.js";
import { checkDeltaConfig } from "./filters/delta.js";
import { checkFixedScaleOffsetConfig } from "./filters/fixedscaleoffset.js";
import { checkShuffleConfig } from "./filters/shuffle.js";
import { numpyDTypeString, parseNumpyDType } from "./numpy-dtype.js";
import { checkShardingConfig, DEFAULT_INDEX_CODECS, type IndexLocation } from "./sharding.js";
import { checkTransposeConfig } from "./transpose.js";
import type { V2CodecJSON, V3CodecJSON } from "./types.js";

export { toV3Codec } from "./v2-to-v3.js";
/** Codec names / ids zarrsmith reads and writes. */
export { supportedV2Codecs, supportedV3Codecs } from "./validate.js";
export type { Cname, IndexLocation, ShuffleName, V2CodecJSON, V3CodecJSON };

function valid<T>(what: string, issues: Issue[], json: T): T {
  if (issues.length) throw new SpecError(`${what} codec options`, issues);
  return json;
}

/** A data type name (`"uint16"`) or NumPy string (`"<u2"`) → the `<u2` form numcodecs writes. */
function dtypeString(dtype: DataType | string, field: string, what: string): string {
  const parsed = isDataType(dtype) ? { dataType: dtype, endian: "little" as Endian } : parseNumpyDType(dtype);
  if (!parsed) {
    throw new SpecError(`${what} codec options`, [
      { path: `${what}.${field}`, message: `${JSON.stringify(dtype)} is not a data type` },
    ]);
  }
  return numpyDTypeString(parsed.dataType, parsed.endian);
}

// ---- v2 (numcodecs) codecs; also usable in v3 through toV3Codec ----

/**
 * Zstandard. `level` 0 is zstd's default (3); `checksum` adds a content checksum to each frame.
 * `checksum` is only written when true: numcodecs < 0.13 rejects the field altogether.
 */
export function Zstd(options: { level?: number; checksum?: boolean } = {}): V2CodecJSON {
  const { level = 0, checksum = false } = options;
  const json: V2CodecJSON = checksum ? { id: "zstd", level, checksum } : { id: "zstd", level };
  return valid("zstd", checkZstdConfig({ level, checksum }, "zstd"), json);
}

/**
 * Blosc (c-blosc 1 frames). `shuffle`: 0/"noshuffle", 1/"shuffle", 2/"bitshuffle", -1 = auto (bit
 * shuffle for 1-byte types, else byte shuffle). Encoding supports cname zstd, lz4, lz4hc and zlib.
 */
export function Blosc(
  options: {
    cname?: Cname;
    clevel?: number;
    shuffle?: -1 | 0 | 1 | 2 | ShuffleName;
    blocksize?: number;
  } = {},
): V2CodecJSON {
  const { cname = "lz4", clevel = 5, blocksize = 0 } = options;
  const named =
    typeof options.shuffle === "string" ? SHUFFLE_NAMES.indexOf(options.shuffle) : options.shuffle;
  const shuffle = named ?? 1;
  const json = { id: "blosc", cname, clevel, shuffle, blocksize };
  const issues = checkBloscV2Config({ cname, clevel, shuffle, blocksize }, "blosc");
  if (shuffle === -1 && typeof options.shuffle === "string") {
    issues.push({ path: "blosc.shuffle", message: `must be one of ${SHUFFLE_NAMES.join(", ")}` });
  }
  return valid("blosc", issues, json);
}

/** gzip (DEFLATE with a gzip header), `level` 0-9. */
export function GZip(options: { level?: number } = {}): V2CodecJSON {
  const { level = 1 } = options;
  return valid("gzip", checkDeflateConfig({ level }, "gzip"), { id: "gzip", level });
}

/** zlib (DEFLATE with a zlib header), `level` 0-9. */
export function Zlib(options: { level?: number } = {}): V2CodecJSON {
  const { level = 1 } = options;
  return valid("zlib", checkDeflateConfig({ level }, "zlib"), { id: "zlib", level });
}

/** LZ4 in numcodecs' format (size prefix + block). */
export function LZ4(options: { acceleration?: number } = {}): V2CodecJSON {
  const { acceleration = 1 } = options;
  return valid("lz4", checkLz4Config({ acceleration }, "lz4"), { id: "lz4", acceleration });
}

/** bzip2, `level` 1-9 (block size in 100 kB). Pure JS: slow, use for compatibility only. */
export function BZ2(options: { level?: number } = {}): V2CodecJSON {
  const { level = 1 } = options;
  return valid("bz2", checkBz2Config({ level }, "bz2"), { id: "bz2", level });
}

/** Delta filter: differences of neighbours in `dtype`, stored as `astype` (default `dtype`). */
export function Delta(options: { dtype: DataType | string; astype?: DataType | string }): V2CodecJSON {
  const dtype = dtypeString(options.dtype, "dtype", "delta");
  const astype = options.astype === undefined ? dtype : dtypeString(options.astype, "astype", "delta");
  return valid("delta", checkDeltaConfig({ dtype, astype }, "delta"), { id: "delta", dtype, astype });
}

/** Byte-shuffle filter with `elementsize` (default 4, as numcodecs). */
export function Shuffle(options: { elementsize?: number } = {}): V2CodecJSON {
  const { elementsize = 4 } = options;
  return valid("shuffle", checkShuffleConfig({ elementsize }, "shuffle"), { id: "shuffle", elementsize });
}

/** Lossy fixed-point filter: round((x - offset) * scale) stored as `astype`. */
export function FixedScaleOffset(options: {
  offset: number;
  scale: number;
  dtype: DataType | string;
  astype?: DataType | string;
}): V2CodecJSON {
  const dtype = dtypeString(options.dtype, "dtype", "fixedscaleoffset");
  const astype =
    options.astype === undefined ? dtype : dtypeString(options.astype, "astype", "fixedscaleoffset");
  const { offset, scale } = options;
  const json = { id: "fixedscaleoffset", scale, offset, dtype, astype };
  return valid(
    "fixedscaleoffset",
    checkFixedScaleOffsetConfig({ offset, scale, dtype, astype }, "fixedscaleoffset"),
    json,
  );
}

// ---- v3 codecs ----

/** v3 `bytes`: element byte order (`endian` may be omitted only for 1-byte types). */
export function Bytes(options: { endian?: Endian } = { endian: "little" }): V3CodecJSON {
  const issues = checkBytesConfig({ ...options }, "bytes");
  const json: V3CodecJSON = options.endian
    ? { name: "bytes", configuration: { endian: options.endian } }
    : { name: "bytes" };
  return valid("bytes", issues, json);
}

/** v3 `transpose`: encoded axis k is array axis `order[k]`. */
export function Transpose(options: { order: number[] }): V3CodecJSON {
  const order = [...options.order];
  return valid("transpose", checkTransposeConfig({ order }, "transpose"), {
    name: "transpose",
    configuration: { order },
  });
}

/** v3 `crc32c`: a CRC-32C of the encoded chunk, appended and verified on read. */
export function Crc32c(): V3CodecJSON {
  return { name: "crc32c" };
}

/**
 * v3 `sharding_indexed`: shards of inner chunks `chunk_shape`. Inner codecs default to `bytes`
 * (little endian); the index to `bytes` + `crc32c`, at the end of the shard.
 */
export function Sharding(options: {
  chunk_shape: number[];
  codecs?: V3CodecJSON[];
  index_codecs?: V3CodecJSON[];
  index_location?: IndexLocation;
}): V3CodecJSON {
  const configuration = {
    chunk_shape: [...options.chunk_shape],
    codecs: options.codecs ?? [Bytes()],
    index_codecs: options.index_codecs ?? DEFAULT_INDEX_CODECS.map((c) => ({ ...c })),
    index_location: options.index_location ?? "end",
  };
  const issues = checkShardingConfig(configuration, "sharding_indexed");
  return valid("sharding_indexed", issues, { name: "sharding_indexed", configuration });
}
