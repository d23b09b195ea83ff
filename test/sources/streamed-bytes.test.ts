/**
 * StreamedBytes (random access over a front-to-back stream) and the gzip reader built on it: values
 * equal to the data in any read order, one pass for front-to-back and for reads in flight together,
 * restarts counted, and a stream that is longer or shorter than declared fails naming the rule.
 */
import assert from "node:assert/strict";
import { type Dirent, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import { ValueError } from "../../src/errors.js";
import { MemoryStore, openSource, pyramid } from "../../src/index.js";
import { openGunzip } from "../../src/sources/gzip.js";
import { type ForwardStream, StreamedBytes } from "../../src/sources/streamed-bytes.js";
import { cli, ensureBuilt } from "../helpers/cli.js";
import { niftiBytes } from "../hostile/files.js";
import { tempDir } from "./util.js";

const DATA = new Uint8Array(100_000).map((_, i) => (i * 31 + (i >> 8)) & 0xff);

/** DATA in pieces of `piece` bytes, followed by `extra` more bytes. */
function pieces(data: Uint8Array, piece: number, extra = 0): () => ForwardStream {
  return () => {
    const all = new Uint8Array(data.length + extra);
    all.set(data);
    let at = 0;
    return {
      async next() {
        if (at >= all.length) return { done: true, value: undefined };
        const value = all.subarray(at, at + piece);
        at += piece;
        return { done: false, value };
      },
    };
  };
}

function source(window: number, extra = 0, size = DATA.length): StreamedBytes {
  return new StreamedBytes({
    name: "data.bin",
    open: pieces(DATA, 4096, extra),
    size,
    window,
    rule: "its header describes",
  });
}

describe("StreamedBytes", () => {
  test("front-to-back reads: one pass, each byte produced once", async () => {
    const s = source(8192);
    for (let at = 0; at < DATA.length; at += 7000) {
      const n = Math.min(7000, DATA.length - at);
      assert.deepEqual(await s.read(at, n), DATA.subarray(at, at + n));
    }
    assert.equal(s.passes, 1);
    assert.equal(s.produced, DATA.length);
    await s.close();
  });

  test("reads in flight together are served by one pass whatever their order", async () => {
    const s = source(4096);
    const starts = [90_000, 10, 50_000, 3000, 70_000, 20_000];
    const got = await Promise.all(starts.map((a) => s.read(a, 5000)));
    for (const [i, a] of starts.entries()) assert.deepEqual(got[i], DATA.subarray(a, a + 5000));
    assert.equal(s.passes, 1);
    await s.close();
  });

  test("a read within the window needs no restart; one behind it restarts from the beginning", async () => {
    const s = source(20_000);
    await s.read(60_000, 1000);
    assert.deepEqual(await s.read(45_000, 100), DATA.subarray(45_000, 45_100));
    assert.equal(s.passes, 1);
    assert.deepEqual(await s.read(1000, 100), DATA.subarray(1000, 1100));
    assert.equal(s.passes, 2);
    await s.close();
  });

  test("a stream longer than declared fails naming the file and the rule", async () => {
    const s = source(4096, 1);
    assert.deepEqual(await s.read(0, 10), DATA.subarray(0, 10));
    await assert.rejects(
      s.read(DATA.length - 10, 10),
      (e: Error) =>
        e instanceof ValueError &&
        /data\.bin holds more than the 100,000 bytes its header describes/.test(e.message),
    );
    await assert.rejects(s.read(0, 10), ValueError, "the failure sticks");
    await s.close();
  });

  test("a stream shorter than declared fails as truncated", async () => {
    const s = source(4096, 0, DATA.length + 50);
    await assert.rejects(s.read(DATA.length, 50), /data\.bin ends after 100,000 bytes of data .*truncated/);
    await s.close();
  });
});

describe("gzip through StreamedBytes", () => {
  const { dir, cleanup } = tempDir("zarrsmith-streamed-");
  after(cleanup);

  test("a gzip trailer that disagrees with the header is checked at open, inflating little", async () => {
    const path = join(dir, "long.gz");
    writeFileSync(path, gzipSync(new Uint8Array(8 * 2 ** 20)));
    await assert.rejects(
      openGunzip(path, { size: 16_384, rule: "its NIfTI header describes" }),
      /long\.gz holds more than the 16,384 bytes its NIfTI header describes/,
    );
    const exact = await openGunzip(path, {
      size: 8 * 2 ** 20,
      rule: "its header describes",
      window: 2 ** 20,
    });
    assert.equal((await exact.read(2 ** 20, 10)).length, 10);
    assert.equal(exact.passes, 1, "a matching trailer costs no pass at open");
    await exact.close();
  });

  test("a .nii.gz converts (several levels, tight memory target) to the bytes of the .nii", () => {
    ensureBuilt();
    // 120x100x40 uint16; at --memory-target 1MiB the reader restarts and its window is 256 KiB
    const [X, Y, Z] = [120, 100, 40];
    const voxels = new Uint16Array(X * Y * Z).map((_, i) => (i * 2654435761) >>> 20);
    const nii = niftiBytes({ dims: [3, X, Y, Z], datatype: 512, bitpix: 16 }, new Uint8Array(voxels.buffer));
    writeFileSync(join(dir, "vol.nii"), nii);
    writeFileSync(join(dir, "vol.nii.gz"), gzipSync(nii));
    const outputs: string[] = [];
    for (const name of ["vol.nii", "vol.nii.gz"]) {
      const out = join(dir, `${name}.ome.zarr`);
      const r = cli([
        "convert",
        join(dir, name),
        out,
        "--chunks",
        "16,32,32",
        "--levels",
        "4",
        "--memory-target",
        "1MiB",
      ]);
      assert.equal(r.code, 0, r.stderr);
      outputs.push(out);
    }
    const files = (root: string) =>
      (readdirSync(root, { recursive: true, withFileTypes: true }) as Dirent[])
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(root.length))
        .sort();
    const [a, b] = outputs;
    assert.deepEqual(files(b), files(a));
    assert.ok(files(a).filter((f) => /^\/3\//.test(f)).length > 0, "four levels");
    for (const f of files(a)) assert.deepEqual(readFileSync(b + f), readFileSync(a + f), f);
  });
});

describe("the pyramid writer reads a front-to-back source in its byte order", () => {
  const { dir, cleanup } = tempDir("zarrsmith-forward-");
  after(cleanup);
  // 120x100x96 uint16: a 16-plane slab is 384 KB, so at a 1 MiB target one slab fits the half
  // of memory the stream may keep; the depth-first tree walk came back to earlier slabs (41 passes)
  const [X, Y, Z] = [120, 100, 96];
  const voxels = new Uint16Array(X * Y * Z).map((_, i) => (i * 2654435761) >>> 20);
  const nii = niftiBytes({ dims: [3, X, Y, Z], datatype: 512, bitpix: 16 }, new Uint8Array(voxels.buffer));

  for (const method of ["mean", "gaussian"] as const) {
    test(`${method}: one pass over a .nii.gz at a tight memory target, the same chunks as from the .nii`, async () => {
      writeFileSync(join(dir, "vol.nii"), nii);
      writeFileSync(join(dir, "vol.nii.gz"), gzipSync(nii));
      const MiB = 2 ** 20;
      const files: Map<string, Uint8Array>[] = [];
      for (const name of ["vol.nii", "vol.nii.gz"]) {
        const source = await openSource(join(dir, name), { memoryLimit: MiB });
        const store = new MemoryStore();
        await pyramid.write(source, store, {
          chunks: [16, 32, 32],
          levels: 4,
          method,
          memoryTarget: MiB,
          workers: 1,
        });
        if (name.endsWith(".gz")) {
          assert.ok(source.forwardOnly, "a .nii.gz is a front-to-back source");
          assert.equal(source.forwardOnly.passes, 1, "decoded once");
          assert.ok(source.forwardOnly.window <= MiB, `kept ${source.forwardOnly.window} bytes`);
        } else assert.equal(source.forwardOnly, undefined);
        await source.close();
        const keys = (await store.list()).sort();
        files.push(new Map(await Promise.all(keys.map(async (k) => [k, (await store.get(k))!] as const))));
      }
      const [plain, gz] = files;
      assert.deepEqual([...gz.keys()], [...plain.keys()]);
      assert.ok(
        [...plain.keys()].some((k) => k.startsWith("3/")),
        "four levels",
      );
      for (const [k, v] of plain) assert.deepEqual(gz.get(k), v, k);
    });
  }
});
