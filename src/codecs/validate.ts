/**
 * Validation of codec metadata for the spec layer: every broken rule is reported as an Issue with
 * the JSON path of the offending field (`codecs[1].configuration.level`, `compressor.clevel`).
 */
import type { ArrayDataType } from "../dtype/index.js";
import type { FixedWidthStrings } from "../dtype/strings.js";
import type { Issue } from "../errors.js";
import { type Config, isObject } from "./config.js";
import { type StageContext, typesizeOf, V3_CODECS, v2CodecIds, v2Entry, v3Entry } from "./registry.js";
import type { ChunkSpec } from "./types.js";

export { toV3Codec } from "./v2-to-v3.js";

/** Names accepted in v3 `codecs` lists. */
export function supportedV3Codecs(): string[] {
  return Object.keys(V3_CODECS);
}

/** Ids accepted as v2 `compressor` / `filters[i]`. */
export function supportedV2Codecs(): string[] {
  return v2CodecIds();
}

/**
 * Lists that passed `validateV3Codecs`, with the data type and chunk shape they passed for, so that
 * building the pipeline of a list metadata parsing has just checked does not check it again.
 */
const validated = new WeakMap<object, string>();
const specKey = (dataType: ArrayDataType, chunkShape: readonly number[], width?: FixedWidthStrings) =>
  `${dataType}|${chunkShape.join(",")}|${width ? JSON.stringify(width) : ""}`;

/** Whether `codecs` (this very list object) passed `validateV3Codecs` for this data type and shape. */
export function wasValidated(
  codecs: object,
  dataType: ArrayDataType,
  chunkShape: readonly number[],
  fixedWidth?: FixedWidthStrings,
): boolean {
  return validated.get(codecs) === specKey(dataType, chunkShape, fixedWidth);
}

/**
 * Checks a v3 `codecs` list for an array of `dataType` with chunks of `chunkShape`: known names,
 * configurations (each codec's registry `check`, nothing is built), stage order (array→array*,
 * exactly one array→bytes, bytes→bytes*), and recursively the codecs inside `sharding_indexed`.
 * `fixedWidth`: the item width of a fixed-width string type (the `bytes` codec needs it).
 */
export function validateV3Codecs(
  codecs: unknown,
  dataType: ArrayDataType,
  chunkShape: number[],
  path = "codecs",
  fixedWidth?: FixedWidthStrings,
): Issue[] {
  if (!Array.isArray(codecs)) return [{ path, message: "must be a list of codecs" }];
  const issues: Issue[] = [];
  let spec: ChunkSpec = { shape: [...chunkShape], dataType, fillValue: null };
  if (fixedWidth) spec.fixedWidth = fixedWidth;
  let arrayToBytes = -1;
  let unrecognized = false;
  codecs.forEach((codec, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(codec)) {
      unrecognized = true;
      issues.push({ path: at, message: 'must be an object like {"name": "bytes", "configuration": {...}}' });
      return;
    }
    if (typeof codec.name !== "string") {
      unrecognized = true;
      issues.push({ path: `${at}.name`, message: "is required and must be a string" });
      return;
    }
    const entry = v3Entry(codec.name);
    if (!entry) {
      unrecognized = true;
      issues.push({
        path: `${at}.name`,
        message: `unsupported codec "${codec.name}" (supported: ${supportedV3Codecs().join(", ")})`,
      });
      return;
    }
    const config = codec.configuration ?? {};
    if (!isObject(config)) {
      unrecognized = true;
      issues.push({ path: `${at}.configuration`, message: "must be an object" });
      return;
    }
    if (entry.kind === "array_to_array" && arrayToBytes >= 0) {
      issues.push({
        path: `${at}.name`,
        message: `"${codec.name}" is an array-to-array codec and must come before the array-to-bytes codec (${path}[${arrayToBytes}])`,
      });
    }
    if (entry.kind === "bytes_to_bytes" && arrayToBytes < 0) {
      issues.push({
        path: `${at}.name`,
        message: `"${codec.name}" is a bytes-to-bytes codec and must come after an array-to-bytes codec such as bytes`,
      });
    }
    if (entry.kind === "array_to_bytes") {
      if (arrayToBytes >= 0) {
        issues.push({
          path: `${at}.name`,
          message: `only one array-to-bytes codec is allowed; ${path}[${arrayToBytes}] is one already`,
        });
      } else {
        arrayToBytes = i;
      }
    }
    if (dataType === "string" && (codec.name === "sharding_indexed" || entry.kind === "array_to_array")) {
      // string chunks are lists of strings: sharding and numeric filters are not written for them
      if (codec.name !== "transpose") {
        issues.push({ path: `${at}.name`, message: `"${codec.name}" is not supported for string arrays` });
        return;
      }
    }
    const ctx: StageContext = { spec, typesize: typesizeOf(spec) };
    const cpath = `${at}.configuration`;
    const found = entry.check(config, cpath, ctx);
    issues.push(...found);
    if (found.length > 0) return;
    if (codec.name === "sharding_indexed") {
      issues.push(...validateShardingCodecs(config, spec, cpath));
      return;
    }
    if (entry.encodedSpec) spec = entry.encodedSpec(config, spec);
  });
  if (arrayToBytes < 0 && !unrecognized) {
    issues.push({
      path,
      message: "must contain exactly one array-to-bytes codec (e.g. bytes or sharding_indexed)",
    });
  }
  if (issues.length === 0) validated.set(codecs, specKey(dataType, chunkShape, fixedWidth));
  return issues;
}

function validateShardingCodecs(config: Config, spec: ChunkSpec, path: string): Issue[] {
  const chunkShape = config.chunk_shape as number[];
  const perShard = spec.shape.map((s, k) => s / chunkShape[k]);
  const issues = validateV3Codecs(config.codecs, spec.dataType, chunkShape, `${path}.codecs`);
  if (config.index_codecs !== undefined) {
    issues.push(...validateV3Codecs(config.index_codecs, "uint64", [...perShard, 2], `${path}.index_codecs`));
  }
  return issues;
}

/** Checks one v2 codec (`compressor`, or `filters[i]`) at `path`. */
export function validateV2Codec(json: unknown, path: string): Issue[] {
  if (!isObject(json))
    return [{ path, message: 'must be an object like {"id": "zstd", "level": 5} (or null)' }];
  const { id, ...config } = json;
  if (typeof id !== "string") return [{ path: `${path}.id`, message: "is required and must be a string" }];
  const entry = v2Entry(id);
  if (!entry) {
    return [
      {
        path: `${path}.id`,
        message: `unsupported codec "${id}" (supported: ${supportedV2Codecs().join(", ")})`,
      },
    ];
  }
  return entry.check(config, path);
}
