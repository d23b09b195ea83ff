/** Raw binary files: the caller gives shape, data type, byte order and an optional header size. */
import { type DataType, type Endian, isDataType } from "../dtype/index.js";
import { ValueError } from "../errors.js";
import { defaultAxes, parseAxes } from "./axes.js";
import { FileBytes } from "./byte-source.js";
import { num } from "./format.js";
import { checkRegion, emptyArray, regionShape } from "./region.js";
import { readStoredRegion, type StoredArray, storedByteLength } from "./stored-array.js";
import type { Source } from "./types.js";

export interface RawOptions {
  shape: number[];
  dtype: DataType;
  endian?: Endian;
  /** Bytes to skip before the data. */
  offset?: number;
  axes?: string;
}

export async function openRaw(path: string, options: Partial<RawOptions>): Promise<Source> {
  const { shape, dtype, endian = "little", offset = 0 } = options;
  if (!shape || !dtype) {
    throw new ValueError(`reading ${path} as raw binary needs \`shape\` and \`dtype\``);
  }
  if (!isDataType(dtype)) throw new ValueError(`raw binary ${path}: unknown dtype ${JSON.stringify(dtype)}`);
  if (!shape.every((s) => Number.isInteger(s) && s >= 0)) {
    throw new ValueError(`raw binary ${path}: shape [${shape.join(", ")}] must be non-negative integers`);
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new ValueError(`raw binary ${path}: offset ${offset} must be a non-negative integer`);
  }
  const axes = options.axes ? parseAxes(options.axes, shape.length, path) : defaultAxes(shape.length, path);
  const bytes = await FileBytes.open(path);
  const stored: StoredArray = { bytes, offset, shape: [...shape], dtype, endian };
  const need = offset + storedByteLength(stored);
  const size = await bytes.size();
  if (size !== need) {
    await bytes.close();
    // a longer file is as wrong as a shorter one: its tail would be silently dropped
    throw new ValueError(
      `raw binary ${path} has ${num(size)} bytes but shape [${shape.join(", ")}] of ${dtype} after a ${num(offset)}-byte offset needs ${num(need)}${size > need ? `: ${num(size - need)} bytes would be left unread (check --shape/--dtype, or give --offset for a header)` : ""}`,
    );
  }
  const description = `raw binary, ${shape.join("x")} ${dtype} (${endian} endian)`;
  return {
    shape: [...shape],
    dtype,
    axes,
    description,
    async read(region) {
      checkRegion(region, shape, description);
      const counts = regionShape(region);
      if (counts.includes(0)) return emptyArray(counts, dtype);
      return readStoredRegion(stored, region);
    },
    close: () => bytes.close(),
  };
}
