/**
 * numcodecs' `delta` filter (`numcodecs.delta` in v3): the first element, then differences of
 * neighbours over the flat data, computed in `dtype` (integers wrap) and stored as `astype`.
 * Decoding is a running sum in `dtype`.
 */
import { allocate, type DataType, dataTypeInfo, type TypedArray } from "../../dtype/index.js";
import { type Issue, SpecError } from "../../errors.js";
import type { NDArray } from "../../ndarray.js";
import type { Config } from "../config.js";
import { numpyDTypeString, parseNumpyDType } from "../numpy-dtype.js";
import type { ArrayToArrayCodec, ChunkSpec, V3CodecJSON } from "../types.js";
import { caster, isBig, type Num } from "./numeric.js";

export function checkDtypeField(config: Config, key: string, path: string, required: boolean): Issue[] {
  const v = config[key];
  if (v === undefined)
    return required ? [{ path: `${path}.${key}`, message: 'is required (e.g. "<u2")' }] : [];
  const parsed = parseNumpyDType(v);
  if (!parsed)
    return [{ path: `${path}.${key}`, message: `is not a supported NumPy dtype: ${JSON.stringify(v)}` }];
  const kind = dataTypeInfo(parsed.dataType).kind;
  if (kind === "complex" || kind === "bool") {
    return [
      {
        path: `${path}.${key}`,
        message: `${parsed.dataType} is not supported by this filter (numbers only)`,
      },
    ];
  }
  return [];
}

export function checkDeltaConfig(config: Config, path: string): Issue[] {
  return [...checkDtypeField(config, "dtype", path, true), ...checkDtypeField(config, "astype", path, false)];
}

/** Issues when the data reaching a filter (`dataType`) is not the `dtype` its config names. */
export function checkInputDtype(config: Config, path: string, dataType: DataType | undefined): Issue[] {
  const parsed = parseNumpyDType(config.dtype);
  if (!parsed || dataType === undefined || parsed.dataType === dataType) return [];
  return [dtypeMismatch(path, parsed.dataType, dataType)];
}

/** Issue when the data reaching a filter is not the type its config names. */
export function dtypeMismatch(path: string, configured: DataType, actual: DataType): Issue {
  return {
    path: `${path}.dtype`,
    message: `is ${configured} but the data reaching this filter is ${actual}`,
  };
}

/** The spec after a filter that stores its values as `astype` (default `dtype`): delta, fixedscaleoffset. */
export function astypeSpec(config: Config, spec: ChunkSpec): ChunkSpec {
  const a = parseNumpyDType(config.astype ?? config.dtype);
  return a ? { ...spec, dataType: a.dataType, fillValue: null } : spec;
}

export class DeltaCodec implements ArrayToArrayCodec {
  readonly kind = "array_to_array";
  readonly dtype: DataType;
  readonly astype: DataType;
  private readonly json: { dtype: string; astype: string };

  constructor(config: { dtype: string; astype?: string }, input?: DataType) {
    const issues = checkDeltaConfig(config, "delta");
    if (issues.length) throw new SpecError("delta filter configuration", issues);
    const d = parseNumpyDType(config.dtype)!;
    const a = config.astype === undefined ? d : parseNumpyDType(config.astype)!;
    if (input && input !== d.dataType)
      throw new SpecError("delta filter configuration", [dtypeMismatch("delta", d.dataType, input)]);
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
    const src = array.data as unknown as { length: number; [i: number]: Num };
    const n = src.length;
    const out = allocate(this.astype, n) as TypedArray;
    const o = out as unknown as { [i: number]: Num };
    if (n > 0) {
      if (this.astype === this.dtype && this.dtype !== "float16") {
        // Typed-array stores wrap integers and round float32 exactly as NumPy's arithmetic does.
        o[0] = src[0];
        if (isBig(this.dtype)) {
          const s = src as unknown as BigInt64Array;
          const d = out as BigInt64Array;
          for (let i = 1; i < n; i++) d[i] = s[i] - s[i - 1];
        } else {
          const s = src as unknown as Float64Array;
          const d = out as Float64Array;
          for (let i = 1; i < n; i++) d[i] = s[i] - s[i - 1];
        }
      } else {
        const inType = caster(this.dtype);
        const outType = caster(this.astype);
        const big = isBig(this.dtype);
        o[0] = outType(src[0]);
        for (let i = 1; i < n; i++) {
          const diff = big
            ? (src[i] as bigint) - (src[i - 1] as bigint)
            : (src[i] as number) - (src[i - 1] as number);
          o[i] = outType(inType(diff));
        }
      }
    }
    return { data: out, shape: [...array.shape], dtype: this.astype } as NDArray;
  }

  decode(array: NDArray): NDArray {
    const enc = array.data as unknown as { length: number; [i: number]: Num };
    const n = enc.length;
    const out = allocate(this.dtype, n) as TypedArray;
    const o = out as unknown as { [i: number]: Num };
    if (n > 0) {
      if (this.astype === this.dtype && this.dtype !== "float16") {
        o[0] = enc[0];
        if (isBig(this.dtype)) {
          const e = enc as unknown as BigInt64Array;
          const d = out as BigInt64Array;
          for (let i = 1; i < n; i++) d[i] = d[i - 1] + e[i];
        } else {
          const e = enc as unknown as Float64Array;
          const d = out as Float64Array;
          for (let i = 1; i < n; i++) d[i] = d[i - 1] + e[i];
        }
      } else {
        // np.cumsum(enc, out=dec) accumulates in dec's type: cast each term, then add with wrap.
        const toOut = caster(this.dtype);
        const big = isBig(this.dtype);
        let acc: Num = toOut(enc[0]);
        o[0] = acc;
        for (let i = 1; i < n; i++) {
          const term = toOut(enc[i]);
          acc = toOut(big ? (acc as bigint) + (term as bigint) : (acc as number) + (term as number));
          o[i] = acc;
        }
      }
    }
    return { data: out, shape: [...array.shape], dtype: this.dtype } as NDArray;
  }

  toJSON(): V3CodecJSON {
    return { name: "numcodecs.delta", configuration: { ...this.json } };
  }
}
