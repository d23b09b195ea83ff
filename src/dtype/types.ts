/**
 * The data types zarrsmith handles, named as in Zarr v3, and how each one is held in memory.
 *
 * In-memory representation (always native byte order):
 * - bool → Uint8Array of 0/1
 * - int64/uint64 → BigInt64Array/BigUint64Array
 * - float16 → Float32Array (converted on encode/decode, so no global Float16Array is needed)
 * - complex64/complex128 → Float32Array/Float64Array with interleaved (re, im): two "lanes" per element
 * - string (every string data type: v2 `<U`/`|S`/`|O`, v3 `string`/`fixed_length_utf32`) → string[];
 *   how the strings are stored is the codecs' business (see strings.ts)
 *
 * `DataType` names the numeric types (what typed arrays hold, and what numeric code accepts);
 * `ArrayDataType` is every data type an array can have, strings included.
 */

import { ValueError } from "../errors.js";

export const DATA_TYPES = [
  "bool",
  "int8",
  "int16",
  "int32",
  "int64",
  "uint8",
  "uint16",
  "uint32",
  "uint64",
  "float16",
  "float32",
  "float64",
  "complex64",
  "complex128",
] as const;

export type DataType = (typeof DATA_TYPES)[number];
/** The in-memory data type of every string array, whatever the stored form. */
export type StringDataType = "string";
/** Every data type a Zarr array can have: the numeric types and strings. */
export type ArrayDataType = DataType | StringDataType;
export type Endian = "little" | "big";

export type TypedArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** The typed array that holds each data type in memory. */
export interface TypedArrayFor {
  bool: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  float16: Float32Array;
  float32: Float32Array;
  float64: Float64Array;
  complex64: Float32Array;
  complex128: Float64Array;
}

/** What holds the elements of each data type in memory: a typed array, or a list of strings. */
export interface ValuesFor extends TypedArrayFor {
  string: string[];
}

/** The elements of an array of any data type. */
export type Values = TypedArray | string[];

export function isStringDataType(dtype: ArrayDataType): dtype is StringDataType {
  return dtype === "string";
}

/** A scalar of a data type: number, bigint for 64-bit integers, boolean, or [re, im] for complex. */
export type Scalar = number | bigint | boolean | [number, number];
/** A scalar of any array data type: a numeric Scalar, or a string for string arrays. */
export type ArrayScalar = Scalar | string;
/** The scalar of a data type: string for strings, else a numeric Scalar. */
export type ScalarFor<D extends ArrayDataType> = D extends StringDataType ? string : Scalar;

type TypedArrayCtor = {
  new (length: number): TypedArray;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TypedArray;
  readonly BYTES_PER_ELEMENT: number;
};

interface DataTypeInfo {
  /** Bytes per element on disk. */
  itemSize: number;
  /** Typed-array slots per element (2 for complex). */
  lanes: 1 | 2;
  ctor: TypedArrayCtor;
  kind: "bool" | "int" | "uint" | "float" | "complex";
}

const INFO: Record<DataType, DataTypeInfo> = {
  bool: { itemSize: 1, lanes: 1, ctor: Uint8Array, kind: "bool" },
  int8: { itemSize: 1, lanes: 1, ctor: Int8Array, kind: "int" },
  int16: { itemSize: 2, lanes: 1, ctor: Int16Array, kind: "int" },
  int32: { itemSize: 4, lanes: 1, ctor: Int32Array, kind: "int" },
  int64: { itemSize: 8, lanes: 1, ctor: BigInt64Array, kind: "int" },
  uint8: { itemSize: 1, lanes: 1, ctor: Uint8Array, kind: "uint" },
  uint16: { itemSize: 2, lanes: 1, ctor: Uint16Array, kind: "uint" },
  uint32: { itemSize: 4, lanes: 1, ctor: Uint32Array, kind: "uint" },
  uint64: { itemSize: 8, lanes: 1, ctor: BigUint64Array, kind: "uint" },
  float16: { itemSize: 2, lanes: 1, ctor: Float32Array, kind: "float" },
  float32: { itemSize: 4, lanes: 1, ctor: Float32Array, kind: "float" },
  float64: { itemSize: 8, lanes: 1, ctor: Float64Array, kind: "float" },
  complex64: { itemSize: 8, lanes: 2, ctor: Float32Array, kind: "complex" },
  complex128: { itemSize: 16, lanes: 2, ctor: Float64Array, kind: "complex" },
};

export function isDataType(name: unknown): name is DataType {
  return typeof name === "string" && name in INFO;
}

export function dataTypeInfo(dtype: DataType): DataTypeInfo {
  return INFO[dtype];
}

/** Bytes per element when encoded. */
export function itemSize(dtype: DataType): number {
  return INFO[dtype].itemSize;
}

/** Typed-array slots per element: 2 for complex types, else 1 (strings: one string per element). */
export function lanes(dtype: ArrayDataType): 1 | 2 {
  return dtype === "string" ? 1 : INFO[dtype].lanes;
}

export function isIntegerType(dtype: DataType): boolean {
  const k = INFO[dtype].kind;
  return k === "int" || k === "uint";
}

export function isFloatType(dtype: DataType): boolean {
  return INFO[dtype].kind === "float";
}

/**
 * A zeroed typed array for `count` elements of `dtype`; with `shared`, on a SharedArrayBuffer that
 * worker threads can write into. Strings: a list of `count` empty strings (never shared).
 */
export function allocate<D extends ArrayDataType>(dtype: D, count: number, shared = false): ValuesFor[D] {
  if (dtype === "string") return allocateStrings(count) as ValuesFor[D];
  const info = INFO[dtype as DataType];
  try {
    const slots = count * info.lanes;
    if (shared)
      return new info.ctor(new SharedArrayBuffer(slots * info.ctor.BYTES_PER_ELEMENT)) as ValuesFor[D];
    return new info.ctor(slots) as ValuesFor[D];
  } catch (e) {
    // "Invalid typed array length" / "Array buffer allocation failed": say what was asked for.
    if (!(e instanceof RangeError)) throw e;
    throw new ValueError(
      `cannot allocate ${count} ${dtype} elements (${count * info.itemSize} bytes): more than this runtime can hold in one array (${e.message})`,
    );
  }
}

function allocateStrings(count: number): string[] {
  try {
    return new Array<string>(count).fill("");
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new ValueError(`cannot allocate ${count} strings: more than this runtime can hold in one list`);
  }
}

/** The data type a typed array most naturally holds (Float32Array → float32, Uint8Array → uint8). */
export function dataTypeOfTypedArray(data: TypedArray): DataType {
  if (data instanceof Uint8Array) return "uint8";
  if (data instanceof Int8Array) return "int8";
  if (data instanceof Int16Array) return "int16";
  if (data instanceof Uint16Array) return "uint16";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Uint32Array) return "uint32";
  if (data instanceof BigInt64Array) return "int64";
  if (data instanceof BigUint64Array) return "uint64";
  if (data instanceof Float32Array) return "float32";
  return "float64";
}

/** Whether `data` is the in-memory representation of `dtype`. */
export function typedArrayMatches(dtype: DataType, data: TypedArray): boolean {
  return data instanceof INFO[dtype].ctor;
}

export const NATIVE_ENDIAN: Endian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? "little" : "big";
