/** Zarr v2 / NumPy dtype strings (`<u2`, `>f8`, `|u1`, `|b1`) ↔ data type + byte order. */
import { type DataType, type Endian, itemSize } from "./types.js";

const V2_CODES: Record<DataType, string> = {
  bool: "b1",
  int8: "i1",
  int16: "i2",
  int32: "i4",
  int64: "i8",
  uint8: "u1",
  uint16: "u2",
  uint32: "u4",
  uint64: "u8",
  float16: "f2",
  float32: "f4",
  float64: "f8",
  complex64: "c8",
  complex128: "c16",
};

const FROM_CODE = new Map(Object.entries(V2_CODES).map(([k, v]) => [v, k as DataType]));

export interface V2DType {
  dataType: DataType;
  endian: Endian;
}

/** Parses `<u2` etc. Returns undefined for anything zarrsmith does not support (strings, structs, datetimes). */
export function parseV2DType(text: string): V2DType | undefined {
  const m = /^([<>|=])([a-z]\d+)$/.exec(text);
  if (!m) return undefined;
  const dataType = FROM_CODE.get(m[2]);
  if (!dataType) return undefined;
  const order = m[1];
  if (order === "|" && itemSize(dataType) !== 1) return undefined;
  return { dataType, endian: order === ">" ? "big" : "little" };
}

/** Formats a data type and byte order as a v2 dtype string; single-byte types get `|`. */
export function formatV2DType(dataType: DataType, endian: Endian = "little"): string {
  if (itemSize(dataType) === 1) return `|${V2_CODES[dataType]}`;
  return `${endian === "big" ? ">" : "<"}${V2_CODES[dataType]}`;
}
