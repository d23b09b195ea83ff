/**
 * Conversion between in-memory typed arrays and encoded element bytes in a chosen byte order.
 * This is the core of the Zarr `bytes` codec and of v2's implicit dtype encoding.
 */
import { decodeFloat16, encodeFloat16 } from "./float16.js";
import { type DataType, dataTypeInfo, type Endian, NATIVE_ENDIAN, type TypedArray } from "./types.js";

function swapInPlace(bytes: Uint8Array, width: number): void {
  if (width === 1) return;
  for (let i = 0; i + width <= bytes.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

/** A fresh copy that owns its buffer from offset 0 (`Buffer#slice` would return a view). */
function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

function viewBytes(data: TypedArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Swap width for a data type: complex swaps each component separately. */
function swapWidth(dtype: DataType): number {
  const info = dataTypeInfo(dtype);
  return info.itemSize / info.lanes;
}

/**
 * Element bytes of `data` in `endian` order. Returns a view (no copy) when the in-memory
 * layout already is the encoded layout; callers must not mutate the result.
 */
export function toBytes(data: TypedArray, dtype: DataType, endian: Endian = "little"): Uint8Array {
  if (dtype === "float16") {
    const bits = encodeFloat16(data as Float32Array);
    const bytes = viewBytes(bits);
    if (endian !== NATIVE_ENDIAN) swapInPlace(bytes, 2);
    return bytes;
  }
  const width = swapWidth(dtype);
  if (endian === NATIVE_ENDIAN || width === 1) return viewBytes(data);
  const copy = copyBytes(viewBytes(data));
  swapInPlace(copy, width);
  return copy;
}

/**
 * Typed array of `dtype` from element bytes in `endian` order. Returns a view of `bytes` when
 * alignment and byte order allow it, else a copy.
 */
export function fromBytes(bytes: Uint8Array, dtype: DataType, endian: Endian = "little"): TypedArray {
  const info = dataTypeInfo(dtype);
  if (bytes.length % info.itemSize !== 0) {
    throw new RangeError(`${bytes.length} bytes is not a whole number of ${dtype} elements`);
  }
  const count = bytes.length / info.itemSize;
  if (dtype === "float16") {
    const copy = copyBytes(bytes);
    if (endian !== NATIVE_ENDIAN) swapInPlace(copy, 2);
    return decodeFloat16(new Uint16Array(copy.buffer, 0, count));
  }
  const width = swapWidth(dtype);
  const native = endian === NATIVE_ENDIAN || width === 1;
  const aligned = bytes.byteOffset % info.ctor.BYTES_PER_ELEMENT === 0;
  if (native && aligned) return new info.ctor(bytes.buffer, bytes.byteOffset, count * info.lanes);
  const copy = copyBytes(bytes);
  if (!native) swapInPlace(copy, width);
  return new info.ctor(copy.buffer, 0, count * info.lanes);
}
