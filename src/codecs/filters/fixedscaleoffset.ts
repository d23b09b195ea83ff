/**
 * numcodecs' `fixedscaleoffset` filter: encode round((x - offset) * scale) as `astype`, decode
 * enc / scale + offset as `dtype`. Arithmetic precision follows NumPy's rules for an array and
 * Python scalars: float32 (or float16) data is computed in float32 (float16), integer data with
 * integer offset and scale stays integer, anything else is float64. Rounding is half to even.
 */
import { allocate, type DataType, dataTypeInfo, type TypedArray } from "../../dtype/index.js";
import { type Issue, SpecError } from "../../errors.js";
import type { NDArray } from "../../ndarray.js";
import { type Config, checkNumber } from "../config.js";
import { numpyDTypeString, parseNumpyDType } from "../numpy-dtype.js";
import type { ArrayToArrayCodec, ChunkSpec, V3CodecJSON } from "../types.js";
import { checkDtypeField, dtypeMismatch } from "./delta.js";
import { caster, isBig, isIntegerDataType, type Num, roundHalfEven } from "./numeric.js";

export function checkFixedScaleOffsetConfig(config: Config, path: string): Issue[] {
  const issues = [
    ...checkNumber(config, "offset", path, true),
    ...checkNumber(config, "scale", path, true),
    ...checkDtypeField(config, "dtype", path, true),
    ...checkDtypeField(config, "astype", path, false),
  ];
  if (config.scale === 0)
    issues.push({ path: `${path}.scale`, message: "must not be 0 (decoding divides by it)" });
  return issues;
}

/** The type NumPy computes `array op python_scalar` in, for an array of `dt`. */
function arithmeticType(dt: DataType, scalarsAreIntegers: boolean): DataType {
  const kind = dataTypeInfo(dt).kind;
  if (kind === "float") return dt;
  if (scalarsAreIntegers && (kind === "int" || kind === "uint")) return dt;
  return "float64";
}

export class FixedScaleOffsetCodec implements ArrayToArrayCodec {
  readonly kind = "array_to_array";
  readonly offset: number;
  readonly scale: number;
  readonly dtype: DataType;
  readonly astype: DataType;
  private readonly json: { dtype: string; astype: string };

  constructor(config: { offset: number; scale: number; dtype: string; astype?: string }, input?: DataType) {
    const issues = checkFixedScaleOffsetConfig(config, "fixedscaleoffset");
    if (issues.length) throw new SpecError("fixedscaleoffset filter configuration", issues);
    const d = parseNumpyDType(config.dtype)!;
    const a = config.astype === undefined ? d : parseNumpyDType(config.astype)!;
    if (input && input !== d.dataType) {
      throw new SpecError("fixedscaleoffset filter configuration", [
        dtypeMismatch("fixedscaleoffset", d.dataType, input),
      ]);
    }
    this.offset = config.offset;
    this.scale = config.scale;
    this.dtype = d.dataType;
    this.astype = a.dataType;
    this.json = {
      dtype: numpyDTypeString(d.dataType, d.endian),
      astype: numpyDTypeString(a.dataType, a.endian),
    };
  }

  encodedSpec(spec: ChunkSpec): ChunkSpec {
    return { ...spec, dataType: this.astype, fillValue: null };
  }

  encode(array: NDArray): NDArray {
    const ints = Number.isInteger(this.offset) && Number.isInteger(this.scale);
    const at = arithmeticType(this.dtype, ints);
    const r = caster(at);
    const src = array.data as unknown as { length: number; [i: number]: Num };
    const n = src.length;
    const out = allocate(this.astype, n) as TypedArray;
    const o = out as unknown as { [i: number]: Num };
    const toOut = caster(this.astype);
    if (isBig(at)) {
      const off = BigInt(this.offset);
      const sc = BigInt(this.scale);
      for (let i = 0; i < n; i++) o[i] = toOut(r((r((src[i] as bigint) - off) as bigint) * sc));
    } else if (isIntegerDataType(at)) {
      for (let i = 0; i < n; i++)
        o[i] = toOut(r((r((src[i] as number) - this.offset) as number) * this.scale));
    } else {
      const off = r(this.offset) as number;
      const sc = r(this.scale) as number;
      const big = isBig(this.dtype);
      for (let i = 0; i < n; i++) {
        const x = big ? Number(src[i]) : (src[i] as number);
        o[i] = toOut(roundHalfEven(r((r(x - off) as number) * sc) as number));
      }
    }
    return { data: out, shape: [...array.shape], dtype: this.astype } as NDArray;
  }

  decode(array: NDArray): NDArray {
    // enc / scale is a true division: float64 for integer storage, else the storage float type.
    const at = dataTypeInfo(this.astype).kind === "float" ? this.astype : "float64";
    const r = caster(at);
    const off = r(this.offset) as number;
    const sc = r(this.scale) as number;
    const enc = array.data as unknown as { length: number; [i: number]: Num };
    const n = enc.length;
    const out = allocate(this.dtype, n) as TypedArray;
    const o = out as unknown as { [i: number]: Num };
    const toOut = caster(this.dtype);
    for (let i = 0; i < n; i++) {
      const x = Number(enc[i]);
      o[i] = toOut(r((r(x / sc) as number) + off));
    }
    return { data: out, shape: [...array.shape], dtype: this.dtype } as NDArray;
  }

  toJSON(): V3CodecJSON {
    return {
      name: "numcodecs.fixedscaleoffset",
      configuration: { scale: this.scale, offset: this.offset, ...this.json },
    };
  }
}
