/**
 * NumPy .npy files. The header is parsed by hand: it is a fixed magic string, a length and a
 * one-line Python dict literal with three keys, a format NumPy defines in a page of text; no
 * maintained JavaScript library reads it region by region.
 */
import { numpyDTypeString } from "../codecs/numpy-dtype.js";
import { parseV2DType, toBytes } from "../dtype/index.js";
import { UnsupportedError, ValueError } from "../errors.js";
import type { NDArray } from "../ndarray.js";
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
  const dict = parseHeaderDict(text, name);
  const keys = Object.keys(dict).sort();
  const extra = keys.filter((k) => !NPY_KEYS.includes(k));
  if (extra.length > 0) {
    throw new ValueError(
      `${name}: .npy header key ${extra.map((k) => `'${k}'`).join(", ")} is not one of 'descr', 'fortran_order', 'shape' (NumPy refuses such headers)`,
    );
  }
  for (const k of NPY_KEYS) {
    if (!(k in dict)) throw new ValueError(`${name}: .npy header has no '${k}' entry: ${text.trim()}`);
  }
  const descr = dict.descr;
  if (Array.isArray(descr)) {
    throw new UnsupportedError(
      `${name} holds a structured (record) dtype, which has no Zarr array equivalent`,
    );
  }
  if (typeof descr !== "string")
    throw new ValueError(`${name}: .npy 'descr' must be a string: ${text.trim()}`);
  if (typeof dict.fortran_order !== "boolean") {
    throw new ValueError(`${name}: .npy 'fortran_order' must be True or False: ${text.trim()}`);
  }
  const shape = dict.shape;
  if (
    !(shape instanceof Tuple) ||
    !shape.items.every((v) => typeof v === "number" && Number.isSafeInteger(v) && v >= 0)
  ) {
    throw new ValueError(`${name}: .npy 'shape' must be a tuple of non-negative integers: ${text.trim()}`);
  }
  return {
    descr,
    fortranOrder: dict.fortran_order,
    shape: shape.items as number[],
    dataOffset: start + headerLength,
  };
}

const NPY_KEYS = ["descr", "fortran_order", "shape"];

/** A Python tuple, kept apart from lists (shape must be a tuple; a list descr is a record dtype). */
class Tuple {
  constructor(readonly items: PyValue[]) {}
}
type PyValue = string | number | boolean | null | Tuple | PyValue[] | { [key: string]: PyValue };

/**
 * Parses the header's Python dict literal (strings, integers, True/False/None, tuples, lists,
 * dicts) exactly, so a key inside a string or a repeated key cannot be mistaken for the real one.
 */
function parseHeaderDict(text: string, name: string): Record<string, PyValue> {
  let i = 0;
  const fail = (why: string): never => {
    throw new ValueError(
      `${name}: .npy header is not a valid Python dict literal at character ${i} (${why}): ${text.trim()}`,
    );
  };
  const space = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const value = (): PyValue => {
    space();
    const ch = text[i];
    if (ch === "'" || ch === '"') {
      i++;
      let out = "";
      while (i < text.length && text[i] !== ch) {
        if (text[i] === "\\") {
          i++;
          if (i >= text.length) fail("unfinished escape");
        }
        out += text[i++];
      }
      if (text[i] !== ch) fail("unterminated string");
      i++;
      return out;
    }
    if (ch === "{") {
      i++;
      const out: Record<string, PyValue> = {};
      for (;;) {
        space();
        if (text[i] === "}") {
          i++;
          return out;
        }
        const key = value();
        if (typeof key !== "string") fail("dict keys must be strings");
        space();
        if (text[i++] !== ":") fail("expected ':'");
        const v = value();
        if (Object.hasOwn(out, key as string)) {
          throw new ValueError(`${name}: .npy header key '${key}' appears twice`);
        }
        out[key as string] = v;
        space();
        if (text[i] === ",") i++;
        else if (text[i] !== "}") fail("expected ',' or '}'");
      }
    }
    if (ch === "(" || ch === "[") {
      const close = ch === "(" ? ")" : "]";
      i++;
      const items: PyValue[] = [];
      let commas = 0;
      for (;;) {
        space();
        if (text[i] === close) {
          i++;
          // (3) is the integer 3, (3,) a tuple
          if (close === ")" && items.length === 1 && commas === 0) return items[0];
          return close === ")" ? new Tuple(items) : items;
        }
        items.push(value());
        space();
        if (text[i] === ",") {
          i++;
          commas++;
        } else if (text[i] !== close) fail(`expected ',' or '${close}'`);
      }
    }
    const word = /^(-?\d+)L?|^(True|False|None)\b/.exec(text.slice(i));
    if (!word) return fail("unexpected character");
    i += word[0].length;
    if (word[1] !== undefined) return Number(word[1]);
    return word[2] === "None" ? null : word[2] === "True";
  };
  const out = value();
  space();
  if (i !== text.length) fail("text after the dict");
  if (out === null || typeof out !== "object" || Array.isArray(out) || out instanceof Tuple) {
    return fail("the header must be a dict");
  }
  return out as Record<string, PyValue>;
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
    const empty = shape.indexOf(0);
    if (empty >= 0) {
      throw new ValueError(
        `${path}: .npy shape (${shape.join(", ")}${shape.length === 1 ? "," : ""}) holds no data: axis ${empty} has size 0`,
      );
    }
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

/**
 * `array` as a NumPy .npy file (format 1.0, little-endian, C order): the magic string, a Python-dict
 * header padded to a multiple of 64 bytes, then the raw data. What `openNpy` reads back.
 */
export function encodeNpy(array: NDArray): Uint8Array {
  const descr = numpyDTypeString(array.dtype, "little");
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = 10 + header.length + 1; // magic(6) + version(2) + length(2) + header + "\n"
  header += `${" ".repeat((64 - (unpadded % 64)) % 64)}\n`;
  const body = toBytes(array.data, array.dtype, "little");
  const out = new Uint8Array(10 + header.length + body.length);
  out.set([...NPY_MAGIC, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(body, 10 + header.length);
  return out;
}
