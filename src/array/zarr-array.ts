/**
 * ZarrArray: an opened Zarr v2 or v3 array — NumPy-style `get`/`set` over its chunks.
 *
 * Reads decode the chunks a selection touches (only the needed inner chunks of a shard, by byte
 * range) and copy their parts into the result. Writes do read-modify-write for partly covered
 * chunks, skip (and delete) chunks equal to the fill value, and encode in the worker pool with a
 * bounded number of chunks in flight, so memory stays bounded whatever the selection size.
 */
import { type PipelineDescriptor, pipelineFor } from "../concurrency/descriptor.js";
import { forEachLimit } from "../concurrency/limit.js";
import { resolvePool, type WorkerPool } from "../concurrency/pool.js";
import {
  allocate,
  checkScalar,
  type DataType,
  fillSlots,
  lanes,
  type Scalar,
  type TypedArray,
  type TypedArrayFor,
  typedArrayMatches,
} from "../dtype/index.js";
import { CorruptChunkError, SelectionError, ValueError } from "../errors.js";
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
import { requireWritable, type Store } from "../store/types.js";
import { chunkKey } from "./chunk-key.js";
import { type ArrayLayout, layoutOf } from "./layout.js";

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

/** What `set` accepts: an NDArray of the selection's shape, a typed array of its size, or a scalar. */
export type SetValue<D extends DataType> = NDArray<D> | TypedArrayFor[D] | Scalar;

function isNDArray(v: unknown): v is NDArray {
  return typeof v === "object" && v !== null && "data" in v && "shape" in v && "dtype" in v;
}

function offsetOf(starts: readonly number[], strides: readonly number[]): number {
  let o = 0;
  for (let i = 0; i < starts.length; i++) o += starts[i] * strides[i];
  return o;
}

export class ZarrArray<D extends DataType = DataType> {
  readonly store: Store;
  /** The array's path in the store ("" for the root). */
  readonly path: string;
  /** The specification the array was opened or created with. */
  readonly spec: ArraySpecV2 | ArraySpecV3;
  private readonly layout: ArrayLayout;

  constructor(store: Store, path: string, spec: ArraySpecV2 | ArraySpecV3) {
    this.store = store;
    this.path = normalizePath(path);
    this.spec = spec;
    this.layout = layoutOf(spec);
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
  get fillValue(): Scalar | null {
    return this.layout.fillValue;
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

  /** The store key of the chunk (shard) at grid coordinates `coords`. */
  chunkKey(coords: readonly number[]): string {
    return joinKey(this.path, chunkKey(this.layout.keyEncoding, coords));
  }

  /** Reads a selection: `get()` is the whole array, `get([null, null, 70])` a plane, `get([slice(2, 8)])` a box. */
  async get(selection?: Selection, options: ReadOptions = {}): Promise<NDArray<D>> {
    const { shape, dataType, gridShape, fillValue } = this.layout;
    const ranges = normalizeSelection(selection, shape);
    const counts = ranges.map((r) => r.count);
    const { pool, owned } = resolvePool(options.workers);
    // Workers copy their chunks straight into a shared output, so this thread only reads bytes.
    const inPlace = pool.decodesInPlace && !this.layout.sharded && product(counts) > 0;
    let out: TypedArrayFor[D];
    try {
      out = allocate(dataType, product(counts), inPlace) as TypedArrayFor[D];
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
        // in place, the workers' queues must stay full while this thread waits on reads
        (inPlace ? 4 : 2) * Math.max(1, pool.size) + 2,
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
          if (inPlace) {
            const bytes = await this.store.get(key);
            if (!bytes) return fillStrided(dst, sub, slots);
            const from = {
              offset: offsetOf(
                proj.axes.map((a) => a.chunkStart),
                gridStrides,
              ),
              strides: gridStrides.map((s, i) => s * proj.axes[i].chunkStep),
            };
            await this.decodeChunk(key, () =>
              pool.decodeInto(this.layout.pipeline, bytes, { into: dst, from, counts: sub, lanes: nl }),
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
    const srcStrides = stridesOf(counts);
    const gridStrides = stridesOf(gridShape);
    const nl = lanes(dataType);
    const { pool, owned } = resolvePool(options.workers);
    try {
      await forEachLimit(
        projectSelection(ranges, gridShape, shape),
        2 * Math.max(1, pool.size) + 2,
        async (proj) => {
          const key = this.chunkKey(proj.coords);
          const edge = proj.coords.some((c, i) => (c + 1) * gridShape[i] > shape[i]);
          const chunk: NDArray =
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
          // a chunk read for a partial update is not written back once aborted
          options.signal?.throwIfAborted();
          await this.storeChunk(key, chunk, pool, options.writeEmptyChunks ?? false);
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
    const { pool, owned } = resolvePool(options.workers);
    try {
      await this.storeChunk(this.chunkKey(coords), data, pool, options.writeEmptyChunks ?? false);
    } finally {
      if (owned) await pool.close();
    }
  }

  /** Reads one whole stored chunk (shard), decoded; undefined when it was never written. */
  async readChunk(coords: readonly number[], options: ReadOptions = {}): Promise<NDArray<D> | undefined> {
    options.signal?.throwIfAborted();
    const { pool, owned } = resolvePool(options.workers);
    try {
      return (await this.readStorageChunk(this.chunkKey(coords), pool)) as NDArray<D> | undefined;
    } finally {
      if (owned) await pool.close();
    }
  }

  private async storeChunk(
    key: string,
    chunk: NDArray,
    pool: WorkerPool,
    writeEmpty: boolean,
  ): Promise<void> {
    const store = requireWritable(this.store);
    if (!writeEmpty && this.layout.fillValue !== null && isAllFill(chunk, this.layout.fillValue)) {
      await store.delete(key);
      return;
    }
    const bytes = await pool.encode(this.layout.pipeline, chunk);
    await store.set(key, bytes);
  }

  private async readStorageChunk(key: string, pool: WorkerPool): Promise<NDArray | undefined> {
    const bytes = await this.store.get(key);
    if (!bytes) return undefined;
    return this.decodeChunk(key, () => pool.decode(this.layout.pipeline, bytes));
  }

  /** Runs a decode of the chunk at `key`; any failure becomes a CorruptChunkError naming it. */
  private async decodeChunk<T>(key: string, decode: () => Promise<T>): Promise<T> {
    try {
      return await decode();
    } catch (e) {
      if (e instanceof CorruptChunkError && e.key === key) throw e;
      throw new CorruptChunkError(key, (e as Error).message, { cause: e });
    }
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
      return { data: out };
    }
    try {
      const part = await sharding.decodeRegion(
        (range) => this.store.get(key, range),
        this.layout.pipeline.spec,
        region,
      );
      return part ? { data: part.data } : undefined;
    } catch (e) {
      throw new CorruptChunkError(key, (e as Error).message, { cause: e });
    }
  }

  private normalizeValue(
    value: SetValue<D>,
    counts: number[],
    outShape: number[],
  ): { data: TypedArray } | { slots: (number | bigint)[] } {
    const dataType = this.layout.dataType;
    if (isNDArray(value)) {
      if (value.dtype !== dataType) {
        throw new ValueError(
          `value has data type ${value.dtype} but the array holds ${dataType}; convert it first`,
        );
      }
      const squeezed = value.shape.filter((s) => s !== 1);
      const want = outShape.filter((s) => s !== 1);
      if (squeezed.length !== want.length || squeezed.some((s, i) => s !== want[i])) {
        throw new ValueError(`value has shape [${value.shape}] but the selection has shape [${outShape}]`);
      }
      return { data: value.data as TypedArray };
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
      checkScalar(value as Scalar, dataType);
    } catch (e) {
      throw new ValueError((e as Error).message);
    }
    return { slots: fillSlots(value as Scalar, dataType) };
  }
}

/** The smallest chunk-local box containing a projection's indices. */
function boundingRegion(axes: readonly AxisProjection[]): Array<[number, number]> {
  return axes.map((a) => {
    const last = a.chunkStart + (a.count - 1) * a.chunkStep;
    return a.chunkStep > 0 ? [a.chunkStart, last + 1] : [last, a.chunkStart + 1];
  });
}
