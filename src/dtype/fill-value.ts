/**
 * Fill values: the JSON forms of Zarr v2 and v3 ↔ an in-memory scalar, with the
 * "representable in the data type" rule checked here, in one place.
 */
import { halfToFloat } from "./float16.js";
import { type ArrayDataType, type ArrayScalar, type DataType, dataTypeInfo, type Scalar } from "./types.js";

/** bigint: an int64/uint64 value beyond 2^53, kept exact (see json.ts for reading and writing it). */
export type FillValueJSON = number | bigint | string | boolean | null | [number | string, number | string];

const INT_RANGE: Partial<Record<DataType, [bigint, bigint]>> = {
  int8: [-128n, 127n],
  int16: [-32768n, 32767n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint8: [0n, 255n],
  uint16: [0n, 65535n],
  uint32: [0n, 2n ** 32n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

const SPECIAL_FLOATS: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  "-Infinity": Number.NEGATIVE_INFINITY,
};

/** A fill value for messages (JSON.stringify cannot write a BigInt). */
const show = (json: unknown) => (typeof json === "bigint" ? String(json) : JSON.stringify(json));

/** Throws a RangeError whose message names the rule; callers attach the field path. */
function fail(message: string): never {
  throw new RangeError(message);
}

function parseFloatJSON(json: unknown, dtype: DataType, format: 2 | 3): number {
  if (typeof json === "number") return json;
  if (typeof json === "string") {
    if (json in SPECIAL_FLOATS) return SPECIAL_FLOATS[json];
    if (format === 3 && /^0x[0-9a-fA-F]+$/.test(json)) return hexToFloat(json, dtype);
  }
  return fail(
    `fill_value ${show(json)} is not a ${dtype}: expected a number, "NaN", "Infinity" or "-Infinity"${
      format === 3 ? " or a hex bit pattern like 0x7fc00000" : ""
    }`,
  );
}

function hexToFloat(hex: string, dtype: DataType): number {
  const width = dtype === "float16" ? 4 : dtype === "float32" || dtype === "complex64" ? 8 : 16;
  if (hex.length !== width + 2) fail(`hex fill_value ${hex} must have ${width} hex digits for ${dtype}`);
  if (width === 4) return halfToFloat(Number.parseInt(hex.slice(2), 16));
  const view = new DataView(new ArrayBuffer(width / 2));
  if (width === 8) {
    view.setUint32(0, Number.parseInt(hex.slice(2), 16));
    return view.getFloat32(0);
  }
  view.setBigUint64(0, BigInt(hex));
  return view.getFloat64(0);
}

/** Parses a fill value from metadata JSON. v2 `null` means "no fill value" and is kept as null. */
export function parseFillValue(json: unknown, dtype: DataType, format: 2 | 3): Scalar | null {
  if (json === null || json === undefined) {
    if (format === 2) return null;
    return fail("fill_value is required in Zarr v3 and must not be null");
  }
  const kind = dataTypeInfo(dtype).kind;
  if (kind === "bool") {
    if (typeof json === "boolean") return json;
    if (format === 2 && (json === 0 || json === 1)) return json === 1;
    return fail(`fill_value ${show(json)} is not a bool: expected true or false`);
  }
  if (kind === "int" || kind === "uint") {
    if (typeof json !== "bigint" && (typeof json !== "number" || !Number.isInteger(json))) {
      return fail(`fill_value ${show(json)} is not an integer, as ${dtype} requires`);
    }
    const [lo, hi] = INT_RANGE[dtype]!;
    const big = BigInt(json);
    if (big < lo || big > hi) fail(`fill_value ${json} is outside the ${dtype} range [${lo}, ${hi}]`);
    return dtype === "int64" || dtype === "uint64" ? big : Number(json);
  }
  if (kind === "float") return parseFloatJSON(json, dtype, format);
  // complex
  if (Array.isArray(json) && json.length === 2) {
    return [parseFloatJSON(json[0], dtype, format), parseFloatJSON(json[1], dtype, format)];
  }
  if (typeof json === "number") return [json, 0];
  return fail(`fill_value ${show(json)} is not a ${dtype}: expected [real, imaginary]`);
}

function floatToJSON(v: number): number | string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "Infinity";
  if (v === Number.NEGATIVE_INFINITY) return "-Infinity";
  return v;
}

/** The JSON form of a fill value, as written to `.zarray` / `zarr.json`. */
export function fillValueToJSON(value: Scalar | null, dtype: DataType): FillValueJSON {
  if (value === null) return null;
  const kind = dataTypeInfo(dtype).kind;
  if (kind === "bool") return Boolean(value);
  if (kind === "complex") {
    const [re, im] = Array.isArray(value) ? value : [Number(value), 0];
    return [floatToJSON(re), floatToJSON(im)];
  }
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (Array.isArray(value)) return floatToJSON(value[0]);
  return kind === "float" ? floatToJSON(value) : value;
}

/** One slot of an element in memory: a typed-array number, a bigint, or a string. */
export type Slot = number | bigint | string;

/**
 * The typed-array slot values for a fill value: one for real types, two (re, im) for complex, the
 * string itself for strings. `null` (v2 "no fill value") reads as zeros (""), like zarr-python's
 * empty chunks.
 */
export function fillSlots(value: ArrayScalar | null, dtype: ArrayDataType): Slot[] {
  if (dtype === "string") return [typeof value === "string" ? value : ""];
  if (typeof value === "string") throw new RangeError(`${JSON.stringify(value)} is not a ${dtype}`);
  const info = dataTypeInfo(dtype);
  const big = dtype === "int64" || dtype === "uint64";
  if (value === null) return info.lanes === 2 ? [0, 0] : [big ? 0n : 0];
  if (info.kind === "complex") return Array.isArray(value) ? [value[0], value[1]] : [Number(value), 0];
  if (Array.isArray(value)) value = value[0];
  if (typeof value === "boolean") value = value ? 1 : 0;
  if (big) return [BigInt(value)];
  return [Number(value)];
}

/** Checks that a JS scalar fits a data type (used by `set` with a scalar value). */
export function checkScalar(value: Scalar, dtype: DataType): void {
  const kind = dataTypeInfo(dtype).kind;
  if (kind === "int" || kind === "uint") {
    const v = typeof value === "bigint" ? value : typeof value === "number" ? value : Number.NaN;
    if (typeof v === "number" && !Number.isInteger(v))
      fail(`${String(value)} is not an integer, as ${dtype} requires`);
    const [lo, hi] = INT_RANGE[dtype]!;
    const big = BigInt(v);
    if (big < lo || big > hi) fail(`${String(value)} is outside the ${dtype} range [${lo}, ${hi}]`);
  }
}
