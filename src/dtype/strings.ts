/**
 * String data types: what their dtype metadata says and how their chunk bytes decode. In memory
 * every one of them is the data type "string" (items as JavaScript strings); the codecs in
 * codecs/strings/ turn chunks of them into bytes and back.
 *
 *   v2 `<U7` / `>U7`   fixed width UTF-32 (7 code points per item, 4 bytes each), NUL padded
 *   v2 `|S7`           fixed width bytes (7 per item), NUL padded; decoded as latin1 (NumPy bytes_)
 *   v2 `|O`            objects: the first filter is the object codec (`vlen-utf8` or `json2`)
 *   v3 `string`        the `vlen-utf8` codec: uint32 LE item count, then per item a uint32 LE byte
 *                      length and that many UTF-8 bytes (numcodecs VLenUTF8's layout)
 *   v3 `fixed_length_utf32` (zarr-python 3's `<U`) — like v2 `<U`, through the `bytes` codec
 */
import { CodecError } from "../errors.js";
import type { Endian } from "./types.js";

/** The width of one item of a fixed-width string type (the byte order is the codec's). */
export type FixedWidthStrings = { kind: "utf32"; chars: number } | { kind: "bytes"; length: number };

/**
 * The v2 dtype strings of string arrays: `<U7`, `>U7`, `|S7` (also `S7`, `U7`, `=U7`) and `|O`.
 * Returns undefined for anything else (numbers, structs, ...). `|O` is "object", whose encoding the
 * filters decide.
 */
export function parseV2StringDType(
  dtype: unknown,
):
  | { kind: "utf32"; chars: number; endian: Endian }
  | { kind: "bytes"; length: number }
  | { kind: "object" }
  | undefined {
  if (typeof dtype !== "string") return undefined;
  if (/^[|]?O$/.test(dtype)) return { kind: "object" };
  const m = /^([<>|=]?)([US])(\d+)$/.exec(dtype);
  if (!m) return undefined;
  const n = Number(m[3]);
  if (m[2] === "S") return m[1] === "<" || m[1] === ">" ? undefined : { kind: "bytes", length: n };
  if (m[1] === "|") return undefined;
  return { kind: "utf32", chars: n, endian: m[1] === ">" ? "big" : "little" };
}

function checkSize(bytes: Uint8Array, want: number, what: string): void {
  if (bytes.length !== want) {
    throw new CodecError(`${what} chunk has ${bytes.length} bytes, expected ${want}`);
  }
}

/** Fixed width UTF-32 items; trailing NULs are padding (as in NumPy). */
export function decodeUtf32(bytes: Uint8Array, count: number, chars: number, endian: Endian): string[] {
  checkSize(bytes, count * chars * 4, `UTF-32 (${chars} characters per item)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = endian === "little";
  const out = new Array<string>(count);
  const codes: number[] = [];
  for (let i = 0; i < count; i++) {
    const base = i * chars * 4;
    let end = chars;
    while (end > 0 && view.getUint32(base + (end - 1) * 4, little) === 0) end--;
    codes.length = end;
    for (let k = 0; k < end; k++) {
      const cp = view.getUint32(base + k * 4, little);
      if (cp > 0x10ffff) throw new CodecError(`item ${i} holds ${cp}, which is not a Unicode code point`);
      codes[k] = cp;
    }
    out[i] = fromCodePoints(codes);
  }
  return out;
}

function fromCodePoints(codes: number[]): string {
  if (codes.length <= 4096) return String.fromCodePoint(...codes);
  let s = "";
  for (let k = 0; k < codes.length; k += 4096) s += String.fromCodePoint(...codes.slice(k, k + 4096));
  return s;
}

/** Fixed width byte strings (NumPy `S`): trailing NULs are padding; bytes are read as latin1. */
export function decodeFixedBytes(bytes: Uint8Array, count: number, length: number): string[] {
  checkSize(bytes, count * length, `fixed width bytes (${length} per item)`);
  const out = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const base = i * length;
    let end = length;
    while (end > 0 && bytes[base + end - 1] === 0) end--;
    out[i] = latin1(bytes, base, base + end);
  }
  return out;
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  // (TextDecoder("latin1") is windows-1252 per the Encoding standard, so map bytes directly.)
  let s = "";
  for (let k = start; k < end; k += 8192) {
    s += String.fromCharCode(...bytes.subarray(k, Math.min(end, k + 8192)));
  }
  return s;
}
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** numcodecs VLenUTF8 / v3 vlen-utf8: uint32 LE count, then (uint32 LE length, UTF-8 bytes) per item. */
export function decodeVlenUtf8(bytes: Uint8Array, count: number): string[] {
  if (bytes.length < 4)
    throw new CodecError(`vlen-utf8 chunk has ${bytes.length} bytes, too short for its header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, true);
  if (n !== count) throw new CodecError(`vlen-utf8 chunk holds ${n} items, expected ${count}`);
  const out = new Array<string>(n);
  let pos = 4;
  for (let i = 0; i < n; i++) {
    if (pos + 4 > bytes.length) throw new CodecError(`vlen-utf8 chunk ends before item ${i}`);
    const len = view.getUint32(pos, true);
    pos += 4;
    if (pos + len > bytes.length) throw new CodecError(`vlen-utf8 item ${i} runs past the end of the chunk`);
    try {
      out[i] = len === 0 ? "" : utf8.decode(bytes.subarray(pos, pos + len));
    } catch (e) {
      throw new CodecError(`vlen-utf8 item ${i} is not valid UTF-8`, { cause: e });
    }
    pos += len;
  }
  return out;
}

/**
 * numcodecs JSON (`json2`): one JSON array holding the chunk's items (nested lists for N-D chunks,
 * C order), then the dtype string, then the shape. Items must be strings (null reads as "").
 */
export function decodeJsonItems(bytes: Uint8Array, count: number): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(utf8.decode(bytes));
  } catch (e) {
    throw new CodecError(`json2 chunk is not valid UTF-8 JSON: ${(e as Error).message}`, { cause: e });
  }
  if (!Array.isArray(doc) || doc.length < 2) {
    throw new CodecError("json2 chunk must be a JSON array of items followed by the dtype and the shape");
  }
  const items = (doc.slice(0, -2) as unknown[]).flat(Number.POSITIVE_INFINITY);
  if (items.length !== count)
    throw new CodecError(`json2 chunk holds ${items.length} items, expected ${count}`);
  return items.map((v, i) => {
    if (typeof v === "string") return v;
    if (v === null) return "";
    throw new CodecError(`json2 item ${i} is ${JSON.stringify(v)}; only string object arrays can be read`);
  });
}

/**
 * The fill value of a string array from metadata JSON: v2 `|S` holds base64 of the bytes
 * (zarr-python's encoding, read as latin1); every other string type holds the string itself.
 * `null` (and, in what other tools wrote, any non-string) reads as "". Throws a RangeError naming
 * the rule.
 */
export function parseStringFillValue(json: unknown, base64: boolean): string {
  if (typeof json !== "string") return "";
  if (!base64) return json;
  try {
    return decodeBase64Latin1(json);
  } catch {
    throw new RangeError("fill_value must be base64-encoded bytes for an |S data type");
  }
}

/** A v2 `|S` fill value: base64 of the bytes (zarr-python's encoding), read as latin1. */
export function decodeBase64Latin1(text: string): string {
  const bin = atob(text);
  let end = bin.length;
  while (end > 0 && bin.charCodeAt(end - 1) === 0) end--;
  return bin.slice(0, end);
}
