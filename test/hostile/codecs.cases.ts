/**
 * Decompression bombs (run in a child by codecs.test.ts): a 4 KiB chunk (2048 uint16) whose stored
 * bytes decode to hundreds of MiB. Each bomb is built from small pieces (repeated frames, a streamed
 * deflate, a hand-made LZ4 block) so building it needs no big buffer; only decoding it unbounded would.
 */
import { spawnSync } from "node:child_process";
import { createDeflate, gzipSync } from "node:zlib";
import * as zstd from "zstd-napi";
import { codecs, MemoryStore, v2, v3 } from "../../src/index.js";
import { PYTHON } from "../helpers/python.js";

/** What each bomb decodes to; far more than the 4 KiB chunk. */
const BOMB = 512 * 1024 * 1024;
const MiB = 1 << 20;
const CHUNK = 2048;

function repeat(piece: Uint8Array, times: number): Uint8Array {
  const out = new Uint8Array(piece.length * times);
  for (let i = 0; i < times; i++) out.set(piece, i * piece.length);
  return out;
}

/** Concatenated zstd frames of 1 MiB zeros each, with or without the content size in each header. */
async function zstdBomb(withSize: boolean): Promise<Uint8Array> {
  const zeros = new Uint8Array(MiB);
  if (withSize) return repeat(zstd.compress(zeros), BOMB / MiB);
  const stream = new zstd.CompressStream();
  const parts: Buffer[] = [];
  stream.on("data", (d: Buffer) => parts.push(d));
  await new Promise<void>((done, fail) => {
    stream.on("error", fail);
    stream.on("end", done);
    stream.end(zeros);
  });
  return repeat(Buffer.concat(parts), BOMB / MiB);
}

/** Multi-member gzip: 1 MiB zeros per member. */
const gzipBomb = () => repeat(gzipSync(new Uint8Array(MiB)), BOMB / MiB);

/** One zlib stream of BOMB zeros, deflated piece by piece. */
async function zlibBomb(): Promise<Uint8Array> {
  const d = createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  d.on("data", (p: Buffer) => parts.push(p));
  const zeros = Buffer.alloc(MiB);
  for (let i = 0; i < BOMB / MiB; i++) if (!d.write(zeros)) await new Promise((r) => d.once("drain", r));
  await new Promise<void>((done) => {
    d.once("end", done);
    d.end();
  });
  return Buffer.concat(parts);
}

/**
 * A raw LZ4 block of `size` zeros: one literal, one long match (offset 1) whose length is spelt in
 * 255-bytes, then the five literals the format wants at the end.
 */
function lz4Block(size: number): Uint8Array {
  const ext = size - 1 - 5 - 4 - 15;
  const n255 = Math.floor(ext / 255);
  const out = new Uint8Array(1 + 1 + 2 + n255 + 1 + 1 + 5);
  let at = 0;
  out[at++] = 0x1f; // 1 literal, match length 15 + extension
  out[at++] = 0; // the literal
  out[at++] = 1; // offset 1, little endian
  out[at++] = 0;
  out.fill(255, at, at + n255);
  at += n255;
  out[at++] = ext - n255 * 255;
  out[at++] = 0x50; // last sequence: 5 literals
  return out;
}

/** numcodecs lz4: 4-byte little-endian size, then the block. */
function lz4Bomb(): Uint8Array {
  const block = lz4Block(BOMB);
  const out = new Uint8Array(4 + block.length);
  new DataView(out.buffer).setUint32(0, BOMB, true);
  out.set(block, 4);
  return out;
}

/** A Blosc1 frame, one block and one stream, claiming `nbytes` decoded bytes. */
function bloscFrame(format: number, nbytes: number, stream: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + 4 + 4 + stream.length);
  const v = new DataView(out.buffer);
  out[0] = 2; // version
  out[1] = 1; // versionlz
  out[2] = (format << 5) | 0x10; // compressor format, DONT_SPLIT
  out[3] = 2; // typesize
  v.setUint32(4, nbytes, true);
  v.setUint32(8, nbytes, true); // blocksize: one block
  v.setUint32(12, out.length, true);
  v.setInt32(16, 20, true); // block 0 starts after the offset table
  v.setInt32(20, stream.length, true);
  out.set(stream, 24);
  return out;
}

/** bzip2 of 256 MiB zeros (208 bytes, as in the issue), streamed through Python's bz2. */
function bz2Bomb(): Uint8Array {
  const py = `import bz2,sys
c=bz2.BZ2Compressor(9); z=bytes(1<<20); out=b''
for i in range(256): out+=c.compress(z)
sys.stdout.buffer.write(out+c.flush())`;
  const r = spawnSync(PYTHON, ["-c", py], { maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`python3 bz2: ${r.stderr}`);
  return new Uint8Array(r.stdout);
}

const v3Spec = (codecList: unknown[]) =>
  v3.ArraySpec.parse({
    shape: [CHUNK],
    data_type: "uint16",
    chunk_grid: { name: "regular", configuration: { chunk_shape: [CHUNK] } },
    codecs: codecList,
    fill_value: 0,
  });
const v2Spec = (compressor: unknown) =>
  v2.ArraySpec.parse({ shape: [CHUNK], chunks: [CHUNK], dtype: "<u2", compressor });

/** Stores `bytes` as the array's only chunk and reads it back. */
async function read(spec: v2.ArraySpec | v3.ArraySpec, key: string, bytes: Uint8Array, workers = 0) {
  const store = new MemoryStore();
  const arr = await spec.toZarr(store, "a");
  await store.set(key, bytes);
  const out = await arr.get(null, { workers });
  return out.data.length;
}

/** A shard holding one inner chunk (`inner`), its index at the end, without a checksum. */
function shard(inner: Uint8Array, offset = 0): Uint8Array {
  const out = new Uint8Array(inner.length + 16);
  out.set(inner);
  const v = new DataView(out.buffer);
  v.setBigUint64(inner.length, BigInt(offset), true);
  v.setBigUint64(inner.length + 8, BigInt(inner.length), true);
  return out;
}
const shardSpec = (inner: unknown[]) =>
  v3Spec([
    {
      name: "sharding_indexed",
      configuration: {
        chunk_shape: [CHUNK],
        codecs: inner,
        index_codecs: [{ name: "bytes", configuration: { endian: "little" } }],
      },
    },
  ]);
const BYTES = { name: "bytes", configuration: { endian: "little" } };
const ZSTD = { name: "zstd", configuration: { level: 1, checksum: false } };

export const CASES = {
  zstdWithSize: async () => read(v3Spec([BYTES, ZSTD]), "a/c/0", await zstdBomb(true)),
  zstdWithoutSize: async () => read(v3Spec([BYTES, ZSTD]), "a/c/0", await zstdBomb(false)),
  /** The browser's (WASM) backend, loaded in Node: frames without a content size. */
  zstdPortableWithoutSize: async () => {
    const { portableZstd } = await import("../../src/codecs/backends.js");
    return (await portableZstd()).decompress(await zstdBomb(false), 4096);
  },
  zstdWorker: async () => read(v3Spec([BYTES, ZSTD]), "a/c/0", await zstdBomb(false), 1),
  gzip: async () => read(v3Spec([BYTES, { name: "gzip", configuration: { level: 1 } }]), "a/c/0", gzipBomb()),
  zlibV2: async () => read(v2Spec(codecs.Zlib({ level: 1 })), "a/0", await zlibBomb()),
  lz4: async () => read(v2Spec(codecs.LZ4()), "a/0", lz4Bomb()),
  bz2: async () => read(v2Spec({ id: "bz2", level: 9 }), "a/0", bz2Bomb()),
  bloscZstdHeader: async () =>
    read(v2Spec(codecs.Blosc({ cname: "zstd" })), "a/0", bloscFrame(4, BOMB, await zstdBomb(true))),
  bloscZstdStream: async () =>
    read(v2Spec(codecs.Blosc({ cname: "zstd" })), "a/0", bloscFrame(4, 2 * CHUNK, await zstdBomb(false))),
  bloscLz4Header: async () =>
    read(v2Spec(codecs.Blosc({ cname: "lz4" })), "a/0", bloscFrame(1, BOMB, lz4Block(BOMB))),
  shardedInnerZstd: async () => read(shardSpec([BYTES, ZSTD]), "a/c/0", shard(await zstdBomb(true))),
  /** An index entry that points at the index itself: 16 bytes taken as the chunk. */
  shardIndexIntoIndex: async () => {
    const out = new Uint8Array(16);
    new DataView(out.buffer).setBigUint64(8, 16n, true); // offset 0, 16 bytes: the index region
    const store = new MemoryStore();
    const arr = await shardSpec([BYTES]).toZarr(store, "a");
    await store.set("a/c/0", out);
    return Array.from((await arr.get(null, { workers: 0 })).data as Uint16Array).slice(0, 4);
  },
};
