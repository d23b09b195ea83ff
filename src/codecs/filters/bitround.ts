/**
 * numcodecs' `bitround` filter (lossy): keeps `keepbits` mantissa bits of floats, rounding to
 * nearest with ties to even on the integer view of the bits. Decoding is the identity.
 */
import { type DataType, decodeFloat16, encodeFloat16 } from "../../dtype/index.js";
import { type Issue, SpecError } from "../../errors.js";
import type { NDArray } from "../../ndarray.js";
import { type Config, checkInt } from "../config.js";
import type { ArrayToArrayCodec, ChunkSpec, V3CodecJSON } from "../types.js";

const MANTISSA_BITS: Partial<Record<DataType, number>> = { float16: 10, float32: 23, float64: 52 };

export function checkBitRoundConfig(config: Config, path: string, dataType?: DataType): Issue[] {
  const issues = checkInt(config, "keepbits", path, { min: 0, required: true });
  if (dataType !== undefined) {
    const bits = MANTISSA_BITS[dataType];
    if (bits === undefined) {
      issues.push({
        path,
        message: `bitround only applies to float16/float32/float64 data, not ${dataType}`,
      });
    } else if (typeof config.keepbits === "number" && config.keepbits > bits) {
      issues.push({
        path: `${path}.keepbits`,
        message: `must be <= ${bits} for ${dataType}, got ${config.keepbits}`,
      });
    }
  }
  return issues;
}

export class BitRoundCodec implements ArrayToArrayCodec {
  readonly kind = "array_to_array";
  readonly keepbits: number;

  constructor(config: { keepbits: number }, input?: DataType) {
    const issues = checkBitRoundConfig(config, "bitround", input);
    if (issues.length) throw new SpecError("bitround filter configuration", issues);
    this.keepbits = config.keepbits;
  }

  encodedSpec(spec: ChunkSpec): ChunkSpec {
    return spec;
  }

  encode(array: NDArray): NDArray {
    const bits = MANTISSA_BITS[array.dtype];
    if (bits === undefined)
      throw new SpecError("bitround filter", [{ path: "bitround", message: `cannot round ${array.dtype}` }]);
    if (this.keepbits >= bits) return array;
    const drop = bits - this.keepbits;
    if (array.dtype === "float64") {
      const src = array.data as Float64Array;
      const out = new Float64Array(src.length);
      const b = new BigInt64Array(out.buffer);
      b.set(new BigInt64Array(src.buffer, src.byteOffset, src.length));
      const d = BigInt(drop);
      const mask = (-1n >> d) << d;
      const half = (1n << (d - 1n)) - 1n;
      for (let i = 0; i < b.length; i++) {
        const v = b[i];
        b[i] = BigInt.asIntN(64, v + ((v >> d) & 1n) + half) & mask;
      }
      return { data: out, shape: [...array.shape], dtype: array.dtype } as NDArray;
    }
    const mask = (-1 >> drop) << drop;
    const half = (1 << (drop - 1)) - 1;
    if (array.dtype === "float32") {
      const src = array.data as Float32Array;
      const out = new Float32Array(src.length);
      const b = new Int32Array(out.buffer);
      b.set(new Int32Array(src.buffer, src.byteOffset, src.length));
      for (let i = 0; i < b.length; i++) {
        const v = b[i];
        b[i] = (v + ((v >> drop) & 1) + half) & mask;
      }
      return { data: out, shape: [...array.shape], dtype: array.dtype } as NDArray;
    }
    // float16 is held as float32 in memory: round its 16-bit pattern as a signed int16.
    const h = new Int16Array(encodeFloat16(array.data as Float32Array).buffer);
    for (let i = 0; i < h.length; i++) {
      const v = h[i];
      h[i] = (v + ((v >> drop) & 1) + half) & mask;
    }
    const data = decodeFloat16(new Uint16Array(h.buffer));
    return { data, shape: [...array.shape], dtype: array.dtype } as NDArray;
  }

  decode(array: NDArray): NDArray {
    return array;
  }

  toJSON(): V3CodecJSON {
    return { name: "numcodecs.bitround", configuration: { keepbits: this.keepbits } };
  }
}
