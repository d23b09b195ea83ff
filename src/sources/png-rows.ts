/**
 * A PNG decoded row by row: the chunks are walked straight from the file (each CRC checked as it
 * passes), the IDAT bytes stream through node:zlib, and every row is unfiltered as soon as it is
 * complete, so decoding holds two rows and zlib's state, never the image. The rows come out as the
 * samples `decodePng` gives (C order [y, x, channel]; 16-bit samples big-endian as stored;
 * palette → RGB; 1/2/4-bit grey widened to bytes), through StreamedBytes for region reads.
 *
 * Why by hand: fast-png (used for the whole decode) and the other maintained JS decoders (pngjs,
 * UPNG) inflate and unfilter the whole image into one buffer, with no row callback. Unfiltering
 * is the five filters of PNG spec section 9 (None, Sub, Up, Average, Paeth), a few lines each.
 * Interlaced (Adam7) images are not streamed: their passes cover the whole image (see stack.ts).
 */
import { pipeline, Readable } from "node:stream";
import { createInflate } from "node:zlib";
import { crc32 } from "@node-rs/crc32";
import { ValueError, ZarrsmithError } from "../errors.js";
import { readFully } from "../store/source.js";
import { openFile } from "./byte-source.js";
import { num } from "./format.js";
import { chunkFaults, type PngHeader } from "./png.js";
import type { ForwardStream } from "./streamed-bytes.js";

/** Compressed bytes read from the file at once. */
const READ_PIECE = 64 * 1024;
/** Decoded rows are handed on in pieces of at least this many bytes. */
const OUT_PIECE = 64 * 1024;

/** Bytes per decoded row (what the stream produces per image row). */
export function decodedRowBytes(h: PngHeader): number {
  return h.width * h.channels * (h.depth === 16 ? 2 : 1);
}

/** Bytes of the IDAT chunks of `path`, checking every chunk (bounds, CRC, IDAT present, IEND last). */
async function* idatBytes(path: string, onPalette: (plte: Uint8Array) => void): AsyncGenerator<Uint8Array> {
  const handle = await openFile(path);
  try {
    const size = (await handle.stat()).size;
    const head = new Uint8Array(8);
    let idat = false;
    for (let index = 0, at = 8; ; index++) {
      if (at + 12 > size) throw chunkFaults.truncated(path, size);
      await readFully(handle, path, at, 8, head);
      const length = new DataView(head.buffer).getUint32(0);
      const type = String.fromCharCode(...head.subarray(4, 8));
      const end = at + 12 + length;
      if (end > size) throw chunkFaults.pastEnd(path, index, type, end, size);
      let crc = crc32(head.subarray(4, 8));
      const keep = type === "PLTE" ? new Uint8Array(length) : undefined;
      for (let done = 0; done < length; ) {
        const n = Math.min(READ_PIECE, length - done);
        const piece = await readFully(handle, path, at + 8 + done, n);
        crc = crc32(piece, crc);
        keep?.set(piece, done);
        done += n;
        // the IDAT bytes go on before the chunk's CRC is read; a bad CRC still fails the decode
        if (type === "IDAT") yield piece;
      }
      const stored = new DataView((await readFully(handle, path, at + 8 + length, 4)).buffer).getUint32(0);
      if (stored !== crc >>> 0) throw chunkFaults.crc(path, type, index, at);
      if (keep) onPalette(keep);
      if (type === "IDAT") idat = true;
      if (type === "IEND") break;
      at = end;
    }
    if (!idat) throw chunkFaults.noIdat(path);
  } finally {
    await handle.close().catch(() => {});
  }
}

/** Reverses one row's filter in place (`prev` is the unfiltered row above, zeros for the first). */
function unfilter(
  filter: number,
  row: Uint8Array,
  prev: Uint8Array,
  bpp: number,
  path: string,
  y: number,
): void {
  const n = row.length;
  switch (filter) {
    case 0:
      return;
    case 1:
      for (let i = bpp; i < n; i++) row[i] = (row[i] + row[i - bpp]) & 0xff;
      return;
    case 2:
      for (let i = 0; i < n; i++) row[i] = (row[i] + prev[i]) & 0xff;
      return;
    case 3:
      for (let i = 0; i < n; i++) row[i] = (row[i] + (((i >= bpp ? row[i - bpp] : 0) + prev[i]) >> 1)) & 0xff;
      return;
    case 4:
      for (let i = 0; i < n; i++) {
        const a = i >= bpp ? row[i - bpp] : 0;
        const b = prev[i];
        const c = i >= bpp ? prev[i - bpp] : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        row[i] = (row[i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 0xff;
      }
      return;
    default:
      throw new ValueError(`${path}: PNG row ${num(y)} has filter type ${filter}; PNG defines 0..4`);
  }
}

/**
 * The decoded rows of a non-interlaced PNG, front to back. Fails (naming the file) on a bad chunk,
 * a bad filter byte, a palette index past the palette, or pixel data shorter or longer than the image.
 */
export function pngRowStream(path: string, h: PngHeader): ForwardStream {
  const bitsPerPixel = h.depth * (h.colorType === 3 ? 1 : h.channels);
  const filtered = Math.ceil((h.width * bitsPerPixel) / 8);
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const outRow = decodedRowBytes(h);
  let palette: Uint8Array | undefined;
  const inflate = createInflate();
  const source = Readable.from(
    idatBytes(path, (plte) => {
      palette = plte;
    }),
  );
  pipeline(source, inflate, () => {});
  const inflated = inflate[Symbol.asyncIterator]() as AsyncIterator<Buffer>;

  let row = new Uint8Array(filtered);
  let prev = new Uint8Array(filtered);
  let filter = -1;
  let fill = 0;
  let y = 0;
  let total = 0;
  const rowsPerPiece = Math.max(1, Math.floor(OUT_PIECE / outRow));

  /** Writes unfiltered `row` as samples into `out` at `at`. */
  const convert = (out: Uint8Array, at: number) => {
    if (h.colorType === 3) {
      const p = palette;
      if (!p)
        throw new ValueError(`${path}: a palette PNG (colour type 3) needs a PLTE chunk before its IDAT`);
      const entries = p.length / 3;
      for (let x = 0; x < h.width; x++) {
        const bit = x * h.depth;
        const index = (row[bit >> 3] >> (8 - h.depth - (bit & 7))) & ((1 << h.depth) - 1);
        if (index >= entries) {
          throw new ValueError(
            `${path}: PNG pixel (${x}, ${y}) uses palette index ${index} but the PLTE has ${entries} entries`,
          );
        }
        out.set(p.subarray(index * 3, index * 3 + 3), at + x * 3);
      }
    } else if (h.depth < 8) {
      const mask = (1 << h.depth) - 1;
      for (let x = 0; x < h.width; x++) {
        const bit = x * h.depth;
        out[at + x] = (row[bit >> 3] >> (8 - h.depth - (bit & 7))) & mask;
      }
    } else {
      out.set(row, at);
    }
  };

  const release = () => {
    source.destroy();
    inflate.destroy();
  };

  let pending: Buffer | undefined;
  let pendingAt = 0;
  const excess = () => {
    release();
    return new ValueError(
      `${path}: the PNG's pixel data inflates past the ${num(total)} bytes that ${h.width}x${h.height} needs (corrupt IDAT)`,
    );
  };
  /** The next inflated piece; zlib's own errors become a ValueError naming the file. */
  const inflateNext = async () => {
    try {
      return await inflated.next();
    } catch (e) {
      release();
      if (e instanceof ZarrsmithError) throw e;
      throw new ValueError(`${path}: cannot inflate the PNG's pixel data (${(e as Error).message})`);
    }
  };
  return {
    async next() {
      if (y >= h.height) {
        if (pending && pendingAt < pending.length) throw excess();
        // every row is out: the pixel data must end here (the rest of the file is still checked)
        for (;;) {
          const more = await inflateNext();
          if (more.done) break;
          if (more.value.length > 0) throw excess();
        }
        return { done: true, value: undefined };
      }
      const rows = Math.min(rowsPerPiece, h.height - y);
      const out = new Uint8Array(rows * outRow);
      let made = 0;
      while (made < rows) {
        if (!pending || pendingAt >= pending.length) {
          const next = await inflateNext();
          if (next.done) {
            release();
            const need = (filtered + 1) * h.height;
            throw chunkFaults.short(path, total, h.width, h.height, need);
          }
          pending = next.value;
          pendingAt = 0;
        }
        while (pendingAt < pending.length && made < rows) {
          if (filter < 0) {
            filter = pending[pendingAt++];
            total++;
            continue;
          }
          const take = Math.min(filtered - fill, pending.length - pendingAt);
          row.set(pending.subarray(pendingAt, pendingAt + take), fill);
          pendingAt += take;
          fill += take;
          total += take;
          if (fill === filtered) {
            unfilter(filter, row, prev, bpp, path, y);
            convert(out, made * outRow);
            [row, prev] = [prev, row];
            filter = -1;
            fill = 0;
            y++;
            made++;
          }
        }
      }
      return { done: false, value: out };
    },
    async return() {
      release();
      return { done: true, value: undefined };
    },
  };
}
