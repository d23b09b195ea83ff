/**
 * Bigger than memory: `zarrsmith convert` of a generated uint16 volume (default 8 GiB, 1024 x 2048 x
 * 2048) into a 5-level OME-Zarr (mean, all three axes halved, chunks 64^3, zstd 5) with
 * `--memory-target 256MiB`, from a raw file and from an uncompressed BigTIFF (one page per z plane)
 * holding the same bytes, against the same convert of a 512^3 volume of the same kind, in one run.
 * Reports wall time, MB/s of input and the process's peak RSS (`/usr/bin/time -f %M`: main thread
 * and workers together). Targets: peak RSS under 400 MiB, MB/s within 1.2x of the 512^3 case.
 *
 *   npm run build && npx tsx bench/big.ts [--gib 8|2|...]
 *
 * Each convert is timed from process start to exit (startup included, the same for every size).
 * The inputs need twice the volume on disk (raw + BigTIFF), plus the output; the script checks the
 * free space of the temp directory first and deletes everything at the end.
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const gib = Number(arg("--gib", "8"));
const cli = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

/** z, y, x of a volume of about `gib` GiB of uint16 (x and y powers of two, z the rest). */
function shapeFor(gibibytes: number): [number, number, number] {
  const voxels = (gibibytes * 2 ** 30) / 2;
  const side = voxels >= 2 ** 32 ? 2048 : voxels >= 2 ** 28 ? 1024 : 512;
  return [Math.round(voxels / side / side), side, side];
}

/**
 * One z plane of the generated volume: a smooth body, a slow wave and mild noise, like a CT or
 * light-sheet stack (bench/volume.ts's kind of data, cheap enough for billions of voxels).
 */
function makePlane(shape: [number, number, number]) {
  const [nz, ny, nx] = shape;
  const plane = new Uint16Array(ny * nx);
  const xTerm = Float64Array.from({ length: nx }, (_, x) => ((x - nx / 2) / (nx / 2)) ** 2);
  const xWave = Float64Array.from({ length: nx }, (_, x) => 300 * Math.sin(x / 17));
  let seed = 12345;
  return (z: number): Uint16Array => {
    const dz = ((z - nz / 2) / (nz / 2)) ** 2;
    for (let y = 0; y < ny; y++) {
      const dzy = dz + ((y - ny / 2) / (ny / 2)) ** 2;
      const wave = 400 * Math.sin(z / 23) * Math.cos(y / 31);
      const row = y * nx;
      for (let x = 0; x < nx; x++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        const r = dzy + xTerm[x];
        const body = r < 0.7 ? 20000 - 12000 * r : 2000;
        plane[row + x] = body + wave + xWave[x] + 200 * (seed / 2 ** 32);
      }
    }
    return plane;
  };
}

/** BigTIFF (little-endian, uncompressed, one strip per page) layout: header, pixel data, then the IFDs. */
const TIFF_HEADER = 16;
const IFD_ENTRIES = 10;
const IFD_BYTES = 8 + IFD_ENTRIES * 20 + 8;

function bigTiffHeader(firstIFD: number): Uint8Array {
  const b = new DataView(new ArrayBuffer(TIFF_HEADER));
  b.setUint16(0, 0x4949, true); // "II"
  b.setUint16(2, 43, true); // BigTIFF
  b.setUint16(4, 8, true); // offset size
  b.setUint16(6, 0, true);
  b.setBigUint64(8, BigInt(firstIFD), true);
  return new Uint8Array(b.buffer);
}

/** The IFD of page `k` (tags in ascending order, as TIFF requires). */
function bigTiffIFD(shape: [number, number, number], k: number, dataStart: number): Uint8Array {
  const [nz, ny, nx] = shape;
  const planeBytes = ny * nx * 2;
  const ifdStart = dataStart + nz * planeBytes;
  const b = new DataView(new ArrayBuffer(IFD_BYTES));
  b.setBigUint64(0, BigInt(IFD_ENTRIES), true);
  const SHORT = 3;
  const LONG = 4;
  const LONG8 = 16;
  const entries: Array<[number, number, number]> = [
    [256, LONG, nx], // ImageWidth
    [257, LONG, ny], // ImageLength
    [258, SHORT, 16], // BitsPerSample
    [259, SHORT, 1], // Compression: none
    [262, SHORT, 1], // PhotometricInterpretation: black is zero
    [273, LONG8, dataStart + k * planeBytes], // StripOffsets
    [277, SHORT, 1], // SamplesPerPixel
    [278, LONG, ny], // RowsPerStrip
    [279, LONG8, planeBytes], // StripByteCounts
    [339, SHORT, 1], // SampleFormat: unsigned
  ];
  entries.forEach(([tag, type, value], i) => {
    const at = 8 + i * 20;
    b.setUint16(at, tag, true);
    b.setUint16(at + 2, type, true);
    b.setBigUint64(at + 4, 1n, true);
    if (type === LONG8) b.setBigUint64(at + 12, BigInt(value), true);
    else if (type === LONG) b.setUint32(at + 12, value, true);
    else b.setUint16(at + 12, value, true);
  });
  const next = k + 1 < nz ? ifdStart + (k + 1) * IFD_BYTES : 0;
  b.setBigUint64(8 + IFD_ENTRIES * 20, BigInt(next), true);
  return new Uint8Array(b.buffer);
}

/** Writes the volume as raw bytes and (optionally) as a BigTIFF with the same pixel bytes. */
function generate(shape: [number, number, number], raw: string, tiff: string | undefined): number {
  const t = performance.now();
  const plane = makePlane(shape);
  const rawFd = openSync(raw, "w");
  const tiffFd = tiff ? openSync(tiff, "w") : undefined;
  const [nz, ny, nx] = shape;
  try {
    if (tiffFd !== undefined) writeSync(tiffFd, bigTiffHeader(TIFF_HEADER + nz * ny * nx * 2));
    for (let z = 0; z < nz; z++) {
      const bytes = new Uint8Array(plane(z).buffer);
      writeSync(rawFd, bytes);
      if (tiffFd !== undefined) writeSync(tiffFd, bytes);
    }
    if (tiffFd !== undefined)
      for (let k = 0; k < nz; k++) writeSync(tiffFd, bigTiffIFD(shape, k, TIFF_HEADER));
  } finally {
    closeSync(rawFd);
    if (tiffFd !== undefined) closeSync(tiffFd);
  }
  return (performance.now() - t) / 1000;
}

interface Convert {
  seconds: number;
  rssMiB: number;
}

function convert(input: string, out: string, shape: number[], raw: boolean): Convert | string {
  const flags = [
    ...(raw ? ["--format", "raw", "--shape", shape.join(","), "--dtype", "uint16", "--axes", "zyx"] : []),
    "--levels",
    "5",
    "--method",
    "mean",
    "--downsample-axes",
    "xyz",
    "--chunks",
    "64,64,64",
    "--codec",
    "zstd:5",
    "--memory-target",
    "256MiB",
    "--workers",
    "2",
  ];
  const t = performance.now();
  const r = spawnSync(
    "/usr/bin/time",
    ["-f", "peak-rss-kib %M", process.execPath, cli, "convert", input, out, ...flags],
    {
      encoding: "utf8",
      maxBuffer: 1 << 26,
    },
  );
  const seconds = (performance.now() - t) / 1000;
  rmSync(out, { recursive: true, force: true });
  const m = /peak-rss-kib (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) return `failed (${r.status}): ${r.stderr.slice(-600)}`;
  return { seconds, rssMiB: Number(m[1]) / 1024 };
}

const dir = mkdtempSync(join(tmpdir(), "zarrsmith-big-"));
const big = shapeFor(gib);
const small: [number, number, number] = [512, 512, 512];
const bytesOf = (s: number[]) => s.reduce((a, b) => a * b, 2);
const { bavail, bsize } = statfsSync(dir);
const free = bavail * bsize;
// raw + BigTIFF + the output (at most about the input again) + the small case
const need = 3 * bytesOf(big) + 3 * bytesOf(small);
if (free < need) {
  rmSync(dir, { recursive: true, force: true });
  throw new Error(
    `${dir}: ${(free / 2 ** 30).toFixed(1)} GiB free, this run needs ${(need / 2 ** 30).toFixed(1)} GiB (try --gib 2)`,
  );
}
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(", ");
console.log(`load average before: ${load()}`);
const rows: Array<[string, number[], Convert | string]> = [];
try {
  const smallRaw = join(dir, "small.raw");
  generate(small, smallRaw, undefined);
  rows.push(["512^3 raw", small, convert(smallRaw, join(dir, "small.ome.zarr"), small, true)]);
  rmSync(smallRaw);
  const raw = join(dir, "big.raw");
  const tiff = join(dir, "big.tif");
  const generated = generate(big, raw, tiff);
  console.log(
    `generated ${big.join(" x ")} uint16 (${(bytesOf(big) / 2 ** 30).toFixed(1)} GiB) as raw + BigTIFF in ${generated.toFixed(0)} s`,
  );
  rows.push([`${big.join("x")} raw`, big, convert(raw, join(dir, "big-raw.ome.zarr"), big, true)]);
  rmSync(raw);
  rows.push([`${big.join("x")} BigTIFF`, big, convert(tiff, join(dir, "big-tiff.ome.zarr"), big, false)]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`load average after: ${load()}\n`);
console.log("convert, 5 levels (mean, xyz), chunks 64^3, zstd 5, --memory-target 256MiB, 2 workers\n");
console.log("| input | GiB | s | MB/s | time per byte vs 512^3 | peak RSS MiB |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
const base = rows[0][2];
const basePerByte = typeof base === "string" ? Number.NaN : base.seconds / bytesOf(small);
for (const [name, shape, r] of rows) {
  if (typeof r === "string") {
    console.log(`| ${name} | | ${r.replace(/\n/g, " ")} | | | |`);
    continue;
  }
  const perByte = r.seconds / bytesOf(shape);
  console.log(
    `| ${name} | ${(bytesOf(shape) / 2 ** 30).toFixed(2)} | ${r.seconds.toFixed(1)} | ${(bytesOf(shape) / 1e6 / r.seconds).toFixed(0)} | ${(perByte / basePerByte).toFixed(2)}x | ${r.rssMiB.toFixed(0)} |`,
  );
}
