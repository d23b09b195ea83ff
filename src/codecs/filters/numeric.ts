/**
 * NumPy's element casts, for the numcodecs filters that change data types (delta, fixedscaleoffset):
 * integers wrap modulo 2^bits, floats to integers truncate toward zero, float32/float16 round to
 * nearest even. Values outside an integer type's range wrap like x86 conversions do for in-range
 * intermediates; NaN becomes 0 (NumPy leaves that undefined).
 */
import {
  allocate,
  type DataType,
  dataTypeInfo,
  floatToHalf,
  halfToFloat,
  type TypedArray,
} from "../../dtype/index.js";

export type Num = number | bigint;

export function isBig(dt: DataType): boolean {
  return dt === "int64" || dt === "uint64";
}

const INT_BITS: Partial<Record<DataType, [number, boolean]>> = {
  int8: [8, true],
  int16: [16, true],
  int32: [32, true],
  uint8: [8, false],
  uint16: [16, false],
  uint32: [32, false],
};

/** A function rounding/wrapping any number to the value `dt` would store (as JS number or bigint). */
export function caster(dt: DataType): (x: Num) => Num {
  if (dt === "int64" || dt === "uint64") {
    const wrap = dt === "int64" ? BigInt.asIntN : BigInt.asUintN;
    return (x) => wrap(64, typeof x === "bigint" ? x : Number.isFinite(x) ? BigInt(Math.trunc(x)) : 0n);
  }
  const int = INT_BITS[dt];
  if (int) {
    const [bits, signed] = int;
    const range = 2 ** bits;
    return (x) => {
      let v = typeof x === "bigint" ? Number(BigInt.asIntN(64, x) % BigInt(range)) : Math.trunc(x);
      if (!Number.isFinite(v)) return 0;
      v %= range;
      if (v < 0) v += range;
      return signed && v >= range / 2 ? v - range : v;
    };
  }
  if (dt === "float32") return (x) => Math.fround(Number(x));
  if (dt === "float16") return (x) => halfToFloat(floatToHalf(Number(x)));
  if (dt === "bool") return (x) => (Number(x) !== 0 ? 1 : 0);
  return (x) => Number(x);
}

/** Rounds half to even, as `np.around` does. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export function isIntegerDataType(dt: DataType): boolean {
  const k = dataTypeInfo(dt).kind;
  return k === "int" || k === "uint";
}

/** A new typed array for `count` elements of `dt`, written through a cast. */
export function castInto(dt: DataType, count: number): { data: TypedArray; set(i: number, v: Num): void } {
  const data = allocate(dt, count) as TypedArray;
  const cast = caster(dt);
  const slots = data as unknown as { [i: number]: Num };
  return {
    data,
    set(i, v) {
      slots[i] = cast(v);
    },
  };
}
