/**
 * Region reads of an uncompressed C-order array stored at a byte offset (raw, .npy, NIfTI, NRRD):
 * only the byte runs the region covers are read, with nearby runs merged into one read so that
 * narrow regions do not cost one system call per row.
 */
import { type DataType, type Endian, fromBytes, itemSize } from "../dtype/index.js";
import { stridesOf } from "../indexing/copy.js";
import type { ForwardOnlyReads } from "../indexing/region.js";
import { type NDArray, product } from "../ndarray.js";
import type { ByteSource } from "../store/types.js";
import { permuteAxes, regionShape } from "./region.js";
import { StreamedBytes } from "./streamed-bytes.js";
import type { Region } from "./types.js";

/** Runs closer than this are read together (the gap is read and dropped). */
const MERGE_GAP = 64 * 1024;
/** Largest merged read; larger single runs are read straight into the output. */
const MAX_SPAN = 16 * 1024 * 1024;
/** Reads of one region in flight at once. */
const READS_IN_FLIGHT = 8;

export interface StoredArray {
  bytes: ByteSource;
  /** Byte offset of element 0. */
  offset: number;
  /** Shape in storage order (C order, the last axis varies fastest in the file). */
  shape: number[];
  dtype: DataType;
  endian: Endian;
  /** Presented axis i is storage axis `perm[i]`; identity when absent. */
  perm?: number[];
}

/** Total bytes the stored array occupies. */
export function storedByteLength(a: Pick<StoredArray, "shape" | "dtype">): number {
  return product(a.shape) * itemSize(a.dtype);
}

/** The file bytes a region (presented axis order) lies in: [first byte, one past the last]. */
export function storedSpan(a: StoredArray, region: Region): [number, number] {
  const perm = a.perm ?? a.shape.map((_, i) => i);
  const size = itemSize(a.dtype);
  const strides = stridesOf(a.shape).map((s) => s * size);
  let first = a.offset;
  let last = a.offset;
  perm.forEach((p, i) => {
    const [start, stop] = region[i];
    first += start * strides[p];
    last += Math.max(start, stop - 1) * strides[p];
  });
  return [first, last + size];
}

/** A stored array in a stream that can only be read front to back, as its readers plan for it. */
export function forwardOnlyReads(a: StoredArray): ForwardOnlyReads | undefined {
  const bytes = a.bytes;
  if (!(bytes instanceof StreamedBytes)) return undefined;
  return {
    span: (region) => storedSpan(a, region),
    get window() {
      return bytes.window;
    },
    keep: (n) => bytes.keep(n),
    get passes() {
      return bytes.passes;
    },
  };
}

/** Reads a region given in presented axis order; returns it in presented axis order. */
export async function readStoredRegion(a: StoredArray, region: Region): Promise<NDArray> {
  const perm = a.perm ?? a.shape.map((_, i) => i);
  const storageRegion = new Array<readonly [number, number]>(perm.length);
  perm.forEach((p, i) => {
    storageRegion[p] = region[i];
  });
  const shape = regionShape(storageRegion);
  const bytes = await readRegionBytes(a.bytes, a.offset, a.shape, itemSize(a.dtype), storageRegion);
  const stored: NDArray = {
    data: fromBytes(bytes, a.dtype, a.endian) as NDArray["data"],
    shape,
    dtype: a.dtype,
  };
  return permuteAxes(stored, perm);
}

/** The bytes of a region of a C-order array, in C order; into `into` when given (its exact size). */
export async function readRegionBytes(
  source: ByteSource,
  base: number,
  shape: readonly number[],
  size: number,
  region: Region,
  into?: Uint8Array,
): Promise<Uint8Array> {
  const counts = regionShape(region);
  const bytes = product(counts) * size;
  if (into && into.length !== bytes)
    throw new RangeError(`a region of ${bytes} bytes, read into ${into.length}`);
  const out = into ?? new Uint8Array(bytes);
  if (out.length === 0) return out;
  const n = shape.length;
  if (n === 0) return source.read(base, size, out);
  // Byte strides per axis.
  const strides = new Array<number>(n);
  let s = size;
  for (let i = n - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  // Axes after `inner` are whole, so each step of the outer axes reads one contiguous run.
  let inner = n - 1;
  while (inner > 0 && region[inner][0] === 0 && region[inner][1] === shape[inner]) inner--;
  const runLength = counts[inner] * strides[inner];
  const outer = counts.slice(0, inner);
  const index = new Array<number>(inner).fill(0);
  let start = base;
  for (let i = 0; i <= inner; i++) start += region[i][0] * strides[i];

  const batch = new RunBatch(source, out);
  let fileOffset = start;
  for (let outOffset = 0; outOffset < out.length; outOffset += runLength) {
    await batch.add(fileOffset, outOffset, runLength);
    // odometer over the outer axes
    let axis = inner - 1;
    for (; axis >= 0; axis--) {
      index[axis]++;
      fileOffset += strides[axis];
      if (index[axis] < outer[axis]) break;
      fileOffset -= strides[axis] * outer[axis];
      index[axis] = 0;
    }
  }
  await batch.flush();
  return out;
}

/**
 * Collects runs that lie close together in the file and reads them with one read. Several reads
 * are kept in flight: each is a round trip through the thread pool, and a region of a large volume
 * is thousands of them (one per plane), which one at a time would leave the disk and cache idle.
 */
class RunBatch {
  #runs: Array<[file: number, out: number, length: number]> = [];
  #spanStart = 0;
  #spanEnd = 0;
  #inFlight = new Set<Promise<void>>();
  #failure: { error: unknown } | undefined;
  #scratch: Uint8Array[] = [];

  constructor(
    private readonly source: ByteSource,
    private readonly out: Uint8Array,
  ) {}

  async add(file: number, out: number, length: number): Promise<void> {
    if (
      this.#runs.length > 0 &&
      (file - this.#spanEnd > MERGE_GAP || file + length - this.#spanStart > MAX_SPAN)
    ) {
      await this.#dispatch();
    }
    if (this.#runs.length === 0) this.#spanStart = file;
    this.#runs.push([file, out, length]);
    this.#spanEnd = file + length;
  }

  /** Reads what is collected and waits for every read in flight. */
  async flush(): Promise<void> {
    await this.#dispatch();
    await Promise.all(this.#inFlight);
    if (this.#failure) throw this.#failure.error;
  }

  async #dispatch(): Promise<void> {
    const runs = this.#runs;
    if (runs.length === 0) return;
    this.#runs = [];
    const read = this.#read(runs, this.#spanStart, this.#spanEnd).catch((error) => {
      this.#failure ??= { error };
    });
    const tracked = read.then(() => {
      this.#inFlight.delete(tracked);
    });
    this.#inFlight.add(tracked);
    if (this.#inFlight.size >= READS_IN_FLIGHT) await Promise.race(this.#inFlight);
    if (this.#failure) throw this.#failure.error;
  }

  async #read(runs: Array<[number, number, number]>, spanStart: number, spanEnd: number): Promise<void> {
    if (runs.length === 1) {
      const [file, out, length] = runs[0];
      await this.source.read(file, length, this.out.subarray(out, out + length));
      return;
    }
    // spans go through reused scratch buffers: a fresh buffer per read costs more in page faults
    // than the read itself
    const size = spanEnd - spanStart;
    let scratch = this.#scratch.pop();
    if (!scratch || scratch.length < size) scratch = new Uint8Array(size);
    try {
      const span = await this.source.read(spanStart, size, scratch.subarray(0, size));
      for (const [file, out, length] of runs) {
        const from = file - spanStart;
        this.out.set(span.subarray(from, from + length), out);
      }
    } finally {
      this.#scratch.push(scratch);
    }
  }
}
