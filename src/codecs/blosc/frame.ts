/**
 * The Blosc1 frame ("format version 2"), as c-blosc 1.x writes it:
 *
 *   0  version (2)      1  versionlz (1)    2  flags            3  typesize
 *   4  nbytes (u32 LE, decoded size)        8  blocksize (u32 LE)
 *   12 cbytes (u32 LE, whole frame size)    16 one i32 start offset per block, then the blocks
 *
 * flags: bit 0 byte shuffle, bit 1 memcpyed (data stored raw after the 16-byte header), bit 2 bit
 * shuffle, bit 4 "don't split", bits 5-7 the inner compressor's format. A block holds `nsplits`
 * streams, each an i32 compressed size then the bytes; a size equal to the stream's decoded size
 * means the stream is stored raw.
 */

export const HEADER_SIZE = 16;
/** c-blosc stores buffers shorter than this raw. */
export const MIN_BUFFERSIZE = 128;
/** c-blosc splits a block into one stream per byte plane only up to this typesize. */
export const MAX_SPLITS = 16;
export const MAX_TYPESIZE = 255;
export const MAX_BUFFERSIZE = 2 ** 31 - 1 - HEADER_SIZE;

export const FLAG_SHUFFLE = 0x01;
export const FLAG_MEMCPYED = 0x02;
export const FLAG_BITSHUFFLE = 0x04;
export const FLAG_DONT_SPLIT = 0x10;

export const CNAMES = ["blosclz", "lz4", "lz4hc", "snappy", "zlib", "zstd"] as const;
export type Cname = (typeof CNAMES)[number];

/** Format code in flags bits 5-7 (lz4hc writes LZ4 blocks, so it shares lz4's code). */
export const FORMAT_CODE: Record<Cname, number> = {
  blosclz: 0,
  lz4: 1,
  lz4hc: 1,
  snappy: 2,
  zlib: 3,
  zstd: 4,
};
export const FORMAT_NAME = ["blosclz", "lz4", "snappy", "zlib", "zstd"];

export interface FrameHeader {
  version: number;
  versionlz: number;
  flags: number;
  typesize: number;
  nbytes: number;
  blocksize: number;
  cbytes: number;
}

export function readHeader(frame: Uint8Array): FrameHeader {
  const v = new DataView(frame.buffer, frame.byteOffset, frame.length);
  return {
    version: frame[0],
    versionlz: frame[1],
    flags: frame[2],
    typesize: frame[3],
    nbytes: v.getUint32(4, true),
    blocksize: v.getUint32(8, true),
    cbytes: v.getUint32(12, true),
  };
}

export function writeHeader(out: Uint8Array, h: FrameHeader): void {
  const v = new DataView(out.buffer, out.byteOffset, HEADER_SIZE);
  out[0] = h.version;
  out[1] = h.versionlz;
  out[2] = h.flags;
  out[3] = h.typesize;
  v.setUint32(4, h.nbytes, true);
  v.setUint32(8, h.blocksize, true);
  v.setUint32(12, h.cbytes, true);
}

/**
 * Whether c-blosc 1.21 (in its default "forward compatible" split mode) splits blocks into one
 * stream per byte plane: for every codec but zstd, when typesize <= 16 and the block holds at least
 * 128 elements. Writing the same layout keeps our frames readable by the oldest c-blosc decoders.
 */
export function splitsBlocks(cname: Cname, typesize: number, blocksize: number): boolean {
  return cname !== "zstd" && typesize <= MAX_SPLITS && Math.floor(blocksize / typesize) >= MIN_BUFFERSIZE;
}

/** Streams per block when decoding, as c-blosc decides it (leftover blocks are never split). */
export function streamsPerBlock(flags: number, typesize: number, bsize: number, leftover: boolean): number {
  const split =
    !(flags & FLAG_DONT_SPLIT) &&
    typesize <= MAX_SPLITS &&
    Math.floor(bsize / typesize) >= MIN_BUFFERSIZE &&
    !leftover;
  return split ? typesize : 1;
}
