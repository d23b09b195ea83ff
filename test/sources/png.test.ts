/**
 * PNG slices decoded by rows (png-rows.ts) give the values of the whole-file decode (fast-png) for
 * grey, grey+alpha, RGB, RGBA, palette and 2-bit grey, 8 and 16 bit, every filter type, in region
 * reads with a window small enough that reads restart the stream.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { deflateSync } from "node:zlib";
import { crc32 } from "@node-rs/crc32";
import { openSource } from "../../src/sources/index.js";
import { decodePng } from "../../src/sources/png.js";
import { cut, tempDir, values } from "./util.js";

/**
 * A PNG whose rows use filter `y % 5` (None, Sub, Up, Average, Paeth in turn), so every filter is
 * undone by the row decoder; `raw` holds the rows as stored (packed bits, big-endian 16-bit).
 */
function pngWithFilters(
  width: number,
  height: number,
  colorType: number,
  depth: number,
  raw: (x: number, y: number, byte: number) => number,
  palette?: Uint8Array,
): Uint8Array {
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType as 0 | 2 | 3 | 4 | 6];
  const bits = channels * depth;
  const rowBytes = Math.ceil((width * bits) / 8);
  const bpp = Math.max(1, bits >> 3);
  const filtered = new Uint8Array((rowBytes + 1) * height);
  let prev = new Uint8Array(rowBytes);
  for (let y = 0; y < height; y++) {
    const row = new Uint8Array(rowBytes).map((_, i) => raw(Math.floor((i * 8) / bits), y, i) & 0xff);
    const f = y % 5;
    const out = filtered.subarray(y * (rowBytes + 1), (y + 1) * (rowBytes + 1));
    out[0] = f;
    for (let i = 0; i < rowBytes; i++) {
      const a = i >= bpp ? row[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][f];
      out[i + 1] = (row[i] - predictor) & 0xff;
    }
    prev = row;
  }
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([depth, colorType, 0, 0, 0], 8);
  const chunks: Array<[string, Uint8Array]> = [["IHDR", ihdr]];
  if (palette) chunks.push(["PLTE", palette]);
  // two IDAT chunks, so the decoder crosses a chunk boundary inside the zlib stream
  const z = deflateSync(filtered);
  const half = z.length >> 1;
  chunks.push(["IDAT", z.subarray(0, half)], ["IDAT", z.subarray(half)], ["IEND", new Uint8Array(0)]);
  const parts = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])];
  for (const [type, data] of chunks) {
    const c = new Uint8Array(12 + data.length);
    const cv = new DataView(c.buffer);
    cv.setUint32(0, data.length);
    c.set(new TextEncoder().encode(type), 4);
    c.set(data, 8);
    cv.setUint32(8 + data.length, crc32(c.subarray(4, 8 + data.length)) >>> 0);
    parts.push(c);
  }
  return new Uint8Array(Buffer.concat(parts));
}

const W = 53;
const H = 37;
const noise = (x: number, y: number, i: number) => (x * 3 + y * 5 + ((i * 2654435761) >>> 29)) & 0xff;
const FILES: Record<string, Uint8Array> = {
  "grey8.png": pngWithFilters(W, H, 0, 8, noise),
  "grey16.png": pngWithFilters(W, H, 0, 16, noise),
  "rgb8.png": pngWithFilters(W, H, 2, 8, noise),
  "rgba16.png": pngWithFilters(W, H, 6, 16, noise),
  "greyalpha8.png": pngWithFilters(W, H, 4, 8, noise),
  "palette4.png": pngWithFilters(
    W,
    H,
    3,
    4,
    (_x, y, i) => ((y * 7 + i * 3) % 16) * 17,
    new Uint8Array(48).map((_, i) => i * 5),
  ),
  "bits2.png": pngWithFilters(W, H, 0, 2, noise),
};

describe("PNG decoded by rows", () => {
  const { dir, cleanup } = tempDir("zarrsmith-png-");
  before(() => {
    for (const [name, bytes] of Object.entries(FILES)) writeFileSync(join(dir, name), bytes);
    for (let z = 0; z < 3; z++)
      writeFileSync(
        join(dir, `stack${z}.png`),
        pngWithFilters(W, H, 0, 16, (x, y, i) => noise(x, y, i) + z),
      );
  });
  after(cleanup);

  /** The whole-file decode of `name` as the source presents it: [c, y, x] (or [y, x] for one channel). */
  function whole(name: string): { flat: number[]; channels: number } {
    const d = decodePng(new Uint8Array(readFileSync(join(dir, name))), name);
    const flat: number[] = [];
    for (let c = 0; c < d.channels; c++)
      for (let i = 0; i < d.width * d.height; i++) flat.push(d.data[i * d.channels + c]);
    return { flat, channels: d.channels };
  }

  for (const name of Object.keys(FILES)) {
    test(`${name}: region reads equal the whole-file decode (restarting a 1 KiB window)`, async () => {
      const { flat, channels } = whole(name);
      // a 4 KiB memory limit gives a 1 KiB window: reads behind it restart the row stream
      const s = await openSource(join(dir, name), { memoryLimit: 4096 });
      assert.deepEqual(s.shape, channels > 1 ? [channels, 37, 53] : [37, 53]);
      const all = await s.read(s.shape.map((n) => [0, n] as const));
      assert.deepEqual(values(all), flat);
      const regions: Array<Array<readonly [number, number]>> = [
        [
          [20, 37],
          [40, 53],
        ],
        [
          [0, 5],
          [0, 11],
        ],
        [
          [10, 30],
          [3, 50],
        ],
      ];
      for (const r of regions) {
        const region = channels > 1 ? [[channels > 2 ? 1 : 0, channels] as const, ...r] : r;
        const part = await s.read(region);
        assert.deepEqual(values(part), cut(flat, s.shape, region), JSON.stringify(region));
      }
      await s.close();
    });
  }

  test("a stack of 16-bit PNGs: a z range of rows equals the slices' whole decode", async () => {
    const files = [0, 1, 2].map((z) => join(dir, `stack${z}.png`));
    const flat = files.flatMap((f) => whole(f.slice(dir.length + 1)).flat);
    const s = await openSource(files, { memoryLimit: 1 << 16 });
    assert.equal(s.dtype, "uint16");
    assert.deepEqual(s.shape, [3, 37, 53]);
    const region = [
      [1, 3],
      [5, 33],
      [2, 40],
    ] as const;
    assert.deepEqual(values(await s.read(region)), cut(flat, s.shape, region));
    await s.close();
  });
});
