/**
 * Byte shuffle and bit shuffle with c-blosc's layout, also used by numcodecs' `shuffle` filter.
 *
 * Byte shuffle of `len` bytes with element size `ts`: the i-th byte of every element is gathered into
 * plane i (`n = floor(len / ts)` bytes each); the `len % ts` trailing bytes are copied unchanged.
 * Bit shuffle: byte shuffle, then each byte plane is cut into 8 bit planes (bit b of element e lands
 * in bit e % 8 of byte e / 8 of plane 8i + b). As in c-blosc, it only applies when n is a multiple
 * of 8; otherwise the bytes are copied unchanged; bytes past n * ts are always copied unchanged.
 */

/** Gathers byte planes: dst[j * n + i] = src[i * ts + j]. */
export function byteShuffle(src: Uint8Array, dst: Uint8Array, ts: number): void {
  const len = src.length;
  const n = Math.floor(len / ts);
  if (ts <= 1 || n === 0) {
    dst.set(src);
    return;
  }
  if (ts === 2) {
    for (let i = 0, s = 0; i < n; i++, s += 2) {
      dst[i] = src[s];
      dst[n + i] = src[s + 1];
    }
  } else if (ts === 4) {
    const n2 = 2 * n;
    const n3 = 3 * n;
    for (let i = 0, s = 0; i < n; i++, s += 4) {
      dst[i] = src[s];
      dst[n + i] = src[s + 1];
      dst[n2 + i] = src[s + 2];
      dst[n3 + i] = src[s + 3];
    }
  } else {
    for (let j = 0; j < ts; j++) {
      const plane = j * n;
      for (let i = 0, s = j; i < n; i++, s += ts) dst[plane + i] = src[s];
    }
  }
  const done = n * ts;
  if (done < len) dst.set(src.subarray(done), done);
}

/** Inverse of `byteShuffle`. */
export function byteUnshuffle(src: Uint8Array, dst: Uint8Array, ts: number): void {
  const len = src.length;
  const n = Math.floor(len / ts);
  if (ts <= 1 || n === 0) {
    dst.set(src);
    return;
  }
  if (ts === 2) {
    for (let i = 0, d = 0; i < n; i++, d += 2) {
      dst[d] = src[i];
      dst[d + 1] = src[n + i];
    }
  } else if (ts === 4) {
    const n2 = 2 * n;
    const n3 = 3 * n;
    for (let i = 0, d = 0; i < n; i++, d += 4) {
      dst[d] = src[i];
      dst[d + 1] = src[n + i];
      dst[d + 2] = src[n2 + i];
      dst[d + 3] = src[n3 + i];
    }
  } else {
    for (let j = 0; j < ts; j++) {
      const plane = j * n;
      for (let i = 0, d = j; i < n; i++, d += ts) dst[d] = src[plane + i];
    }
  }
  const done = n * ts;
  if (done < len) dst.set(src.subarray(done), done);
}

/**
 * Transposes the 8x8 bit matrix held in (lo, hi) — byte r is row r — with three delta swaps.
 * Transposition is its own inverse, so the same steps serve shuffle and unshuffle.
 */
function transpose8(lo: number, hi: number, out: Int32Array): void {
  let t = ((lo >>> 7) ^ lo) & 0x00aa00aa;
  lo = lo ^ t ^ (t << 7);
  t = ((hi >>> 7) ^ hi) & 0x00aa00aa;
  hi = hi ^ t ^ (t << 7);
  t = ((lo >>> 14) ^ lo) & 0x0000cccc;
  lo = lo ^ t ^ (t << 14);
  t = ((hi >>> 14) ^ hi) & 0x0000cccc;
  hi = hi ^ t ^ (t << 14);
  t = ((hi << 4) ^ lo) & 0xf0f0f0f0;
  lo ^= t;
  hi ^= t >>> 4;
  out[0] = lo;
  out[1] = hi;
}

const pair = new Int32Array(2);

/** Bit shuffle of `src` into `dst` (same length), using `tmp` (same length) as scratch. */
export function bitShuffle(src: Uint8Array, dst: Uint8Array, ts: number, tmp: Uint8Array): void {
  const len = src.length;
  const n = Math.floor(len / ts);
  if (n % 8 !== 0 || n === 0) {
    dst.set(src);
    return;
  }
  const body = n * ts;
  byteShuffle(src.subarray(0, body), tmp.subarray(0, body), ts);
  const rowLen = n >>> 3;
  for (let j = 0; j < ts; j++) {
    const plane = j * n;
    const rows = j * 8 * rowLen;
    for (let k = 0; k < rowLen; k++) {
      const p = plane + 8 * k;
      const lo = tmp[p] | (tmp[p + 1] << 8) | (tmp[p + 2] << 16) | (tmp[p + 3] << 24);
      const hi = tmp[p + 4] | (tmp[p + 5] << 8) | (tmp[p + 6] << 16) | (tmp[p + 7] << 24);
      transpose8(lo, hi, pair);
      const a = pair[0];
      const b = pair[1];
      const r = rows + k;
      dst[r] = a;
      dst[r + rowLen] = a >>> 8;
      dst[r + 2 * rowLen] = a >>> 16;
      dst[r + 3 * rowLen] = a >>> 24;
      dst[r + 4 * rowLen] = b;
      dst[r + 5 * rowLen] = b >>> 8;
      dst[r + 6 * rowLen] = b >>> 16;
      dst[r + 7 * rowLen] = b >>> 24;
    }
  }
  if (body < len) dst.set(src.subarray(body), body);
}

/** Inverse of `bitShuffle`. */
export function bitUnshuffle(src: Uint8Array, dst: Uint8Array, ts: number, tmp: Uint8Array): void {
  const len = src.length;
  const n = Math.floor(len / ts);
  if (n % 8 !== 0 || n === 0) {
    dst.set(src);
    return;
  }
  const body = n * ts;
  const rowLen = n >>> 3;
  for (let j = 0; j < ts; j++) {
    const plane = j * n;
    const rows = j * 8 * rowLen;
    for (let k = 0; k < rowLen; k++) {
      const r = rows + k;
      const lo = src[r] | (src[r + rowLen] << 8) | (src[r + 2 * rowLen] << 16) | (src[r + 3 * rowLen] << 24);
      const hi =
        src[r + 4 * rowLen] |
        (src[r + 5 * rowLen] << 8) |
        (src[r + 6 * rowLen] << 16) |
        (src[r + 7 * rowLen] << 24);
      transpose8(lo, hi, pair);
      const a = pair[0];
      const b = pair[1];
      const p = plane + 8 * k;
      tmp[p] = a;
      tmp[p + 1] = a >>> 8;
      tmp[p + 2] = a >>> 16;
      tmp[p + 3] = a >>> 24;
      tmp[p + 4] = b;
      tmp[p + 5] = b >>> 8;
      tmp[p + 6] = b >>> 16;
      tmp[p + 7] = b >>> 24;
    }
  }
  byteUnshuffle(tmp.subarray(0, body), dst.subarray(0, body), ts);
  if (body < len) dst.set(src.subarray(body), body);
}
