/**
 * Zarr v2 array specification — the pydantic-zarr `v2.ArraySpec` in TypeScript: the `.zarray`
 * document plus attributes, validated on construction, with the same defaults
 * (fill_value 0, order "C", filters null, dimension_separator "/", attributes {}, compressor null).
 * String arrays: `dtype: "string"` is zarr-python's `dtype=str` — `|O` with the vlen-utf8 object
 * codec as first filter, fill value "" — and `<U7`, `>U7`, `|S7`, `|O` (vlen-utf8 or json2) are read.
 */
import { z } from "zod";
import type { V2CodecJSON } from "../codecs/types.js";
import { validateV2Codec } from "../codecs/validate.js";
import {
  type ArrayDataType,
  type ArrayScalar,
  type Endian,
  type FillValueJSON,
  fillValueToJSON,
  formatV2DType,
  isDataType,
  parseFillValue,
  parseV2DType,
  type Scalar,
} from "../dtype/index.js";
import { isObject, stringifyJSON } from "../dtype/json.js";
import { type FixedWidthStrings, parseStringFillValue, parseV2StringDType } from "../dtype/strings.js";
import { type Issue, SpecError } from "../errors.js";
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

const codecSchema = z.looseObject({ id: z.string() });

const schema = z.object({
  zarr_format: z.literal(2).default(2),
  shape: z.array(z.number().int().nonnegative()),
  chunks: z.array(z.number().int().positive()),
  dtype: z.string(),
  compressor: codecSchema.nullable().default(null),
  fill_value: z
    .union(
      [z.number(), z.bigint(), z.string(), z.boolean(), z.null(), z.array(z.union([z.number(), z.string()]))],
      {
        error:
          'must be a number, a string ("NaN", "Infinity", base64 bytes), true/false, null or [real, imaginary]',
      },
    )
    .default(0),
  order: z.enum(["C", "F"]).default("C"),
  filters: z.array(codecSchema).nullable().default(null),
  dimension_separator: z.enum(["/", "."]).default("/"),
  attributes: attributesSchema.default({}),
});

/** What `ArraySpec.parse` accepts: the `.zarray` fields (+ attributes); `dtype` may also be a data type name. */
export type ArraySpecInput = z.input<typeof schema>;

/** The JSON form: the `.zarray` document plus `attributes`. */
export interface ArraySpecJSON {
  zarr_format: 2;
  shape: number[];
  chunks: number[];
  dtype: string;
  compressor: V2CodecJSON | null;
  fill_value: FillValueJSON;
  order: "C" | "F";
  filters: V2CodecJSON[] | null;
  dimension_separator: "/" | ".";
  attributes: Attributes;
}

/** An opened array as `fromArray` reads it (a ZarrArray is one); structural so this module imports no array code. */
export interface StoredArray {
  readonly spec: unknown;
  readonly shape: number[];
  readonly dtype: ArrayDataType;
}

export interface ParseOptions {
  /** Reject unknown keys (default true). Reading what other tools wrote is lenient. */
  strict?: boolean;
}

const KNOWN_KEYS = new Set(Object.keys(schema.shape));

export class ArraySpec {
  readonly zarr_format = 2 as const;
  readonly shape: number[];
  readonly chunks: number[];
  /** The v2 dtype string, e.g. `<u2` (a data type name given to `parse` is normalised to this). */
  readonly dtype: string;
  readonly compressor: V2CodecJSON | null;
  readonly fill_value: FillValueJSON;
  readonly order: "C" | "F";
  readonly filters: V2CodecJSON[] | null;
  readonly dimension_separator: "/" | ".";
  readonly attributes: Attributes;
  /** The data type name (`uint16`, "string" for every string dtype) and byte order the dtype string encodes. */
  readonly dataType: ArrayDataType;
  readonly endian: Endian;
  /** The fill value as an in-memory scalar (null when the spec says "no fill value"; strings: "" then). */
  readonly fillValue: ArrayScalar | null;
  /** The item width of a fixed-width string dtype (`<U7`, `|S7`); undefined for every other dtype. */
  readonly fixedWidth?: FixedWidthStrings;

  private constructor(
    json: ArraySpecJSON,
    dataType: ArrayDataType,
    endian: Endian,
    fillValue: ArrayScalar | null,
    fixedWidth?: FixedWidthStrings,
  ) {
    this.shape = json.shape;
    this.chunks = json.chunks;
    this.dtype = json.dtype;
    this.compressor = json.compressor;
    this.fill_value = json.fill_value;
    this.order = json.order;
    this.filters = json.filters;
    this.dimension_separator = json.dimension_separator;
    this.attributes = json.attributes;
    this.dataType = dataType;
    this.endian = endian;
    this.fillValue = fillValue;
    if (fixedWidth) this.fixedWidth = fixedWidth;
    Object.freeze(this);
  }

  /** Validates `input`, fills defaults, and returns the spec; throws SpecError listing every broken rule. */
  static parse(input: unknown, options: ParseOptions = {}): ArraySpec {
    const issues: Issue[] = [];
    if (options.strict !== false && input && typeof input === "object" && !Array.isArray(input)) {
      for (const key of Object.keys(input)) {
        if (!KNOWN_KEYS.has(key))
          issues.push({ path: key, message: `unknown field "${key}" in a Zarr v2 array spec` });
      }
    }
    if (!isObject(input))
      throw new SpecError("Zarr v2 array spec", [
        { path: "", message: `must be an object (got ${describeJSON(input)})` },
      ]);
    const { data: v, failed } = parseFields(schema, input, issues);
    // dtype: accept "<u2"-style strings and data type names ("uint16" → "<u2", "string" → "|O")
    let dataType: ArrayDataType | undefined;
    let endian: Endian = "little";
    let dtypeText = v.dtype;
    let strings: ReturnType<typeof parseV2StringDType>;
    if (v.dtype === "string") {
      dtypeText = "|O";
      if (v.filters == null) v.filters = [{ id: "vlen-utf8" }];
    }
    if (dtypeText === undefined) {
      // reported by parseFields
    } else if (isDataType(dtypeText)) {
      dataType = dtypeText;
    } else {
      const parsed = parseV2DType(dtypeText);
      strings = parsed ? undefined : parseV2StringDType(dtypeText);
      if (parsed) ({ dataType, endian } = parsed);
      else if (strings) {
        dataType = "string";
        if (strings.kind === "utf32") endian = strings.endian;
      } else
        issues.push({
          path: "dtype",
          message: `unsupported dtype ${JSON.stringify(v.dtype)}: expected e.g. "<u2", "|u1", ">f8", "uint16", "|O" or "string"`,
        });
    }
    // the lengths are compared even when an entry is invalid: both mistakes are reported together
    issues.push(...checkShapeAndChunks(input.shape, input.chunks, "chunks"));
    if (v.compressor) issues.push(...validateV2Codec(v.compressor, "compressor"));
    for (const [i, f] of (v.filters ?? []).entries()) issues.push(...validateV2Codec(f, `filters[${i}]`));
    if (dataType && !failed.has("filters")) issues.push(...objectCodecIssues(v.filters ?? [], strings));
    let fillValue: ArrayScalar | null = null;
    if (dataType === "string") {
      if (!("fill_value" in input)) v.fill_value = ""; // the schema's default is the numeric 0
      // what other tools wrote reads leniently ("" for a non-string); a spec given here must hold a string or null
      const fill = v.fill_value;
      if (options.strict !== false && fill !== null && typeof fill !== "string") {
        issues.push({
          path: "fill_value",
          message: `must be a string (or null) for a string array (got ${describeJSON(fill)})`,
        });
      }
      try {
        fillValue = parseStringFillValue(fill, strings?.kind === "bytes");
      } catch (e) {
        issues.push({ path: "fill_value", message: fillValueMessage(e) });
      }
    } else if (dataType && !failed.has("fill_value")) {
      try {
        fillValue = parseFillValue(v.fill_value, dataType, 2);
      } catch (e) {
        issues.push({ path: "fill_value", message: fillValueMessage(e) });
      }
    }
    if (issues.length > 0 || !dataType || failed.size > 0) throw new SpecError("Zarr v2 array spec", issues);
    const { shape, chunks, compressor, order, filters, dimension_separator, attributes } = v as Required<
      typeof v
    >;
    const json: ArraySpecJSON = {
      zarr_format: 2,
      shape: [...shape],
      chunks: [...chunks],
      dtype: dataType === "string" ? (dtypeText as string) : formatV2DType(dataType, endian),
      compressor: compressor as V2CodecJSON | null,
      // as given (exact for 64-bit integers); complex normalised to [re, im], which zarr-python requires
      fill_value:
        fillValue !== null && dataType !== "string" && dataType.startsWith("complex")
          ? fillValueToJSON(fillValue as Scalar, dataType)
          : (v.fill_value as FillValueJSON),
      order,
      filters: filters as V2CodecJSON[] | null,
      dimension_separator,
      attributes,
    };
    const fixedWidth: FixedWidthStrings | undefined =
      strings?.kind === "utf32"
        ? { kind: "utf32", chars: strings.chars }
        : strings?.kind === "bytes"
          ? { kind: "bytes", length: strings.length }
          : undefined;
    return new ArraySpec(json, dataType, endian, fillValue, fixedWidth);
  }

  /**
   * A spec for data like `array`, as pydantic-zarr's `from_array`: for an in-memory NDArray its shape
   * and dtype, with chunks picked for it; for a Zarr v2 array everything it was created with (chunks,
   * compressor, filters, fill value, order, attributes). `overrides` replace fields either way.
   */
  static fromArray(
    array: NDArray<ArrayDataType> | StoredArray,
    overrides: Partial<ArraySpecInput> = {},
  ): ArraySpec {
    if ("spec" in array && array.spec instanceof ArraySpec) return array.spec.with(overrides);
    return ArraySpec.parse({
      shape: array.shape,
      dtype: array.dtype,
      chunks: overrides.chunks ?? guessChunks(array.shape, array.dtype),
      ...overrides,
    });
  }

  /** The spec of an existing array (the metadata it was opened with). */
  static fromZarr(array: { spec: unknown }): ArraySpec {
    const spec = array.spec;
    if (!(spec instanceof ArraySpec))
      throw new SpecError("Zarr v2 array spec", [{ path: "", message: "the array is not a Zarr v2 array" }]);
    return spec;
  }

  /** Copy with some fields replaced, validated again (pydantic's `model_copy(update=...)`). */
  with(update: Partial<ArraySpecInput>): ArraySpec {
    return ArraySpec.parse({ ...this.toJSON(), ...update });
  }

  /** The spec as JSON: the `.zarray` document plus `attributes`. */
  toJSON(): ArraySpecJSON {
    return {
      zarr_format: 2,
      shape: [...this.shape],
      chunks: [...this.chunks],
      dtype: this.dtype,
      compressor: this.compressor,
      fill_value: this.fill_value,
      order: this.order,
      filters: this.filters,
      dimension_separator: this.dimension_separator,
      attributes: this.attributes,
    };
  }

  /** Exactly the `.zarray` document (attributes go to `.zattrs`). */
  toZarray(): Omit<ArraySpecJSON, "attributes"> {
    const { attributes: _, ...zarray } = this.toJSON();
    return zarray;
  }

  /** Structural equality of the JSON forms. */
  equals(other: unknown): boolean {
    return other instanceof ArraySpec && stringifyJSON(other.toJSON()) === stringifyJSON(this.toJSON());
  }
}

const OBJECT_CODECS = ["vlen-utf8", "json2"];

/**
 * An object (`|O`) array is read through its first filter, a string object codec (vlen-utf8,
 * json2); no other array may have one.
 */
function objectCodecIssues(
  filters: ReadonlyArray<{ id: string }>,
  strings: ReturnType<typeof parseV2StringDType>,
): Issue[] {
  const issues: Issue[] = [];
  const object = strings?.kind === "object";
  if (object && !OBJECT_CODECS.includes(filters[0]?.id)) {
    issues.push({
      path: filters.length ? "filters[0].id" : "filters",
      message: `an object (|O) array needs a string object codec as its first filter (${OBJECT_CODECS.map((c) => JSON.stringify(c)).join(" or ")})${filters.length ? `, got ${JSON.stringify(filters[0].id)}` : ""}`,
    });
  }
  filters.forEach((f, i) => {
    if (OBJECT_CODECS.includes(f.id) && !(object && i === 0)) {
      issues.push({
        path: `filters[${i}].id`,
        message: `"${f.id}" is an object codec; it can only be the first filter of an object (|O) array`,
      });
    }
  });
  return issues;
}
