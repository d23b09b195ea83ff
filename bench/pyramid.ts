/**
 * Pyramid speed, side by side in one run: a 512^3 uint16 volume (smooth structure + noise, from
 * bench/volume.ts, stored as a raw file) → a 3-level mean pyramid, chunks 64^3, zstd level 5:
 *   (a) zarr-python + NumPy by hand (level 0, then reshape-mean levels), (b) zarr-python + dask
 *   coarsen (2 threads), (c) @fideus-labs/ngff-zarr (bin_shrink), (d) zarrsmith level 0 only,
 *   (e) zarrsmith pyramid.
 * Every variant runs in its own process and is timed from reading the raw file to the last byte
 * written; peak RSS is that process's. zarrsmith runs from dist/ (as users run it), so build first.
 * At the end, zarr-python checks that zarrsmith's levels equal NumPy's.
 *
 *   npm run build && npx tsx bench/pyramid.ts [--size 512] [--skip-ngff]
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const size = Number(arg("--size", "512"));
const child = arg("--child", "");
const PY = "/usr/bin/python3";

interface Run {
  seconds: number;
  rssMiB: number;
}

const rss = () => process.resourceUsage().maxRSS / 1024;

/**
 * The raw volume as a streaming region source: one read per z plane of a region (its y rows are
 * contiguous in the file), the way NumPy's fromfile reads it in one go, but without holding it all.
 */
function rawSource(path: string, n: number) {
  const fd = openSync(path, "r");
  return {
    fd,
    shape: [n, n, n],
    dtype: "uint16" as const,
    async read(region: ReadonlyArray<readonly [number, number]>) {
      const [[z0, z1], [y0, y1], [x0, x1]] = region;
      const [nz, ny, nx] = [z1 - z0, y1 - y0, x1 - x0];
      const out = new Uint16Array(nz * ny * nx);
      const plane = new Uint16Array(ny * n);
      const bytes = new Uint8Array(plane.buffer);
      for (let z = 0; z < nz; z++) {
        readSync(fd, bytes, 0, bytes.length, ((z0 + z) * n + y0) * n * 2);
        for (let y = 0; y < ny; y++) out.set(plane.subarray(y * n + x0, y * n + x1), (z * ny + y) * nx);
      }
      return { data: out, shape: [nz, ny, nx], dtype: "uint16" as const };
    },
  };
}

if (child === "zarrsmith") {
  // a child: one zarrsmith run, result as JSON on the last line
  const [raw, out, levels] = [arg("--raw", ""), arg("--out", ""), Number(arg("--levels", "3"))];
  const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));
  const lib = (await import(dist)) as typeof import("../src/index.js");
  const started = performance.now();
  const source = rawSource(raw, size);
  await lib.pyramid.write(source, new lib.LocalStore(out), {
    levels,
    axes: ["z", "y", "x"],
    chunks: [64, 64, 64],
    codec: lib.codecs.Zstd({ level: 5 }),
    method: "mean",
    workers: 2,
  });
  closeSync(source.fd);
  console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, rssMiB: rss() }));
} else if (child === "ngff") {
  const [raw, out] = [arg("--raw", ""), arg("--out", "")];
  // ngff-zarr encodes in Web Workers, which Node 20 lacks (and the web-worker polyfill fails on its
  // codec worker). A Worker that refuses like an unsupported codec sends it down its own fallback:
  // plain zarrita get/set on the main thread.
  (globalThis as { Worker?: unknown }).Worker ??= class {
    constructor() {
      throw new Error("unsupported codec: no Web Workers in Node");
    }
  };
  const ngff = await import("@fideus-labs/ngff-zarr");
  const started = performance.now();
  const bytes = readFileSync(raw);
  const data = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
  const image = await ngff.toNgffImage(data, { dims: ["z", "y", "x"], shape: [size, size, size] });
  const multiscales = await ngff.toMultiscales(image, {
    scaleFactors: [2, 4],
    method: ngff.Methods.ITKWASM_BIN_SHRINK,
    chunks: 64,
  });
  await ngff.toNgffZarr(out, multiscales);
  console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, rssMiB: rss() }));
} else {
  await main();
}

async function main() {
  const { syntheticVolume } = await import("./volume.js");
  const dir = mkdtempSync(join(tmpdir(), "zarrsmith-bench-pyramid-"));
  const raw = join(dir, "volume.raw");
  writeFileSync(raw, syntheticVolume(size));
  const mb = (size ** 3 * 2) / 1e6;
  const self = fileURLToPath(import.meta.url);

  const node = (kind: string, out: string, extra: string[] = [], timeout = 900): Run | string => {
    const r = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        self,
        "--child",
        kind,
        "--size",
        String(size),
        "--raw",
        raw,
        "--out",
        out,
        ...extra,
      ],
      { encoding: "utf8", timeout: timeout * 1000, maxBuffer: 1 << 26 },
    );
    if (r.error || r.status !== 0)
      return r.error ? `failed: ${r.error.message}` : `failed: ${r.stderr.slice(-400)}`;
    return JSON.parse(r.stdout.trim().split("\n").pop()!) as Run;
  };
  const py = (code: string, out: string): Run | string => {
    const r = spawnSync(PY, ["-c", code, raw, out, String(size)], { encoding: "utf8", timeout: 900_000 });
    if (r.error || r.status !== 0) return `failed: ${r.error?.message ?? r.stderr.slice(-400)}`;
    return JSON.parse(r.stdout.trim().split("\n").pop()!) as Run;
  };

  // shared by (a) and (b): OME metadata for a 3-level mean pyramid, written like ours
  const pyHead = `import sys, time, json, resource, numpy as np, zarr, numcodecs
raw, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
comp = numcodecs.Zstd(level=5)
def meta(g):
    g.attrs["multiscales"] = [{"version": "0.4", "name": "image", "type": "mean",
        "axes": [{"name": a, "type": "space"} for a in "zyx"],
        "datasets": [{"path": str(i), "coordinateTransformations": [{"type": "scale", "scale": [2.0 ** i] * 3},
            {"type": "translation", "translation": [(2.0 ** i - 1) / 2] * 3}]} for i in range(3)]}]
def done(t):
    print(json.dumps({"seconds": time.perf_counter() - t, "rssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
`;
  const results: Array<[string, Run | string]> = [];
  console.log(`${size}^3 uint16 (${mb.toFixed(0)} MB), 3 levels, mean, chunks 64^3, zstd 5, 2 cores\n`);

  results.push([
    "(a) zarr-python + NumPy",
    py(
      `${pyHead}
t = time.perf_counter()
x = np.fromfile(raw, dtype="<u2").reshape(n, n, n)
g = zarr.open_group(out, mode="w")
level = x
for i in range(3):
    if i > 0:
        s = level.shape  # pad odd sizes by edge values would change means; sizes here are even
        level = np.rint(level.reshape(s[0] // 2, 2, s[1] // 2, 2, s[2] // 2, 2).mean(axis=(1, 3, 5))).astype("<u2")
    g.create_dataset(str(i), data=level, chunks=(64, 64, 64), compressor=comp, dimension_separator="/")
meta(g)
done(t)`,
      join(dir, "numpy.ome.zarr"),
    ),
  ]);
  results.push([
    "(b) zarr-python + dask coarsen",
    py(
      `${pyHead}
import dask, dask.array as da
dask.config.set(scheduler="threads", num_workers=2)
t = time.perf_counter()
x = np.fromfile(raw, dtype="<u2").reshape(n, n, n)
g = zarr.open_group(out, mode="w")
levels = [da.from_array(x, chunks=(64, 64, 64))]
for i in (1, 2):
    levels.append(da.round(da.coarsen(np.mean, levels[-1], {0: 2, 1: 2, 2: 2})).astype("<u2").rechunk((64, 64, 64)))
targets = [g.create_dataset(str(i), shape=l.shape, dtype="<u2", chunks=(64, 64, 64), compressor=comp, dimension_separator="/") for i, l in enumerate(levels)]
da.store(levels, targets, lock=False)
meta(g)
done(t)`,
      join(dir, "dask.ome.zarr"),
    ),
  ]);
  results.push([
    "(c) ngff-zarr (bin_shrink, blosc-zstd 5)",
    args.includes("--skip-ngff") ? "skipped" : node("ngff", join(dir, "ngff.ome.zarr"), [], 180),
  ]);
  results.push([
    "(d) zarrsmith, level 0 only",
    node("zarrsmith", join(dir, "zs0.ome.zarr"), ["--levels", "1"]),
  ]);
  results.push(["(e) zarrsmith pyramid", node("zarrsmith", join(dir, "zs.ome.zarr"), ["--levels", "3"])]);

  // same values as NumPy's pyramid?
  const check = spawnSync(
    PY,
    [
      "-c",
      `import sys, zarr, numpy as np
a, b = zarr.open_group(sys.argv[1], mode="r"), zarr.open_group(sys.argv[2], mode="r")
print(all(np.array_equal(a[str(i)][...], b[str(i)][...]) for i in range(3)))`,
      join(dir, "zs.ome.zarr"),
      join(dir, "numpy.ome.zarr"),
    ],
    { encoding: "utf8" },
  );
  rmSync(dir, { recursive: true, force: true });

  const ours = results[4][1];
  const oursS = typeof ours === "string" ? Number.NaN : ours.seconds;
  console.log("| writer | seconds | MB/s (level 0) | peak RSS MiB | time / zarrsmith pyramid |");
  console.log("| --- | ---: | ---: | ---: | ---: |");
  for (const [name, r] of results) {
    if (typeof r === "string") console.log(`| ${name} | ${r.replace(/\n/g, " ")} | | | |`);
    else
      console.log(
        `| ${name} | ${r.seconds.toFixed(2)} | ${(mb / r.seconds).toFixed(0)} | ${r.rssMiB.toFixed(0)} | ${(r.seconds / oursS).toFixed(2)}x |`,
      );
  }
  console.log(`\nzarrsmith levels equal NumPy's: ${check.stdout.trim() || check.stderr.slice(-300)}`);
}
