import assert from "node:assert/strict";
import { test } from "node:test";
import { SelectionError } from "../../src/errors.js";
import {
  copyStrided,
  ellipsis,
  normalizeSelection,
  projectSelection,
  selectionShape,
  slice,
  stridesOf,
} from "../../src/indexing/index.js";

/** Python's range(*slice.indices(n)) as a list, computed the slow obvious way. */
function pyIndices(n: number, start: number | null, stop: number | null, step: number | null): number[] {
  const st = step ?? 1;
  const out: number[] = [];
  const norm = (v: number) => (v < 0 ? v + n : v);
  if (st > 0) {
    const a = start === null ? 0 : Math.min(Math.max(norm(start), 0), n);
    const b = stop === null ? n : Math.min(Math.max(norm(stop), 0), n);
    for (let i = a; i < b; i += st) out.push(i);
  } else {
    const a = start === null ? n - 1 : Math.min(Math.max(norm(start), -1), n - 1);
    const b = stop === null ? -1 : Math.min(Math.max(norm(stop), -1), n - 1);
    for (let i = a; i > b; i += st) out.push(i);
  }
  return out;
}

test("slices follow Python semantics, including negative bounds and steps", () => {
  const bounds = [null, -12, -5, -1, 0, 1, 3, 7, 12];
  for (const n of [0, 1, 7, 10]) {
    for (const start of bounds) {
      for (const stop of bounds) {
        for (const step of [null, 1, 2, 3, -1, -2, -4]) {
          const [r] = normalizeSelection([slice(start, stop, step)], [n]);
          const got = Array.from({ length: r.count }, (_, k) => r.start + k * r.step);
          assert.deepEqual(got, pyIndices(n, start, stop, step), `n=${n} slice(${start}, ${stop}, ${step})`);
        }
      }
    }
  }
});

test("integers squeeze axes; ellipsis and null expand; errors name the axis", () => {
  const shape = [4, 5, 6];
  assert.deepEqual(selectionShape(normalizeSelection([null, null, 2], shape)), [4, 5]);
  assert.deepEqual(selectionShape(normalizeSelection([ellipsis, -1], shape)), [4, 5]);
  assert.deepEqual(selectionShape(normalizeSelection([1, ellipsis], shape)), [5, 6]);
  assert.deepEqual(selectionShape(normalizeSelection(null, shape)), [4, 5, 6]);
  assert.deepEqual(selectionShape(normalizeSelection([slice(1, 3)], shape)), [2, 5, 6]);
  assert.throws(() => normalizeSelection([4], shape), /index 4 is out of bounds for axis 0 with size 4/);
  assert.throws(() => normalizeSelection([0, -6], shape), /axis 1/);
  assert.throws(() => normalizeSelection([0, 0, 0, 0], shape), SelectionError);
  assert.throws(() => normalizeSelection([slice(null, null, 0)], shape), /step of axis 0 must not be zero/);
  assert.throws(() => normalizeSelection([ellipsis, ellipsis], shape), /at most one ellipsis/);
  assert.throws(() => normalizeSelection([1.5], shape), /integer/);
});

test("projection onto chunks + strided copy reproduces the selection", () => {
  const shape = [7, 9, 5];
  const chunks = [3, 4, 2];
  const data = Float64Array.from({ length: 7 * 9 * 5 }, (_, i) => i);
  const strides = stridesOf(shape);
  const selections = [
    [slice(1, 6), slice(null, null, 2), 3],
    [slice(null, null, -1), slice(8, 0, -3), slice(1, 5)],
    [2, 8, 4],
    [slice(6, 7), null, slice(4, 0, -2)],
  ];
  for (const sel of selections) {
    const ranges = normalizeSelection(sel, shape);
    const counts = ranges.map((r) => r.count);
    const out = new Float64Array(counts.reduce((a, b) => a * b, 1));
    const outStrides = stridesOf(counts);
    // chunked path: copy each chunk's part from a chunk-local buffer
    for (const p of projectSelection(ranges, chunks, shape)) {
      const chunk = new Float64Array(chunks[0] * chunks[1] * chunks[2]);
      const cs = stridesOf(chunks);
      for (let i = 0; i < chunks[0]; i++)
        for (let j = 0; j < chunks[1]; j++)
          for (let k = 0; k < chunks[2]; k++) {
            const g = [p.coords[0] * chunks[0] + i, p.coords[1] * chunks[1] + j, p.coords[2] * chunks[2] + k];
            if (g.every((x, a) => x < shape[a]))
              chunk[i * cs[0] + j * cs[1] + k] = data[g[0] * strides[0] + g[1] * strides[1] + g[2]];
          }
      copyStrided(
        {
          data: chunk,
          offset: p.axes.reduce((o, a, i) => o + a.chunkStart * cs[i], 0),
          strides: cs.map((s, i) => s * p.axes[i].chunkStep),
        },
        {
          data: out,
          offset: p.axes.reduce((o, a, i) => o + a.outStart * outStrides[i], 0),
          strides: outStrides,
        },
        p.axes.map((a) => a.count),
      );
    }
    // reference: direct indexing
    const expected: number[] = [];
    const idx = ranges.map((r) => Array.from({ length: r.count }, (_, k) => r.start + k * r.step));
    for (const i of idx[0])
      for (const j of idx[1])
        for (const k of idx[2]) expected.push(data[i * strides[0] + j * strides[1] + k]);
    assert.deepEqual(Array.from(out), expected, JSON.stringify(sel));
  }
});

test("complete flags whole chunks only, edge chunks included", () => {
  const ranges = normalizeSelection(null, [5, 5]);
  const projections = [...projectSelection(ranges, [2, 2], [5, 5])];
  assert.equal(projections.length, 9);
  assert.ok(projections.every((p) => p.complete));
  const partial = [...projectSelection(normalizeSelection([slice(1, 5)], [5, 5]), [2, 2], [5, 5])];
  assert.deepEqual(
    partial.map((p) => p.complete),
    [false, false, false, true, true, true, true, true, true],
  );
});

test("copyStrided copies contiguous rows bit for bit at every byte alignment", () => {
  // rows of 1..40 elements at odd and even offsets: the word loop, the byte loop and memcpy
  for (const ctor of [Uint8Array, Uint16Array, Float32Array, Float64Array] as const) {
    const n = 48;
    const src = new ctor(n * n);
    const bytes = new Uint8Array(src.buffer);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 7) & 0xff; // NaN payloads too
    for (const inner of [1, 3, 16, 40]) {
      for (const [so, doff] of [
        [0, 0],
        [1, 0],
        [0, 3],
        [5, 2],
      ]) {
        const dst = new ctor(n * n);
        copyStrided(
          { data: src, offset: so, strides: [n, 1] },
          { data: dst, offset: doff, strides: [n, 1] },
          [4, inner],
        );
        const want = new ctor(n * n);
        for (let r = 0; r < 4; r++)
          for (let c = 0; c < inner; c++)
            new Uint8Array(want.buffer).set(
              new Uint8Array(src.buffer, (so + r * n + c) * ctor.BYTES_PER_ELEMENT, ctor.BYTES_PER_ELEMENT),
              (doff + r * n + c) * ctor.BYTES_PER_ELEMENT,
            );
        assert.deepEqual(
          new Uint8Array(dst.buffer),
          new Uint8Array(want.buffer),
          `${ctor.name} ${inner} ${so} ${doff}`,
        );
      }
    }
  }
  // a long row (memcpy) from a view with a byte offset into a view with another
  const big = new Uint8Array(10_000).map((_, i) => i & 0xff);
  const src = new Uint16Array(big.buffer, 2, 3000);
  const dst = new Uint16Array(new ArrayBuffer(8000), 6, 3000);
  copyStrided({ data: src, offset: 1, strides: [1] }, { data: dst, offset: 0, strides: [1] }, [2999]);
  assert.deepEqual(Array.from(dst.subarray(0, 2999)), Array.from(src.subarray(1)));
});
