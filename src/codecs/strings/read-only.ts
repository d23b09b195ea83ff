/**
 * String codecs zarrsmith reads but does not write: numcodecs `json2` (v2 object codec) and the
 * fixed-width string types through the `bytes` codec (v2 `<U7`/`>U7`/`|S7`, v3
 * `fixed_length_utf32`). Writing one is an UnsupportedError that says which string arrays are
 * writable, raised before any chunk is stored.
 */
import type { ArrayDataType, Endian } from "../../dtype/index.js";
import {
  decodeFixedBytes,
  decodeJsonItems,
  decodeUtf32,
  type FixedWidthStrings,
} from "../../dtype/strings.js";
import { UnsupportedError } from "../../errors.js";
import type { NDArray } from "../../ndarray.js";
import { product } from "../../ndarray.js";
import type { ArrayToBytesCodec, ChunkSpec, V3CodecJSON } from "../types.js";

function notWritable(what: string): never {
  throw new UnsupportedError(
    `writing ${what} string arrays is not supported; variable-length UTF-8 string arrays are writable (v2 dtype "|O" with the vlen-utf8 filter, v3 data type "string")`,
  );
}

/** numcodecs JSON (`json2`): its settings (encoding, separators) do not change reading. */
export class Json2Codec implements ArrayToBytesCodec {
  readonly kind = "array_to_bytes";

  checkEncodable(): never {
    return notWritable("json2");
  }

  encode(_: NDArray<ArrayDataType>): Uint8Array {
    return this.checkEncodable();
  }

  decode(bytes: Uint8Array, spec: ChunkSpec): NDArray<"string"> {
    return { data: decodeJsonItems(bytes, product(spec.shape)), shape: [...spec.shape], dtype: "string" };
  }

  maxEncodedSize(): undefined {
    return undefined;
  }

  toJSON(): V3CodecJSON {
    return { name: "numcodecs.json2", configuration: {} };
  }
}

/** Bytes per item of a fixed-width string type. */
export function fixedItemBytes(width: FixedWidthStrings): number {
  return width.kind === "utf32" ? width.chars * 4 : width.length;
}

/** The `bytes` stage of a fixed-width string type: NUL-padded UTF-32 code points, or latin1 bytes. */
export class FixedWidthStringCodec implements ArrayToBytesCodec {
  readonly kind = "array_to_bytes";
  readonly width: FixedWidthStrings;
  readonly endian: Endian;

  constructor(width: FixedWidthStrings, endian: Endian = "little") {
    this.width = width;
    this.endian = endian;
  }

  checkEncodable(): never {
    return notWritable(this.width.kind === "utf32" ? "fixed-width UTF-32" : "fixed-width bytes (|S)");
  }

  encode(_: NDArray<ArrayDataType>): Uint8Array {
    return this.checkEncodable();
  }

  decode(bytes: Uint8Array, spec: ChunkSpec): NDArray<"string"> {
    const n = product(spec.shape);
    const w = this.width;
    const data =
      w.kind === "utf32" ? decodeUtf32(bytes, n, w.chars, this.endian) : decodeFixedBytes(bytes, n, w.length);
    return { data, shape: [...spec.shape], dtype: "string" };
  }

  maxEncodedSize(spec: ChunkSpec): number {
    return product(spec.shape) * fixedItemBytes(this.width);
  }

  toJSON(): V3CodecJSON {
    return { name: "bytes", configuration: { endian: this.endian } };
  }
}
