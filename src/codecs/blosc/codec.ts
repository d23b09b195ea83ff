/**
 * The `blosc` codec (v3 extension and numcodecs' `blosc`), writing and reading Blosc1 frames.
 *
 * Why by hand: the frame's shuffle must use the data's real typesize, and no JS/WASM build of c-blosc
 * exposes it (numcodecs.js fixes typesize to 1, so its "shuffle" does nothing). The container and
 * the shuffles are simple (see frame.ts, shuffle.ts); the compression inside each stream is done by
 * libraries: zstd-napi, lz4-napi, zlib. blosclz and snappy have no JS library, so frames using them
 * are decoded by numcodecs' WASM c-blosc and refused when encoding.
 */
import { CodecError, type Issue } from "../../errors.js";
import { bloscFrameDecoder, deflateBackend, lz4Backend, zstdBackend } from "../backends.js";
import { lz4SizeIsPlausible } from "../compressors/lz4.js";
import { assertValid, type Config, checkEnum, checkInt } from "../config.js";
import type { BytesToBytesCodec, V3CodecJSON } from "../types.js";
import {
  CNAMES,
  type Cname,
  FLAG_BITSHUFFLE,
  FLAG_DONT_SPLIT,
  FLAG_MEMCPYED,
  FLAG_SHUFFLE,
  FORMAT_CODE,
  FORMAT_NAME,
  HEADER_SIZE,
  MAX_BUFFERSIZE,
  MAX_TYPESIZE,
  MIN_BUFFERSIZE,
  readHeader,
  splitsBlocks,
  streamsPerBlock,
  writeHeader,
} from "./frame.js";
import { bitShuffle, bitUnshuffle, byteShuffle, byteUnshuffle } from "./shuffle.js";

/** 0 none, 1 byte shuffle, 2 bit shuffle (numcodecs' numbering; -1 "auto" is resolved before). */
export type ShuffleMode = 0 | 1 | 2;
export const SHUFFLE_NAMES = ["noshuffle", "shuffle", "bitshuffle"] as const;
export type ShuffleName = (typeof SHUFFLE_NAMES)[number];

export interface BloscOptions {
  cname: Cname;
  clevel: number;
  shuffle: ShuffleMode;
  /** Bytes per element, used by the shuffles and the stream split. */
  typesize: number;
  /** 0 picks one automatically (see `chooseBlocksize`). */
  blocksize: number;
}

/** Checks a numcodecs-style config (`shuffle` as -1/0/1/2). */
export function checkBloscV2Config(config: Config, path: string): Issue[] {
  return [
    ...checkEnum(config, "cname", path, CNAMES),
    ...checkInt(config, "clevel", path, { min: 0, max: 9 }),
    ...checkEnum(config, "shuffle", path, [-1, 0, 1, 2]),
    ...checkInt(config, "blocksize", path, { min: 0 }),
    ...checkInt(config, "typesize", path, { min: 1 }),
  ];
}

/** Checks a v3 `blosc` config (`shuffle` as a name). */
export function checkBloscV3Config(config: Config, path: string): Issue[] {
  return [
    ...checkEnum(config, "cname", path, CNAMES, true),
    ...checkInt(config, "clevel", path, { min: 0, max: 9, required: true }),
    ...checkEnum(config, "shuffle", path, SHUFFLE_NAMES, true),
    ...checkInt(config, "typesize", path, { min: 1 }),
    ...checkInt(config, "blocksize", path, { min: 0 }),
  ];
}

/** Resolves numcodecs' AUTOSHUFFLE (-1): bit shuffle for single bytes, byte shuffle otherwise. */
export function resolveShuffle(shuffle: number, typesize: number): ShuffleMode {
  if (shuffle === -1) return typesize === 1 ? 2 : 1;
  return shuffle as ShuffleMode;
}

/**
 * Block size when `blocksize` is 0. c-blosc sizes blocks for its thread pool and CPU caches (tens of
 * KB). Here blocks are compressed one after another, each with a native call of fixed cost, so
 * larger blocks are faster and compress better: 256 KiB-1 MiB for zstd/zlib/lz4hc (by clevel),
 * 64-256 KiB for lz4. A 64^3 uint16 chunk (512 KiB) is then one zstd block at clevel 4-6. Blocks are
 * a multiple of 8 elements so bit shuffle applies to every full block.
 */
export function chooseBlocksize(o: BloscOptions, nbytes: number): number {
  const ts = o.typesize;
  if (nbytes < ts) return Math.max(nbytes, 1);
  let target: number;
  if (o.blocksize > 0) {
    target = Math.max(o.blocksize, MIN_BUFFERSIZE);
  } else {
    const heavy = o.cname === "zstd" || o.cname === "zlib" || o.cname === "lz4hc";
    const base = heavy ? 256 * 1024 : 64 * 1024;
    target = o.clevel <= 3 ? base : o.clevel <= 6 ? base * 2 : base * 4;
  }
  if (target >= nbytes) target = nbytes;
  const unit = o.shuffle === 2 && target >= 8 * ts ? 8 * ts : ts;
  return target > unit ? target - (target % unit) : target;
}

export class BloscCodec implements BytesToBytesCodec {
  readonly kind = "bytes_to_bytes";
  readonly options: Readonly<BloscOptions>;

  constructor(options: BloscOptions) {
    const issues = checkBloscV2Config({ ...options }, "blosc");
    if (options.typesize === undefined) issues.push({ path: "blosc.typesize", message: "is required" });
    assertValid("blosc codec configuration", issues);
    // c-blosc treats types wider than 255 bytes as a byte stream.
    const typesize = options.typesize > MAX_TYPESIZE ? 1 : options.typesize;
    this.options = { ...options, typesize, shuffle: resolveShuffle(options.shuffle, typesize) };
  }

  async encode(bytes: Uint8Array): Promise<Uint8Array> {
    const o = this.options;
    const nbytes = bytes.length;
    if (nbytes > MAX_BUFFERSIZE) {
      throw new CodecError(
        `blosc: cannot compress ${nbytes} bytes; Blosc1 frames hold at most ${MAX_BUFFERSIZE}`,
      );
    }
    if (o.cname === "blosclz" || o.cname === "snappy") {
      throw new CodecError(
        `blosc: encoding with cname "${o.cname}" is not supported (no JavaScript encoder for it); ` +
          `use cname "zstd" (best ratio) or "lz4" (fastest) — frames written with "${o.cname}" can still be read`,
      );
    }
    const ts = o.typesize;
    const blocksize = chooseBlocksize(o, nbytes);
    let flags = FORMAT_CODE[o.cname] << 5;
    if (o.shuffle === 1) flags |= FLAG_SHUFFLE;
    if (o.shuffle === 2) flags |= FLAG_BITSHUFFLE;
    const split = splitsBlocks(o.cname, ts, blocksize);
    if (!split) flags |= FLAG_DONT_SPLIT;
    const header = { version: 2, versionlz: 1, flags, typesize: ts, nbytes, blocksize, cbytes: 0 };
    if (o.clevel === 0 || nbytes < MIN_BUFFERSIZE) return memcpyFrame(bytes, header);

    const nblocks = Math.ceil(nbytes / blocksize);
    const parts: Uint8Array[] = [];
    const starts = new Int32Array(nblocks);
    let offset = HEADER_SIZE + 4 * nblocks;
    const limit = nbytes + HEADER_SIZE;
    const shuffled = new Uint8Array(Math.min(blocksize, nbytes));
    const scratch = o.shuffle === 2 ? new Uint8Array(shuffled.length) : shuffled;
    for (let b = 0; b < nblocks; b++) {
      starts[b] = offset;
      const block = bytes.subarray(b * blocksize, Math.min((b + 1) * blocksize, nbytes));
      const leftover = block.length < blocksize;
      const src = this.shuffleBlock(block, shuffled, scratch);
      const nsplits = split && !leftover ? ts : 1;
      const neblock = block.length / nsplits;
      for (let s = 0; s < nsplits; s++) {
        const stream = src.subarray(s * neblock, (s + 1) * neblock);
        let packed = await this.compressStream(stream);
        // Incompressible streams are stored raw, flagged by a size equal to the decoded size.
        if (packed.length === 0 || packed.length >= neblock) packed = new Uint8Array(stream);
        const size = new Uint8Array(4);
        new DataView(size.buffer).setInt32(0, packed.length, true);
        parts.push(size, packed);
        offset += 4 + packed.length;
      }
      // Larger than the input: c-blosc then stores the whole buffer raw, and so do we.
      if (offset > limit) return memcpyFrame(bytes, header);
    }
    const out = new Uint8Array(offset);
    writeHeader(out, { ...header, cbytes: offset });
    const startBytes = new DataView(out.buffer, HEADER_SIZE, 4 * nblocks);
    for (let b = 0; b < nblocks; b++) startBytes.setInt32(4 * b, starts[b], true);
    let at = HEADER_SIZE + 4 * nblocks;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  private shuffleBlock(block: Uint8Array, buf: Uint8Array, scratch: Uint8Array): Uint8Array {
    const { shuffle, typesize } = this.options;
    if (shuffle === 1 && typesize > 1) {
      const dst = buf.subarray(0, block.length);
      byteShuffle(block, dst, typesize);
      return dst;
    }
    if (shuffle === 2) {
      const dst = buf.subarray(0, block.length);
      bitShuffle(block, dst, typesize, scratch.subarray(0, block.length));
      return dst;
    }
    return block;
  }

  private async compressStream(stream: Uint8Array): Promise<Uint8Array> {
    const { cname, clevel } = this.options;
    if (cname === "zstd") {
      // c-blosc maps clevel 1-8 to zstd 1, 3, ..., 15 and 9 to zstd's maximum (22).
      return (await zstdBackend()).compress(stream, clevel < 9 ? clevel * 2 - 1 : 22, false);
    }
    if (cname === "zlib") return (await deflateBackend()).zlib(stream, clevel);
    // lz4 and lz4hc: raw LZ4 block (the library's 4-byte size prefix is dropped). lz4hc frames get
    // plain LZ4 blocks, which every decoder reads identically; only the ratio is lower.
    const prefixed = await (await lz4Backend()).compress(stream);
    return prefixed.subarray(4);
  }

  async decode(frame: Uint8Array, maxLength?: number): Promise<Uint8Array> {
    return decodeBloscFrame(frame, maxLength);
  }

  toJSON(): V3CodecJSON {
    const o = this.options;
    return {
      name: "blosc",
      configuration: {
        cname: o.cname,
        clevel: o.clevel,
        shuffle: SHUFFLE_NAMES[o.shuffle],
        typesize: o.typesize,
        blocksize: o.blocksize,
      },
    };
  }
}

function memcpyFrame(bytes: Uint8Array, header: Parameters<typeof writeHeader>[1]): Uint8Array {
  const out = new Uint8Array(HEADER_SIZE + bytes.length);
  writeHeader(out, { ...header, flags: header.flags | FLAG_MEMCPYED, cbytes: out.length });
  out.set(bytes, HEADER_SIZE);
  return out;
}

function corrupt(reason: string): CodecError {
  return new CodecError(`blosc: corrupt frame: ${reason}`);
}

/**
 * Decodes any Blosc1 frame (all compressors; blosclz and snappy through WASM c-blosc). With
 * `maxLength`, a header declaring more is refused before anything is allocated; each stream inside is
 * then bounded by its place in the block layout.
 */
export async function decodeBloscFrame(frame: Uint8Array, maxLength?: number): Promise<Uint8Array> {
  if (frame.length < HEADER_SIZE) throw corrupt(`${frame.length} bytes is shorter than the 16-byte header`);
  const h = readHeader(frame);
  if (h.version < 1 || h.version > 2) {
    throw new CodecError(
      `blosc: frame format version ${h.version} is not Blosc1 (1 or 2); Blosc2 frames are not supported`,
    );
  }
  if (h.cbytes > frame.length)
    throw corrupt(`header says ${h.cbytes} bytes but only ${frame.length} are present`);
  if (h.cbytes < HEADER_SIZE)
    throw corrupt(`header says the frame is ${h.cbytes} bytes, less than its header`);
  if (h.typesize === 0) throw corrupt("typesize is 0");
  if (h.nbytes > MAX_BUFFERSIZE) throw corrupt(`decoded size ${h.nbytes} exceeds Blosc1's limit`);
  if (maxLength !== undefined && h.nbytes > maxLength) {
    throw corrupt(
      `header declares ${h.nbytes} decoded bytes, more than the ${maxLength} this chunk can hold`,
    );
  }
  if (h.nbytes === 0) return new Uint8Array(0);
  if (h.flags & FLAG_MEMCPYED) {
    if (h.cbytes < HEADER_SIZE + h.nbytes)
      throw corrupt(`raw frame holds ${h.cbytes - HEADER_SIZE} of ${h.nbytes} bytes`);
    return new Uint8Array(frame.subarray(HEADER_SIZE, HEADER_SIZE + h.nbytes));
  }
  const format = FORMAT_NAME[h.flags >> 5];
  if (format === undefined) throw corrupt(`unknown compressor format ${h.flags >> 5}`);
  if (format === "blosclz" || format === "snappy")
    return decodeWithWasm(frame.subarray(0, h.cbytes), h.nbytes);
  if (h.blocksize === 0) throw corrupt("blocksize is 0");
  const ts = h.typesize;
  const nblocks = Math.ceil(h.nbytes / h.blocksize);
  const leftover = h.nbytes % h.blocksize;
  if (HEADER_SIZE + 4 * nblocks > h.cbytes)
    throw corrupt(`${nblocks} block offsets do not fit in ${h.cbytes} bytes`);
  const view = new DataView(frame.buffer, frame.byteOffset, h.cbytes);
  // Allocated only now that the header and block table are known to be consistent.
  const out = new Uint8Array(h.nbytes);
  const unshuffled = new Uint8Array(Math.min(h.blocksize, h.nbytes));
  const scratch = h.flags & FLAG_BITSHUFFLE ? new Uint8Array(unshuffled.length) : unshuffled;
  for (let b = 0; b < nblocks; b++) {
    const isLeftover = b === nblocks - 1 && leftover > 0;
    const bsize = isLeftover ? leftover : h.blocksize;
    const dest = out.subarray(b * h.blocksize, b * h.blocksize + bsize);
    const byteShuffled = (h.flags & FLAG_SHUFFLE) !== 0 && ts > 1;
    const bitShuffled = !byteShuffled && (h.flags & FLAG_BITSHUFFLE) !== 0;
    const target = byteShuffled || bitShuffled ? unshuffled.subarray(0, bsize) : dest;
    const nsplits = streamsPerBlock(h.flags, ts, bsize, isLeftover);
    if (bsize % nsplits !== 0) throw corrupt(`block of ${bsize} bytes cannot hold ${nsplits} equal streams`);
    const neblock = bsize / nsplits;
    let at = view.getInt32(HEADER_SIZE + 4 * b, true);
    for (let s = 0; s < nsplits; s++) {
      if (at < HEADER_SIZE || at + 4 > h.cbytes) throw corrupt(`block ${b} starts outside the frame`);
      const csize = view.getInt32(at, true);
      at += 4;
      if (csize < 0 || at + csize > h.cbytes) throw corrupt(`stream ${s} of block ${b} runs past the frame`);
      const stream = frame.subarray(at, at + csize);
      const piece = target.subarray(s * neblock, (s + 1) * neblock);
      if (csize === neblock) piece.set(stream);
      else piece.set(await decompressStream(format, stream, neblock, b));
      at += csize;
    }
    if (byteShuffled) byteUnshuffle(target, dest, ts);
    else if (bitShuffled) bitUnshuffle(target, dest, ts, scratch.subarray(0, bsize));
  }
  return out;
}

async function decompressStream(
  format: string,
  stream: Uint8Array,
  size: number,
  block: number,
): Promise<Uint8Array> {
  let out: Uint8Array;
  try {
    if (format === "zstd") {
      out = await (await zstdBackend()).decompress(stream, size);
    } else if (format === "zlib") {
      out = (await deflateBackend()).unzlib(stream, size);
    } else {
      if (!lz4SizeIsPlausible(size, stream.length)) throw new Error("stream too short for its decoded size");
      // The LZ4 library wants numcodecs' size prefix; blosc knows the size from the block layout.
      const prefixed = new Uint8Array(stream.length + 4);
      new DataView(prefixed.buffer).setUint32(0, size, true);
      prefixed.set(stream, 4);
      out = await (await lz4Backend()).decompress(prefixed);
    }
  } catch (e) {
    throw new CodecError(
      `blosc: corrupt frame: cannot decompress ${format} stream in block ${block}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  if (out.length !== size)
    throw corrupt(`a ${format} stream in block ${block} decoded to ${out.length} bytes, not ${size}`);
  return out;
}

async function decodeWithWasm(frame: Uint8Array, nbytes: number): Promise<Uint8Array> {
  let out: Uint8Array;
  try {
    out = await (await bloscFrameDecoder()).decode(frame);
  } catch (e) {
    throw new CodecError(`blosc: corrupt frame: WASM c-blosc failed: ${(e as Error).message ?? e}`, {
      cause: e,
    });
  }
  if (out.length !== nbytes) throw corrupt(`decoded ${out.length} bytes, header says ${nbytes}`);
  return out;
}
