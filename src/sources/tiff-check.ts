/**
 * The checks geotiff does not make before it trusts a TIFF: geotiff follows IFD links without
 * looking for loops or the end of the file, reads strips at any offset (a read past the end comes back
 * short and decodes to zeros), and decodes whatever BitsPerSample/RowsPerStrip/tile size says, even 0.
 *
 * Hand-written because no maintained JavaScript TIFF library validates a file's structure: the walk
 * below reads only the IFD headers (entry count, each entry's type/count/offset, the next link), which
 * the TIFF 6.0 and BigTIFF specifications fix in a few lines; geotiff still parses the values.
 */
import type { GeoTIFFImage } from "geotiff";
import { UnsupportedError, ValueError } from "../errors.js";
import { FileBytes } from "./byte-source.js";
import { num } from "./format.js";

/** Bytes per value of each TIFF field type (1..13 classic, 16..18 BigTIFF). */
const TYPE_SIZE: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
  16: 8,
  17: 8,
  18: 8,
};

/** Compression codes geotiff decodes (6, old-style JPEG, it refuses itself). */
export const COMPRESSIONS: Record<number, string> = {
  1: "none",
  5: "LZW",
  7: "JPEG",
  8: "deflate",
  32946: "deflate",
  32773: "PackBits",
  34887: "LERC",
  50000: "zstd",
  50001: "WebP",
};

const TAG_NAMES: Record<number, string> = {
  273: "StripOffsets",
  279: "StripByteCounts",
  324: "TileOffsets",
  325: "TileByteCounts",
};

/** Bytes one strip or tile may decode to when the caller gives no limit. */
export const DEFAULT_BLOCK_LIMIT = 2 ** 30;

export interface TiffStructure {
  /** Number of IFDs (pages) in the chain. */
  pages: number;
  /** File size in bytes. */
  size: number;
}

/**
 * Walks the IFD chain of `path`: every IFD and every out-of-line tag value must lie inside the file,
 * and no IFD may be visited twice. Returns the page count and file size.
 */
export async function checkTiffStructure(path: string): Promise<TiffStructure> {
  const bytes = await FileBytes.open(path);
  try {
    const size = await bytes.size();
    const past = (what: string, end: number) =>
      new ValueError(`${path}: ${what} ends at byte ${num(end)}, past the end of the ${num(size)}-byte file`);
    if (size < 8) throw new ValueError(`${path}: a TIFF header needs 8 bytes but the file has ${num(size)}`);
    const head = await bytes.read(0, Math.min(size, 16));
    const le = head[0] === 0x49 && head[1] === 0x49;
    if (!le && !(head[0] === 0x4d && head[1] === 0x4d)) {
      throw new ValueError(
        `${path} is not a readable TIFF: it does not start with the II or MM byte-order mark`,
      );
    }
    const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
    const magic = view(head).getUint16(2, le);
    if (magic !== 42 && magic !== 43)
      throw new ValueError(`${path}: TIFF version ${magic} is neither 42 nor 43`);
    const big = magic === 43;
    if (big && size < 16) throw past("the BigTIFF header", 16);
    const offsetOf = (v: DataView, at: number) =>
      big ? Number(v.getBigUint64(at, le)) : v.getUint32(at, le);
    const countSize = big ? 8 : 2;
    const entrySize = big ? 20 : 12;
    const linkSize = big ? 8 : 4;
    const inline = big ? 8 : 4;

    let offset = offsetOf(view(head), big ? 8 : 4);
    const seen = new Map<number, number>();
    let index = 0;
    while (offset !== 0) {
      const where = `IFD ${index}${index === 0 ? " (from the header)" : ` (linked from IFD ${index - 1})`} at byte ${num(offset)}`;
      const before = seen.get(offset);
      if (before !== undefined)
        throw new ValueError(`${path}: ${where} is IFD ${before} again: the IFD chain loops`);
      seen.set(offset, index);
      if (offset + countSize > size) throw past(where, offset + countSize);
      const countView = view(await bytes.read(offset, countSize));
      const n = big ? Number(countView.getBigUint64(0, le)) : countView.getUint16(0, le);
      if (n === 0) throw new ValueError(`${path}: ${where} has no entries`);
      const end = offset + countSize + n * entrySize + linkSize;
      if (end > size) throw past(`${where} with ${num(n)} entries`, end);
      const ifd = view(await bytes.read(offset + countSize, n * entrySize + linkSize));
      for (let e = 0; e < n; e++) {
        const at = e * entrySize;
        const tag = ifd.getUint16(at, le);
        const type = ifd.getUint16(at + 2, le);
        const count = big ? Number(ifd.getBigUint64(at + 4, le)) : ifd.getUint32(at + 4, le);
        const typeSize = TYPE_SIZE[type];
        if (typeSize === undefined) continue; // unknown types are skipped, as the spec asks readers to
        const length = count * typeSize;
        if (length <= inline) continue;
        const valueAt = offsetOf(ifd, at + (big ? 12 : 8));
        if (valueAt + length > size) {
          throw past(
            `IFD ${index} tag ${tag}${TAG_NAMES[tag] ? ` (${TAG_NAMES[tag]})` : ""} with ${num(count)} values from byte ${num(valueAt)}`,
            valueAt + length,
          );
        }
      }
      offset = offsetOf(ifd, n * entrySize);
      index++;
    }
    if (index === 0)
      throw new ValueError(`${path}: the TIFF header points to no IFD (offset 0): the file holds no image`);
    return { pages: index, size };
  } finally {
    await bytes.close();
  }
}

function numberList(value: unknown): number[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "number" || typeof value === "bigint") return [Number(value)];
  return Array.from(value as ArrayLike<number | bigint>, Number);
}

/**
 * Checks one page's image tags against the TIFF rules and the file size before any pixel is read:
 * sizes and sample layout non-zero, a compression geotiff decodes, strips/tiles of the right number,
 * each inside the file, each uncompressed one large enough for its rows, none decoding to more than
 * `blockLimit` bytes.
 */
export async function checkTiffPage(
  image: GeoTIFFImage,
  path: string,
  page: number,
  fileSize: number,
  blockLimit = DEFAULT_BLOCK_LIMIT,
): Promise<void> {
  const fd = image.fileDirectory;
  const at = `${path}: page ${page}`;
  const tag = async (name: string) => numberList(await fd.loadValue(name as never));
  const one = async (name: string) => (await tag(name))[0];
  const width = await one("ImageWidth");
  const height = await one("ImageLength");
  if (!(width >= 1)) throw new ValueError(`${at}: ImageWidth ${width ?? "(missing)"} must be at least 1`);
  if (!(height >= 1)) throw new ValueError(`${at}: ImageLength ${height ?? "(missing)"} must be at least 1`);
  const spp = (await one("SamplesPerPixel")) ?? 1;
  if (!(spp >= 1)) throw new ValueError(`${at}: SamplesPerPixel ${spp} must be at least 1`);
  const bps = await tag("BitsPerSample");
  const bits = bps.length === 0 ? [1] : bps;
  for (const b of bits) {
    if (!(b >= 1 && b <= 64)) throw new ValueError(`${at}: BitsPerSample ${b} must be 1..64`);
  }
  const compression = (await one("Compression")) ?? 1;
  if (!(compression in COMPRESSIONS)) {
    throw new UnsupportedError(
      `${at}: Compression ${compression} is not supported (supported: ${Object.entries(COMPRESSIONS)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")})`,
    );
  }
  const planar = (await one("PlanarConfiguration")) ?? 1;
  if (planar !== 1 && planar !== 2)
    throw new ValueError(`${at}: PlanarConfiguration ${planar} must be 1 or 2`);
  const predictor = (await one("Predictor")) ?? 1;
  if (![1, 2, 3].includes(predictor))
    throw new UnsupportedError(`${at}: Predictor ${predictor} is not 1, 2 or 3`);

  const tiled = fd.hasTag("TileWidth" as never) || fd.hasTag("TileOffsets" as never);
  let blockWidth: number;
  let blockHeight: number;
  let across: number;
  let down: number;
  if (tiled) {
    blockWidth = (await one("TileWidth")) ?? 0;
    blockHeight = (await one("TileLength")) ?? 0;
    if (!(blockWidth >= 1)) throw new ValueError(`${at}: TileWidth ${blockWidth} must be at least 1`);
    if (!(blockHeight >= 1)) throw new ValueError(`${at}: TileLength ${blockHeight} must be at least 1`);
    across = Math.ceil(width / blockWidth);
    down = Math.ceil(height / blockHeight);
  } else {
    const rps = (await one("RowsPerStrip")) ?? height;
    if (!(rps >= 1)) throw new ValueError(`${at}: RowsPerStrip ${rps} must be at least 1`);
    blockWidth = width;
    blockHeight = Math.min(rps, height);
    across = 1;
    down = Math.ceil(height / blockHeight);
  }
  const planes = planar === 2 ? spp : 1;
  const expected = across * down * planes;
  const kind = tiled ? "tile" : "strip";
  const offsets = await tag(tiled ? "TileOffsets" : "StripOffsets");
  const counts = await tag(tiled ? "TileByteCounts" : "StripByteCounts");
  const offName = tiled ? "TileOffsets" : "StripOffsets";
  const countName = tiled ? "TileByteCounts" : "StripByteCounts";
  if (offsets.length < expected) {
    throw new ValueError(
      `${at}: ${offName} has ${num(offsets.length)} entries but the image needs ${num(expected)} ${kind}s`,
    );
  }
  if (counts.length < expected) {
    throw new ValueError(
      `${at}: ${countName} has ${num(counts.length)} entries but the image needs ${num(expected)} ${kind}s`,
    );
  }
  // one BitsPerSample value stands for every sample (geotiff reads it so too)
  const sampleBits = (s: number) => bits[Math.min(s, bits.length - 1)];
  let pixelBits = sampleBits(0);
  if (planar === 1) for (let s = 1; s < spp; s++) pixelBits += sampleBits(s);
  const rowBytes = Math.ceil((blockWidth * pixelBits) / 8);
  const blockBytes = rowBytes * blockHeight;
  for (let k = 0; k < expected; k++) {
    const name = `${kind} ${k} of page ${page}`;
    if (blockBytes > blockLimit) {
      throw new UnsupportedError(
        `${path}: ${name} decodes to ${num(blockBytes)} bytes, more than the ${num(blockLimit)} bytes one ${kind} may take (raise --memory-target / memoryLimit, or rewrite the file with smaller ${kind}s)`,
      );
    }
    const count = counts[k];
    if (count === 0) continue; // a sparse block: geotiff fills it with the no-data value, as GDAL writes them
    const end = offsets[k] + count;
    if (end > fileSize) {
      throw new ValueError(
        `${path}: ${name} ends at byte ${num(end)}, past the end of the ${num(fileSize)}-byte file`,
      );
    }
    if (compression === 1) {
      const rows = tiled ? blockHeight : Math.min(blockHeight, height - (k % down) * blockHeight);
      const need = rows * rowBytes;
      if (count < need) {
        throw new ValueError(
          `${path}: ${name} holds ${num(count)} bytes but its ${num(rows)} rows need ${num(need)} (uncompressed)`,
        );
      }
    }
  }
}
