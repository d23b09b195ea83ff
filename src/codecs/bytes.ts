/** The v3 `bytes` codec: elements in C order, each in the configured byte order. */
import { type DataType, type Endian, fromBytes, itemSize, toBytes } from "../dtype/index.js";
import { CodecError, type Issue } from "../errors.js";
import { type NDArray, product } from "../ndarray.js";
import { assertValid, type Config, checkEnum } from "./config.js";
import type { ArrayToBytesCodec, ChunkSpec, V3CodecJSON } from "./types.js";

export function checkBytesConfig(config: Config, path: string, dataType?: DataType): Issue[] {
  const issues = checkEnum(config, "endian", path, ["little", "big"]);
  if (config.endian === undefined && dataType && itemSize(dataType) > 1) {
    issues.push({
      path: `${path}.endian`,
      message: `is required for ${dataType}, whose elements span several bytes`,
    });
  }
  return issues;
}

export class BytesCodec implements ArrayToBytesCodec {
  readonly kind = "array_to_bytes";
  /** Undefined only for single-byte types, where byte order has no meaning. */
  readonly endian: Endian | undefined;

  constructor(config: { endian?: Endian } = {}, dataType?: DataType) {
    assertValid("bytes codec configuration", checkBytesConfig(config, "bytes", dataType));
    this.endian = config.endian;
  }

  // (numbers only: the bytes stage of a fixed-width string type is FixedWidthStringCodec)
  maxEncodedSize(spec: ChunkSpec): number {
    return product(spec.shape) * itemSize(spec.dataType as DataType);
  }

  encode(array: NDArray<DataType>): Uint8Array {
    return toBytes(array.data, array.dtype, this.endian ?? "little");
  }

  decode(bytes: Uint8Array, spec: ChunkSpec): NDArray {
    const dataType = spec.dataType as DataType;
    const expected = product(spec.shape) * itemSize(dataType);
    if (bytes.length !== expected) {
      throw new CodecError(
        `bytes codec: expected ${expected} bytes for a [${spec.shape.join(", ")}] ${spec.dataType} chunk, got ${bytes.length}`,
      );
    }
    const data = fromBytes(bytes, dataType, this.endian ?? "little");
    return { data, shape: [...spec.shape], dtype: spec.dataType } as NDArray;
  }

  toJSON(): V3CodecJSON {
    return this.endian ? { name: "bytes", configuration: { endian: this.endian } } : { name: "bytes" };
  }
}
