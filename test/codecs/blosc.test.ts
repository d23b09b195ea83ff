import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BloscCodec, chooseBlocksize, decodeBloscFrame } from "../../src/codecs/blosc/codec.js";
import { FLAG_DONT_SPLIT, FLAG_MEMCPYED, readHeader } from "../../src/codecs/blosc/frame.js";
import { bitShuffle, bitUnshuffle, byteShuffle, byteUnshuffle } from "../../src/codecs/blosc/shuffle.js";
import { CodecError } from "../../src/errors.js";
import { needs, pythonModules } from "../helpers/requirements.js";
import { b64, bytesEqual, python, rng, smoothBytes, unb64 } from "./helpers.js";

const CNAMES = ["zstd", "lz4", "lz4hc", "zlib"] as const;
const TYPESIZES = [1, 2, 4, 8];
// Element counts: tiny (raw frame), odd, one partial block, several blocks with a leftover.
const COUNTS = [7, 1001, 40_003, 70_001];

interface Case {
  cname: (typeof CNAMES)[number];
  shuffle: 0 | 1 | 2;
  ts: number;
  n: number;
  raw: Uint8Array;
}

function cases(): Case[] {
  const out: Case[] = [];
  let seed = 1;
  for (const cname of CNAMES)
    for (const shuffle of [0, 1, 2] as const)
      for (const ts of TYPESIZES)
        for (const n of COUNTS) out.push({ cname, shuffle, ts, n, raw: smoothBytes(n * ts, seed++) });
  return out;
}

describe("blosc shuffles", () => {
  it("byte shuffle gathers byte planes and copies the trailing bytes", () => {
    const src = Uint8Array.from([1, 2, 3, 4, 5, 6, 7]);
    const dst = new Uint8Array(7);
    byteShuffle(src, dst, 3);
    assert.deepEqual([...dst], [1, 4, 2, 5, 3, 6, 7]);
    const back = new Uint8Array(7);
    byteUnshuffle(dst, back, 3);
    assert.deepEqual([...back], [...src]);
  });

  it("bit shuffle puts bit b of element e in bit e%8 of plane b", () => {
    // 8 one-byte elements; element e has only bit e set, so every plane b has only bit b set.
    const src = Uint8Array.from([1, 2, 4, 8, 16, 32, 64, 128]);
    const dst = new Uint8Array(8);
    bitShuffle(src, dst, 1, new Uint8Array(8));
    assert.deepEqual([...dst], [1, 2, 4, 8, 16, 32, 64, 128]);
    const ones = new Uint8Array(8).fill(0);
    ones[3] = 0xff;
    bitShuffle(ones, dst, 1, new Uint8Array(8));
    assert.deepEqual([...dst], [8, 8, 8, 8, 8, 8, 8, 8]);
  });

  it("bit shuffle round trips every typesize and leaves counts not divisible by 8 alone", () => {
    const r = rng(7);
    for (const ts of [1, 2, 3, 4, 8, 16]) {
      for (const n of [8, 64, 65, 1000]) {
        const src = Uint8Array.from({ length: n * ts + 3 }, () => Math.floor(r() * 256));
        const dst = new Uint8Array(src.length);
        const tmp = new Uint8Array(src.length);
        bitShuffle(src, dst, ts, tmp);
        if (Math.floor(src.length / ts) % 8 !== 0) assert.ok(bytesEqual(dst, src));
        const back = new Uint8Array(src.length);
        bitUnshuffle(dst, back, ts, tmp);
        assert.ok(bytesEqual(back, src), `ts=${ts} n=${n}`);
      }
    }
  });
});

describe("blosc frames against numcodecs (c-blosc 1.21)", () => {
  const all = cases();

  it("numcodecs decodes ours and we decode numcodecs', for every cname × shuffle × typesize", {
    skip: needs(pythonModules("numcodecs")),
  }, async () => {
    const ours: string[] = [];
    for (const c of all) {
      const codec = new BloscCodec({
        cname: c.cname,
        clevel: 5,
        shuffle: c.shuffle,
        typesize: c.ts,
        blocksize: 0,
      });
      const enc = await codec.encode(c.raw);
      assert.ok(bytesEqual(await codec.decode(enc), c.raw), "self round trip");
      ours.push(b64(enc));
    }
    const result = python<{ bad: string[]; theirs: string[] }>(
      `
from numcodecs import blosc
bad, theirs = [], []
for c, enc in zip(INPUT["cases"], INPUT["ours"]):
    raw = unb64(c["raw"])
    try:
        if blosc.decompress(unb64(enc)) != raw: bad.append(repr(c["key"]))
    except Exception as e:
        bad.append(repr(c["key"]) + " " + str(e))
    arr = np.frombuffer(raw, dtype="u%d" % c["ts"])
    theirs.append(b64(blosc.compress(arr, c["cname"].encode(), 5, c["shuffle"], 0)))
OUTPUT = {"bad": bad, "theirs": theirs}
`,
      {
        cases: all.map((c) => ({
          key: [c.cname, c.shuffle, c.ts, c.n],
          cname: c.cname,
          shuffle: c.shuffle,
          ts: c.ts,
          raw: b64(c.raw),
        })),
        ours,
      },
    );
    assert.deepEqual(result.bad, [], "numcodecs failed on some of our frames");
    for (let i = 0; i < all.length; i++) {
      const decoded = await decodeBloscFrame(unb64(result.theirs[i]));
      const c = all[i];
      assert.ok(
        bytesEqual(decoded, c.raw),
        `our decode of numcodecs frame ${c.cname}/${c.shuffle}/${c.ts}/${c.n}`,
      );
    }
  });

  it("decodes blosclz and snappy frames (WASM c-blosc) and refuses to encode them", {
    skip: needs(pythonModules("numcodecs")),
  }, async () => {
    const raw = smoothBytes(20_000, 3);
    const frames = python<Record<string, string>>(
      `
from numcodecs import blosc
a = np.frombuffer(unb64(INPUT), dtype="<u2")
OUTPUT = {c: b64(blosc.compress(a, c.encode(), 5, 1, 0)) for c in ["blosclz", "snappy"]}
`,
      b64(raw),
    );
    for (const cname of ["blosclz", "snappy"]) {
      assert.ok(bytesEqual(await decodeBloscFrame(unb64(frames[cname])), raw), cname);
      const codec = new BloscCodec({
        cname: cname as "blosclz",
        clevel: 5,
        shuffle: 1,
        typesize: 2,
        blocksize: 0,
      });
      await assert.rejects(
        codec.encode(raw),
        (e: Error) => e instanceof CodecError && /zstd/.test(e.message),
      );
    }
  });

  it("writes the split and raw flags as c-blosc does", async () => {
    const raw = smoothBytes(4096, 5);
    const header = async (cname: "zstd" | "lz4", clevel: number, data = raw) =>
      readHeader(await new BloscCodec({ cname, clevel, shuffle: 1, typesize: 2, blocksize: 0 }).encode(data));
    assert.ok((await header("zstd", 5)).flags & FLAG_DONT_SPLIT, "zstd blocks are not split");
    assert.equal((await header("lz4", 5)).flags & FLAG_DONT_SPLIT, 0, "lz4 blocks are split per byte plane");
    assert.ok((await header("lz4", 0)).flags & FLAG_MEMCPYED, "clevel 0 stores raw");
    assert.ok((await header("lz4", 5, raw.subarray(0, 100))).flags & FLAG_MEMCPYED, "< 128 bytes stores raw");
    const r = rng(9);
    const random = Uint8Array.from({ length: 5000 }, () => Math.floor(r() * 256));
    const h = await header("zstd", 5, random);
    assert.ok(h.flags & FLAG_MEMCPYED, "incompressible data stores raw");
    assert.equal(h.cbytes, random.length + 16);
  });

  it("chooses one block for a 64^3 uint16 chunk with zstd at clevel 5, multiples of 8 elements for bitshuffle", () => {
    const opts = { cname: "zstd" as const, clevel: 5, shuffle: 1 as const, typesize: 2, blocksize: 0 };
    assert.equal(chooseBlocksize(opts, 64 ** 3 * 2), 64 ** 3 * 2);
    assert.equal(chooseBlocksize({ ...opts, cname: "lz4" }, 64 ** 3 * 2), 128 * 1024);
    const bs = chooseBlocksize({ ...opts, shuffle: 2, typesize: 4 }, 100_004);
    assert.equal(bs % 32, 0);
    assert.equal(chooseBlocksize({ ...opts, blocksize: 4000 }, 100_000), 4000);
  });
});

describe("blosc corrupt input", () => {
  it("throws CodecError for short, truncated, inconsistent and garbage frames", async () => {
    // A ramp compresses well, so every stream is compressed (raw streams cannot reveal corruption).
    const raw = Uint8Array.from({ length: 50_000 }, (_, i) => (i >> 4) & 255);
    const good = await new BloscCodec({
      cname: "lz4",
      clevel: 5,
      shuffle: 1,
      typesize: 2,
      blocksize: 0,
    }).encode(raw);
    const zgood = await new BloscCodec({
      cname: "zstd",
      clevel: 5,
      shuffle: 2,
      typesize: 4,
      blocksize: 0,
    }).encode(raw);
    const bad: [string, Uint8Array][] = [
      ["empty", new Uint8Array(0)],
      ["header only", good.subarray(0, 16)],
      ["truncated", good.subarray(0, good.length - 10)],
      ["blosc2 version", Uint8Array.from([5, ...good.subarray(1)])],
      [
        "stream garbage",
        (() => {
          const g = good.slice();
          for (let i = 100; i < 200; i++) g[i] ^= 0x5a;
          return g;
        })(),
      ],
      [
        "zstd garbage",
        (() => {
          const g = zgood.slice();
          for (let i = 40; i < zgood.length; i++) g[i] = i & 255;
          return g;
        })(),
      ],
      [
        "offset out of range",
        (() => {
          const g = good.slice();
          new DataView(g.buffer).setInt32(16, 1 << 30, true);
          return g;
        })(),
      ],
      [
        "zero blocksize",
        (() => {
          const g = good.slice();
          new DataView(g.buffer).setUint32(8, 0, true);
          return g;
        })(),
      ],
    ];
    for (const [what, frame] of bad) {
      await assert.rejects(decodeBloscFrame(frame), CodecError, what);
    }
  });
});
