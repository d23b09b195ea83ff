/**
 * Zarr v2 array metadata ↔ Zarr v3 array metadata that reads the SAME chunk objects: the v3 side
 * uses `chunk_key_encoding` "v2" with the v2 `dimension_separator`, the v2 compressor and filters
 * become v3 codecs (native `zstd`/`gzip`/`blosc`, else `numcodecs.<id>`, as zarr-python 3 names
 * them), the byte order goes into the `bytes` codec and `order: "F"` becomes a reversing
 * `transpose`. Both directions are pure functions over JSON; nothing is read or written here.
 * The reverse direction refuses what Zarr v2 cannot express, naming the field.
 */
import { SHUFFLE_NAMES } from "../../codecs/blosc/codec.js";
import type { V2CodecJSON, V3CodecJSON } from "../../codecs/types.js";
import { toV3Codec } from "../../codecs/v2-to-v3.js";
import { type DataType, isDataType, itemSize } from "../../dtype/index.js";
import { formatV2DType, parseV2DType } from "../../dtype/v2-dtype.js";
import { NotRepresentableError } from "./errors.js";

type JSONObject = Record<string, unknown>;

/** numcodecs filters that work on bytes (numcodecs' zarr3 wrappers make them bytes-to-bytes codecs). */
const BYTES_TO_BYTES_FILTERS = new Set(["shuffle"]);

function reversed(rank: number): number[] {
  return Array.from({ length: rank }, (_, i) => rank - 1 - i);
}

/**
 * The `zarr.json` document of a v3 array reading the chunks of the v2 array `zarray` (a `.zarray`
 * document; a missing `dimension_separator` is "." as the v2 spec says) with `attributes`.
 * `where` names the array in errors.
 */
export function v2ArrayToV3(
  zarray: JSONObject,
  attributes: JSONObject,
  dimensionNames: (string | null)[] | undefined,
  where: string,
): JSONObject {
  const dtype = typeof zarray.dtype === "string" ? parseV2DType(zarray.dtype) : undefined;
  if (!dtype) {
    throw new NotRepresentableError(
      `${where}/.zarray: dtype ${JSON.stringify(zarray.dtype)} has no Zarr v3 data type this tool writes (numeric and bool only)`,
    );
  }
  const { dataType, endian } = dtype;
  const shape = zarray.shape as number[];
  const codecs: V3CodecJSON[] = [];
  if (zarray.order === "F" && shape.length > 1) {
    codecs.push({ name: "transpose", configuration: { order: reversed(shape.length) } });
  }
  // v2 filters run before the compressor; in v3 array-to-array ones go before `bytes`, byte
  // shufflers after it (as numcodecs' zarr3 wrappers classify them).
  const bytesFilters: V3CodecJSON[] = [];
  for (const filter of (zarray.filters as V2CodecJSON[] | null) ?? []) {
    const { id, ...config } = filter;
    const codec = { name: `numcodecs.${id}`, configuration: config };
    if (BYTES_TO_BYTES_FILTERS.has(id)) bytesFilters.push(codec);
    else if (bytesFilters.length > 0)
      throw new NotRepresentableError(
        `${where}/.zarray: filters: "${id}" follows a byte filter; Zarr v3 cannot run an array filter after bytes`,
      );
    else codecs.push(codec);
  }
  codecs.push(itemSize(dataType) === 1 ? { name: "bytes" } : { name: "bytes", configuration: { endian } });
  codecs.push(...bytesFilters);
  if (zarray.compressor) codecs.push(toV3Codec(zarray.compressor as V2CodecJSON, dataType));
  const separator = (zarray.dimension_separator as string | undefined) ?? ".";
  const { _ARRAY_DIMENSIONS, ...attrs } = attributes;
  const names =
    dimensionNames ??
    (Array.isArray(_ARRAY_DIMENSIONS) && _ARRAY_DIMENSIONS.length === shape.length
      ? (_ARRAY_DIMENSIONS as string[])
      : undefined);
  const doc: JSONObject = {
    zarr_format: 3,
    node_type: "array",
    shape: [...shape],
    data_type: dataType,
    chunk_grid: { name: "regular", configuration: { chunk_shape: [...(zarray.chunks as number[])] } },
    chunk_key_encoding: { name: "v2", configuration: { separator } },
    // v2 null ("no fill value": missing chunks are undefined) has no v3 form; zarr-python 3 reads it as 0.
    fill_value: zarray.fill_value ?? (dataType === "bool" ? false : 0),
    codecs,
    attributes: attrs,
  };
  if (names) doc.dimension_names = [...names];
  return doc;
}

/** A v2 compressor for a v3 bytes-to-bytes codec, or a reason it has none. */
function toV2Compressor(codec: V3CodecJSON, dataType: DataType): V2CodecJSON | string {
  const config = (codec.configuration ?? {}) as JSONObject;
  if (codec.name.startsWith("numcodecs.")) return { id: codec.name.slice("numcodecs.".length), ...config };
  switch (codec.name) {
    case "zstd":
      // numcodecs before 0.13 (Debian's) rejects a `checksum` key, so it is only written when set.
      return config.checksum
        ? { id: "zstd", level: config.level ?? 0, checksum: true }
        : { id: "zstd", level: config.level ?? 0 };
    case "gzip":
      return { id: "gzip", level: config.level ?? 1 };
    case "blosc": {
      const shuffle = SHUFFLE_NAMES.indexOf(config.shuffle as (typeof SHUFFLE_NAMES)[number]);
      if (shuffle < 0) return `blosc shuffle ${JSON.stringify(config.shuffle)} is not a known shuffle`;
      if (config.typesize !== undefined && config.typesize !== itemSize(dataType) && shuffle !== 0)
        return `blosc typesize ${config.typesize} differs from the item size ${itemSize(dataType)}, which Zarr v2 always uses`;
      return {
        id: "blosc",
        cname: config.cname ?? "lz4",
        clevel: config.clevel ?? 5,
        shuffle,
        blocksize: config.blocksize ?? 0,
      };
    }
    default:
      return `codec "${codec.name}" has no Zarr v2 (numcodecs) equivalent`;
  }
}

/**
 * The `.zarray` document (and the attributes for `.zattrs`) of a v2 array reading the chunks of the
 * v3 array `doc`. Throws NotRepresentableError naming the first field v2 cannot express: sharding
 * and checksum codecs, chunk key encodings other than "v2", storage transformers, string types.
 */
export function v3ArrayToV2(doc: JSONObject, where: string): { zarray: JSONObject; attributes: JSONObject } {
  // Every reason is collected, so one error names all that Zarr v2 cannot express.
  const problems: string[] = [];
  const fail = (field: string, why: string) => {
    problems.push(`${field}: ${why}`);
  };
  const refuse = () =>
    new NotRepresentableError(`${where}/zarr.json cannot be Zarr v2 (OME-Zarr 0.4): ${problems.join("; ")}`);
  const dataType = doc.data_type;
  if (!isDataType(dataType)) {
    fail("data_type", `${JSON.stringify(dataType)} has no Zarr v2 dtype here`);
    throw refuse();
  }
  const type = dataType as DataType;
  const shape = doc.shape as number[];
  const grid = doc.chunk_grid as { name?: string; configuration?: { chunk_shape?: number[] } };
  if (grid?.name !== "regular") fail("chunk_grid", `grid ${JSON.stringify(grid?.name)} is not regular`);
  const cke = (doc.chunk_key_encoding ?? { name: "default" }) as {
    name: string;
    configuration?: { separator?: string };
  };
  if (cke.name !== "v2") {
    fail(
      "chunk_key_encoding",
      `chunk keys use the "${cke.name}" encoding (e.g. "c/0/0"); Zarr v2 finds chunks at "0.0" or "0/0" and moving every chunk is not an upgrade`,
    );
  }
  const transformers = doc.storage_transformers as unknown[] | undefined;
  if (transformers && transformers.length > 0)
    fail("storage_transformers", "storage transformers are present");
  const codecs = (doc.codecs ?? []) as V3CodecJSON[];
  let order: "C" | "F" = "C";
  const filters: V2CodecJSON[] = [];
  let endian: "little" | "big" = "little";
  let compressor: V2CodecJSON | null = null;
  let stage: "array" | "bytes" = "array";
  for (const [i, codec] of codecs.entries()) {
    const at = `codecs[${i}]`;
    if (stage === "array") {
      if (codec.name === "transpose") {
        const perm = (codec.configuration as { order?: unknown })?.order;
        const isReversed =
          Array.isArray(perm) && JSON.stringify(perm) === JSON.stringify(reversed(shape.length));
        if (!isReversed || order === "F" || filters.length > 0)
          fail(at, `transpose order ${JSON.stringify(perm)} is not a plain axis reversal (v2 order "F")`);
        order = "F";
        continue;
      }
      if (codec.name.startsWith("numcodecs.")) {
        filters.push({
          id: codec.name.slice("numcodecs.".length),
          ...((codec.configuration ?? {}) as JSONObject),
        });
        continue;
      }
      if (codec.name !== "bytes") {
        fail(
          at,
          codec.name === "sharding_indexed"
            ? `codec "sharding_indexed" (sharding) has no Zarr v2 equivalent`
            : `codec "${codec.name}" has no Zarr v2 equivalent`,
        );
        break;
      }
      endian = ((codec.configuration as { endian?: "little" | "big" })?.endian ?? "little") as
        | "little"
        | "big";
      stage = "bytes";
      continue;
    }
    if (i < codecs.length - 1) {
      // Between bytes and the compressor only numcodecs byte filters fit Zarr v2 (as filters).
      const id = codec.name.slice("numcodecs.".length);
      if (!codec.name.startsWith("numcodecs.") || !BYTES_TO_BYTES_FILTERS.has(id))
        fail(at, `Zarr v2 has one compressor and "${codec.name}" is a second one`);
      filters.push({ id, ...((codec.configuration ?? {}) as JSONObject) });
      continue;
    }
    const v2 = toV2Compressor(codec, type);
    if (typeof v2 === "string") fail(at, v2);
    compressor = v2 as V2CodecJSON;
  }
  if (stage === "array" && problems.length === 0) fail("codecs", "there is no bytes codec");
  if (problems.length > 0) throw refuse();
  const zarray: JSONObject = {
    zarr_format: 2,
    shape: [...shape],
    chunks: [...(grid.configuration?.chunk_shape ?? [])],
    dtype: formatV2DType(type, endian),
    compressor,
    fill_value: doc.fill_value ?? null,
    order,
    filters: filters.length > 0 ? filters : null,
    dimension_separator: cke.configuration?.separator ?? ".",
  };
  return { zarray, attributes: { ...((doc.attributes ?? {}) as JSONObject) } };
}
