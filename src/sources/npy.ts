/**
 * NumPy .npy files. The header is parsed by hand: it is a fixed magic string, a length and a
 * one-line Python dict literal with three keys, a format NumPy defines in a page of text; no
 * maintained JavaScript library reads it region by region.
 */
import { parseV2DType } from "../dtype/index.js";
import { UnsupportedError, ValueError } from "../errors.js";
import { defaultAxes, parseAxes } from "./axes.js";
import { FileBytes } from "./byte-source.js";
import { checkRegion } from "./region.js";
import { readStoredRegion, type StoredArray, storedByteLength } from "./stored-array.js";
import type { Source } from "./types.js";

export const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

export interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset where the data starts. */
  dataOffset: number;
}

/** Parses the header at the start of `head` (which must hold at least the whole header). */
export function parseNpyHeader(head: Uint8Array, name: string): NpyHeader | { needBytes: number } {
  if (head.length < 10 || !NPY_MAGIC.every((b, i) => head[i] === b)) {
    throw new ValueError(`${name} is not a .npy file (no \\x93NUMPY magic)`);
  }
  const major = head[6];
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let headerLength: number;
  let start: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (head.length < 12) return { needBytes: 12 };
    headerLength = view.getUint32(8, true);
    start = 12;
  } else {
    throw new UnsupportedError(
      `${name}: .npy format version ${major}.${head[7]} is not supported (1, 2 or 3)`,
    );
  }
  if (head.length < start + headerLength) return { needBytes: start + headerLength };
  const text = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(
    head.subarray(start, start + headerLength),
  );
  const descr = /['"]descr['"]\s*:\s*(['"])([^'"]*)\1/.exec(text);
  if (!descr) {
    if (/['"]descr['"]\s*:\s*\[/.test(text)) {
      throw new UnsupportedError(
        `${name} holds a structured (record) dtype, which has no Zarr array equivalent`,
      );
    }
    throw new ValueError(`${name}: .npy header has no 'descr' entry: ${text.trim()}`);
  }
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  if (!fortran) throw new ValueError(`${name}: .npy header has no 'fortran_order' entry: ${text.trim()}`);
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!shapeText) throw new ValueError(`${name}: .npy header has no 'shape' tuple: ${text.trim()}`);
  const shape = shapeText[1]
    .split(",")
    .map((s) => s.trim().replace(/L$/, "")) // Python 2 wrote longs as 3L
    .filter((s) => s !== "")
    .map((s) => {
      const v = Number(s);
      if (!Number.isInteger(v) || v < 0) throw new ValueError(`${name}: bad .npy shape (${shapeText[1]})`);
      return v;
    });
  return { descr: descr[2], fortranOrder: fortran[1] === "True", shape, dataOffset: start + headerLength };
}

export async function openNpy(path: string, options: { axes?: string } = {}): Promise<Source> {
  const bytes = await FileBytes.open(path);
  try {
    const size = await bytes.size();
    let head = await bytes.read(0, Math.min(size, 4096));
    let header = parseNpyHeader(head, path);
    if ("needBytes" in header) {
      if (header.needBytes > size) throw new ValueError(`${path}: .npy header is cut short`);
      head = await bytes.read(0, header.needBytes);
      header = parseNpyHeader(head, path);
      if ("needBytes" in header) throw new ValueError(`${path}: .npy header is cut short`);
    }
    const dt = parseV2DType(header.descr);
    if (!dt) throw new UnsupportedError(`${path}: .npy dtype '${header.descr}' is not supported`);
    const { shape, fortranOrder } = header;
    if (shape.length === 0)
      throw new UnsupportedError(`${path} holds a 0-d (scalar) array; an image needs axes`);
    const axes = options.axes ? parseAxes(options.axes, shape.length, path) : defaultAxes(shape.length, path);
    const n = shape.length;
    // Fortran order is C order of the reversed shape.
    const stored: StoredArray = {
      bytes,
      offset: header.dataOffset,
      shape: fortranOrder ? [...shape].reverse() : [...shape],
      dtype: dt.dataType,
      endian: dt.endian,
      perm: fortranOrder ? shape.map((_, i) => n - 1 - i) : undefined,
    };
    const need = header.dataOffset + storedByteLength(stored);
    if (size < need) {
      throw new ValueError(
        `${path} has ${size} bytes but its .npy header describes ${need}: the file is truncated`,
      );
    }
    const description = `NumPy .npy, ${shape.join("x")} ${dt.dataType}${fortranOrder ? " (Fortran order)" : ""}`;
    return {
      shape: [...shape],
      dtype: dt.dataType,
      axes,
      description,
      read(region) {
        checkRegion(region, shape, description);
        return readStoredRegion(stored, region);
      },
      close: () => bytes.close(),
    };
  } catch (e) {
    await bytes.close();
    throw e;
  }
}
