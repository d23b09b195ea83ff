/**
 * StringArray: an opened Zarr v2 or v3 array of strings; v2 `|O` vlen-utf8 and v3 `string` arrays
 * are writable too (`StringArray.create`, `set`).
 *
 * Kept apart from ZarrArray on purpose: the numeric engine works on typed arrays and worker-pool
 * pipelines, strings are JavaScript strings decoded on this thread. What they share is the
 * selection machinery (`normalizeSelection`, `projectSelection`), chunk keys and the bytes-to-bytes
 * codecs (compressors, checksums), built from the same registry as numeric pipelines.
 *
 * Readable: v2 `<U`/`>U` (order C or F), `|S`, `|O` with a `vlen-utf8` or `json2` object codec;
 * v3 `string` (vlen-utf8 codec) and `fixed_length_utf32` (bytes codec). Missing chunks read as the
 * fill value ("" when the metadata has none that is a string).
 */

import { plain } from "../codecs/backends.js";
import { isObject } from "../codecs/config.js";
import { type StageContext, v2Entry, v3Entry } from "../codecs/registry.js";
import { type StringCodec, v2StringEntry, v3StringEntry } from "../codecs/strings/registry.js";
import type { BytesToBytesCodec, V2CodecJSON, V3CodecJSON } from "../codecs/types.js";
import { toV3Codec } from "../codecs/v2-to-v3.js";
import { validateV2Codec } from "../codecs/validate.js";
import { forEachLimit } from "../concurrency/limit.js";
import {
  decodeBase64Latin1,
  decodeStrings,
  isV3StringDataType,
  parseV2StringDType,
  type StringEncoding,
} from "../dtype/strings.js";
import { CorruptChunkError, type Issue, SpecError, UnsupportedError, ZarrsmithError } from "../errors.js";
import { type NodeMetadata, writeJSON } from "../hierarchy/metadata-io.js";
import {
  normalizeSelection,
  projectSelection,
  type Selection,
  selectionShape,
  stridesOf,
} from "../indexing/index.js";
import type { Attributes } from "../metadata/shared.js";
import { product } from "../ndarray.js";
import { joinKey, normalizePath } from "../store/keys.js";
import type { Store, WritableStore } from "../store/types.js";
import { type ChunkKeyEncoding, chunkKey } from "./chunk-key.js";

/** Options of `StringArray.create`. */
export interface CreateStringArrayOptions {
  shape: number[];
  chunks: number[];
  /** 3 (default) or 2. */
  zarrFormat?: 2 | 3;
  /** A numcodecs-style compressor (`codecs.Zstd({ level: 3 })`), or null / absent for none. */
  compressor?: V2CodecJSON | null;
  /** What missing chunks read as; default "". */
  fillValue?: string;
  attributes?: Attributes;
  dimensionNames?: (string | null)[];
}

/** What `StringArray.get` returns: the selected strings in C order. */
export interface StringNDArray {
  data: string[];
  shape: number[];
  dtype: "string";
}

/** Everything needed to read the chunks of a string array, parsed from its metadata. */
export interface StringArrayMeta {
  zarrFormat: 2 | 3;
  shape: number[];
  chunks: number[];
  /** The stored data type as written in the metadata: `<U7`, `|S4`, `|O`, `string`, ... */
  storedDType: string;
  encoding: StringEncoding;
  /** Storage order of the items inside a chunk (v2 `order`; always "C" in v3). */
  order: "C" | "F";
  /** The strings-to-bytes stage (vlen-utf8, json2, or the fixed-width decoder of `encoding`). */
  itemCodec: StringCodec;
  /** Bytes-to-bytes stages, in encoding order (decoding runs them backwards). */
  bytesCodecs: BytesToBytesCodec[];
  keyEncoding: ChunkKeyEncoding;
  fillValue: string;
  attributes: Attributes;
  dimensionNames?: (string | null)[];
}

/** Whether the node metadata describes an array of strings (the arrays StringArray opens). */
export function isStringArrayMetadata(meta: NodeMetadata): boolean {
  if (meta.kind !== "array") return false;
  if (meta.format === 3) return isV3StringDataType(meta.document.data_type);
  return parseV2StringDType(meta.zarray.dtype) !== undefined;
}

/** The stored data type of an array's metadata, for messages (`<U7`, `string`, `uint16`...). */
export function storedDTypeOf(meta: NodeMetadata): string {
  if (meta.kind !== "array") return "group";
  const d = meta.format === 3 ? meta.document.data_type : meta.zarray.dtype;
  return typeof d === "string" ? d : JSON.stringify(d);
}

const READ_CONCURRENCY = 8;

export class StringArray {
  readonly store: Store;
  /** The array's path in the store ("" for the root). */
  readonly path: string;
  readonly zarrFormat: 2 | 3;
  /** Always "string": items read as JavaScript strings whatever the stored encoding. */
  readonly dtype = "string" as const;
  /** The stored data type as the metadata names it: `<U7`, `>U13`, `|S7`, `|O`, `string`, ... */
  readonly storedDType: string;
  readonly fillValue: string;
  readonly attrs: Attributes;
  readonly dimensionNames?: (string | null)[];
  private readonly meta: StringArrayMeta;

  constructor(store: Store, path: string, meta: StringArrayMeta) {
    this.store = store;
    this.path = normalizePath(path);
    this.meta = meta;
    this.zarrFormat = meta.zarrFormat;
    this.storedDType = meta.storedDType;
    this.fillValue = meta.fillValue;
    this.attrs = meta.attributes;
    if (meta.dimensionNames) this.dimensionNames = meta.dimensionNames;
  }

  /** Opens the string array described by `meta` (throws SpecError / UnsupportedError naming the field). */
  static fromMetadata(store: Store, path: string, meta: NodeMetadata): StringArray {
    return new StringArray(store, path, parseStringArrayMetadata(meta));
  }

  get shape(): number[] {
    return [...this.meta.shape];
  }
  get ndim(): number {
    return this.meta.shape.length;
  }
  get chunks(): number[] {
    return [...this.meta.chunks];
  }
  /** How items are stored: fixed width UTF-32, fixed width bytes, vlen-utf8 or json. */
  get encoding(): StringEncoding {
    return { ...this.meta.encoding };
  }

  /** The store key of the chunk at grid coordinates `coords`. */
  chunkKey(coords: readonly number[]): string {
    return joinKey(this.path, chunkKey(this.meta.keyEncoding, coords));
  }

  /** Reads a selection (NumPy-style, as `ZarrArray.get`): `get()` is everything, `get([1, slice(0, 3)])` a part. */
  async get(selection?: Selection): Promise<StringNDArray> {
    const { shape, chunks, order, fillValue } = this.meta;
    const ranges = normalizeSelection(selection, shape);
    const counts = ranges.map((r) => r.count);
    const out = new Array<string>(product(counts));
    const outStrides = stridesOf(counts);
    const chunkStrides = order === "F" ? fortranStrides(chunks) : stridesOf(chunks);
    await forEachLimit(projectSelection(ranges, chunks, shape), READ_CONCURRENCY, async (proj) => {
      const items = await this.readChunk(proj.coords);
      const sub = proj.axes.map((a) => a.count);
      const dstOffset = dot(
        proj.axes.map((a) => a.outStart),
        outStrides,
      );
      if (!items) {
        fillItems(out, dstOffset, outStrides, sub, fillValue);
        return;
      }
      copyItems(
        items,
        dot(
          proj.axes.map((a) => a.chunkStart),
          chunkStrides,
        ),
        chunkStrides.map((s, i) => s * proj.axes[i].chunkStep),
        out,
        dstOffset,
        outStrides,
        sub,
      );
    });
    return { data: out, shape: selectionShape(ranges), dtype: "string" };
  }

  /**
   * Writes `values` (C order, one per selected item; a single string fills the selection) into a
   * selection of a vlen-utf8 array. Chunks the selection covers in part are read, merged and
   * rewritten. Fixed-width (`<U`, `|S`) and json2 arrays are read-only.
   */
  async set(selection: Selection | undefined, values: readonly string[] | string): Promise<void> {
    const codec = this.meta.itemCodec;
    const store = this.store as Partial<WritableStore>;
    if (!codec.encode) {
      throw new UnsupportedError(
        `${this.path || "/"}: writing ${this.storedDType} arrays is not supported; vlen-utf8 string arrays are writable`,
      );
    }
    if (typeof store.set !== "function") throw new UnsupportedError("this store is read-only");
    const { shape, chunks, order } = this.meta;
    const ranges = normalizeSelection(selection, shape);
    const counts = ranges.map((r) => r.count);
    const n = product(counts);
    if (typeof values !== "string" && values.length !== n) {
      throw new SpecError("StringArray.set", [
        { path: "values", message: `has ${values.length} strings, the selection [${counts}] holds ${n}` },
      ]);
    }
    const src = typeof values === "string" ? new Array<string>(n).fill(values) : values;
    const srcStrides = stridesOf(counts);
    const chunkStrides = order === "F" ? fortranStrides(chunks) : stridesOf(chunks);
    const perChunk = product(chunks);
    await forEachLimit(projectSelection(ranges, chunks, shape), READ_CONCURRENCY, async (proj) => {
      const sub = proj.axes.map((a) => a.count);
      const whole = product(sub) === perChunk;
      const items =
        (whole ? undefined : await this.readChunk(proj.coords)) ??
        new Array<string>(perChunk).fill(this.fillValue);
      copyItems(
        src,
        dot(
          proj.axes.map((a) => a.outStart),
          srcStrides,
        ),
        srcStrides,
        items,
        dot(
          proj.axes.map((a) => a.chunkStart),
          chunkStrides,
        ),
        chunkStrides.map((s, i) => s * proj.axes[i].chunkStep),
        sub,
      );
      let bytes = codec.encode!(items);
      for (const c of this.meta.bytesCodecs) bytes = plain(await c.encode(bytes));
      await store.set!(this.chunkKey(proj.coords), bytes);
    });
  }

  /**
   * Creates a vlen-utf8 string array: v2 (`dtype: "|O"`, `filters: [{"id": "vlen-utf8"}]`, as
   * zarr-python 2 writes) or v3 (`data_type: "string"`, codecs `vlen-utf8` then the compressor).
   * Overwrites metadata at `path`; chunks are written by `set`.
   */
  static async create(
    store: WritableStore,
    path: string,
    options: CreateStringArrayOptions,
  ): Promise<StringArray> {
    const p = normalizePath(path);
    const format = options.zarrFormat ?? 3;
    const compressor = options.compressor === undefined ? null : options.compressor;
    const fill = options.fillValue ?? "";
    const attributes = options.attributes ?? {};
    let meta: NodeMetadata;
    if (format === 2) {
      const zarray = {
        zarr_format: 2,
        shape: [...options.shape],
        chunks: [...options.chunks],
        dtype: "|O",
        compressor,
        fill_value: fill,
        order: "C",
        filters: [{ id: "vlen-utf8" }],
        dimension_separator: ".",
      };
      meta = { format: 2, kind: "array", zarray, attributes };
    } else {
      const document: Record<string, unknown> = {
        zarr_format: 3,
        node_type: "array",
        shape: [...options.shape],
        data_type: "string",
        chunk_grid: { name: "regular", configuration: { chunk_shape: [...options.chunks] } },
        chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
        fill_value: fill,
        codecs: [
          { name: "vlen-utf8", configuration: {} },
          ...(compressor ? [toV3Codec(compressor, "uint8")] : []),
        ],
        attributes,
      };
      if (options.dimensionNames) document.dimension_names = [...options.dimensionNames];
      meta = { format: 3, kind: "array", document };
    }
    // parse first: a bad shape or compressor fails before anything is written
    const parsed = parseStringArrayMetadata(meta);
    if (meta.format === 2) {
      await writeJSON(store, p, ".zarray", meta.zarray);
      if (Object.keys(attributes).length) await writeJSON(store, p, ".zattrs", attributes);
    } else {
      await writeJSON(store, p, "zarr.json", meta.document);
    }
    return new StringArray(store, p, parsed);
  }

  /** The items of one chunk in stored order; undefined when the chunk was never written. */
  private async readChunk(coords: readonly number[]): Promise<string[] | undefined> {
    const key = this.chunkKey(coords);
    const stored = await this.store.get(key);
    if (!stored) return undefined;
    try {
      let bytes = plain(stored);
      const codecs = this.meta.bytesCodecs;
      for (let i = codecs.length - 1; i >= 0; i--) bytes = plain(await codecs[i].decode(bytes));
      return this.meta.itemCodec.decode(bytes, product(this.meta.chunks));
    } catch (e) {
      if (e instanceof CorruptChunkError || e instanceof UnsupportedError) throw e;
      throw new CorruptChunkError(key, (e as Error).message, { cause: e });
    }
  }
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Element strides of a Fortran-order (first axis fastest) chunk. */
function fortranStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = 0; i < shape.length; i++) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Copies `counts` items per axis between strided views of plain arrays. */
function copyItems(
  src: readonly string[],
  so: number,
  ss: readonly number[],
  dst: string[],
  dOff: number,
  ds: readonly number[],
  counts: readonly number[],
  axis = 0,
): void {
  if (axis === counts.length) {
    dst[dOff] = src[so];
    return;
  }
  const n = counts[axis];
  if (axis === counts.length - 1) {
    const a = ss[axis];
    const b = ds[axis];
    for (let i = 0; i < n; i++) dst[dOff + i * b] = src[so + i * a];
    return;
  }
  for (let i = 0; i < n; i++) {
    copyItems(src, so + i * ss[axis], ss, dst, dOff + i * ds[axis], ds, counts, axis + 1);
  }
}

function fillItems(
  dst: string[],
  dOff: number,
  ds: readonly number[],
  counts: readonly number[],
  value: string,
  axis = 0,
): void {
  if (axis === counts.length) {
    dst[dOff] = value;
    return;
  }
  for (let i = 0; i < counts[axis]; i++) fillItems(dst, dOff + i * ds[axis], ds, counts, value, axis + 1);
}

// ---------------------------------------------------------------------------------------------
// metadata

function isIntArray(x: unknown, min: number): x is number[] {
  return Array.isArray(x) && x.every((v) => typeof v === "number" && Number.isInteger(v) && v >= min);
}

function checkGrid(shape: unknown, chunks: unknown, chunksPath: string, issues: Issue[]): void {
  if (!isIntArray(shape, 0)) issues.push({ path: "shape", message: "must be a list of integers >= 0" });
  if (!isIntArray(chunks, 1)) issues.push({ path: chunksPath, message: "must be a list of integers >= 1" });
  else if (isIntArray(shape, 0) && shape.length !== chunks.length) {
    issues.push({
      path: chunksPath,
      message: `has ${chunks.length} dimensions but shape has ${shape.length}; they must have the same length`,
    });
  }
}

const BYTES_CONTEXT = (chunks: number[], typesize: number): StageContext => ({
  spec: { shape: [...chunks], dataType: "uint8", fillValue: 0 },
  typesize,
});

/** A v2 filter or compressor that works on bytes (compressors, checksums, shuffle). */
function v2BytesCodec(
  json: unknown,
  path: string,
  ctx: StageContext,
  issues: Issue[],
): BytesToBytesCodec | undefined {
  if (isObject(json) && typeof json.id === "string") {
    const entry = v2Entry(json.id);
    if (!entry) throw new UnsupportedError(`${path}: codec "${json.id}" is not supported by zarrsmith`);
    if (entry.kind !== "bytes_to_bytes") {
      throw new UnsupportedError(`${path}: "${json.id}" works on numbers and cannot decode a string array`);
    }
  }
  const found = validateV2Codec(json, path);
  if (found.length) {
    issues.push(...found);
    return undefined;
  }
  const { id, ...config } = json as V2CodecJSON;
  return v2Entry(id)!.build(config, ctx) as BytesToBytesCodec;
}

/** How the items of each string codec are described in `StringArray.encoding`. */
const ENCODING_OF: Record<string, StringEncoding> = {
  "vlen-utf8": { kind: "vlen-utf8" },
  json2: { kind: "json" },
};

/** The fixed-width item types (`<U`, `|S`, `fixed_length_utf32`) are data types decoded in place. */
function fixedWidth(encoding: StringEncoding): StringCodec {
  return { kind: "strings_to_bytes", decode: (bytes, count) => decodeStrings(bytes, count, encoding) };
}

function parseV2(zarray: Record<string, unknown>, attributes: Attributes): StringArrayMeta {
  const issues: Issue[] = [];
  const dtype = parseV2StringDType(zarray.dtype)!;
  checkGrid(zarray.shape, zarray.chunks, "chunks", issues);
  const order = zarray.order ?? "C";
  if (order !== "C" && order !== "F") issues.push({ path: "order", message: 'must be "C" or "F"' });
  const sep = zarray.dimension_separator ?? ".";
  if (sep !== "/" && sep !== ".") issues.push({ path: "dimension_separator", message: 'must be "/" or "."' });
  const filters = zarray.filters ?? null;
  if (filters !== null && !Array.isArray(filters))
    issues.push({ path: "filters", message: "must be a list or null" });
  if (issues.length) throw new SpecError("Zarr v2 array spec", issues);
  const chunks = zarray.chunks as number[];
  const list = (filters ?? []) as unknown[];

  let encoding: StringEncoding;
  let itemCodec: StringCodec;
  let first = 0;
  if (dtype.kind === "object") {
    const f = list[0];
    const id = isObject(f) ? f.id : undefined;
    const entry = typeof id === "string" ? v2StringEntry(id) : undefined;
    if (!entry) {
      throw new UnsupportedError(
        `object (|O) arrays are read when their first filter is a vlen-utf8 or json2 object codec; got ${id === undefined ? "none" : JSON.stringify(id)}`,
      );
    }
    const { id: _, ...config } = f as V2CodecJSON;
    const found = entry.check(config, "filters[0]");
    if (found.length) throw new SpecError("Zarr v2 array spec", found);
    encoding = ENCODING_OF[id as string];
    itemCodec = entry.build(config);
    first = 1;
  } else {
    encoding = dtype;
    itemCodec = fixedWidth(encoding);
  }
  const typesize = encoding.kind === "utf32" ? 4 : 1;
  const ctx = BYTES_CONTEXT(chunks, typesize);
  const bytesCodecs: BytesToBytesCodec[] = [];
  for (let i = first; i < list.length; i++) {
    const c = v2BytesCodec(list[i], `filters[${i}]`, ctx, issues);
    if (c) bytesCodecs.push(c);
  }
  if (zarray.compressor != null) {
    const c = v2BytesCodec(zarray.compressor, "compressor", ctx, issues);
    if (c) bytesCodecs.push(c);
  }
  if (issues.length) throw new SpecError("Zarr v2 array spec", issues);

  return {
    zarrFormat: 2,
    shape: [...(zarray.shape as number[])],
    chunks: [...chunks],
    storedDType: zarray.dtype as string,
    encoding,
    // order only matters for fixed width items; object codecs flatten in the same order (numcodecs 'A')
    order: order as "C" | "F",
    itemCodec,
    bytesCodecs,
    keyEncoding: { name: "v2", separator: sep as "/" | "." },
    fillValue: v2FillValue(zarray.fill_value, dtype.kind),
    attributes,
  };
}

/** zarr-python 2's fill values: `U` as a string, `S` base64-encoded, objects as given. */
function v2FillValue(fill: unknown, kind: "utf32" | "bytes" | "object"): string {
  if (typeof fill !== "string") return "";
  if (kind === "bytes") {
    try {
      return decodeBase64Latin1(fill);
    } catch {
      throw new SpecError("Zarr v2 array spec", [
        { path: "fill_value", message: "must be base64-encoded bytes for an |S data type" },
      ]);
    }
  }
  return fill;
}

function parseV3(doc: Record<string, unknown>): StringArrayMeta {
  const issues: Issue[] = [];
  const grid = doc.chunk_grid;
  const gridConfig = isObject(grid) && isObject(grid.configuration) ? grid.configuration : undefined;
  if (!isObject(grid) || grid.name !== "regular" || !gridConfig) {
    issues.push({ path: "chunk_grid", message: 'must be {"name": "regular", "configuration": {...}}' });
  }
  checkGrid(doc.shape, gridConfig?.chunk_shape, "chunk_grid.configuration.chunk_shape", issues);
  const cke = doc.chunk_key_encoding ?? { name: "default" };
  let keyEncoding: ChunkKeyEncoding = { name: "default", separator: "/" };
  if (!isObject(cke) || (cke.name !== "default" && cke.name !== "v2")) {
    issues.push({ path: "chunk_key_encoding", message: 'name must be "default" or "v2"' });
  } else {
    const sep = isObject(cke.configuration) ? cke.configuration.separator : undefined;
    const separator = sep ?? (cke.name === "v2" ? "." : "/");
    if (separator !== "/" && separator !== ".") {
      issues.push({ path: "chunk_key_encoding.configuration.separator", message: 'must be "/" or "."' });
    } else keyEncoding = { name: cke.name, separator };
  }
  const transformers = doc.storage_transformers;
  if (Array.isArray(transformers) && transformers.length > 0) {
    issues.push({ path: "storage_transformers", message: "storage transformers are not supported" });
  }
  const codecs = doc.codecs;
  if (
    !Array.isArray(codecs) ||
    codecs.length === 0 ||
    !codecs.every((c) => isObject(c) && typeof c.name === "string")
  ) {
    issues.push({
      path: "codecs",
      message: 'must be a list of {"name": ..., "configuration": {...}} codecs',
    });
  }
  const names = doc.dimension_names;
  if (names != null && !(Array.isArray(names) && names.every((n) => n === null || typeof n === "string"))) {
    issues.push({ path: "dimension_names", message: "must be a list of strings or nulls" });
  }
  if (issues.length) throw new SpecError("Zarr v3 array spec", issues);

  const shape = doc.shape as number[];
  const chunks = gridConfig!.chunk_shape as number[];
  const list = codecs as V3CodecJSON[];
  const dataType = doc.data_type;
  let encoding: StringEncoding;
  let itemCodec: StringCodec;
  const head = list[0];
  if (dataType === "string") {
    const entry = v3StringEntry(head.name);
    if (!entry) {
      throw new UnsupportedError(
        `codecs[0]: a string array is read through the "vlen-utf8" codec first, got "${head.name}"`,
      );
    }
    const config = head.configuration ?? {};
    const found = isObject(config)
      ? entry.check(config, "codecs[0].configuration")
      : [{ path: "codecs[0].configuration", message: "must be an object" }];
    if (found.length) throw new SpecError("Zarr v3 array spec", found);
    encoding = ENCODING_OF[head.name];
    itemCodec = entry.build(config);
  } else {
    const cfg = (dataType as { configuration?: unknown }).configuration;
    const lengthBytes = isObject(cfg) ? cfg.length_bytes : undefined;
    if (
      typeof lengthBytes !== "number" ||
      !Number.isInteger(lengthBytes) ||
      lengthBytes < 0 ||
      lengthBytes % 4
    ) {
      throw new SpecError("Zarr v3 array spec", [
        { path: "data_type.configuration.length_bytes", message: "must be a non-negative multiple of 4" },
      ]);
    }
    if (head.name !== "bytes") {
      throw new UnsupportedError(
        `codecs[0]: a fixed_length_utf32 array is read through the "bytes" codec first, got "${head.name}"`,
      );
    }
    const endian = head.configuration?.endian ?? "little";
    if (endian !== "little" && endian !== "big") {
      throw new SpecError("Zarr v3 array spec", [
        { path: "codecs[0].configuration.endian", message: 'must be "little" or "big"' },
      ]);
    }
    encoding = { kind: "utf32", chars: lengthBytes / 4, endian };
    itemCodec = fixedWidth(encoding);
  }
  const ctx = BYTES_CONTEXT(chunks, encoding.kind === "utf32" ? 4 : 1);
  const bytesCodecs: BytesToBytesCodec[] = [];
  for (let i = 1; i < list.length; i++) {
    const at = `codecs[${i}]`;
    const entry = v3Entry(list[i].name);
    if (!entry) throw new UnsupportedError(`${at}: codec "${list[i].name}" is not supported by zarrsmith`);
    if (entry.kind !== "bytes_to_bytes") {
      throw new UnsupportedError(
        `${at}: "${list[i].name}" cannot follow the array-to-bytes codec of a string array`,
      );
    }
    const config = list[i].configuration ?? {};
    const found = entry.check(config, `${at}.configuration`, ctx);
    if (found.length) issues.push(...found);
    else bytesCodecs.push(entry.build(config, ctx) as BytesToBytesCodec);
  }
  if (issues.length) throw new SpecError("Zarr v3 array spec", issues);
  const meta: StringArrayMeta = {
    zarrFormat: 3,
    shape: [...shape],
    chunks: [...chunks],
    storedDType: typeof dataType === "string" ? dataType : JSON.stringify(dataType),
    encoding,
    order: "C",
    itemCodec,
    bytesCodecs,
    keyEncoding,
    fillValue: typeof doc.fill_value === "string" ? doc.fill_value : "",
    attributes: (isObject(doc.attributes) ? doc.attributes : {}) as Attributes,
  };
  if (Array.isArray(names)) meta.dimensionNames = names as (string | null)[];
  return meta;
}

/** Parses the metadata of a string array (lenient about unknown keys, as reading should be). */
export function parseStringArrayMetadata(meta: NodeMetadata): StringArrayMeta {
  if (!isStringArrayMetadata(meta)) {
    throw new ZarrsmithError("invalid_spec", `not a string array (data type ${storedDTypeOf(meta)})`);
  }
  if (meta.format === 3) return parseV3(meta.document);
  if (meta.kind !== "array") throw new ZarrsmithError("invalid_spec", "not an array");
  return parseV2(meta.zarray, meta.attributes);
}
