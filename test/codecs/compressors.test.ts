import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { ChecksumCodec } from "../../src/codecs/checksum.js";
import { Bz2Codec } from "../../src/codecs/compressors/bz2.js";
import { GzipCodec, ZlibCodec } from "../../src/codecs/compressors/deflate.js";
import { Lz4Codec } from "../../src/codecs/compressors/lz4.js";
import { ZstdCodec } from "../../src/codecs/compressors/zstd.js";
import type { BytesToBytesCodec } from "../../src/codecs/types.js";
import { CodecError, type SpecError } from "../../src/errors.js";
import { command, needs, pythonModules } from "../helpers/requirements.js";
import { b64, bytesEqual, python, smoothBytes, unb64 } from "./helpers.js";

const SIZES = [0, 1, 1023, 100_001];

/** Each codec with the numcodecs config that must produce/accept the same format. */
const CODECS: { name: string; ours: BytesToBytesCodec; numcodecs: Record<string, unknown> }[] = [
  { name: "zstd", ours: new ZstdCodec({ level: 5 }), numcodecs: { id: "zstd", level: 5 } },
  {
    name: "zstd-checksum",
    ours: new ZstdCodec({ level: 3, checksum: true }),
    numcodecs: { id: "zstd", level: 3 },
  },
  { name: "zstd-negative", ours: new ZstdCodec({ level: -3 }), numcodecs: { id: "zstd", level: 1 } },
  { name: "gzip", ours: new GzipCodec({ level: 6 }), numcodecs: { id: "gzip", level: 6 } },
  { name: "zlib", ours: new ZlibCodec({ level: 9 }), numcodecs: { id: "zlib", level: 9 } },
  { name: "lz4", ours: new Lz4Codec({ acceleration: 1 }), numcodecs: { id: "lz4", acceleration: 1 } },
  { name: "bz2", ours: new Bz2Codec({ level: 9 }), numcodecs: { id: "bz2", level: 9 } },
];

describe("bytes-to-bytes compressors", () => {
  it("round trip every size", async () => {
    for (const { name, ours } of CODECS) {
      for (const n of SIZES) {
        const raw = smoothBytes(n, n + 1);
        const enc = await ours.encode(raw);
        assert.ok(bytesEqual(await ours.decode(enc), raw), `${name} n=${n}`);
      }
    }
  });

  it("interoperate with numcodecs both ways", { skip: needs(pythonModules("numcodecs")) }, async () => {
    // No empty input: numcodecs 0.11 cannot decode even its own empty zstd and lz4 output.
    const raws = SIZES.filter((n) => n > 0).map((n) => smoothBytes(n, 2 * n + 3));
    const ours: string[][] = [];
    for (const { ours: codec } of CODECS)
      ours.push(await Promise.all(raws.map(async (r) => b64(await codec.encode(r)))));
    const out = python<{ bad: string[]; theirs: string[][] }>(
      `
import numcodecs
bad, theirs = [], []
for spec, encs in zip(INPUT["codecs"], INPUT["ours"]):
    codec = numcodecs.get_codec(dict(spec["numcodecs"]))
    row = []
    for raw, enc in zip(INPUT["raws"], encs):
        raw = unb64(raw)
        try:
            if bytes(codec.decode(unb64(enc))) != raw: bad.append(spec["name"] + " %d" % len(raw))
        except Exception as e:
            bad.append(spec["name"] + " %d: %s" % (len(raw), e))
        row.append(b64(codec.encode(raw)))
    theirs.append(row)
OUTPUT = {"bad": bad, "theirs": theirs}
`,
      { codecs: CODECS.map((c) => ({ name: c.name, numcodecs: c.numcodecs })), raws: raws.map(b64), ours },
    );
    assert.deepEqual(out.bad, []);
    for (const [i, { name, ours: codec }] of CODECS.entries()) {
      for (const [j, raw] of raws.entries()) {
        assert.ok(
          bytesEqual(await codec.decode(unb64(out.theirs[i][j])), raw),
          `${name} decodes numcodecs n=${raw.length}`,
        );
      }
    }
  });

  it("zstd decodes streamed frames without a content size, and concatenated frames", {
    skip: needs(command("zstd", "zstd")),
  }, async () => {
    const raw = smoothBytes(300_000, 4);
    const cli = spawnSync("zstd", ["-q", "-c", "-3"], { input: raw });
    assert.equal(cli.status, 0);
    const frame = new Uint8Array(cli.stdout);
    // Frame header descriptor bits 6-7 (content size flag) and bit 5 (single segment) are 0.
    assert.equal(frame[4] & 0xe0, 0, "the CLI writes no content size when streaming from stdin");
    const zstd = new ZstdCodec();
    assert.ok(bytesEqual(await zstd.decode(frame), raw));
    const two = new Uint8Array([...frame, ...(await zstd.encode(raw.subarray(0, 10)))]);
    assert.equal((await zstd.decode(two)).length, raw.length + 10);
  });

  it("zstd checksum frames carry and verify the checksum", async () => {
    const raw = smoothBytes(5000, 8);
    const enc = await new ZstdCodec({ level: 1, checksum: true }).encode(raw);
    assert.equal(enc[4] & 0x04, 0x04, "content checksum flag set");
    const broken = enc.slice();
    broken[broken.length - 1] ^= 0xff;
    await assert.rejects(new ZstdCodec().decode(broken), CodecError);
  });

  it("throw CodecError on corrupt input", async () => {
    const raw = smoothBytes(20_000, 6);
    for (const { name, ours } of CODECS) {
      const enc = await ours.encode(raw);
      await assert.rejects(
        async () => ours.decode(enc.subarray(0, Math.floor(enc.length / 2))),
        CodecError,
        `${name} truncated`,
      );
      await assert.rejects(
        async () => ours.decode(Uint8Array.from({ length: 64 }, (_, i) => (i * 37) & 255)),
        CodecError,
        `${name} garbage`,
      );
    }
  });

  it("lz4 refuses an impossible size header without allocating it", async () => {
    const bogus = Uint8Array.from([0xff, 0xff, 0xff, 0x7f, 1, 2, 3]);
    await assert.rejects(new Lz4Codec().decode(bogus), /impossible/);
  });

  it("reject bad configurations with the field named", () => {
    assert.throws(
      () => new ZstdCodec({ level: 23 }),
      (e: SpecError) => e.issues[0].path === "zstd.level",
    );
    assert.throws(
      () => new GzipCodec({ level: 10 }),
      (e: SpecError) => e.issues[0].path === "gzip.level",
    );
    assert.throws(
      () => new Bz2Codec({ level: 0 }),
      (e: SpecError) => e.issues[0].path === "bz2.level",
    );
  });
});

describe("checksum codecs", () => {
  it("crc32c of '123456789' is 0xe3069283, appended little endian", async () => {
    const enc = await new ChecksumCodec("crc32c").encode(new TextEncoder().encode("123456789"));
    assert.deepEqual([...enc.subarray(9)], [0x83, 0x92, 0x06, 0xe3]);
  });

  it("detect corruption of data or checksum", async () => {
    for (const kind of ["crc32c", "crc32", "adler32", "fletcher32"] as const) {
      const codec = new ChecksumCodec(kind);
      const raw = smoothBytes(1001, 12);
      const enc = await codec.encode(raw);
      assert.ok(bytesEqual(await codec.decode(enc), raw), kind);
      for (const at of [0, 500, enc.length - 1]) {
        const bad = enc.slice();
        bad[at] ^= 0x10;
        await assert.rejects(codec.decode(bad), CodecError, `${kind} flip at ${at}`);
      }
      await assert.rejects(codec.decode(enc.subarray(0, 3)), CodecError);
    }
  });

  it("crc32 and adler32 match numcodecs (checksum first)", {
    skip: needs(pythonModules("numcodecs")),
  }, async () => {
    const raw = smoothBytes(777, 13);
    const theirs = python<string[]>(
      `
import numcodecs
raw = unb64(INPUT)
OUTPUT = [b64(numcodecs.CRC32().encode(raw)), b64(numcodecs.Adler32().encode(raw))]
`,
      b64(raw),
    );
    assert.ok(bytesEqual(await new ChecksumCodec("crc32").encode(raw), unb64(theirs[0])));
    assert.ok(bytesEqual(await new ChecksumCodec("adler32").encode(raw), unb64(theirs[1])));
  });
});
