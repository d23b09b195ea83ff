/**
 * ZarrArray: an opened Zarr v2 or v3 array — NumPy-style `get`/`set` over its chunks.
 *
 * Reads decode the chunks a selection touches (only the needed inner chunks of a shard, by byte
 * range) and copy their parts into the result. Writes do read-modify-write for partly covered
 * chunks, skip (and delete) chunks equal to the fill value, and encode in the worker pool with a
 * bounded number of chunks in flight, so memory stays bounded whatever the selection size. Where
 * the store allows it (`threadWrites`), the workers store what they encode themselves; a whole
 * shard is encoded as its inner chunks, spread over the workers.
 *
 * Every data type goes through this one engine, strings included (`ZarrArray<"string">`, whose
 * values are `NDArray<"string">`: `{ data: string[], shape, dtype: "string" }`): the same metadata
 * model, codec pipeline (vlen-utf8, json2 and fixed-width string codecs are registry codecs) and
 * strided copies. String chunks are encoded and decoded on this thread, not in the worker pool:
 * a list of strings cannot live in shared memory and would be copied to the worker and back by
 * structured clone, which costs about what decoding vlen-utf8 costs, so workers would not pay.
 */
import { forEachIndex } from "../codecs/region.js";
import type { ShardingCodec } from "../codecs/sharding.js";
import { checkRangeRead, type PipelineDescriptor, pipelineFor } from "../concurrency/descriptor.js";
import { forEachLimit } from "../concurrency/limit.js";
import { resolvePool, WorkerPool } from "../concurrency/pool.js";
import {
  type ArrayDataType,
  allocate,
  checkScalar,
  type DataType,
  fillSlots,
  itemSize,
  lanes,
  type Scalar,
  type ScalarFor,
  type Slot,
  type TypedArray,
  typedArrayMatches,
  type Values,
  type ValuesFor,
} from "../dtype/index.js";
import { CorruptChunkError, KeyError, SelectionError, StoreError, ValueError } from "../errors.js";
import {
  type AxisProjection,
  copyStrided,
  fillStrided,
  normalizeSelection,
  projectSelection,
  type Selection,
  type StridedView,
  selectionShape,
  stridesOf,
} from "../indexing/index.js";
import type { Attributes } from "../metadata/shared.js";
import type { ArraySpec as ArraySpecV2 } from "../metadata/v2.js";
import type { ArraySpec as ArraySpecV3 } from "../metadata/v3.js";
import { full, isAllFill, type NDArray, product } from "../ndarray.js";
import { joinKey, normalizePath } from "../store/keys.js";
import { threadReadsOf, threadWritesOf } from "../store/thread-io.js";
import { requireWritable, type Store } from "../store/types.js";
import { type ChunkKeyEncoding, chunkKey } from "./chunk-key.js";
import { type ArrayLayout, layoutOf } from "./layout.js";
import { SharedChunks } from "./shared-chunks.js";

export interface ReadOptions {
  /** A worker pool, a worker count (0 = decode on this thread), or the shared pool (default). */
  workers?: WorkerPool | number;
  /** Stops the operation: no new chunk is started once it is aborted, and the abort reason is thrown. */
  signal?: AbortSignal;
}

export interface WriteOptions extends ReadOptions {
  /** Store chunks even when every value equals the fill value (default false: such chunks are deleted). */
  writeEmptyChunks?: boolean;
}

/**
 * What `set` accepts: an NDArray of the selection's shape, a typed array (a list of strings, for
 * string arrays) of its size, or a scalar (a string) that fills the selection.
 */
export type SetValue<D extends ArrayDataType> = NDArray<D> | ValuesFor[D] | ScalarFor<D>;

/** The pool string chunks use: none, they are coded on this thread (see the module comment). */
const ON_THIS_THREAD = new WorkerPool(0);

function isNDArray(v: unknown): v is NDArray<ArrayDataType> {
  return typeof v === "object" && v !== null && "data" in v && "shape" in v && "dtype" in v;
}

function offsetOf(starts: readonly number[], strides: readonly number[]): number {
  let o = 0;
  for (let i = 0; i < starts.length; i++) o += starts[i] * strides[i];
  return o;
}

/** Bytes of whole stored chunks (shards) a write keeps in flight, when they are large. */
const WRITE_IN_FLIGHT_BYTES = 64 * 2 ** 20;

/**
 * Stored chunks a write works on at once: enough to keep every worker busy while this thread cuts
 * and stores the next (2 per worker, plus 2), but for large shards no more than fit
 * WRITE_IN_FLIGHT_BYTES (each costs ~3x its size while in flight: cut, encoded, written), and
 * never fewer than one per worker plus one.
 */
function chunksInFlight(workers: number, chunkBytes: number): number {
  const busy = Math.max(1, workers);
  return Math.max(busy + 1, Math.min(2 * busy + 2, Math.floor(WRITE_IN_FLIGHT_BYTES / chunkBytes)));
}

/**
 * An opened array. `D` is its data type as far as the types know: `ZarrArray` (any data type) from
 * `open`, narrowed with `is("uint16")` / `isNumeric()`, or claimed with `open.array<"uint16">`.
 */
export class ZarrArray<D extends ArrayDataType = ArrayDataType> {
  readonly store: Store;
  /** The array's path in the store ("" for the root). */
  readonly path: string;
  /** The specification the array was opened or created with. */
  readonly spec: ArraySpecV2 | ArraySpecV3;
  private readonly layout: ArrayLayout;
  /** Reused buffers for the inner chunks of shard writes (see storeShard). */
  private innerChunks?: SharedChunks;

  constructor(store: Store, path: string, spec: ArraySpecV2 | ArraySpecV3) {
    this.store = store;
    this.path = normalizePath(path);
    this.spec = spec;
    this.layout = layoutOf(spec);
    // string pipelines run on this thread anyway: built now, a codec list that cannot be read
    // (an |O array without an object codec, a numeric filter on strings) fails at open
    if (this.layout.dataType === "string") pipelineFor(this.layout.pipeline);
  }

  /** Whether the array holds `dtype` (narrows the type: `if (a.is("string")) a.get()` gives strings). */
  is<T extends ArrayDataType>(dtype: T): this is ZarrArray<T> {
    return (this.layout.dataType as ArrayDataType) === dtype;
  }

  /** Whether the array holds numbers (every data type but strings); narrows the type. */
  isNumeric(): this is ZarrArray<DataType> {
    return this.layout.dataType !== "string";
  }

  get zarrFormat(): 2 | 3 {
    return this.layout.zarrFormat;
  }
  get shape(): number[] {
    return [...this.layout.shape];
  }
  get ndim(): number {
    return this.layout.shape.length;
  }
  get dtype(): D {
    return this.layout.dataType as D;
  }
  /** The chunk shape (of the chunks inside shards, when sharded). */
  get chunks(): number[] {
    return [...this.layout.chunkShape];
  }
  /** The shard shape, or undefined when the array is not sharded. */
  get shards(): number[] | undefined {
    return this.layout.sharded ? [...this.layout.gridShape] : undefined;
  }
  /** The fill value (null: a v2 array without one; missing chunks then read as zeros). */
  get fillValue(): ScalarFor<D> | null {
    return this.layout.fillValue as ScalarFor<D> | null;
  }
  /**
   * The data type as the metadata names it: `<u2`, `uint16`, `<U7`, `|S4`, `|O`, `string`,
   * `{"name":"fixed_length_utf32",...}` (JSON) — `dtype` is the in-memory type they all read as.
   */
  get storedDType(): string {
    const spec = this.spec;
    if (spec.zarr_format === 2) return spec.dtype;
    return typeof spec.data_type === "string" ? spec.data_type : JSON.stringify(spec.data_type);
  }
  get attrs(): Attributes {
    return this.spec.attributes;
  }
  get dimensionNames(): (string | null)[] | undefined {
    return this.spec.zarr_format === 3 ? this.spec.dimension_names : undefined;
  }
  /** Shape of the stored objects: chunks, or shards when sharded. */
  get storageChunkShape(): number[] {
    return [...this.layout.gridShape];
  }

  /** The codec pipeline as a worker-transferable description (for bulk writers). */
  get pipelineDescriptor(): PipelineDescriptor {
    return this.layout.pipeline;
  }

  /** How chunk (shard) keys are spelled (for bulk writers whose workers store chunks themselves). */
  get keyEncoding(): ChunkKeyEncoding {
    return this.layout.keyEncoding;
  }

  /** The store key of the chunk (shard) at grid coordinates `coords`. */
  chunkKey(coords: readonly number[]): string {
    return joinKey(this.path, chunkKey(this.layout.keyEncoding, coords));
  }

  /** Reads a selection: `get()` is the whole array, `get([null, null, 70])` a plane, `get([slice(2, 8)])` a box. */
  async get(selection?: Selection, options: ReadOptions = {}): Promise<NDArray<D>> {
    const { shape, dataType, gridShape, fillValue } = this.layout;
    const ranges = normalizeSelection(selection, shape);
    const counts = ranges.map((r) => r.count);
    const { pool, owned } = this.poolFor(options);
    // Workers copy their chunks straight into a shared output, so this thread only reads bytes;
    // for a shard, only its index: its inner chunks are tasks of their own
    const inPlace =
      pool.decodesInPlace && product(counts) > 0 && (!this.layout.sharded || this.decodesInnerChunks());
    let out: ValuesFor[D];
    try {
      out = allocate(dataType, product(counts), inPlace) as ValuesFor[D];
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      throw new SelectionError(
        `selection of shape [${counts}] is too large to read at once: ${e.message}; read it in parts`,
      );
    }
    const outStrides = stridesOf(counts);
    const gridStrides = stridesOf(gridShape);
    const slots = fillSlots(fillValue, dataType);
    const nl = lanes(dataType);
    try {
      await forEachLimit(
        projectSelection(ranges, gridShape, shape),
        // in place, the workers' queues must stay full while this thread waits on reads (a shard
        // is many tasks: the next one's index is read meanwhile)
        inPlace && this.layout.sharded ? 2 : (inPlace ? 4 : 2) * Math.max(1, pool.size) + 2,
        async (proj) => {
          const dst: StridedView = {
            data: out,
            offset: offsetOf(
              proj.axes.map((a) => a.outStart),
              outStrides,
            ),
            strides: outStrides,
          };
          const sub = proj.axes.map((a) => a.count);
          const key = this.chunkKey(proj.coords);
          if (inPlace && this.layout.sharded) {
            await this.readShardInto(key, proj, dst, pool, slots, options.signal);
            return;
          }
          if (inPlace) {
            await this.decodeIntoOutput(
              key,
              this.layout.pipeline,
              undefined,
              proj.axes,
              gridStrides,
              dst,
              pool,
              slots,
            );
            return;
          }
          const region = this.layout.sharded && !proj.complete ? boundingRegion(proj.axes) : undefined;
          const part = region
            ? await this.readShardRegion(key, region)
            : await this.readStorageChunk(key, pool).then((c) => c && { data: c.data, origin: undefined });
          if (!part) {
            fillStrided(dst, sub, slots);
            return;
          }
          const srcShape = region ? region.map(([a, b]) => b - a) : gridShape;
          const srcStrides = region ? stridesOf(srcShape) : gridStrides;
          const starts = proj.axes.map((a, i) => a.chunkStart - (region ? region[i][0] : 0));
          copyStrided(
            {
              data: part.data,
              offset: offsetOf(starts, srcStrides),
              strides: srcStrides.map((s, i) => s * proj.axes[i].chunkStep),
            },
            dst,
            sub,
            nl,
          );
        },
        options.signal,
      );
    } finally {
      if (owned) await pool.close();
    }
    return { data: out, shape: selectionShape(ranges), dtype: dataType as D };
  }

  /** Writes `value` into a selection: `set(null, image)` is `a[:] = image`; a scalar fills the selection. */
  async set(selection: Selection, value: SetValue<D>, options: WriteOptions = {}): Promise<void> {
    requireWritable(this.store); // before any work: a read-only store fails at once
    const { shape, dataType, gridShape, fillValue } = this.layout;
    const ranges = normalizeSelection(selection, shape);
    const counts = ranges.map((r) => r.count);
    const source = this.normalizeValue(value, counts, selectionShape(ranges));
    this.checkEncodable();
    const srcStrides = stridesOf(counts);
    const gridStrides = stridesOf(gridShape);
    const nl = lanes(dataType);
    const { pool, owned } = this.poolFor(options);
    const writeEmpty = options.writeEmptyChunks ?? false;
    const byInnerChunk = this.encodesInnerChunks(pool);
    // whole chunks are cut into reused shared buffers that the workers encode in place
    const buffers =
      pool.encodesShared && dataType !== "string" && !byInnerChunk
        ? new SharedChunks(gridShape, dataType)
        : undefined;
    const chunkBytes = product(gridShape) * (dataType === "string" ? 16 : itemSize(dataType));
    try {
      await forEachLimit(
        projectSelection(ranges, gridShape, shape),
        // a shard cut by inner chunk keeps the pool busy on its own: the next one starts meanwhile
        byInnerChunk ? 2 : chunksInFlight(pool.size, chunkBytes),
        async (proj) => {
          const key = this.chunkKey(proj.coords);
          if (byInnerChunk && proj.complete) {
            // inner chunk element e along an axis is selection element outStart + (e - chunkStart) * step
            const cut = (dst: StridedView, start: readonly number[], sub: readonly number[]) => {
              if ("slots" in source) fillStrided(dst, sub, source.slots);
              else {
                const { axes } = proj;
                const src = {
                  data: source.data,
                  offset: offsetOf(
                    axes.map((a, i) => a.outStart + (start[i] - a.chunkStart) * a.chunkStep),
                    srcStrides,
                  ),
                  strides: srcStrides.map((st, i) => st * axes[i].chunkStep),
                };
                copyStrided(src, dst, sub, nl);
              }
            };
            await this.storeShard(key, proj.coords, cut, pool, writeEmpty, options.signal);
            return;
          }
          const edge = proj.coords.some((c, i) => (c + 1) * gridShape[i] > shape[i]);
          // an edge chunk's padding past the array's end holds the fill value
          const reused = proj.complete ? buffers?.take(edge ? fillValue : undefined) : undefined;
          const chunk: NDArray<ArrayDataType> =
            reused ??
            (proj.complete ? undefined : await this.readStorageChunk(key, pool)) ??
            full(gridShape, dataType, proj.complete && !edge ? null : fillValue);
          const dst: StridedView = {
            data: chunk.data,
            offset: offsetOf(
              proj.axes.map((a) => a.chunkStart),
              gridStrides,
            ),
            strides: gridStrides.map((s, i) => s * proj.axes[i].chunkStep),
          };
          const sub = proj.axes.map((a) => a.count);
          if ("slots" in source) fillStrided(dst, sub, source.slots);
          else {
            const src = {
              data: source.data,
              offset: offsetOf(
                proj.axes.map((a) => a.outStart),
                srcStrides,
              ),
              strides: srcStrides,
            };
            copyStrided(src, dst, sub, nl);
          }
          try {
            // a chunk read for a partial update is not written back once aborted
            options.signal?.throwIfAborted();
            await this.storeChunk(key, chunk, pool, writeEmpty);
          } finally {
            if (reused) buffers?.give(reused);
          }
        },
        options.signal,
      );
    } finally {
      if (owned) await pool.close();
    }
  }

  /**
   * Writes one whole stored chunk (shard) at grid coordinates `coords`; `data` has the full grid
   * shape (edge chunks padded). Used by bulk writers that produce whole chunks (pyramids, converters).
   */
  async writeChunk(coords: readonly number[], data: NDArray<D>, options: WriteOptions = {}): Promise<void> {
    if (data.shape.length !== this.ndim || data.shape.some((s, i) => s !== this.layout.gridShape[i])) {
      throw new ValueError(
        `writeChunk needs a chunk of shape [${this.layout.gridShape}], got [${data.shape}]`,
      );
    }
    options.signal?.throwIfAborted();
    this.checkEncodable();
    const { pool, owned } = this.poolFor(options);
    const key = this.chunkKey(coords);
    const writeEmpty = options.writeEmptyChunks ?? false;
    try {
      if (this.encodesInnerChunks(pool)) {
        const strides = stridesOf(data.shape);
        const cut = (dst: StridedView, start: readonly number[], sub: readonly number[]) =>
          copyStrided(
            { data: data.data, offset: offsetOf(start, strides), strides },
            dst,
            sub,
            lanes(this.layout.dataType),
          );
        await this.storeShard(key, coords, cut, pool, writeEmpty, options.signal);
      } else await this.storeChunk(key, data, pool, writeEmpty);
    } finally {
      if (owned) await pool.close();
    }
  }

  /** Reads one whole stored chunk (shard), decoded; undefined when it was never written. */
  async readChunk(coords: readonly number[], options: ReadOptions = {}): Promise<NDArray<D> | undefined> {
    options.signal?.throwIfAborted();
    const { pool, owned } = this.poolFor(options);
    try {
      return (await this.readStorageChunk(this.chunkKey(coords), pool)) as NDArray<D> | undefined;
    } finally {
      if (owned) await pool.close();
    }
  }

  /** The pool of an operation: the `workers` option, or this thread for strings (see the module comment). */
  private poolFor(options: ReadOptions): { pool: WorkerPool; owned: boolean } {
    if (this.layout.dataType === "string") return { pool: ON_THIS_THREAD, owned: false };
    return resolvePool(options.workers);
  }

  /** A write to an array whose codecs only decode (json2, fixed-width strings) fails before it touches the store. */
  private checkEncodable(): void {
    if (this.layout.dataType === "string") pipelineFor(this.layout.pipeline).checkEncodable();
  }

  /**
   * Whether writes encode each whole shard as its inner chunks, one pool task each, and then put
   * the shard together from them (see storeShard). A shard as one task keeps one worker busy for the whole shard: a
   * 512^3 write in shards of 256^3 (8 tasks on 2 workers) ran 1.2-1.35x the time of the same write
   * unsharded, one worker idle for a third of it.
   */
  private encodesInnerChunks(pool: WorkerPool): boolean {
    return pool.encodesShared && this.decodesInnerChunks();
  }

  /**
   * Writes the whole shard at `coords`: `cut(dst, start, counts)` copies the `counts` elements of
   * the shard from `start` (shard-relative) into an inner chunk's buffer. Each inner chunk is
   * encoded in the pool from a reused shared buffer; chunks equal to the fill value are not stored
   * (as ShardingCodec.encode does), nor is a shard of only such chunks (unless `writeEmpty`).
   */
  private async storeShard(
    key: string,
    coords: readonly number[],
    cut: (dst: StridedView, start: readonly number[], counts: readonly number[]) => void,
    pool: WorkerPool,
    writeEmpty: boolean,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const { shape, gridShape, chunkShape, fillValue } = this.layout;
    const dataType = this.layout.dataType as DataType; // (never strings: see encodesInnerChunks)
    const inner = this.layout.innerPipeline as PipelineDescriptor;
    const sharding = pipelineFor(this.layout.pipeline).sharding as ShardingCodec;
    // the shard's part inside the array: inner chunks past the array's end are not stored
    const extent = gridShape.map((g, i) => Math.min(g, shape[i] - coords[i] * g));
    const strides = stridesOf(chunkShape);
    this.innerChunks ??= new SharedChunks(chunkShape, dataType);
    const buffers = this.innerChunks;
    const parts: (Uint8Array | undefined)[] = new Array(product(sharding.chunksPerShard)).fill(undefined);
    const grid: { index: number[]; flat: number }[] = [];
    forEachIndex(sharding.chunksPerShard, (index, flat) => {
      grid.push({ index: [...index], flat });
    });
    await forEachLimit(
      grid,
      chunksInFlight(pool.size, product(chunkShape) * itemSize(dataType)),
      async ({ index, flat }) => {
        const start = index.map((c, i) => c * chunkShape[i]);
        const counts = start.map((s, i) => Math.min(chunkShape[i], extent[i] - s));
        if (counts.some((c) => c <= 0)) return;
        // an inner chunk's padding past the array's end holds the fill value
        const chunk = buffers.take(counts.some((c, i) => c < chunkShape[i]) ? fillValue : undefined);
        try {
          cut({ data: chunk.data, offset: 0, strides }, start, counts);
          if (!isAllFill(chunk, fillValue)) parts[flat] = await pool.encode(inner, chunk);
        } finally {
          buffers.give(chunk);
        }
      },
      signal,
    );
    const store = requireWritable(this.store);
    if (!writeEmpty && fillValue !== null && parts.every((p) => p === undefined)) {
      await store.delete(key);
      return;
    }
    // a worker writes the shard where the store allows it: no copy into one buffer here
    const threads = threadWritesOf(store);
    if (threads) await pool.storeInThread(await sharding.pieces(parts), { store: threads, key });
    else await store.set(key, await sharding.assemble(parts));
  }

  private async storeChunk(
    key: string,
    chunk: NDArray<ArrayDataType>,
    pool: WorkerPool,
    writeEmpty: boolean,
  ): Promise<void> {
    const store = requireWritable(this.store);
    if (!writeEmpty && this.layout.fillValue !== null && isAllFill(chunk, this.layout.fillValue)) {
      await store.delete(key);
      return;
    }
    // the worker writes the chunk itself where the store allows it (LocalStore)
    const threads = pool.encodesShared ? threadWritesOf(store) : undefined;
    if (threads) {
      await pool.encodeToStore(this.layout.pipeline, chunk as NDArray, { store: threads, key });
      return;
    }
    const bytes = await pool.encode(this.layout.pipeline, chunk as NDArray);
    await store.set(key, bytes);
  }

  private async readStorageChunk(key: string, pool: WorkerPool): Promise<NDArray<ArrayDataType> | undefined> {
    const bytes = await this.store.get(key);
    if (!bytes) return undefined;
    return this.decodeChunk(key, () =>
      pool.decode(this.layout.pipeline, bytes, { move: this.store.returnsOwnBytes === true }),
    );
  }

  /**
   * Runs a decode of the chunk at `key`; any failure becomes a CorruptChunkError naming it, but for
   * the store's own errors (a worker that reads the chunk itself can fail to read it).
   */
  private async decodeChunk<T>(key: string, decode: () => Promise<T>): Promise<T> {
    try {
      return await decode();
    } catch (e) {
      if (
        (e instanceof CorruptChunkError && e.key === key) ||
        e instanceof StoreError ||
        e instanceof KeyError
      )
        throw e;
      throw new CorruptChunkError(key, (e as Error).message, { cause: e });
    }
  }

  /** Whether reads (and writes) can handle a shard as its inner chunks (sharding its only codec). */
  private decodesInnerChunks(): boolean {
    return this.layout.innerPipeline !== undefined && this.layout.dataType !== "string";
  }

  /**
   * Reads the part `proj` of the shard at `key` into `dst` (the read's shared output at the part's
   * first element): the shard's index here, then each inner chunk the part touches as a task of its
   * own, which the worker reads by byte range itself where the store allows it. Decoding whole
   * shards in the workers and copying them out here made a 512^3 read in 256^3 shards take 1.7x the
   * time of the same read unsharded.
   */
  private async readShardInto(
    key: string,
    proj: { coords: number[]; axes: AxisProjection[] },
    dst: StridedView,
    pool: WorkerPool,
    slots: Slot[],
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const { shape, gridShape, chunkShape } = this.layout;
    const sharding = pipelineFor(this.layout.pipeline).sharding as ShardingCodec;
    const inner = this.layout.innerPipeline as PipelineDescriptor;
    const indexBytes = await this.store.get(key, sharding.indexRange);
    if (!indexBytes) {
      fillStrided(
        dst,
        proj.axes.map((a) => a.count),
        slots,
      );
      return;
    }
    const entryOf = await this.decodeChunk(key, () => sharding.locate(indexBytes));
    const extent = gridShape.map((g, i) => Math.min(g, shape[i] - proj.coords[i] * g));
    // the part's selection, relative to the shard, projected onto its inner chunks
    const ranges = proj.axes.map((a) => ({
      start: a.chunkStart,
      step: a.chunkStep,
      count: a.count,
      squeeze: false,
    }));
    const innerStrides = stridesOf(chunkShape);
    const perShard = stridesOf(sharding.chunksPerShard);
    await forEachLimit(
      projectSelection(ranges, chunkShape, extent),
      4 * Math.max(1, pool.size) + 2,
      async (part) => {
        const into: StridedView = {
          data: dst.data,
          offset:
            dst.offset +
            offsetOf(
              part.axes.map((a) => a.outStart),
              dst.strides,
            ),
          strides: dst.strides,
        };
        const entry = entryOf(offsetOf(part.coords, perShard));
        if (!entry)
          return fillStrided(
            into,
            part.axes.map((a) => a.count),
            slots,
          );
        const range = { offset: entry.offset, length: entry.nbytes };
        await this.decodeIntoOutput(key, inner, range, part.axes, innerStrides, into, pool, slots);
      },
      signal,
    );
  }

  /**
   * Decodes the chunk at `key` (or, with `range`, the inner chunk of a shard there) in a worker,
   * which copies the part `axes` select (chunk strides `chunkStrides`) straight into `into`, the
   * read's shared output; the worker reads the bytes itself where the store allows it (LocalStore).
   * A chunk that is not stored reads as the fill value.
   */
  private async decodeIntoOutput(
    key: string,
    desc: PipelineDescriptor,
    range: { offset: number; length: number } | undefined,
    axes: readonly AxisProjection[],
    chunkStrides: readonly number[],
    into: StridedView,
    pool: WorkerPool,
    slots: Slot[],
  ): Promise<void> {
    const counts = axes.map((a) => a.count);
    const threads = threadReadsOf(this.store);
    const source = threads ? { store: threads, key, range } : await this.store.get(key, range);
    if (!source) return fillStrided(into, counts, slots);
    const from = {
      offset: offsetOf(
        axes.map((a) => a.chunkStart),
        chunkStrides,
      ),
      strides: chunkStrides.map((s, i) => s * axes[i].chunkStep),
    };
    const found = await this.decodeChunk(key, async () => {
      if (source instanceof Uint8Array) checkRangeRead(source, range);
      return pool.decodeInto(
        desc,
        source,
        { into, from, counts, lanes: lanes(this.layout.dataType) },
        { move: this.store.returnsOwnBytes === true },
      );
    });
    if (!found) fillStrided(into, counts, slots);
  }

  /** Partial shard read: the shard index, then only the inner chunks the region needs. */
  private async readShardRegion(
    key: string,
    region: Array<[number, number]>,
  ): Promise<{ data: TypedArray } | undefined> {
    const pipeline = pipelineFor(this.layout.pipeline);
    const sharding = pipeline.sharding;
    if (!sharding) {
      const whole = await this.readStorageChunk(key, resolvePool(0).pool);
      if (!whole) return undefined;
      // no partial-read support for this pipeline: cut the region out of the whole shard
      const shape = region.map(([a, b]) => b - a);
      const out = allocate(whole.dtype, product(shape));
      const gs = stridesOf(this.layout.gridShape);
      copyStrided(
        {
          data: whole.data,
          offset: offsetOf(
            region.map(([a]) => a),
            gs,
          ),
          strides: gs,
        },
        { data: out, offset: 0, strides: stridesOf(shape) },
        shape,
        lanes(whole.dtype),
      );
      return { data: out as TypedArray };
    }
    try {
      const part = await sharding.decodeRegion(
        (range) => this.store.get(key, range),
        this.layout.pipeline.spec,
        region,
      );
      return part ? { data: part.data as TypedArray } : undefined;
    } catch (e) {
      throw new CorruptChunkError(key, (e as Error).message, { cause: e });
    }
  }

  private normalizeValue(
    value: SetValue<D>,
    counts: number[],
    outShape: number[],
  ): { data: Values } | { slots: Slot[] } {
    const dataType = this.layout.dataType;
    if (dataType === "string") return normalizeStrings(value, counts, outShape);
    if (isNDArray(value)) {
      if (value.dtype !== dataType) {
        throw new ValueError(
          `value has data type ${value.dtype} but the array holds ${dataType}; convert it first`,
        );
      }
      checkShape(value.shape, outShape);
      return { data: value.data as Values };
    }
    if (ArrayBuffer.isView(value)) {
      const data = value as TypedArray;
      if (!typedArrayMatches(dataType, data)) {
        throw new ValueError(`a ${data.constructor.name} cannot hold ${dataType} data`);
      }
      const need = product(counts) * lanes(dataType);
      if (data.length !== need) {
        throw new ValueError(
          `value has ${data.length} elements but the selection [${outShape}] needs ${need}`,
        );
      }
      return { data };
    }
    try {
      if (typeof value === "string") throw new Error(`${JSON.stringify(value)} is not a ${dataType}`);
      checkScalar(value as Scalar, dataType);
    } catch (e) {
      throw new ValueError((e as Error).message);
    }
    return { slots: fillSlots(value as Scalar, dataType) };
  }
}

/** What `set` of a string array accepts: NDArray<"string">, a list of strings, or one string. */
function normalizeStrings(
  value: unknown,
  counts: number[],
  outShape: number[],
): { data: string[] } | { slots: Slot[] } {
  if (typeof value === "string") return { slots: [value] };
  const data = isNDArray(value) ? value.data : value;
  if (isNDArray(value)) {
    if (value.dtype !== "string") {
      throw new ValueError(`value has data type ${value.dtype} but the array holds strings`);
    }
    checkShape(value.shape, outShape);
  }
  if (!Array.isArray(data) || !data.every((v) => typeof v === "string")) {
    throw new ValueError(
      "a string array is set from strings: a string, a list of strings or an NDArray of them",
    );
  }
  const need = product(counts);
  if (data.length !== need) {
    throw new ValueError(`value has ${data.length} strings but the selection [${outShape}] needs ${need}`);
  }
  return { data };
}

/** Shapes match up to axes of length 1 (a plane [1, 64, 64] fits a selection [64, 64]). */
function checkShape(shape: readonly number[], outShape: readonly number[]): void {
  const squeezed = shape.filter((s) => s !== 1);
  const want = outShape.filter((s) => s !== 1);
  if (squeezed.length !== want.length || squeezed.some((s, i) => s !== want[i])) {
    throw new ValueError(`value has shape [${shape}] but the selection has shape [${outShape}]`);
  }
}

/** The smallest chunk-local box containing a projection's indices. */
function boundingRegion(axes: readonly AxisProjection[]): Array<[number, number]> {
  return axes.map((a) => {
    const last = a.chunkStart + (a.count - 1) * a.chunkStep;
    return a.chunkStep > 0 ? [a.chunkStart, last + 1] : [last, a.chunkStart + 1];
  });
}
