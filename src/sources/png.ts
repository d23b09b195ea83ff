/**
 * PNG slices through fast-png. PNG is one deflate stream per image, so a slice is always decoded
 * whole; the stack reader caches a few decoded slices for that reason.
 *
 * Grey and grey+alpha keep their samples (8 or 16 bit; 1/2/4-bit grey is widened to uint8);
 * RGB/RGBA become 3/4 channels; palette images become their RGB colours (palette alpha is dropped).
 */
import { crc32 } from "@node-rs/crc32";
import { convertIndexedToRgb, decode } from "fast-png";
import type { DataType } from "../dtype/index.js";
import { UnsupportedError, ValueError } from "../errors.js";
import { FileBytes } from "./byte-source.js";
import { num } from "./format.js";

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export interface SliceInfo {
  width: number;
  height: number;
  channels: number;
  dtype: DataType;
}

/** The IHDR fields the row decoder needs besides the sample layout. */
export interface PngHeader extends SliceInfo {
  depth: number;
  colorType: number;
  interlaced: boolean;
}

export interface DecodedSlice extends SliceInfo {
  /** Interleaved samples, C order [y, x, channel]. */
  data: Uint8Array | Uint16Array;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 };

/**
 * Image size and sample layout from the IHDR chunk, which the PNG spec fixes at bytes 8..33;
 * read by hand so that checking a stack of thousands of slices does not decode any of them.
 */
export async function readPngInfo(path: string): Promise<PngHeader> {
  const bytes = await FileBytes.open(path);
  let head: Uint8Array;
  try {
    const size = await bytes.size();
    head = await bytes.read(0, Math.min(size, 33));
  } finally {
    await bytes.close();
  }
  return pngInfo(head, path);
}

/** Bit depths the PNG specification allows per colour type (table 11.1). */
const DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
/** PNG limits width and height to 2^31 - 1. */
const MAX_SIDE = 2 ** 31 - 1;

function chunkCrcOk(bytes: Uint8Array, at: number, length: number): boolean {
  const stored = new DataView(bytes.buffer, bytes.byteOffset + at + 8 + length, 4).getUint32(0);
  return crc32(bytes.subarray(at + 4, at + 8 + length)) >>> 0 === stored;
}

function pngInfo(head: Uint8Array, path: string): PngHeader {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (!PNG_SIGNATURE.every((b, i) => head[i] === b)) throw new ValueError(`${path} is not a PNG file`);
  if (head.length < 33)
    throw new ValueError(`${path}: a PNG needs its 33-byte header but the file has ${head.length} bytes`);
  if (String.fromCharCode(...head.subarray(12, 16)) !== "IHDR" || view.getUint32(8) !== 13) {
    throw new ValueError(`${path}: the first PNG chunk must be a 13-byte IHDR`);
  }
  if (!chunkCrcOk(head, 8, 13)) throw new ValueError(`${path}: the PNG IHDR chunk fails its CRC check`);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const depth = head[24];
  const colorType = head[25];
  if (!(width >= 1 && width <= MAX_SIDE))
    throw new ValueError(`${path}: PNG width ${num(width)} must be 1..${num(MAX_SIDE)}`);
  if (!(height >= 1 && height <= MAX_SIDE))
    throw new ValueError(`${path}: PNG height ${num(height)} must be 1..${num(MAX_SIDE)}`);
  const channels = CHANNELS[colorType];
  if (channels === undefined || !DEPTHS[colorType].includes(depth)) {
    throw new ValueError(`${path}: invalid PNG colour type ${colorType} / bit depth ${depth}`);
  }
  if (head[26] !== 0 || head[27] !== 0 || head[28] > 1) {
    throw new ValueError(
      `${path}: PNG compression ${head[26]}, filter ${head[27]}, interlace ${head[28]}: must be 0, 0, 0 or 1`,
    );
  }
  return {
    width,
    height,
    channels,
    dtype: depth === 16 ? "uint16" : "uint8",
    depth,
    colorType,
    interlaced: head[28] === 1,
  };
}

/** Messages of the chunk walk, shared by the whole-file check and the row decoder. */
export const chunkFaults = {
  truncated: (path: string, size: number) =>
    new ValueError(
      `${path}: the PNG ends at byte ${num(size)} before its IEND chunk (the file is truncated)`,
    ),
  pastEnd: (path: string, index: number, type: string, end: number, size: number) =>
    new ValueError(
      `${path}: PNG chunk ${index} (${type}) ends at byte ${num(end)}, past the end of the ${num(size)}-byte file`,
    ),
  crc: (path: string, type: string, index: number, at: number) =>
    new ValueError(
      `${path}: PNG ${type} chunk ${index} at byte ${num(at)} fails its CRC check (the file is corrupt)`,
    ),
  noIdat: (path: string) => new ValueError(`${path}: the PNG has no IDAT chunk (no pixel data)`),
  short: (path: string, got: number, width: number, height: number, need: number) =>
    new ValueError(
      `${path}: the PNG's pixel data inflates to ${num(got)} bytes but ${width}x${height} needs ${num(need)} (truncated or corrupt IDAT)`,
    ),
};

/** Walks the chunk list: every chunk inside the file with a correct CRC, IDAT present, IEND last. */
function checkChunks(bytes: Uint8Array, path: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  let idat = false;
  for (let index = 0; ; index++) {
    if (at + 12 > bytes.length) throw chunkFaults.truncated(path, bytes.length);
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const end = at + 12 + length;
    if (end > bytes.length) throw chunkFaults.pastEnd(path, index, type, end, bytes.length);
    if (!chunkCrcOk(bytes, at, length)) throw chunkFaults.crc(path, type, index, at);
    if (type === "IDAT") idat = true;
    if (type === "IEND") break;
    at = end;
  }
  if (!idat) throw chunkFaults.noIdat(path);
}

/** Decodes a whole PNG into interleaved samples as described by `readPngInfo`. */
export function decodePng(bytes: Uint8Array, path: string): DecodedSlice {
  const info = pngInfo(bytes.subarray(0, 33), path);
  checkChunks(bytes, path);
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes);
  } catch (e) {
    throw new ValueError(`${path}: cannot decode PNG: ${(e as Error).message}`);
  }
  const bits = png.depth * (png.palette ? 1 : png.channels);
  const need = Math.ceil((png.width * bits) / 8) * png.height;
  if (png.data.byteLength < need)
    throw chunkFaults.short(path, png.data.byteLength, png.width, png.height, need);
  const { width, height } = png;
  if (png.palette) {
    const rgb = convertIndexedToRgb(png);
    const perPixel = png.palette[0]?.length ?? 3;
    if (perPixel === 3) return { ...info, data: rgb };
    const out = new Uint8Array(width * height * 3);
    for (let i = 0, j = 0; i < out.length; i += 3, j += perPixel) {
      out[i] = rgb[j];
      out[i + 1] = rgb[j + 1];
      out[i + 2] = rgb[j + 2];
    }
    return { ...info, data: out };
  }
  if (png.depth === 16 || png.depth === 8) {
    const data = png.data instanceof Uint8ClampedArray ? new Uint8Array(png.data.buffer) : png.data;
    return { ...info, data };
  }
  if (png.channels !== 1)
    throw new UnsupportedError(`${path}: ${png.depth}-bit PNG with ${png.channels} channels`);
  // 1/2/4-bit grey: rows are packed, most significant bits first, each row starting on a byte.
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * png.depth) / 8);
  const mask = (1 << png.depth) - 1;
  const packed = png.data as Uint8Array;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * png.depth;
      const byte = packed[y * rowBytes + (bit >> 3)];
      out[y * width + x] = (byte >> (8 - png.depth - (bit & 7))) & mask;
    }
  }
  return { ...info, data: out };
}
