/**
 * Hostile input files for `zarrsmith convert`: every case runs the real CLI in a child process with a
 * timeout and a memory bound (see harness.ts) and must end with a non-zero exit and a message that
 * names the file, the field and the rule — never exit 0 on an input that could not be read
 * completely, never hang, never allocate without bound, never a raw JS error.
 *
 * `kind` is the class the case fell into before the readers were fixed, as measured on the code
 * before the fix (issue 16's table): silent (exit 0 with garbage or a dropped tail), hang (killed
 * at the timeout), memory (peak RSS far above the data, or out of memory), untyped (a raw JS error
 * such as "Offset is outside the bounds of the DataView" instead of a typed one).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { BIN, ensureBuilt } from "../helpers/cli.js";
import { tempDir } from "../helpers/python.js";
import {
  buildTiff,
  deflate,
  deflateZeros,
  gzipWithZeros,
  hugePng,
  LONG,
  niftiBytes,
  npyBytes,
  plainPage,
  pngBytes,
  pngPatch,
  SHORT,
  stripedPage,
  TAG,
} from "./files.js";
import { describeRun, runChild } from "./harness.js";

type Kind = "silent" | "hang" | "memory" | "untyped";

interface Case {
  name: string;
  kind: Kind;
  /** Writes the input(s) into `dir`; returns the convert arguments before the output. */
  make(dir: string): Promise<string[]> | string[];
  /** The message must match (it always has to name the input file too, checked separately). */
  message: RegExp;
  /** Extra convert flags. */
  flags?: string[];
  /** Exit code wanted (default: any non-zero). */
  exit?: number;
  peakMiB?: number;
}

function file(dir: string, name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const CASES: Case[] = [
  // ----- TIFF -----
  {
    name: "TIFF truncated to half",
    kind: "silent",
    make: (d) => {
      const t = buildTiff([stripedPage(64, 64, 4)], { ifdFirst: true });
      return [file(d, "half.tif", t.subarray(0, t.length - 2048))];
    },
    message: /half\.tif.*strip 8 of page 0 ends at byte [\d,]+, past the end of the [\d,]+-byte file/,
  },
  {
    name: "TIFF header only",
    kind: "silent",
    make: (d) => [file(d, "header.tif", new Uint8Array([0x49, 0x49, 42, 0, 8, 0, 0, 0]))],
    message: /header\.tif.*IFD.*past the end of the 8-byte file/,
  },
  {
    name: "TIFF first IFD beyond EOF",
    kind: "silent",
    make: (d) => {
      const t = buildTiff([plainPage()]);
      new DataView(t.buffer).setUint32(4, 1_000_000, true);
      return [file(d, "ifd.tif", t)];
    },
    message: /ifd\.tif.*IFD.*at byte 1,000,000.*past the end of the [\d,]+-byte file/,
  },
  {
    name: "TIFF strip offset beyond EOF",
    kind: "silent",
    make: (d) => [
      file(
        d,
        "offset.tif",
        buildTiff([
          plainPage(16, 8, { override: { [TAG.StripOffsets]: { type: LONG, values: [9_000_000] } } }),
        ]),
      ),
    ],
    message: /offset\.tif.*strip 0 of page 0 ends at byte 9,000,128, past the end of the [\d,]+-byte file/,
  },
  {
    name: "TIFF BitsPerSample 0",
    kind: "silent",
    make: (d) => [file(d, "bps0.tif", buildTiff([plainPage(16, 8, { bps: 0 })]))],
    message: /bps0\.tif.*page 0.*BitsPerSample 0/,
  },
  {
    name: "TIFF SamplesPerPixel 0",
    kind: "silent",
    make: (d) => [
      file(
        d,
        "spp0.tif",
        buildTiff([plainPage(16, 8, { override: { [TAG.SamplesPerPixel]: { type: SHORT, values: [0] } } })]),
      ),
    ],
    message: /spp0\.tif.*page 0.*SamplesPerPixel 0/,
  },
  {
    name: "TIFF unknown compression",
    kind: "untyped",
    make: (d) => [file(d, "comp.tif", buildTiff([plainPage(16, 8, { compression: 12345 })]))],
    message: /comp\.tif.*page 0.*Compression 12345.*not supported/,
  },
  {
    name: "TIFF tile size 0",
    kind: "silent",
    make: (d) => [file(d, "tile0.tif", buildTiff([{ ...plainPage(16, 8), tile: [0, 0] }]))],
    message: /tile0\.tif.*page 0.*TileWidth 0/,
  },
  {
    name: "TIFF RowsPerStrip 0",
    kind: "silent",
    make: (d) => [file(d, "rps0.tif", buildTiff([plainPage(16, 8, { rowsPerStrip: 0 })]))],
    message: /rps0\.tif.*page 0.*RowsPerStrip 0/,
  },
  {
    name: "TIFF IFD pointing to itself",
    kind: "memory",
    make: (d) => [file(d, "self.tif", buildTiff([plainPage(16, 8, { next: { page: 0 } })]))],
    message: /self\.tif.*IFD 1 .*at byte [\d,]+ is IFD 0 again: the IFD chain loops/,
  },
  {
    name: "TIFF two IFDs in a loop",
    kind: "hang",
    make: (d) => [file(d, "loop.tif", buildTiff([plainPage(), plainPage(16, 8, { next: { page: 0 } })]))],
    message: /loop\.tif.*IFD 2 .*is IFD 0 again: the IFD chain loops/,
  },
  {
    name: "TIFF 2^31 pixels in a tiny file",
    kind: "untyped",
    make: (d) => [
      file(d, "huge.tif", buildTiff([plainPage(65536, 32768, { blocks: [new Uint8Array(64)] })])),
    ],
    message: /huge\.tif.*strip 0 of page 0.*(needs|decodes to) [\d,]+ bytes/,
  },
  {
    name: "TIFF 65535x65535",
    kind: "untyped",
    make: (d) => [
      file(d, "wide.tif", buildTiff([plainPage(65535, 65535, { blocks: [new Uint8Array(64)] })])),
    ],
    message: /wide\.tif.*strip 0 of page 0.*(needs|decodes to) [\d,]+ bytes/,
  },
  {
    name: "TIFF 1x2^31",
    kind: "untyped",
    make: (d) => [file(d, "tall.tif", buildTiff([plainPage(1, 2 ** 31, { blocks: [new Uint8Array(64)] })]))],
    message: /tall\.tif.*strip 0 of page 0.*(needs|decodes to) [\d,]+ bytes/,
  },
  {
    name: "TIFF huge strip byte count",
    kind: "untyped",
    make: (d) => [
      file(
        d,
        "bigcount.tif",
        buildTiff([
          plainPage(16, 8, { override: { [TAG.StripByteCounts]: { type: LONG, values: [2 ** 31] } } }),
        ]),
      ),
    ],
    message: /bigcount\.tif.*strip 0 of page 0 ends at byte [\d,]+, past the end of the [\d,]+-byte file/,
  },
  {
    name: "TIFF small strip byte count",
    kind: "untyped",
    make: (d) => [
      file(
        d,
        "smallcount.tif",
        buildTiff([plainPage(16, 8, { override: { [TAG.StripByteCounts]: { type: LONG, values: [10] } } })]),
      ),
    ],
    message: /smallcount\.tif.*strip 0 of page 0 holds 10 bytes but its 8 rows need 128/,
  },
  {
    name: "TIFF LZW garbage",
    kind: "silent",
    make: (d) => {
      const junk = new Uint8Array(200).map((_, i) => (i * 97 + 13) & 0xff);
      return [file(d, "lzw.tif", buildTiff([plainPage(16, 8, { compression: 5, blocks: [junk] })]))];
    },
    message: /lzw\.tif.*page 0.*(LZW|strip 0)/,
  },
  {
    name: "TIFF deflate strip that inflates to 256 MiB",
    kind: "memory",
    make: async (d) => {
      const bomb = await deflateZeros(256 * 2 ** 20);
      return [file(d, "bomb.tif", buildTiff([plainPage(64, 64, { compression: 8, blocks: [bomb] })]))];
    },
    message: /bomb\.tif.*page 0.*inflates to more than 4,096 bytes/,
    peakMiB: 200,
  },
  // ----- NIfTI -----
  {
    name: "NIfTI bitpix not matching datatype",
    kind: "silent",
    make: (d) => [
      file(d, "bitpix.nii", niftiBytes({ dims: [3, 4, 4, 4], datatype: 4, bitpix: 8 }, new Uint8Array(128))),
    ],
    message: /bitpix\.nii.*bitpix 8.*datatype 4 \(int16\) has 16/,
  },
  {
    name: "NIfTI vox_offset NaN",
    kind: "silent",
    make: (d) => [
      file(
        d,
        "nan.nii",
        niftiBytes({ dims: [3, 4, 4, 4], datatype: 2, bitpix: 8, voxOffset: Number.NaN }, new Uint8Array(64)),
      ),
    ],
    message: /nan\.nii.*vox_offset NaN/,
  },
  // ----- .npy -----
  {
    name: ".npy shape 0",
    kind: "silent",
    make: (d) => [
      file(
        d,
        "zero.npy",
        npyBytes("{'descr': '|u1', 'fortran_order': False, 'shape': (0, 4), }", new Uint8Array(0)),
      ),
    ],
    message: /zero\.npy.*shape \(0, 4\).*axis 0 has size 0/,
  },
  {
    name: ".npy shape inside a string",
    kind: "silent",
    make: (d) => [
      file(
        d,
        "instring.npy",
        npyBytes(
          "{'descr': '|u1', 'fortran_order': False, 'note': \"'shape': (2, 2)\", 'shape': (4, 4), }",
          new Uint8Array(16),
        ),
      ),
    ],
    message: /instring\.npy.*'note'.*(unknown|not one of)/,
  },
  {
    name: ".npy duplicate shape",
    kind: "silent",
    make: (d) => [
      file(
        d,
        "dupshape.npy",
        npyBytes(
          "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), 'shape': (4, 4), }",
          new Uint8Array(16),
        ),
      ),
    ],
    message: /dupshape\.npy.*'shape' appears twice/,
  },
  {
    name: ".npy duplicate descr",
    kind: "silent",
    make: (d) => [
      file(
        d,
        "dupdescr.npy",
        npyBytes(
          "{'descr': '|u1', 'fortran_order': False, 'descr': '<u2', 'shape': (2, 2), }",
          new Uint8Array(8),
        ),
      ),
    ],
    message: /dupdescr\.npy.*'descr' appears twice/,
  },
  // ----- raw -----
  {
    name: "raw file larger than --shape",
    kind: "silent",
    make: (d) => [file(d, "big.raw", new Uint8Array(1000))],
    flags: ["--shape", "10,10", "--dtype", "uint8"],
    message: /big\.raw has 1,000 bytes but shape \[10, 10\] of uint8.*needs 100/,
  },
  {
    // the case: 311 KB whose header says 16 KB; before, the stream was cut at the header's
    // size into a temporary copy and the convert exited 0
    name: ".nii.gz whose gzip stream inflates to 300 MB past its 16 KB header",
    kind: "silent",
    make: async (d) => {
      const head = niftiBytes({ dims: [3, 32, 32, 16], datatype: 2, bitpix: 8 }, new Uint8Array(16_384));
      return [file(d, "long.nii.gz", await gzipWithZeros(head, 300 * 2 ** 20))];
    },
    message: /long\.nii\.gz holds more than the 16,736 bytes its NIfTI header describes/,
    peakMiB: 200,
  },
  // ----- PNG -----
  {
    name: "PNG bad CRC",
    kind: "silent",
    make: (d) => {
      const png = pngPatch(pngBytes(), () => {}, true);
      // flip one CRC byte of the IDAT chunk
      const view = new DataView(png.buffer);
      for (let p = 8; p + 12 <= png.length; ) {
        const len = view.getUint32(p);
        if (String.fromCharCode(...png.subarray(p + 4, p + 8)) === "IDAT") png[p + 8 + len] ^= 0xff;
        p += 12 + len;
      }
      return [file(d, "crc.png", png)];
    },
    message: /crc\.png.*IDAT chunk.*CRC/,
  },
  {
    name: "PNG zero width",
    kind: "silent",
    make: (d) => [
      file(
        d,
        "w0.png",
        pngPatch(pngBytes(), (type, data) => {
          if (type === "IHDR") new DataView(data.buffer, data.byteOffset).setUint32(0, 0);
        }),
      ),
    ],
    message: /w0\.png.*width 0/,
  },
];

describe("hostile input files: convert fails with a typed message, in bounded time and memory", () => {
  const { dir, cleanup } = tempDir("zarrsmith-hostile-inputs-");
  before(() => ensureBuilt());
  after(cleanup);

  for (const c of CASES) {
    it(`${c.kind}: ${c.name}`, async () => {
      const d = join(dir, c.name.replace(/[^a-z0-9]+/gi, "-"));
      spawnSync("mkdir", ["-p", d]);
      const inputs = await c.make(d);
      const out = join(d, "out.zarr");
      const run = await runChild([BIN, "convert", ...inputs, out, ...(c.flags ?? [])], {
        timeoutMs: 30_000,
        killAtMiB: 1024,
      });
      const why = describeRun(run);
      assert.ok(!run.timedOut && !run.killedForMemory, `bounded run: ${why}`);
      assert.ok(run.peakRssMiB <= (c.peakMiB ?? 400), `peak RSS ${run.peakRssMiB} MiB: ${why}`);
      assert.notEqual(run.exitCode, 0, `must not exit 0: ${why}`);
      if (c.exit !== undefined) assert.equal(run.exitCode, c.exit, why);
      assert.match(run.stderr, /^zarrsmith: /m, `one typed line: ${why}`);
      assert.doesNotMatch(
        run.stderr,
        /DataView|TypeError|RangeError|at .*\.js:\d+/,
        `no raw JS error: ${why}`,
      );
      assert.match(run.stderr.replace(/\n/g, " "), c.message, why);
    });
  }

  it("a .nii.gz longer than its header fails without writing to TMPDIR (file size limit 4 MiB)", () => {
    // header says 4x4x4 uint8 (64 bytes) but the gzip stream goes on for 64 MiB
    const header = niftiBytes(
      { dims: [3, 4, 4, 4], datatype: 2, bitpix: 8 },
      new Uint8Array(64).map((_, i) => i),
    );
    const body = new Uint8Array(header.length + 64 * 2 ** 20);
    body.set(header);
    const tmp = join(dir, "tmp");
    mkdirSync(tmp);
    const gz = file(dir, "long.nii.gz", gzipSync(body, { level: 1 }));
    const out = join(dir, "long.ome.zarr");
    const r = spawnSync(
      "bash",
      ["-c", `ulimit -f 4096; exec "${process.execPath}" "${BIN}" convert "${gz}" "${out}"`],
      { encoding: "utf8", env: { ...process.env, TMPDIR: tmp }, timeout: 60_000 },
    );
    assert.equal(r.status, 2, `${r.status} ${r.signal} ${r.stderr}`);
    assert.match(r.stderr, /long\.nii\.gz holds more than the 416 bytes its NIfTI header describes/);
    assert.deepEqual(readdirSync(tmp), []);
  });

  it("memory: a legal 4000x4000 PNG above --memory-target 8MiB converts, decoded by rows", async () => {
    // before: decoded whole, so refused (a whole decode needs ~32 MB); now streamed through a
    // 2 MiB window of rows. A 20000x20000 slice at 256MiB: see the README's memory notes.
    const png = file(dir, "large.png", await hugePng(4000, 4000, 0));
    const run = await runChild(
      [BIN, "convert", png, join(dir, "large.ome.zarr"), "--memory-target", "8MiB"],
      { timeoutMs: 60_000, killAtMiB: 1024 },
    );
    assert.equal(run.exitCode, 0, describeRun(run));
    assert.ok(run.peakRssMiB <= 600, `peak RSS ${run.peakRssMiB} MiB: ${describeRun(run)}`);
  });

  it("a deflated TIFF strip still reads (the bound is exactly the strip size)", async () => {
    const page = plainPage(64, 64);
    const path = file(
      dir,
      "ok-deflate.tif",
      buildTiff([{ ...page, compression: 8, blocks: [deflate(page.blocks[0])] }]),
    );
    const run = await runChild([BIN, "convert", path, join(dir, "ok-deflate.zarr")], { timeoutMs: 30_000 });
    assert.equal(run.exitCode, 0, describeRun(run));
  });
});

export { CASES };
