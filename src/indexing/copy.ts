/**
 * Strided N-D copies between C-order typed arrays — the hot loop of every `get` and `set`.
 * Runs of contiguous elements are copied with `TypedArray.set` (a memcpy), so copying whole
 * chunk rows costs what a memcpy costs; only strided inner axes fall back to a scalar loop.
 * Lists of strings (string arrays) take the same odometer with the element loop for every row.
 */
import type { Slot, Values } from "../dtype/index.js";

/** C-order strides of a shape, in elements, or in slots of `lanes` numbers each (complex: 2). */
export function stridesOf(shape: readonly number[], lanes = 1): number[] {
  const strides = new Array<number>(shape.length);
  let s = lanes;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** A view into a typed array (or a list of strings): element offset of the first element and element step per axis. */
export interface StridedView {
  data: Values;
  offset: number;
  strides: number[];
}

/**
 * Copies `counts` elements per axis from `src` to `dst`. Strides and offsets are in elements;
 * `lanes` typed-array slots make one element (2 for complex). Steps may be negative.
 */
export function copyStrided(src: StridedView, dst: StridedView, given: readonly number[], lanes = 1): void {
  for (const c of given) if (c === 0) return;
  // Axes of one element move nothing: without them a plane across the fastest axis (an x plane)
  // copies runs along y instead of calling the run copier once per element.
  if (given.includes(1) && given.length > 1) {
    const keep = given.map((c, i) => (c === 1 ? -1 : i)).filter((i) => i >= 0);
    src = { data: src.data, offset: src.offset, strides: keep.map((i) => src.strides[i]) };
    dst = { data: dst.data, offset: dst.offset, strides: keep.map((i) => dst.strides[i]) };
    given = keep.map((i) => given[i]);
  }
  const counts = given;
  const n = counts.length;
  if (n === 0) {
    copyRun(src.data, src.offset, 0, dst.data, dst.offset, 0, 1, lanes);
    return;
  }
  const last = n - 1;
  const inner = counts[last];
  const ss = src.strides[last];
  const ds = dst.strides[last];
  const index = new Array<number>(last).fill(0);
  let so = src.offset;
  let dOff = dst.offset;
  // (a row copier works on bytes: lists of strings copy element by element)
  const rows =
    ss === 1 && ds === 1 && !Array.isArray(src.data) && !Array.isArray(dst.data)
      ? new RowCopier(src.data, dst.data, lanes, inner)
      : undefined;
  for (;;) {
    if (rows) rows.copy(so, dOff);
    else copyRun(src.data, so, ss, dst.data, dOff, ds, inner, lanes);
    // odometer over the outer axes
    let axis = last - 1;
    for (; axis >= 0; axis--) {
      index[axis]++;
      so += src.strides[axis];
      dOff += dst.strides[axis];
      if (index[axis] < counts[axis]) break;
      so -= src.strides[axis] * counts[axis];
      dOff -= dst.strides[axis] * counts[axis];
      index[axis] = 0;
    }
    if (axis < 0) return;
  }
}

/**
 * Copies contiguous rows between two typed arrays as bytes: 32-bit words in a loop for short rows
 * (a chunk row of a 64^3 chunk is 128 bytes, and `set(subarray(...))` allocates a view per row,
 * which made the copy cost more than decoding), `set` (a memcpy) for long ones. Whole words keep
 * float bit patterns (NaN payloads) intact.
 */
class RowCopier {
  readonly #s8: Uint8Array;
  readonly #d8: Uint8Array;
  readonly #s32: Int32Array;
  readonly #d32: Int32Array;
  readonly #srcBase: number;
  readonly #dstBase: number;
  readonly #bpe: number;
  readonly #len: number;

  constructor(src: ArrayBufferView, dst: ArrayBufferView, lanes: number, count: number) {
    const bytesPerElement = (src as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    this.#bpe = bytesPerElement * lanes;
    this.#len = count * this.#bpe;
    this.#s8 = new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
    this.#d8 = new Uint8Array(dst.buffer, dst.byteOffset, dst.byteLength);
    // word views over the whole buffers, so a row's word index is its byte offset / 4
    this.#s32 = new Int32Array(src.buffer, 0, src.buffer.byteLength >>> 2);
    this.#d32 = new Int32Array(dst.buffer, 0, dst.buffer.byteLength >>> 2);
    this.#srcBase = src.byteOffset;
    this.#dstBase = dst.byteOffset;
  }

  copy(srcElement: number, dstElement: number): void {
    const len = this.#len;
    const so = srcElement * this.#bpe;
    const dOff = dstElement * this.#bpe;
    if (len <= 2048) {
      const sb = this.#srcBase + so;
      const db = this.#dstBase + dOff;
      if (((sb | db | len) & 3) === 0) {
        const s = this.#s32;
        const d = this.#d32;
        const sw = sb >>> 2;
        const dw = db >>> 2;
        const n = len >>> 2;
        for (let i = 0; i < n; i++) d[dw + i] = s[sw + i];
        return;
      }
      if (len <= 64) {
        const s = this.#s8;
        const d = this.#d8;
        for (let i = 0; i < len; i++) d[dOff + i] = s[so + i];
        return;
      }
    }
    this.#d8.set(this.#s8.subarray(so, so + len), dOff);
  }
}

/** Copies `count` elements with steps `ss` / `ds` (contiguous typed rows go through RowCopier). */
function copyRun(
  src: Values,
  so: number,
  ss: number,
  dst: Values,
  dOff: number,
  ds: number,
  count: number,
  lanes: number,
): void {
  const s = src as unknown as Slot[];
  const d = dst as unknown as Slot[];
  if (lanes === 1) {
    for (let i = 0; i < count; i++) d[dOff + i * ds] = s[so + i * ss];
    return;
  }
  for (let i = 0; i < count; i++) {
    const a = (so + i * ss) * lanes;
    const b = (dOff + i * ds) * lanes;
    for (let l = 0; l < lanes; l++) d[b + l] = s[a + l];
  }
}

/** Sets `counts` elements per axis of `dst` to the slot values (one per lane). */
export function fillStrided(dst: StridedView, counts: readonly number[], slots: readonly Slot[]): void {
  const n = counts.length;
  for (const c of counts) if (c === 0) return;
  const d = dst.data as unknown as Slot[];
  const lanes = slots.length;
  const put = (off: number) => {
    for (let l = 0; l < lanes; l++) d[off * lanes + l] = slots[l];
  };
  if (n === 0) {
    put(dst.offset);
    return;
  }
  const last = n - 1;
  const inner = counts[last];
  const ds = dst.strides[last];
  const index = new Array<number>(last).fill(0);
  let off = dst.offset;
  for (;;) {
    // (Array.prototype.fill takes the same arguments as TypedArray.prototype.fill)
    if (ds === 1 && lanes === 1) (d as Slot[]).fill(slots[0], off, off + inner);
    else for (let i = 0; i < inner; i++) put(off + i * ds);
    let axis = last - 1;
    for (; axis >= 0; axis--) {
      index[axis]++;
      off += dst.strides[axis];
      if (index[axis] < counts[axis]) break;
      off -= dst.strides[axis] * counts[axis];
      index[axis] = 0;
    }
    if (axis < 0) return;
  }
}
