/**
 * Zarr v3 array specification — pydantic-zarr's `v3.ArraySpec`: the `zarr.json` document of an
 * array, validated on construction. The default codec pipeline is `bytes` + `zstd` (level 5),
 * never empty; `fromArray(..., { shards })` builds a `sharding_indexed` pipeline. String arrays
 * (`data_type: "string"`) default to `vlen-utf8` + `zstd`; `fixed_length_utf32` (zarr-python 3's
 * `<U`) is read.
 */
import { z } from "zod";
import { isObject } from "../codecs/config.js";
import { v3Entry } from "../codecs/registry.js";
import type { V2CodecJSON, V3CodecJSON } from "../codecs/types.js";
import { toV3Codec, validateV3Codecs } from "../codecs/validate.js";
import {
  type ArrayDataType,
  type ArrayScalar,
  DATA_TYPES,
  type DataType,
  type FillValueJSON,
  fillValueToJSON,
  itemSize,
  parseFillValue,
  type Scalar,
} from "../dtype/index.js";
import { stringifyJSON } from "../dtype/json.js";
import { type FixedWidthStrings, parseStringFillValue } from "../dtype/strings.js";
import { type Issue, SpecError, UnsupportedError } from "../errors.js";
import type { NDArray } from "../ndarray.js";
import { parseFields } from "./issues.js";
import {
  type Attributes,
  attributesSchema,
  checkShapeAndChunks,
  describeJSON,
  fillValueMessage,
  guessChunks,
} from "./shared.js";

const namedConfig = z.looseObject({
  name: z.string(),
  configuration: z.record(z.string(), z.unknown()).optional(),
});

const schema = z.object({
  zarr_format: z.literal(3).default(3),
  node_type: z.literal("array").default("array"),
  shape: z.array(z.number().int().nonnegative()),
  data_type: z.enum([...DATA_TYPES, "string"]),
  chunk_grid: z.object({
    name: z.literal("regular"),
    configuration: z.object({ chunk_shape: z.array(z.number().int().positive()) }),
  }),
  chunk_key_encoding: z
    .object({
      name: z.enum(["default", "v2"]),
      configuration: z.object({ separator: z.enum(["/", "."]).optional() }).optional(),
    })
    .default({ name: "default", configuration: { separator: "/" } }),
  fill_value: z
    .union([z.number(), z.bigint(), z.string(), z.boolean(), z.array(z.union([z.number(), z.string()]))], {
      error: 'must be a number, a string ("NaN", "Infinity", "0x..."), true/false or [real, imaginary]',
    })
    .nullable()
    .optional(),
  codecs: z.array(namedConfig).optional(),
  attributes: attributesSchema.default({}),
  dimension_names: z.array(z.string().nullable()).nullable().optional(),
  storage_transformers: z.array(namedConfig).default([]),
});

/** zarr-python 3's fixed-width string type (NumPy `<U`): `length_bytes` / 4 code points per item. */
export interface FixedLengthUtf32JSON {
  name: "fixed_length_utf32";
  configuration: { length_bytes: number };
}

/** A v3 `data_type`: a name, or the fixed-width string type with its length. */
export type DataTypeJSON = ArrayDataType | FixedLengthUtf32JSON;

export type ArraySpecInput = Omit<z.input<typeof schema>, "data_type"> & { data_type: DataTypeJSON };

/** The `{"name": "fixed_length_utf32", ...}` data type: its issues, or its width. */
function fixedLengthUtf32(json: Record<string, unknown>): Issue[] | FixedWidthStrings {
  const cfg = json.configuration;
  const lengthBytes = isObject(cfg) ? cfg.length_bytes : undefined;
  if (
    typeof lengthBytes !== "number" ||
    !Number.isInteger(lengthBytes) ||
    lengthBytes < 0 ||
    lengthBytes % 4
  ) {
    return [
      {
        path: "data_type.configuration.length_bytes",
        message: `must be a non-negative multiple of 4 (got ${describeJSON(lengthBytes)})`,
      },
    ];
  }
  return { kind: "utf32", chars: lengthBytes / 4 };
}

export interface ArraySpecJSON {
  zarr_format: 3;
  node_type: "array";
  shape: number[];
  data_type: DataTypeJSON;
  chunk_grid: { name: "regular"; configuration: { chunk_shape: number[] } };
  chunk_key_encoding: { name: "default" | "v2"; configuration: { separator: "/" | "." } };
  fill_value: FillValueJSON;
  codecs: V3CodecJSON[];
  attributes: Attributes;
  dimension_names?: (string | null)[];
  storage_transformers: V3CodecJSON[];
}

/** What `ArraySpec.create`/`fromArray` take: chunk (and shard) shapes and one compressor (hierarchy's `CreateOptions` is the other kind: `overwrite`). */
export interface ArraySpecOptions {
  shape: number[];
  /** A numeric data type, or "string" (variable-length UTF-8, encoded by `vlen-utf8`). */
  data_type: ArrayDataType;
  chunks?: number[];
  /** Shard shape: chunks are grouped into shards of this shape (must be multiples of `chunks`). */
  shards?: number[];
  /** The compressor, as a v2 (`codecs.Zstd(...)`) or v3 codec JSON; `null` for none. Default zstd level 5. */
  compressor?: V2CodecJSON | V3CodecJSON | null;
  fill_value?: FillValueJSON;
  dimension_names?: (string | null)[];
  attributes?: Attributes;
  chunk_key_encoding?: ArraySpecJSON["chunk_key_encoding"];
}

const DEFAULT_COMPRESSOR: V3CodecJSON = { name: "zstd", configuration: { level: 5, checksum: false } };

function bytesCodec(dataType: DataType): V3CodecJSON {
  return itemSize(dataType) === 1
    ? { name: "bytes" }
    : { name: "bytes", configuration: { endian: "little" } };
}

/**
 * The default codec pipeline: bytes (vlen-utf8 for strings) + compressor, or sharding_indexed
 * around it when sharded.
 */
export function defaultCodecs(
  dataType: ArrayDataType,
  compressor: V2CodecJSON | V3CodecJSON | null = DEFAULT_COMPRESSOR,
  innerChunks?: number[],
): V3CodecJSON[] {
  const c =
    compressor === null
      ? null
      : "id" in compressor
        ? toV3Codec(compressor as V2CodecJSON, dataType === "string" ? "uint8" : dataType)
        : compressor;
  const toBytes: V3CodecJSON =
    dataType === "string" ? { name: "vlen-utf8", configuration: {} } : bytesCodec(dataType);
  const inner = c ? [toBytes, c] : [toBytes];
  if (!innerChunks) return inner;
  return [
    {
      name: "sharding_indexed",
      configuration: {
        chunk_shape: innerChunks,
        codecs: inner,
        index_codecs: [{ name: "bytes", configuration: { endian: "little" } }, { name: "crc32c" }],
        index_location: "end",
      },
    },
  ];
}

const KNOWN_KEYS = new Set(Object.keys(schema.shape));
const GROUP_KEYS = new Set(["zarr_format", "node_type", "attributes", "consolidated_metadata"]);

/**
 * Unknown top-level fields of a stored v3 `zarr.json`. The core spec allows extension fields only as
 * objects with `"must_understand": false`; any other unknown field (flag true or absent) MUST make a
 * reader that does not understand it fail, so each is an issue naming it.
 */
export function unknownV3Fields(doc: Record<string, unknown>, kind: "array" | "group"): Issue[] {
  const known = kind === "array" ? KNOWN_KEYS : GROUP_KEYS;
  const issues: Issue[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (known.has(key) || (isObject(value) && value.must_understand === false)) continue;
    const flag =
      isObject(value) && "must_understand" in value
        ? `"must_understand": ${JSON.stringify(value.must_understand)}`
        : `no "must_understand": false`;
    issues.push({
      path: key,
      message: `unknown extension field "${key}" with ${flag}; zarrsmith does not understand it, and Zarr v3 requires refusing the ${kind}`,
    });
  }
  return issues;
}

export class ArraySpec {
  readonly zarr_format = 3 as const;
  readonly node_type = "array" as const;
  readonly shape: number[];
  readonly data_type: DataTypeJSON;
  readonly chunk_grid: ArraySpecJSON["chunk_grid"];
  readonly chunk_key_encoding: ArraySpecJSON["chunk_key_encoding"];
  readonly fill_value: FillValueJSON;
  readonly codecs: V3CodecJSON[];
  readonly attributes: Attributes;
  readonly dimension_names?: (string | null)[];
  readonly storage_transformers: V3CodecJSON[];
  /** The fill value as an in-memory scalar (a string for string arrays). */
  readonly fillValue: ArrayScalar;
  /** The item width of a fixed-width string type; undefined for every other data type. */
  readonly fixedWidth?: FixedWidthStrings;

  private constructor(json: ArraySpecJSON, fillValue: ArrayScalar, fixedWidth?: FixedWidthStrings) {
    this.shape = json.shape;
    this.data_type = json.data_type;
    this.chunk_grid = json.chunk_grid;
    this.chunk_key_encoding = json.chunk_key_encoding;
    this.fill_value = json.fill_value;
    this.codecs = json.codecs;
    this.attributes = json.attributes;
    if (json.dimension_names) this.dimension_names = json.dimension_names;
    this.storage_transformers = json.storage_transformers;
    this.fillValue = fillValue;
    if (fixedWidth) this.fixedWidth = fixedWidth;
    Object.freeze(this);
  }

  /** The in-memory data type: the `data_type` name, "string" for every string type. */
  get dataType(): ArrayDataType {
    return typeof this.data_type === "string" ? this.data_type : "string";
  }

  /** Shape of the grid's chunks (the shards, when sharded). */
  get chunkShape(): number[] {
    return this.chunk_grid.configuration.chunk_shape;
  }

  /** Validates `input` (a `zarr.json` array document), fills defaults; throws SpecError listing every broken rule. */
  static parse(input: unknown, options: { strict?: boolean } = {}): ArraySpec {
    const issues: Issue[] = [];
    if (options.strict !== false && input && typeof input === "object" && !Array.isArray(input)) {
      for (const key of Object.keys(input)) {
        if (!KNOWN_KEYS.has(key))
          issues.push({ path: key, message: `unknown field "${key}" in a Zarr v3 array spec` });
      }
    }
    if (!isObject(input))
      throw new SpecError("Zarr v3 array spec", [
        { path: "", message: `must be an object (got ${describeJSON(input)})` },
      ]);
    // the one parameterised data type is checked here; the schema checks the names
    let fixedWidth: FixedWidthStrings | undefined;
    let fields: Record<string, unknown> = input;
    const dt = input.data_type;
    if (isObject(dt) && dt.name === "fixed_length_utf32") {
      const found = fixedLengthUtf32(dt);
      if (Array.isArray(found)) issues.push(...found);
      else fixedWidth = found;
      fields = { ...input, data_type: "string" };
    }
    const { data: v, failed } = parseFields(schema, fields, issues);
    const dataType: ArrayDataType | undefined = v.data_type;
    const chunkShape = v.chunk_grid?.configuration.chunk_shape;
    // the lengths are compared even when an entry is invalid: both mistakes are reported together
    const rawGrid = isObject(input.chunk_grid) ? input.chunk_grid.configuration : undefined;
    issues.push(
      ...checkShapeAndChunks(
        input.shape,
        isObject(rawGrid) ? rawGrid.chunk_shape : undefined,
        "chunk_grid.configuration.chunk_shape",
      ),
    );
    // Reading stored metadata (strict: false) tolerates what zarrita.js writes by default —
    // `codecs: []` (read as plain little-endian bytes) and `fill_value: null` (read as 0) — so its
    // arrays open; specs given by users must be valid.
    const lenient = options.strict === false;
    let codecs = (v.codecs ?? (dataType ? defaultCodecs(dataType) : [])) as V3CodecJSON[];
    if (lenient && codecs.length === 0)
      codecs = [
        dataType === "string" && !fixedWidth
          ? { name: "vlen-utf8", configuration: {} }
          : { name: "bytes", configuration: { endian: "little" } },
      ];
    if (dataType === "string" && !fixedWidth && !failed.has("codecs")) {
      const a2b = codecs.find((c) => isObject(c) && v3Entry(c.name)?.kind === "array_to_bytes");
      if (isObject(a2b) && a2b.name !== "vlen-utf8") {
        // valid-looking metadata this library cannot read (e.g. a "bytes" codec for strings)
        throw new UnsupportedError(
          `codecs[${codecs.indexOf(a2b)}]: a string array is read through the "vlen-utf8" codec, got ${JSON.stringify(a2b.name)}`,
        );
      }
    }
    if (v.fill_value === null && !lenient) {
      issues.push({
        path: "fill_value",
        message: "must not be null in Zarr v3; give a value of the data type (e.g. 0)",
      });
    }
    if (!failed.has("codecs") && v.codecs?.length === 0 && !lenient)
      issues.push({
        path: "codecs",
        message: "must contain an array-to-bytes codec such as bytes; an empty list is invalid",
      });
    else if (dataType && chunkShape && !failed.has("codecs"))
      issues.push(...validateV3Codecs(codecs, dataType, chunkShape, "codecs", fixedWidth));
    if (v.dimension_names && Array.isArray(input.shape) && v.dimension_names.length !== input.shape.length) {
      issues.push({
        path: "dimension_names",
        message: `has ${v.dimension_names.length} names but the array has ${input.shape.length} dimensions`,
      });
    }
    if (v.storage_transformers && v.storage_transformers.length > 0) {
      issues.push({
        path: "storage_transformers",
        message: "storage transformers are not supported; the list must be empty",
      });
    }
    const fillJSON = (v.fill_value ??
      (dataType === "bool" ? false : dataType === "string" ? "" : 0)) as FillValueJSON;
    let fillValue: ArrayScalar = 0;
    if (dataType === "string") {
      // what other tools wrote reads leniently ("" for a non-string); a spec given here must hold a string
      if (!lenient && typeof fillJSON !== "string")
        issues.push({
          path: "fill_value",
          message: `must be a string for a string array (got ${describeJSON(fillJSON)})`,
        });
      fillValue = parseStringFillValue(fillJSON, false);
    } else if (dataType && !failed.has("fill_value")) {
      try {
        fillValue = parseFillValue(fillJSON, dataType, 3) as Scalar;
      } catch (e) {
        issues.push({ path: "fill_value", message: fillValueMessage(e) });
      }
    }
    if (issues.length > 0 || failed.size > 0 || !dataType || !chunkShape)
      throw new SpecError("Zarr v3 array spec", issues);
    const { shape, chunk_key_encoding, attributes } = v as Required<typeof v>;
    const sep = chunk_key_encoding.configuration?.separator ?? (chunk_key_encoding.name === "v2" ? "." : "/");
    const json: ArraySpecJSON = {
      zarr_format: 3,
      node_type: "array",
      shape: [...shape],
      data_type: fixedWidth ? (dt as FixedLengthUtf32JSON) : dataType,
      chunk_grid: { name: "regular", configuration: { chunk_shape: [...chunkShape] } },
      chunk_key_encoding: { name: chunk_key_encoding.name, configuration: { separator: sep } },
      // as given (exact for 64-bit integers); complex normalised to [re, im]
      fill_value:
        dataType !== "string" && dataType.startsWith("complex")
          ? fillValueToJSON(fillValue as Scalar, dataType)
          : fillJSON,
      codecs,
      attributes,
      storage_transformers: [],
    };
    if (v.dimension_names) json.dimension_names = v.dimension_names;
    return new ArraySpec(json, fillValue, fixedWidth);
  }

  /** Builds a spec from convenience options: chunks, optional shards, one compressor. */
  static create(options: ArraySpecOptions): ArraySpec {
    const chunks = options.chunks ?? guessChunks(options.shape, options.data_type);
    const gridShape = options.shards ?? chunks;
    return ArraySpec.parse({
      shape: options.shape,
      data_type: options.data_type,
      chunk_grid: { name: "regular", configuration: { chunk_shape: gridShape } },
      chunk_key_encoding: options.chunk_key_encoding,
      fill_value: options.fill_value,
      codecs: defaultCodecs(options.data_type, options.compressor, options.shards ? chunks : undefined),
      attributes: options.attributes,
      dimension_names: options.dimension_names,
    });
  }

  /** A spec that fits `array` (shape, data type); chunks picked unless given; `shards` turns on sharding. */
  static fromArray(
    array: NDArray<ArrayDataType>,
    options: Partial<Omit<ArraySpecOptions, "shape" | "data_type">> = {},
  ): ArraySpec {
    return ArraySpec.create({ shape: array.shape, data_type: array.dtype, ...options });
  }

  static fromZarr(array: { spec: unknown }): ArraySpec {
    const spec = array.spec;
    if (!(spec instanceof ArraySpec))
      throw new SpecError("Zarr v3 array spec", [{ path: "", message: "the array is not a Zarr v3 array" }]);
    return spec;
  }

  with(update: Partial<ArraySpecInput>): ArraySpec {
    return ArraySpec.parse({ ...this.toJSON(), ...update });
  }

  /** Exactly the `zarr.json` document. */
  toJSON(): ArraySpecJSON {
    const json: ArraySpecJSON = {
      zarr_format: 3,
      node_type: "array",
      shape: [...this.shape],
      data_type: this.data_type,
      chunk_grid: this.chunk_grid,
      chunk_key_encoding: this.chunk_key_encoding,
      fill_value: this.fill_value,
      codecs: this.codecs,
      attributes: this.attributes,
      storage_transformers: this.storage_transformers,
    };
    if (this.dimension_names) json.dimension_names = this.dimension_names;
    return json;
  }

  equals(other: unknown): boolean {
    return other instanceof ArraySpec && stringifyJSON(other.toJSON()) === stringifyJSON(this.toJSON());
  }
}
