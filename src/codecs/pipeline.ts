/**
 * A chunk's codec pipeline: array→array stages, one array→bytes stage, bytes→bytes stages.
 * Built only from metadata JSON (v3 `codecs`, or v2 dtype/order/filters/compressor), so worker
 * threads can rebuild the same pipeline from an array's metadata.
 */
import { type ArrayDataType, type Endian, itemSize, lanes } from "../dtype/index.js";
import { parseV2StringDType } from "../dtype/strings.js";
import { CodecError, type Issue, SpecError, UnsupportedError, ZarrsmithError } from "../errors.js";
import { type NDArray, product } from "../ndarray.js";
import { plain } from "./backends.js";
import { encodedBound } from "./bound.js";
import { BytesCodec } from "./bytes.js";
import { isObject } from "./config.js";
import { parseNumpyDType } from "./numpy-dtype.js";
import { typesizeOf, v2Entry, v3Entry } from "./registry.js";
import { ShardingCodec } from "./sharding.js";
import { FixedWidthStringCodec } from "./strings/read-only.js";
import { TransposeCodec } from "./transpose.js";
import type {
  ArrayToArrayCodec,
  ArrayToBytesCodec,
  BytesToBytesCodec,
  ChunkSpec,
  Codec,
  V2CodecJSON,
  V3CodecJSON,
} from "./types.js";
import {
  supportedV2Codecs,
  supportedV3Codecs,
  validateV2Codec,
  validateV3Codecs,
  wasValidated,
} from "./validate.js";

export interface V2PipelineMeta {
  /** The v2 dtype string, e.g. `<u2` (its byte order is the stored byte order). */
  dtype: string;
  order: "C" | "F";
  filters: V2CodecJSON[] | null;
  compressor: V2CodecJSON | null;
}

interface ArrayStage {
  codec: ArrayToArrayCodec;
  /** The spec this stage receives when encoding. */
  spec: ChunkSpec;
}

export class CodecPipeline {
  /** The decoded chunk's spec (shape = chunk or shard shape). */
  readonly spec: ChunkSpec;
  readonly arrayToArray: readonly ArrayStage[];
  readonly arrayToBytes: ArrayToBytesCodec;
  /** The spec reaching the array→bytes stage. */
  readonly bytesSpec: ChunkSpec;
  readonly bytesToBytes: readonly BytesToBytesCodec[];
  /**
   * The sharding codec, when it is the array→bytes stage with no other stage around it (then the
   * shard bytes are exactly what it reads, and `decodeRegion` can fetch parts of a shard).
   */
  readonly sharding?: ShardingCodec;
  /**
   * Per bytes→bytes stage, the most bytes its decoding may produce: exact for the stage next to the
   * array→bytes codec, then widened by each compressor's worst-case expansion (see bound.ts).
   */
  readonly #decodeLimits: (number | undefined)[];

  private constructor(spec: ChunkSpec, stages: Codec[]) {
    this.spec = { ...spec, shape: [...spec.shape] };
    const a2a: ArrayStage[] = [];
    let current = this.spec;
    let a2b: ArrayToBytesCodec | undefined;
    const b2b: BytesToBytesCodec[] = [];
    for (const c of stages) {
      if (c.kind === "array_to_array") {
        a2a.push({ codec: c, spec: current });
        current = c.encodedSpec(current);
      } else if (c.kind === "array_to_bytes") {
        a2b = c;
      } else {
        b2b.push(c);
      }
    }
    this.arrayToArray = a2a;
    this.arrayToBytes = a2b!;
    this.bytesSpec = current;
    this.bytesToBytes = b2b;
    if (a2b instanceof ShardingCodec && a2a.length === 0 && b2b.length === 0) this.sharding = a2b;
    let limit = a2b?.maxEncodedSize?.(current);
    this.#decodeLimits = b2b.map((_, i) => {
      if (i > 0 && limit !== undefined) limit = encodedBound(limit);
      return limit;
    });
  }

  /**
   * The bytes the decompressors' last stage decodes to (what `decode`'s `into` must hold); undefined
   * without a bytes-to-bytes codec or when unbounded.
   */
  get decodedByteLength(): number | undefined {
    return this.#decodeLimits[0];
  }

  /** The most bytes a valid encoded chunk of this pipeline takes; undefined when unbounded. */
  maxEncodedSize(): number | undefined {
    const n = this.#decodeLimits.length;
    if (n === 0) return this.arrayToBytes.maxEncodedSize?.(this.bytesSpec);
    const last = this.#decodeLimits[n - 1];
    return last === undefined ? undefined : encodedBound(last);
  }

  /** Builds the pipeline of a v3 `codecs` list; throws SpecError / UnsupportedError naming the field. */
  static fromV3(codecs: V3CodecJSON[], spec: ChunkSpec): CodecPipeline {
    if (!wasValidated(codecs, spec.dataType, spec.shape, spec.fixedWidth)) {
      throwIfUnsupported(codecs, "codecs");
      const issues = validateV3Codecs(codecs, spec.dataType, spec.shape, "codecs", spec.fixedWidth);
      if (issues.length) throw new SpecError("codecs", issues);
    }
    const stages: Codec[] = [];
    let current = spec;
    for (const json of codecs) {
      const entry = v3Entry(json.name)!;
      const codec = entry.build(json.configuration ?? {}, {
        spec: current,
        typesize: typesizeOf(current),
        pipeline: buildV3,
      });
      if (codec.kind === "array_to_array") current = codec.encodedSpec(current);
      stages.push(codec);
    }
    return new CodecPipeline(spec, stages);
  }

  /**
   * Builds the pipeline of a v2 array: order "F" transposes first, filters see the flat data (as in
   * numcodecs), elements become bytes in the byte order of the last array-level dtype, then the
   * compressor. A filter that works on bytes (shuffle, a compressor) turns the rest into bytes too.
   * String arrays: an `|O` array's first filter is its object codec (vlen-utf8, json2), which turns
   * the strings into bytes; fixed-width strings (`<U7`, `|S7`) become bytes as numbers do.
   */
  static fromV2(meta: V2PipelineMeta, spec: ChunkSpec): CodecPipeline {
    const strings = spec.dataType === "string" ? parseV2StringDType(meta.dtype) : undefined;
    const dtype = strings
      ? { endian: (strings.kind === "utf32" ? strings.endian : "little") as Endian }
      : parseNumpyDType(meta.dtype);
    if (!dtype)
      throw new UnsupportedError(`dtype ${JSON.stringify(meta.dtype)} is not supported by zarrsmith`);
    const issues: Issue[] = [];
    const filters = meta.filters ?? [];
    filters.forEach((f, i) => {
      issues.push(...unsupportedV2(f, `filters[${i}]`), ...validateV2Codec(f, `filters[${i}]`));
    });
    if (meta.compressor != null) {
      issues.push(
        ...unsupportedV2(meta.compressor, "compressor"),
        ...validateV2Codec(meta.compressor, "compressor"),
      );
    }
    if (issues.length) throw new SpecError("Zarr v2 codecs", issues);

    const stages: Codec[] = [];
    let current: ChunkSpec = spec;
    let endian: Endian = dtype.endian;
    if (meta.order === "F" && spec.shape.length > 1) {
      const t = new TransposeCodec({ order: spec.shape.map((_, k) => spec.shape.length - 1 - k) });
      stages.push(t);
      current = t.encodedSpec(current);
    }
    let bytesStage = false;
    let typesize = 1;
    const toBytes = () => {
      if (current.dataType === "string") {
        if (strings?.kind === "object") {
          throw new UnsupportedError(
            `filters: an object (|O) array is read through its first filter, which must be a string object codec (vlen-utf8 or json2); got ${filters.length ? JSON.stringify(filters[0].id) : "none"}`,
          );
        }
        stages.push(new FixedWidthStringCodec(current.fixedWidth!, endian));
      } else {
        stages.push(new BytesCodec(itemSize(current.dataType) > 1 ? { endian } : {}, current.dataType));
      }
      typesize = typesizeOf(current);
      bytesStage = true;
    };
    filters.forEach((f, i) => {
      const { id, ...config } = f;
      const entry = v2Entry(id)!;
      if (entry.kind === "array_to_bytes") {
        // a string object codec: only as the first filter of an |O array
        if (bytesStage || strings?.kind !== "object" || i > 0) {
          throw new UnsupportedError(
            `filters[${i}]: "${id}" is an object codec; it can only be the first filter of an object (|O) array`,
          );
        }
        const issues = entry.check(config, `filters[${i}]`, { spec: current, typesize: 1 });
        if (issues.length) throw new SpecError("Zarr v2 codecs", issues);
        stages.push(entry.build(config, { spec: current, typesize: 1 }));
        bytesStage = true;
        typesize = 1;
      } else if (entry.kind === "array_to_array") {
        if (bytesStage) {
          throw new UnsupportedError(
            `filters[${i}]: "${id}" works on typed values but follows a filter that produced bytes; reorder the filters`,
          );
        }
        if (current.dataType === "string") {
          throw new UnsupportedError(
            `filters[${i}]: "${id}" works on numbers and cannot decode a string array`,
          );
        }
        const codec = entry.build(config, {
          spec: current,
          typesize: itemSize(current.dataType),
        }) as ArrayToArrayCodec;
        stages.push(codec);
        current = codec.encodedSpec(current);
        const astype =
          (config as { astype?: string; dtype?: string }).astype ?? (config as { dtype?: string }).dtype;
        const parsed = astype === undefined ? undefined : parseNumpyDType(astype);
        if (parsed) endian = parsed.endian;
      } else {
        if (!bytesStage) toBytes();
        stages.push(entry.build(config, { spec: current, typesize }));
        // numcodecs hands the next codec a uint8 buffer.
        typesize = 1;
      }
    });
    if (!bytesStage) toBytes();
    if (meta.compressor != null) {
      const { id, ...config } = meta.compressor;
      stages.push(v2Entry(id)!.build(config, { spec: current, typesize }));
    }
    return new CodecPipeline(spec, stages);
  }

  /**
   * Throws the UnsupportedError of a pipeline that reads but cannot write (json2, fixed-width
   * strings), so that a write fails before it stores or deletes anything.
   */
  checkEncodable(): void {
    this.arrayToBytes.checkEncodable?.();
  }

  async encode(chunk: NDArray<ArrayDataType>): Promise<Uint8Array> {
    this.checkInput(chunk);
    try {
      let a = chunk as NDArray;
      for (const { codec, spec } of this.arrayToArray) a = await codec.encode(a, spec);
      let bytes = await this.arrayToBytes.encode(a, this.bytesSpec);
      for (const c of this.bytesToBytes) bytes = await c.encode(bytes);
      return bytes;
    } catch (e) {
      throw wrap(e, "encode");
    }
  }

  /**
   * The decoded chunk (typed as numbers: only ZarrArray builds string pipelines, and reads them as
   * strings). With `into` (at least `decodedByteLength` bytes), the last decompression may write
   * there and the chunk may be a view of it: for a caller that copies the chunk out at once.
   */
  async decode(bytes: Uint8Array, into?: Uint8Array): Promise<NDArray> {
    bytes = plain(bytes);
    try {
      for (let i = this.bytesToBytes.length - 1; i >= 0; i--)
        bytes = await this.bytesToBytes[i].decode(bytes, this.#decodeLimits[i], i === 0 ? into : undefined);
      let a = await this.arrayToBytes.decode(bytes, this.bytesSpec);
      checkDecoded(a, this.bytesSpec);
      for (let i = this.arrayToArray.length - 1; i >= 0; i--) {
        const { codec, spec } = this.arrayToArray[i];
        a = await codec.decode(a as NDArray, spec);
      }
      checkDecoded(a, this.spec);
      return { data: a.data, shape: [...this.spec.shape], dtype: this.spec.dataType } as NDArray;
    } catch (e) {
      throw wrap(e, "decode");
    }
  }

  /** The v3 `codecs` list equivalent to this pipeline. */
  toJSON(): V3CodecJSON[] {
    return [
      ...this.arrayToArray.map((s) => s.codec.toJSON()),
      this.arrayToBytes.toJSON(),
      ...this.bytesToBytes.map((c) => c.toJSON()),
    ];
  }

  private checkInput(chunk: NDArray<ArrayDataType>): void {
    const { shape, dataType } = this.spec;
    if (chunk.dtype !== dataType) {
      throw new CodecError(`cannot encode a ${chunk.dtype} chunk with a pipeline for ${dataType}`);
    }
    if (chunk.shape.length !== shape.length || chunk.shape.some((s, k) => s !== shape[k])) {
      throw new CodecError(`cannot encode a chunk of shape [${chunk.shape}] with a pipeline for [${shape}]`);
    }
    if (chunk.data.length !== product(shape) * lanes(dataType)) {
      throw new CodecError(
        `chunk data has ${chunk.data.length} values, shape [${shape}] needs ${product(shape) * lanes(dataType)}`,
      );
    }
  }
}

const buildV3 = (codecs: V3CodecJSON[], spec: ChunkSpec) => CodecPipeline.fromV3(codecs, spec);

/** Valid-looking but unimplemented codecs (pcodec, zfpy, vlen-utf8...) are "unsupported", not "invalid". */
function throwIfUnsupported(codecs: unknown, path: string): void {
  if (!Array.isArray(codecs)) return;
  codecs.forEach((c, i) => {
    if (!isObject(c) || typeof c.name !== "string") return;
    if (!v3Entry(c.name)) {
      throw new UnsupportedError(
        `${path}[${i}]: codec "${c.name}" is not supported by zarrsmith (supported: ${supportedV3Codecs().join(", ")})`,
      );
    }
    if (c.name === "sharding_indexed" && isObject(c.configuration)) {
      throwIfUnsupported(c.configuration.codecs, `${path}[${i}].configuration.codecs`);
      throwIfUnsupported(c.configuration.index_codecs, `${path}[${i}].configuration.index_codecs`);
    }
  });
}

function unsupportedV2(json: unknown, path: string): Issue[] {
  if (isObject(json) && typeof json.id === "string" && !v2Entry(json.id)) {
    throw new UnsupportedError(
      `${path}: codec "${json.id}" is not supported by zarrsmith (supported: ${supportedV2Codecs().join(", ")})`,
    );
  }
  return [];
}

function checkDecoded(a: NDArray<ArrayDataType>, spec: ChunkSpec): void {
  const expected = product(spec.shape) * lanes(spec.dataType);
  if (a.dtype !== spec.dataType || a.data.length !== expected) {
    throw new CodecError(
      `decoded chunk has ${a.data.length} ${a.dtype} values, expected ${expected} ${spec.dataType} values for shape [${spec.shape}]`,
    );
  }
}

/** Errors from libraries become CodecErrors; zarrsmith's own errors pass through. */
function wrap(e: unknown, what: "encode" | "decode"): Error {
  if (e instanceof ZarrsmithError) return e;
  return new CodecError(`${what} failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}
