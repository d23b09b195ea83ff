/**
 * Builders of hostile input files for `convert`: small, exact byte layouts written by hand so a test
 * can break one field at a time (a strip offset, an IFD link, a CRC) and name it in the expectation.
 */
import { createDeflate, createGzip, deflateSync } from "node:zlib";
import { crc32 } from "@node-rs/crc32";
import { encode } from "fast-png";

// ---------- TIFF ----------

export const SHORT = 3;
export const LONG = 4;
export const ASCII = 2;

export const TAG = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  Photometric: 262,
  ImageDescription: 270,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  PlanarConfiguration: 284,
  TileWidth: 322,
  TileLength: 323,
  TileOffsets: 324,
  TileByteCounts: 325,
  SampleFormat: 339,
} as const;

export interface TiffPage {
  width: number;
  height: number;
  /** Bits per sample (default 8). */
  bps?: number;
  spp?: number;
  compression?: number;
  rowsPerStrip?: number;
  /** Tiled instead of stripped: [tileWidth, tileLength]. */
  tile?: [number, number];
  /** The encoded strips (or tiles), stored in order; offsets and byte counts are filled in. */
  blocks: Uint8Array[];
  /** Tag values that replace the computed ones (or add tags), e.g. a StripOffsets past the end. */
  override?: Partial<Record<number, { type: number; values: number[] }>>;
  /** Where this page's "next IFD" link points: another page's index, or a raw byte offset. */
  next?: { page: number } | { offset: number };
}

const typeSize = (type: number) => (type === SHORT ? 2 : type === LONG ? 4 : 1);

/**
 * A little-endian classic TIFF holding `pages`: header, then the strips, then the IFDs (or, with
 * `ifdFirst`, the IFDs before the strips, as tifffile writes them — so truncating the file cuts data).
 */
export function buildTiff(pages: TiffPage[], options: { ifdFirst?: boolean } = {}): Uint8Array {
  // entries per page, with placeholder offsets (their sizes do not depend on the values)
  const entriesOf = (p: TiffPage, offsets: number[]) => {
    const e = new Map<number, { type: number; values: number[] }>();
    e.set(TAG.ImageWidth, { type: LONG, values: [p.width] });
    e.set(TAG.ImageLength, { type: LONG, values: [p.height] });
    e.set(TAG.BitsPerSample, { type: SHORT, values: new Array(p.spp ?? 1).fill(p.bps ?? 8) });
    e.set(TAG.Compression, { type: SHORT, values: [p.compression ?? 1] });
    e.set(TAG.Photometric, { type: SHORT, values: [(p.spp ?? 1) >= 3 ? 2 : 1] });
    e.set(TAG.SamplesPerPixel, { type: SHORT, values: [p.spp ?? 1] });
    e.set(TAG.PlanarConfiguration, { type: SHORT, values: [1] });
    const counts = p.blocks.map((b) => b.length);
    if (p.tile) {
      e.set(TAG.TileWidth, { type: LONG, values: [p.tile[0]] });
      e.set(TAG.TileLength, { type: LONG, values: [p.tile[1]] });
      e.set(TAG.TileOffsets, { type: LONG, values: offsets });
      e.set(TAG.TileByteCounts, { type: LONG, values: counts });
    } else {
      e.set(TAG.RowsPerStrip, { type: LONG, values: [p.rowsPerStrip ?? p.height] });
      e.set(TAG.StripOffsets, { type: LONG, values: offsets });
      e.set(TAG.StripByteCounts, { type: LONG, values: counts });
    }
    for (const [tag, v] of Object.entries(p.override ?? {})) if (v) e.set(Number(tag), v);
    return [...e.entries()].sort((a, b) => a[0] - b[0]);
  };
  const ifdSizes = pages.map((p) => {
    let extra = 0;
    const entries = entriesOf(
      p,
      p.blocks.map(() => 0),
    );
    for (const [, v] of entries) {
      const n = v.values.length * typeSize(v.type);
      if (n > 4) extra += n + (n % 2);
    }
    return 2 + entries.length * 12 + 4 + extra;
  });
  const ifdTotal = ifdSizes.reduce((a, b) => a + b, 0);
  let at = options.ifdFirst ? 8 + ifdTotal : 8;
  const dataStart = at;
  const chunks: Uint8Array[] = [];
  const place = (b: Uint8Array) => {
    const offset = at;
    chunks.push(b);
    at += b.length;
    if (at % 2) {
      chunks.push(new Uint8Array(1));
      at++;
    }
    return offset;
  };
  const blockOffsets = pages.map((p) => p.blocks.map(place));
  const dataEnd = at;
  const ifdOffsets: number[] = [];
  let cursor = options.ifdFirst ? 8 : dataEnd;
  for (const s of ifdSizes) {
    ifdOffsets.push(cursor);
    cursor += s;
  }
  const out = new Uint8Array(options.ifdFirst ? dataEnd : cursor);
  const view = new DataView(out.buffer);
  out.set([0x49, 0x49, 42, 0]);
  view.setUint32(4, pages.length ? ifdOffsets[0] : 0, true);
  let p = dataStart;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  pages.forEach((page, i) => {
    const entries = entriesOf(page, blockOffsets[i]);
    const base = ifdOffsets[i];
    view.setUint16(base, entries.length, true);
    let extra = base + 2 + entries.length * 12 + 4;
    entries.forEach(([tag, v], k) => {
      const e = base + 2 + k * 12;
      view.setUint16(e, tag, true);
      view.setUint16(e + 2, v.type, true);
      view.setUint32(e + 4, v.values.length, true);
      const n = v.values.length * typeSize(v.type);
      const target = n > 4 ? extra : e + 8;
      if (n > 4) {
        view.setUint32(e + 8, extra, true);
        extra += n + (n % 2);
      }
      v.values.forEach((x, j) => {
        if (v.type === SHORT) view.setUint16(target + j * 2, x, true);
        else if (v.type === LONG) view.setUint32(target + j * 4, x, true);
        else out[target + j] = x;
      });
    });
    const next = page.next;
    const link =
      next === undefined
        ? i + 1 < pages.length
          ? ifdOffsets[i + 1]
          : 0
        : "page" in next
          ? ifdOffsets[next.page]
          : next.offset;
    view.setUint32(base + 2 + entries.length * 12, link, true);
  });
  return out;
}

/** A `width`x`height` uint8 page in one uncompressed strip, values (x + y) % 251. */
export function plainPage(width = 16, height = 8, extra: Partial<TiffPage> = {}): TiffPage {
  if (extra.blocks) return { width, height, blocks: extra.blocks, ...extra };
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = (x + y) % 251;
  return { width, height, blocks: [data], ...extra };
}

/** The same page cut into strips of `rows` rows. */
export function stripedPage(width: number, height: number, rows: number): TiffPage {
  const page = plainPage(width, height);
  const data = page.blocks[0];
  const blocks: Uint8Array[] = [];
  for (let y = 0; y < height; y += rows)
    blocks.push(data.slice(y * width, Math.min(height, y + rows) * width));
  return { width, height, rowsPerStrip: rows, blocks };
}

export function deflate(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(deflateSync(bytes));
}

/** A gzip file of `head` followed by `zeros` zero bytes, made in pieces so the test never holds them all. */
export async function gzipWithZeros(head: Uint8Array, zeros: number): Promise<Uint8Array> {
  const z = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  z.on("data", (d: Buffer) => parts.push(d));
  const ended = new Promise((resolve) => z.on("end", resolve));
  z.write(head);
  const piece = new Uint8Array(1 << 20);
  for (let done = 0; done < zeros; done += piece.length) {
    if (!z.write(piece.subarray(0, Math.min(piece.length, zeros - done))))
      await new Promise((r) => z.once("drain", r));
  }
  z.end();
  await ended;
  return new Uint8Array(Buffer.concat(parts));
}

/** A zlib stream of `n` zero bytes, made in pieces so the test never holds `n` bytes. */
export async function deflateZeros(n: number): Promise<Uint8Array> {
  const z = createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  z.on("data", (d: Buffer) => parts.push(d));
  const ended = new Promise((resolve) => z.on("end", resolve));
  const piece = new Uint8Array(1 << 20);
  for (let done = 0; done < n; done += piece.length) {
    if (!z.write(piece.subarray(0, Math.min(piece.length, n - done))))
      await new Promise((r) => z.once("drain", r));
  }
  z.end();
  await ended;
  return new Uint8Array(Buffer.concat(parts));
}

// ---------- PNG ----------

/** A valid grey PNG of `width`x`height`. */
export function pngBytes(width = 8, height = 4): Uint8Array {
  const data = new Uint8Array(width * height).map((_, i) => i % 256);
  return encode({ width, height, data, channels: 1, depth: 8 });
}

/** Rewrites chunk `type`'s CRC (to `crc`, or to the correct value) — for building bad-CRC and patched files. */
export function pngPatch(
  png: Uint8Array,
  edit: (type: string, data: Uint8Array) => void,
  fixCrc = true,
): Uint8Array {
  const out = png.slice();
  const view = new DataView(out.buffer);
  for (let p = 8; p + 12 <= out.length; ) {
    const len = view.getUint32(p);
    const type = String.fromCharCode(...out.subarray(p + 4, p + 8));
    const data = out.subarray(p + 8, p + 8 + len);
    edit(type, data);
    if (fixCrc) view.setUint32(p + 8 + len, crc32(out.subarray(p + 4, p + 8 + len)) >>> 0);
    p += 12 + len;
  }
  return out;
}

/** A legal `width`x`height` 8-bit PNG (grey, RGB or RGBA by `colorType`) of zeros, deflated row by row so the test stays small. */
export async function hugePng(width: number, height: number, colorType = 0): Promise<Uint8Array> {
  const channels = { 0: 1, 2: 3, 6: 4 }[colorType as 0 | 2 | 6];
  const row = new Uint8Array(1 + width * channels);
  const z = createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  z.on("data", (d: Buffer) => parts.push(d));
  const ended = new Promise((resolve) => z.on("end", resolve));
  for (let y = 0; y < height; y++) if (!z.write(row)) await new Promise((r) => z.once("drain", r));
  z.end();
  await ended;
  const idat = new Uint8Array(Buffer.concat(parts));
  const chunk = (type: string, data: Uint8Array) => {
    const b = new Uint8Array(12 + data.length);
    const v = new DataView(b.buffer);
    v.setUint32(0, data.length);
    b.set(
      [...type].map((c) => c.charCodeAt(0)),
      4,
    );
    b.set(data, 8);
    v.setUint32(8 + data.length, crc32(b.subarray(4, 8 + data.length)) >>> 0);
    return b;
  };
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  const all = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", idat),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(all.reduce((a, b) => a + b.length, 0));
  let p = 0;
  for (const part of all) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

// ---------- .npy ----------

/** A .npy v1 file with `header` as its dict text (padded as NumPy does) and `data` after it. */
export function npyBytes(header: string, data: Uint8Array): Uint8Array {
  let text = header;
  const total = 10 + text.length + 1;
  text += " ".repeat((64 - (total % 64)) % 64);
  text += "\n";
  const out = new Uint8Array(10 + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, text.length, true);
  out.set(new TextEncoder().encode(text), 10);
  out.set(data, 10 + text.length);
  return out;
}

// ---------- NIfTI-1 ----------

export interface NiftiFields {
  /** The NIfTI dim[] array: [ndim, size 1, size 2, ...]. */
  dims: number[];
  datatype: number;
  bitpix: number;
  voxOffset?: number;
}

/** A single-file NIfTI-1 (.nii): the 348-byte header, 4 bytes of extension flag, then `data`. */
export function niftiBytes(f: NiftiFields, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(352 + data.length);
  const v = new DataView(out.buffer);
  v.setInt32(0, 348, true);
  // dim[0] is the number of dimensions, dim[1..7] their sizes
  for (let i = 0; i < 8; i++) v.setInt16(40 + i * 2, f.dims[i] ?? 1, true);
  v.setInt16(70, f.datatype, true);
  v.setInt16(72, f.bitpix, true);
  for (let i = 0; i < 8; i++) v.setFloat32(76 + i * 4, 1, true);
  v.setFloat32(108, f.voxOffset ?? 352, true);
  v.setFloat32(112, 1, true); // scl_slope
  out.set([0x6e, 0x2b, 0x31, 0], 344); // "n+1\0"
  out.set(data, 352);
  return out;
}
