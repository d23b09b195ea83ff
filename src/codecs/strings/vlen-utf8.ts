/**
 * The variable-length UTF-8 string codec: numcodecs `VLenUTF8` (v2 object codec, `|O` arrays) and
 * the Zarr v3 `vlen-utf8` array-to-bytes codec share one layout: a uint32 LE item count, then per
 * item a uint32 LE byte length and that many UTF-8 bytes, in C order.
 */
import type { ArrayDataType } from "../../dtype/index.js";
import { decodeVlenUtf8 } from "../../dtype/strings.js";
import { CodecError, type Issue } from "../../errors.js";
import type { NDArray } from "../../ndarray.js";
import type { Config } from "../config.js";
import type { ArrayToBytesCodec, ChunkSpec, V3CodecJSON } from "../types.js";

/**
 * v3 `vlen-utf8` takes an empty (or absent) configuration; v2 `{"id": "vlen-utf8"}` takes no
 * fields. It encodes strings: an array of another data type is an issue too.
 */
export function checkVlenUtf8Config(config: Config, path: string, dataType?: ArrayDataType): Issue[] {
  const issues = Object.keys(config).map((k) => ({
    path: `${path}.${k}`,
    message: "is not a vlen-utf8 setting (the codec takes no configuration)",
  }));
  if (dataType !== undefined && dataType !== "string") issues.push(notStrings("vlen-utf8", path, dataType));
  return issues;
}

/** The issue of a string codec in the pipeline of a numeric array. */
export function notStrings(codec: string, path: string, dataType: ArrayDataType): Issue {
  return {
    path,
    message: `"${codec}" encodes strings, but the array holds ${dataType}`,
  };
}

const utf8 = new TextEncoder();

export class VlenUtf8Codec implements ArrayToBytesCodec {
  readonly kind = "array_to_bytes";

  encode(array: NDArray<ArrayDataType>): Uint8Array {
    return encodeVlenUtf8(array.data as string[]);
  }

  decode(bytes: Uint8Array, spec: ChunkSpec): NDArray<"string"> {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    return { data: decodeVlenUtf8(bytes, count), shape: [...spec.shape], dtype: "string" };
  }

  /** Unbounded: an item may be any length. */
  maxEncodedSize(): undefined {
    return undefined;
  }

  toJSON(): V3CodecJSON {
    return { name: "vlen-utf8", configuration: {} };
  }
}

export function encodeVlenUtf8(items: readonly string[]): Uint8Array {
  const parts = items.map((s) => utf8.encode(s));
  const total = parts.reduce((n, p) => n + 4 + p.length, 4);
  if (total > 0xffffffff) throw new CodecError(`vlen-utf8 chunk of ${total} bytes exceeds 4 GiB`);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, items.length, true);
  let pos = 4;
  for (const p of parts) {
    view.setUint32(pos, p.length, true);
    out.set(p, pos + 4);
    pos += 4 + p.length;
  }
  return out;
}
