/**
 * Checksums in plain JS: CRC-32C and CRC-32 as fallbacks for @node-rs/crc32, plus Adler-32 and
 * numcodecs' Fletcher-32, which no dependency provides and which are a few lines each.
 */

function crcTable(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

let castagnoli: Uint32Array | undefined;
let ieee: Uint32Array | undefined;

function crcWith(table: Uint32Array, data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC-32C (Castagnoli), as the Zarr v3 `crc32c` codec uses. */
export function crc32c(data: Uint8Array): number {
  castagnoli ??= crcTable(0x82f63b78);
  return crcWith(castagnoli, data);
}

/** CRC-32 (IEEE, zlib's), as numcodecs' `crc32` codec uses. */
export function crc32(data: Uint8Array): number {
  ieee ??= crcTable(0xedb88320);
  return crcWith(ieee, data);
}

/** Adler-32, as zlib and numcodecs' `adler32` codec compute it. */
export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  // 5552 is the largest run for which the sums cannot overflow 2^32 before the modulo.
  for (let i = 0; i < data.length; ) {
    const end = Math.min(i + 5552, data.length);
    for (; i < end; i++) {
      a += data[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * Fletcher-32 as numcodecs (after HDF5) computes it: big-endian 16-bit words, an odd trailing byte
 * counted as the high byte of a last word, both sums folded modulo 65535.
 */
export function fletcher32(data: Uint8Array): number {
  let sum1 = 0;
  let sum2 = 0;
  const words = data.length >>> 1;
  let i = 0;
  for (let w = 0; w < words; ) {
    const end = Math.min(w + 360, words);
    for (; w < end; w++, i += 2) {
      sum1 += (data[i] << 8) | data[i + 1];
      sum2 += sum1;
    }
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  if (data.length & 1) {
    sum1 += data[data.length - 1] << 8;
    sum2 += sum1;
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  }
  sum1 = (sum1 & 0xffff) + (sum1 >>> 16);
  sum2 = (sum2 & 0xffff) + (sum2 >>> 16);
  return ((sum2 << 16) | sum1) >>> 0;
}
