/**
 * NumPy dtype strings as numcodecs filter configs hold them (`dtype`, `astype`): the v2 forms
 * (`<u2`, `|u1`), bare codes (`u2`) and names (`uint16`), which zarr-python 3 writes for `numcodecs.*`.
 */
import {
  type DataType,
  type Endian,
  formatV2DType,
  isDataType,
  parseV2DType,
  type V2DType,
} from "../dtype/index.js";

export function parseNumpyDType(text: unknown): V2DType | undefined {
  if (typeof text !== "string") return undefined;
  if (isDataType(text)) return { dataType: text, endian: "little" };
  if (/^[a-z]\d+$/.test(text)) {
    return parseV2DType(`<${text}`) ?? parseV2DType(`|${text}`);
  }
  return parseV2DType(text);
}

/** The v2 string numcodecs' get_config writes for a data type (`<u2`, `|u1`). */
export function numpyDTypeString(dataType: DataType, endian: Endian = "little"): string {
  return formatV2DType(dataType, endian);
}
