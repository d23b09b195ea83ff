/**
 * Write/read throughput of a 512^3 uint16 volume (64^3 chunks, zstd level 5) — zarrsmith against
 * zarr-python, dask (2 threads), zarrita.js and the zstd CLI (`zstd -5 -T2`) on the same bytes, in one run.
 *
 *   npm run build && npx tsx bench/write.ts [--size 512] [--skip-peers]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// zarrsmith runs from dist/ (as users run it; `npm run build` first): under tsx the workers would
// also load TypeScript, which is not what users run.
const { codecs, LocalStore, MemoryStore, open, v2, WorkerPool } = (await import(
  new URL("../dist/index.js", import.meta.url).href
)) as typeof import("../src/index.js");

import { zarr, zarritaStore } from "../test/helpers/zarrita.js";
import { syntheticVolume } from "./volume.js";

const args = process.argv.slice(2);
const size = Number(args[args.indexOf("--size") + 1] || 512) || 512;
const skipPeers = args.includes("--skip-peers");
const dir = mkdtempSync(join(tmpdir(), "zarrsmith-bench-"));
const shape = [size, size, size];
const mb = (size ** 3 * 2) / 1e6;

function py(code: string, ...argv: string[]): number {
  const r = spawnSync("/usr/bin/python3", ["-c", code, ...argv], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(r.stdout.trim().split("\n").pop());
}

const results: Array<{ name: string; write?: number; read?: number }> = [];
try {
  const data = syntheticVolume(size);
  const raw = join(dir, "volume.raw");
  writeFileSync(raw, data);

  // zarrsmith
  const pool = new WorkerPool();
  const spec = v2.ArraySpec.parse({
    shape,
    dtype: "<u2",
    chunks: [64, 64, 64],
    compressor: codecs.Zstd({ level: 5 }),
  });
  const arr = await spec.toZarr(new LocalStore(join(dir, "zarrsmith.zarr")), "");
  // warm up like the peers' timings do (their imports are not timed): start the workers and load zstd
  const warm = await v2.ArraySpec.parse({ ...spec.toJSON(), shape: [64, 64, 64] }).toZarr(
    new MemoryStore(),
    "",
  );
  await warm.set(
    null,
    { data: data.slice(0, 64 ** 3), shape: [64, 64, 64], dtype: "uint16" },
    { workers: pool },
  );
  const input = { data: data.slice(), shape, dtype: "uint16" as const };
  let t = performance.now();
  await arr.set(null, input, { workers: pool });
  const wZs = (performance.now() - t) / 1000;
  t = performance.now();
  const back = await (await open.array(new LocalStore(join(dir, "zarrsmith.zarr")))).get(null, {
    workers: pool,
  });
  const rZs = (performance.now() - t) / 1000;
  if (back.data.length !== data.length || back.data[12345] !== data[12345])
    throw new Error("read-back mismatch");
  await pool.close();
  results.push({ name: `zarrsmith (${pool.size} workers)`, write: wZs, read: rZs });

  if (!skipPeers) {
    const load = `import sys, time, numpy as np, zarr, numcodecs
n = ${size}
x = np.fromfile(sys.argv[1], dtype="<u2").reshape(n, n, n)
`;
    results.push({
      name: "zarr-python 2.13",
      write: py(
        `${load}
z = zarr.open(sys.argv[2], mode="w", shape=x.shape, chunks=(64,64,64), dtype="<u2", compressor=numcodecs.Zstd(5))
t = time.perf_counter(); z[...] = x; print(time.perf_counter() - t)`,
        raw,
        join(dir, "py.zarr"),
      ),
      read: py(
        `import sys, time, zarr
z = zarr.open(sys.argv[1], mode="r"); t = time.perf_counter(); z[...]; print(time.perf_counter() - t)`,
        join(dir, "py.zarr"),
      ),
    });
    results.push({
      name: "dask 2 threads",
      write: py(
        `${load}
import dask, dask.array as da
dask.config.set(scheduler="threads", num_workers=2)
a = da.from_array(x, chunks=(64,64,64))
t = time.perf_counter(); a.to_zarr(sys.argv[2], compressor=numcodecs.Zstd(5), overwrite=True); print(time.perf_counter() - t)`,
        raw,
        join(dir, "dask.zarr"),
      ),
    });
    // zarrita.js (v3, bytes + zstd 5 through numcodecs' WASM zstd)
    const loc = zarr.root(zarritaStore(join(dir, "zarrita.zarr")));
    const za = await zarr.create(loc.resolve("a"), {
      shape,
      chunkShape: [64, 64, 64],
      dtype: "uint16",
      codecs: [
        { name: "bytes", configuration: { endian: "little" } },
        { name: "zstd", configuration: { level: 5, checksum: false } },
      ],
    });
    t = performance.now();
    await zarr.set(za, null, { data, shape, stride: [size * size, size, 1] });
    const wZa = (performance.now() - t) / 1000;
    t = performance.now();
    await zarr.get(za);
    results.push({ name: "zarrita.js", write: wZa, read: (performance.now() - t) / 1000 });
    // zstd CLI on the same bytes, as the ceiling for level 5 on 2 threads
    t = performance.now();
    const z = spawnSync("zstd", ["-5", "-T2", "-q", "-f", raw, "-o", join(dir, "volume.zst")]);
    if (z.status === 0) results.push({ name: "zstd -5 -T2 (CLI)", write: (performance.now() - t) / 1000 });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const ours = results[0];
console.log(`\n${size}^3 uint16 (${mb.toFixed(0)} MB), chunks 64^3, zstd level 5\n`);
console.log("| writer | write s | write MB/s | zarrsmith speed-up | read s | read MB/s |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
for (const r of results) {
  const ratio = r.write && ours.write ? (r.write / ours.write).toFixed(2) : "";
  console.log(
    `| ${r.name} | ${r.write?.toFixed(2) ?? ""} | ${r.write ? (mb / r.write).toFixed(0) : ""} | ${r === ours ? "1.00" : `${ratio}x`} | ${r.read?.toFixed(2) ?? ""} | ${r.read ? (mb / r.read).toFixed(0) : ""} |`,
  );
}
