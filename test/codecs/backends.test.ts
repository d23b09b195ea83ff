/** The portable (WASM / pure JS) backends used where native modules cannot load must interoperate with the native ones. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import {
  crc32Backend,
  deflateBackend,
  lz4Backend,
  plain,
  portableCrc32,
  portableDeflate,
  portableLz4,
  portableZstd,
  zstdBackend,
} from "../../src/codecs/backends.js";
import { command, needs } from "../helpers/requirements.js";
import { bytesEqual, smoothBytes } from "./helpers.js";

const data = smoothBytes(200_003, 17);

describe("codec backends", () => {
  it("load the native modules here", async () => {
    assert.equal((await zstdBackend()).name, "zstd-napi");
    assert.equal((await lz4Backend()).name, "lz4-napi");
    assert.equal((await deflateBackend()).name, "node:zlib");
    assert.equal((await crc32Backend()).name, "@node-rs/crc32");
  });

  it("WASM zstd reads native frames (with and without content size) and native reads WASM frames", {
    skip: needs(command("zstd", "zstd")),
  }, async () => {
    const native = await zstdBackend();
    const wasm = await portableZstd();
    assert.ok(bytesEqual(await wasm.decompress(await native.compress(data, 5, true)), data));
    assert.ok(bytesEqual(await native.decompress(await wasm.compress(data, 5, false)), data));
    const streamed = spawnSync("zstd", ["-q", "-c"], { input: data });
    assert.ok(bytesEqual(await wasm.decompress(new Uint8Array(streamed.stdout)), data));
  });

  it("WASM lz4 and native lz4 share numcodecs' format", async () => {
    const native = await lz4Backend();
    const wasm = await portableLz4();
    assert.ok(bytesEqual(await wasm.decompress(await native.compress(data)), data));
    assert.ok(bytesEqual(await native.decompress(await wasm.compress(data)), data));
  });

  it("fflate and node:zlib read each other's gzip and zlib streams", async () => {
    const native = await deflateBackend();
    const js = await portableDeflate();
    assert.ok(bytesEqual(js.gunzip(native.gzip(data, 6)), data));
    assert.ok(bytesEqual(native.gunzip(js.gzip(data, 6)), data));
    assert.ok(bytesEqual(js.unzlib(native.zlib(data, 9)), data));
    assert.ok(bytesEqual(native.unzlib(js.zlib(data, 9)), data));
  });

  it("JS CRCs equal the native ones", async () => {
    const native = await crc32Backend();
    const js = await portableCrc32();
    for (const n of [0, 1, 9, 1000, 65_537]) {
      const d = data.subarray(0, n);
      assert.equal(js.crc32c(d), native.crc32c(d), `crc32c n=${n}`);
      assert.equal(js.crc32(d), native.crc32(d), `crc32 n=${n}`);
    }
  });

  it("plain() turns Buffers into Uint8Array views without copying", () => {
    const b = Buffer.from([1, 2, 3, 4]).subarray(1);
    const p = plain(b);
    assert.equal(p.constructor, Uint8Array);
    assert.equal(p.buffer, b.buffer);
    assert.equal(p.byteOffset, b.byteOffset);
    p[0] = 9;
    assert.equal(b[0], 9);
  });
});
