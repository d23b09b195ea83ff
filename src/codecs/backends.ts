/**
 * Where the compression itself comes from. Native N-API modules (zstd-napi, lz4-napi, node:zlib,
 * @node-rs/crc32) are fast but cannot load in browsers or where no prebuilt binary exists, so each
 * backend is imported lazily on first use and falls back to WASM (numcodecs.js) or pure JS (fflate,
 * compressjs). Every library choice lives in this file; codecs only see the small interfaces below.
 * Browser bundles never see the native modules: the package.json "browser" field maps them (and
 * node:zlib) to empty modules, so the same code takes the fallbacks there.
 */

import { CodecError } from "../errors.js";
import { tooLarge } from "./bound.js";

type MaybePromise<T> = T | Promise<T>;

export interface ZstdBackend {
  readonly name: string;
  compress(data: Uint8Array, level: number, checksum: boolean): MaybePromise<Uint8Array>;
  /**
   * Accepts frames with or without a content-size field, and concatenated frames. With `max`, throws
   * (a CodecError) as soon as the output would pass `max` bytes, without producing it. `into`: the
   * output goes there when the frames declare a size that fits (see BytesToBytesCodec.decode).
   */
  decompress(data: Uint8Array, max?: number, into?: Uint8Array): MaybePromise<Uint8Array>;
}

/** LZ4 blocks with numcodecs' 4-byte little-endian size prefix. */
export interface Lz4Backend {
  readonly name: string;
  compress(data: Uint8Array): MaybePromise<Uint8Array>;
  decompress(data: Uint8Array): MaybePromise<Uint8Array>;
}

export interface DeflateBackend {
  readonly name: string;
  gzip(data: Uint8Array, level: number): Uint8Array;
  /** `max`: throw a CodecError once the output passes this many bytes (see ZstdBackend). */
  gunzip(data: Uint8Array, max?: number): Uint8Array;
  zlib(data: Uint8Array, level: number): Uint8Array;
  unzlib(data: Uint8Array, max?: number): Uint8Array;
}

export interface Bz2Backend {
  readonly name: string;
  compress(data: Uint8Array, level: number): Uint8Array;
  /** `max`: throw a CodecError once the output passes this many bytes (see ZstdBackend). */
  decompress(data: Uint8Array, max?: number): Uint8Array;
}

export interface Crc32Backend {
  readonly name: string;
  crc32c(data: Uint8Array): number;
  crc32(data: Uint8Array): number;
}

/** Decodes a whole Blosc frame; used only for inner formats no JS library reads (blosclz, snappy). */
export interface BloscFrameDecoder {
  readonly name: string;
  decode(frame: Uint8Array): Promise<Uint8Array>;
}

/**
 * A plain Uint8Array view of `bytes`. Node Buffers (what native modules and stores return) override
 * `slice()` to return a view instead of a copy, which breaks code that copies with `slice()`; and
 * they may sit at any offset of a shared pool. Viewing them as Uint8Array avoids both surprises.
 */
export function plain(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** numcodecs.js codec shape (WASM builds of zstd, lz4 and c-blosc). */
type WasmCodec = { encode(d: Uint8Array): Promise<Uint8Array>; decode(d: Uint8Array): Promise<Uint8Array> };
type WasmModule = { default: { fromConfig(c: Record<string, unknown>): WasmCodec } };

/** Memoises an async loader so each backend is imported at most once. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => {
    p ??= load();
    return p;
  };
}

/** CommonJS natives appear either as named exports or under `default`, depending on the loader. */
function pick<T extends object>(mod: unknown, key: keyof T): T | undefined {
  const m = mod as Record<string, unknown> & { default?: Record<string, unknown> };
  if (typeof m?.[key as string] === "function") return m as unknown as T;
  if (typeof m?.default?.[key as string] === "function") return m.default as unknown as T;
  return undefined;
}

/** lz4-napi's sync API insists on Buffers; wrapping is a view, not a copy. */
function asBuffer(d: Uint8Array): Uint8Array {
  const B = (globalThis as { Buffer?: { from(b: ArrayBufferLike, o: number, l: number): Uint8Array } })
    .Buffer;
  return B && !(d as { readUInt8?: unknown }).readUInt8 ? B.from(d.buffer, d.byteOffset, d.byteLength) : d;
}

export const zstdBackend = once(async (): Promise<ZstdBackend> => (await nativeZstd()) ?? portableZstd());

async function nativeZstd(): Promise<ZstdBackend | undefined> {
  type Native = {
    compress(d: Uint8Array, p: { compressionLevel: number; checksumFlag: boolean }): Uint8Array;
    decompress(d: Uint8Array): Uint8Array;
  };
  const native = pick<Native>(await import("zstd-napi").catch(() => undefined), "compress");
  if (!native) return undefined;
  // The low-level binding: frame content sizes and streaming into a caller-sized buffer, which the
  // high-level decompress lacks (it allocates whatever the frames declare, or grows without limit).
  const binding = pick<ZstdBinding>(await import("zstd-napi/binding.js").catch(() => undefined), "DCtx");
  return {
    name: "zstd-napi",
    compress: (d, level, checksum) =>
      plain(native.compress(d, { compressionLevel: level, checksumFlag: checksum })),
    decompress: (d, max, into) =>
      plain(max === undefined || !binding ? native.decompress(d) : boundedZstd(binding, d, max, into)),
  };
}

type ZstdBinding = typeof import("zstd-napi/binding.js");

let dctxOfThread: InstanceType<ZstdBinding["DCtx"]> | undefined;

/**
 * This thread's decompression context, reset: a new one per chunk cost 10-25 % of decoding 64^3
 * uint16 chunks (its workspace is allocated and set up each time). Decoding is synchronous, so one
 * per thread is never used by two chunks at once; the reset drops a frame an earlier error left.
 */
function reusedDCtx(binding: ZstdBinding): InstanceType<ZstdBinding["DCtx"]> {
  dctxOfThread ??= new binding.DCtx();
  dctxOfThread.reset(binding.ResetDirective.sessionOnly);
  return dctxOfThread;
}

/**
 * Native zstd decoding that never produces more than `max` bytes: frames that declare their content
 * size are checked (all of them) before anything is allocated; otherwise the frames are streamed into
 * a buffer of `max + 1` bytes and decoding stops once it is full.
 */
function boundedZstd(binding: ZstdBinding, data: Uint8Array, max: number, into?: Uint8Array): Uint8Array {
  let declared = 0;
  let known = true;
  for (let rest = data; rest.length > 0; ) {
    const size = binding.getFrameContentSize(rest);
    if (size === null) {
      known = false;
      break;
    }
    declared += size;
    if (declared > max) throw tooLarge("zstd", max);
    rest = rest.subarray(binding.findFrameCompressedSize(rest));
  }
  const dctx = reusedDCtx(binding);
  if (known) {
    const out = into && into.length >= declared ? into.subarray(0, declared) : new Uint8Array(declared);
    const n = dctx.decompress(out, data);
    return n === declared ? out : out.subarray(0, n);
  }
  const out = new Uint8Array(max + 1);
  let produced = 0;
  let input = data;
  let pending = 0;
  while (input.length > 0) {
    const [left, wrote, read] = dctx.decompressStream(out.subarray(produced), input);
    produced += wrote;
    input = input.subarray(read);
    pending = left;
    if (produced > max) throw tooLarge("zstd", max);
    if (wrote === 0 && read === 0) throw new CodecError("zstd: corrupt frame (decoding makes no progress)");
  }
  if (pending !== 0) throw new CodecError("zstd: truncated frame (input ends inside a frame)");
  return out.subarray(0, produced);
}

/**
 * The content size the first zstd frame declares, if any (RFC 8878 3.1.1.1: frame header descriptor,
 * optional window descriptor and dictionary id, then 0-8 bytes of size). Hand-written because the WASM
 * build exposes no such call, and reading the header first lets it refuse a declared bomb unopened.
 */
export function zstdDeclaredSize(d: Uint8Array): number | undefined {
  if (d.length < 5 || d[0] !== 0x28 || d[1] !== 0xb5 || d[2] !== 0x2f || d[3] !== 0xfd) return undefined;
  const fhd = d[4];
  const single = (fhd >> 5) & 1;
  const sizeBytes = [single ? 1 : 0, 2, 4, 8][fhd >> 6];
  const at = 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3];
  if (sizeBytes === 0 || d.length < at + sizeBytes) return undefined;
  let size = 0;
  for (let i = sizeBytes - 1; i >= 0; i--) size = size * 256 + d[at + i];
  return sizeBytes === 2 ? size + 256 : size;
}

/**
 * WASM zstd (numcodecs.js): cannot write checksums and maps level <= 0 to 1; decoding is unaffected.
 * It has no streaming call, so `max` is checked against the first frame's declared size before
 * decoding; input without a declared size is decoded by fzstd's streaming decoder instead, which
 * hands out one block (<= 128 KiB) at a time, so decoding stops just past `max`.
 */
export async function portableZstd(): Promise<ZstdBackend> {
  const wasm = ((await import("numcodecs/zstd")) as unknown as WasmModule).default;
  return {
    name: "numcodecs-wasm",
    compress: (d, level) => wasm.fromConfig({ id: "zstd", level }).encode(d),
    decompress: async (d, max) => {
      const declared = zstdDeclaredSize(d);
      if (max !== undefined && (declared ?? 0) > max) throw tooLarge("zstd", max);
      if (max !== undefined && declared === undefined) return streamZstd(d, max);
      const out = await wasm.fromConfig({ id: "zstd" }).decode(d);
      if (max !== undefined && out.length > max) throw tooLarge("zstd", max);
      return out;
    },
  };
}

/** Decodes zstd `d` block by block (fzstd), failing as soon as the output passes `max` bytes. */
async function streamZstd(d: Uint8Array, max: number): Promise<Uint8Array> {
  const { Decompress } = await import("fzstd");
  const out = new Uint8Array(max);
  let n = 0;
  const stream = new Decompress((block) => {
    if (n + block.length > max) throw tooLarge("zstd", max);
    out.set(block, n);
    n += block.length;
  });
  try {
    stream.push(d, true);
  } catch (e) {
    if (e instanceof CodecError) throw e;
    throw new CodecError(`zstd: corrupt frame (${(e as Error).message})`);
  }
  return out.subarray(0, n);
}

export const lz4Backend = once(async (): Promise<Lz4Backend> => (await nativeLz4()) ?? portableLz4());

async function nativeLz4(): Promise<Lz4Backend | undefined> {
  type Native = { compressSync(d: Uint8Array): Uint8Array; uncompressSync(d: Uint8Array): Uint8Array };
  const native = pick<Native>(await import("lz4-napi").catch(() => undefined), "compressSync");
  if (!native) return undefined;
  return {
    name: "lz4-napi",
    compress: (d) => plain(native.compressSync(asBuffer(d))),
    decompress: (d) => plain(native.uncompressSync(asBuffer(d))),
  };
}

/** WASM LZ4 (numcodecs.js), same size-prefixed format. */
export async function portableLz4(): Promise<Lz4Backend> {
  const wasm = ((await import("numcodecs/lz4")) as unknown as WasmModule).default.fromConfig({ id: "lz4" });
  return { name: "numcodecs-wasm", compress: (d) => wasm.encode(d), decompress: (d) => wasm.decode(d) };
}

export const deflateBackend = once(
  async (): Promise<DeflateBackend> => (await nativeDeflate()) ?? portableDeflate(),
);

async function nativeDeflate(): Promise<DeflateBackend | undefined> {
  const z = await import("node:zlib").catch(() => undefined);
  if (!z?.gzipSync) return undefined;
  // maxOutputLength makes zlib stop (ERR_BUFFER_TOO_LARGE) once the output passes it.
  const bounded = (
    what: string,
    max: number | undefined,
    run: (o: { maxOutputLength?: number }) => Buffer,
  ) => {
    try {
      return plain(run(max === undefined ? {} : { maxOutputLength: Math.max(1, max) }));
    } catch (e) {
      if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw tooLarge(what, max!);
      throw e;
    }
  };
  return {
    name: "node:zlib",
    gzip: (d, level) => plain(z.gzipSync(d, { level })),
    gunzip: (d, max) => bounded("gzip", max, (o) => z.gunzipSync(d, o)),
    zlib: (d, level) => plain(z.deflateSync(d, { level })),
    unzlib: (d, max) => bounded("zlib", max, (o) => z.inflateSync(d, o)),
  };
}

/** fflate: pure JS DEFLATE, for browsers. */
export async function portableDeflate(): Promise<DeflateBackend> {
  const f = await import("fflate");
  type Level = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
  // Given a fixed output buffer fflate never grows it (writes past its end are dropped), so a result
  // that fills `max + 1` bytes means the stream holds more than `max`.
  const bounded = (what: string, max: number | undefined, run: (out?: Uint8Array) => Uint8Array) => {
    if (max === undefined) return run();
    const out = run(new Uint8Array(max + 1));
    if (out.length > max) throw tooLarge(what, max);
    return out;
  };
  return {
    name: "fflate",
    gzip: (d, level) => f.gzipSync(d, { level: level as Level, mtime: 0 }),
    gunzip: (d, max) => bounded("gzip", max, (out) => f.gunzipSync(d, { out })),
    zlib: (d, level) => f.zlibSync(d, { level: level as Level }),
    unzlib: (d, max) => bounded("zlib", max, (out) => f.unzlibSync(d, { out })),
  };
}

export const bz2Backend = once(async (): Promise<Bz2Backend> => {
  // compressjs: pure JS (no native bzip2 binding is maintained); slow, but standard .bz2 streams.
  type Bzip2 = {
    compressFile(d: Uint8Array, out: undefined, level: number): Uint8Array | number[];
    decompressFile(d: Uint8Array, out?: { writeByte(b: number): void }): Uint8Array | number[];
  };
  // Browser bundles map compressjs to an empty module (package.json "browser" field): its AMD loader
  // resolves files at run time, which bundlers cannot follow. bz2 is then unavailable, said plainly.
  const mod = (await import("compressjs")) as unknown as { Bzip2?: Bzip2; default?: { Bzip2?: Bzip2 } };
  const bz = mod.Bzip2 ?? mod.default?.Bzip2;
  if (!bz) throw new CodecError("bz2 is not available in this build (compressjs does not load in browsers)");
  const u8 = (x: Uint8Array | number[]) => (x instanceof Uint8Array ? x : Uint8Array.from(x));
  return {
    name: "compressjs",
    compress: (d, level) => u8(bz.compressFile(d, undefined, level)),
    decompress: (d, max) => {
      if (max === undefined) return u8(bz.decompressFile(d));
      // compressjs writes through `writeByte` of any output object: this one stops past `max`.
      const out = new Uint8Array(max);
      let pos = 0;
      const sink = {
        writeByte(b: number) {
          if (pos >= max) throw tooLarge("bz2", max);
          out[pos++] = b;
        },
      };
      bz.decompressFile(d, sink);
      return out.subarray(0, pos);
    },
  };
});

export const crc32Backend = once(async (): Promise<Crc32Backend> => (await nativeCrc32()) ?? portableCrc32());

async function nativeCrc32(): Promise<Crc32Backend | undefined> {
  type Native = { crc32c(d: Uint8Array): number; crc32(d: Uint8Array): number };
  const native = pick<Native>(await import("@node-rs/crc32").catch(() => undefined), "crc32c");
  if (!native) return undefined;
  return {
    name: "@node-rs/crc32",
    crc32c: (d) => native.crc32c(d) >>> 0,
    crc32: (d) => native.crc32(d) >>> 0,
  };
}

/** Table-driven CRCs in JS. */
export async function portableCrc32(): Promise<Crc32Backend> {
  const js = await import("./checksum-js.js");
  return { name: "js", crc32c: js.crc32c, crc32: js.crc32 };
}

export const bloscFrameDecoder = once(async (): Promise<BloscFrameDecoder> => {
  const wasm = ((await import("numcodecs/blosc")) as unknown as WasmModule).default.fromConfig({
    id: "blosc",
  });
  return { name: "numcodecs-wasm", decode: (frame) => wasm.decode(frame) };
});
