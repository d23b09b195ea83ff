/**
 * The whole benchmark table, in one run, with ratios: zarrsmith against zarr-python 2.13, dask
 * (2 threads), zarrita.js and the measured compression limit, on one generated uint16 volume
 * (bench/volume.ts: smooth structure + noise), chunks 64^3, zstd level 5, local directories.
 *
 *   npm run bench                          (builds dist/, then runs this)
 *   npx tsx bench/all.ts [--size 512] [--skip-peers] [--rounds 3]
 *
 * Every case runs in its own process (so that peak RSS is that case's, and no case warms another's
 * caches or JIT), in this order: writes, reads, pyramids. The writes run `--rounds` times, each
 * round in a rotated order (no writer always first, right after the volume was generated), and
 * report the median time and peak RSS; dirty pages are synced to disk before every case (outside
 * its clock), so that no case shares the cores with the writeback of the one before. Timing
 * boundaries, the same for every side:
 * - write: the input is already in memory (read from the raw file before timing) and the empty
 *   array's metadata is written; each side first writes one 64^3 chunk with the same codec to a
 *   throw-away array (imports, worker/thread start, zstd loaded); the clock runs from the call that
 *   writes the whole array until it returns (every chunk file written and closed).
 * - compression limit: the same 64^3 chunks, cut out beforehand, compressed one after another on
 *   one thread with the zstd zarrsmith uses (zstd-napi, level 5), after compressing one chunk; that
 *   time divided by the number of cores is what the cores could do if they did nothing else and lost
 *   nothing to running at once. The parallel limit drops the second assumption: one thread per core
 *   compresses its share of the same chunks at once (started together, each after one chunk), the
 *   clock around all of them; it is what a writer that also cuts and stores chunks approaches.
 * - read: zarrsmith's v2 array (which both sides read), each selection in its own process (the
 *   garbage of a whole-array read is freed by a later collection in Node, at once in Python, and
 *   would land in the next selection's reads); after one warm-up read of a 64^3 chunk, the
 *   selection is read 5 times and the median reported (the files are in the page cache).
 * - pyramid: each side first writes one 64^3 chunk (as above); the clock runs from opening the raw
 *   file (zarrsmith streams it region by region, dask reads it with np.fromfile) until the last
 *   level and the multiscales metadata are written.
 * Peak RSS is the process's (process.resourceUsage / getrusage: main thread and workers together),
 * so for writes and reads it includes the in-memory input or output (256 MiB at 512^3).
 * The machine's load (uptime) is printed before and after: only ratios within one run count.
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { plainChild } from "./plain-child.js";

// a child gets [node, this file bundled (plain-child.ts), ...flags]; the parent [node, this file, ...flags]
const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const size = Number(arg("--size", "512"));
const child = arg("--child", "");
const PY = "/usr/bin/python3";
const CHUNK = 64;
const SHARD = 256;

interface Measured {
  seconds: number;
  rssMiB: number;
}

const rss = () => process.resourceUsage().maxRSS / 1024;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** The selections read, by name; zarr-python spells them in `PY_READS`. */
const READS = ["whole", "[:, :, 70]", "[70]", "128^3 box"] as const;
/** Reads of each selection per process; the median is reported. */
const READ_REPEATS = 5;
const boxStart = Math.max(0, Math.min(100, size - 128));
const PY_READS = {
  whole: "[...]",
  "[:, :, 70]": "[:, :, 70]",
  "[70]": "[70]",
  "128^3 box": `[${boxStart}:${boxStart + 128}, ${boxStart}:${boxStart + 128}, ${boxStart}:${boxStart + 128}]`,
};

/** The built library (as users run it; under tsx the workers would load TypeScript too). */
async function library() {
  const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));
  return (await import(dist)) as typeof import("../src/index.js");
}

function loadRaw(path: string): Uint16Array {
  const bytes = readFileSync(path);
  return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
}

/** The raw volume as a streaming region source: one read per z plane of a region. */
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

async function runChild(kind: string): Promise<Measured> {
  const [raw, out, tmp] = [arg("--raw", ""), arg("--out", ""), arg("--tmp", "")];
  const shape = [size, size, size];
  const chunk = [CHUNK, CHUNK, CHUNK];
  if (kind.startsWith("zarrsmith-")) {
    const lib = await library();
    const { codecs, LocalStore, MemoryStore, open, slice, v2, v3, WorkerPool } = lib;
    const pool = new WorkerPool(2);
    const codec = codecs.Zstd({ level: 5 });
    // warm-up: one chunk with the same codec (starts the workers, loads zstd)
    const warm = await v2.ArraySpec.parse({
      shape: chunk,
      dtype: "<u2",
      chunks: chunk,
      compressor: codec,
    }).toZarr(new MemoryStore(), "");
    await warm.set(
      null,
      { data: new Uint16Array(CHUNK ** 3).fill(7), shape: chunk, dtype: "uint16" },
      { workers: pool },
    );
    try {
      if (kind === "zarrsmith-read") {
        const arr = await open.array(new LocalStore(out));
        await arr.get([slice(0, CHUNK), slice(0, CHUNK), slice(0, CHUNK)], { workers: pool });
        const box = slice(boxStart, boxStart + 128);
        const selections = {
          whole: null,
          "[:, :, 70]": [null, null, 70],
          "[70]": [70],
          "128^3 box": [box, box, box],
        };
        // one selection per process (see main)
        const name = arg("--select", "whole") as (typeof READS)[number];
        const times: number[] = [];
        for (let i = 0; i < READ_REPEATS; i++) {
          const t = performance.now();
          await arr.get(selections[name] as Parameters<typeof arr.get>[0], { workers: pool });
          times.push((performance.now() - t) / 1000);
        }
        return { seconds: median(times), rssMiB: rss() };
      }
      if (kind === "zarrsmith-pyramid" || kind === "zarrsmith-level0") {
        const t = performance.now();
        const source = rawSource(raw, size);
        await lib.pyramid.write(source, new LocalStore(out), {
          levels: kind === "zarrsmith-level0" ? 1 : 3,
          axes: ["z", "y", "x"],
          chunks: chunk,
          codec,
          method: "mean",
          downsampleAxes: "xyz", // halve z too, as dask's coarsen below does
          workers: pool,
        });
        closeSync(source.fd);
        return { seconds: (performance.now() - t) / 1000, rssMiB: rss() };
      }
      const store = new LocalStore(out);
      const arr =
        kind === "zarrsmith-v2"
          ? await v2.ArraySpec.parse({ shape, dtype: "<u2", chunks: chunk, compressor: codec }).toZarr(
              store,
              "",
            )
          : await v3.ArraySpec.create({
              shape,
              data_type: "uint16",
              chunks: chunk,
              shards:
                kind === "zarrsmith-v3-sharded"
                  ? [SHARD, SHARD, SHARD].map((s) => Math.min(s, size))
                  : undefined,
              compressor: codec,
            }).toZarr(store, "");
      const input = { data: loadRaw(raw), shape, dtype: "uint16" as const };
      const t = performance.now();
      await arr.set(null, input, { workers: pool });
      return { seconds: (performance.now() - t) / 1000, rssMiB: rss() };
    } finally {
      await pool.close();
    }
  }
  if (kind === "zarrita") {
    const { zarr, zarritaStore } = await import("../test/helpers/zarrita.js");
    const codecsJSON = [
      { name: "bytes", configuration: { endian: "little" } },
      { name: "zstd", configuration: { level: 5, checksum: false } },
    ];
    const create = async (root: string, s: number[]) =>
      zarr.create(zarr.root(zarritaStore(root)).resolve("a"), {
        shape: s,
        chunkShape: chunk,
        dtype: "uint16",
        codecs: codecsJSON,
      });
    const warm = await create(tmp, chunk);
    await zarr.set(warm, null, {
      data: new Uint16Array(CHUNK ** 3).fill(7),
      shape: chunk,
      stride: [CHUNK * CHUNK, CHUNK, 1],
    });
    const za = await create(out, shape);
    const data = loadRaw(raw);
    const t = performance.now();
    await zarr.set(za, null, { data, shape, stride: [size * size, size, 1] });
    return { seconds: (performance.now() - t) / 1000, rssMiB: rss() };
  }
  if (kind === "zstd-limit" || kind === "zstd-parallel") {
    const zstd = (await import("zstd-napi")) as unknown as {
      compress(d: Uint8Array, p: { compressionLevel: number; checksumFlag: boolean }): Uint8Array;
    };
    const data = loadRaw(raw);
    const chunks: Uint8Array[] = [];
    for (let z0 = 0; z0 < size; z0 += CHUNK)
      for (let y0 = 0; y0 < size; y0 += CHUNK)
        for (let x0 = 0; x0 < size; x0 += CHUNK) {
          // shared memory: the parallel case's threads read the chunks where they are
          const c = new Uint16Array(new SharedArrayBuffer(CHUNK ** 3 * 2));
          for (let z = 0; z < CHUNK; z++)
            for (let y = 0; y < CHUNK; y++) {
              const from = ((z0 + z) * size + y0 + y) * size + x0;
              c.set(data.subarray(from, from + CHUNK), (z * CHUNK + y) * CHUNK);
            }
          chunks.push(new Uint8Array(c.buffer));
        }
    const params = { compressionLevel: 5, checksumFlag: false };
    if (kind === "zstd-parallel") return { seconds: await compressInThreads(chunks), rssMiB: rss() };
    zstd.compress(chunks[0], params);
    const t = performance.now();
    for (const c of chunks) zstd.compress(c, params);
    return { seconds: (performance.now() - t) / 1000, rssMiB: rss() };
  }
  throw new Error(`unknown child ${kind}`);
}

/**
 * The "parallel limit": one thread per core, each compressing its share of the chunks (every
 * core-th one) with zstd-napi level 5 and nothing else, all started together after each compressed
 * one chunk; seconds from the start signal until the last thread is done.
 */
async function compressInThreads(chunks: Uint8Array[]): Promise<number> {
  const { Worker } = await import("node:worker_threads");
  const zstdPath = (await import("node:module")).createRequire(import.meta.url).resolve("zstd-napi");
  const code = `const { parentPort } = require("node:worker_threads");
const zstd = require(${JSON.stringify(zstdPath)});
const params = { compressionLevel: 5, checksumFlag: false };
let mine;
parentPort.on("message", (m) => {
  if (m.chunks) { mine = m.chunks; zstd.compress(mine[0], params); parentPort.postMessage("ready"); return; }
  for (const c of mine) zstd.compress(c, params);
  parentPort.postMessage("done");
});`;
  const n = availableParallelism();
  const threads = Array.from({ length: n }, () => new Worker(code, { eval: true }));
  const next = (w: InstanceType<typeof Worker>) => new Promise((ok) => w.once("message", ok));
  try {
    await Promise.all(
      threads.map((w, i) => {
        const ready = next(w);
        w.postMessage({ chunks: chunks.filter((_, j) => j % n === i) });
        return ready;
      }),
    );
    const t = performance.now();
    await Promise.all(
      threads.map((w) => {
        const done = next(w);
        w.postMessage("go");
        return done;
      }),
    );
    return (performance.now() - t) / 1000;
  } finally {
    await Promise.all(threads.map((w) => w.terminate()));
  }
}

/** Python sides: the common head (imports, the warm-up chunk, the result line). */
const PY_HEAD = `import sys, time, json, resource, numpy as np, zarr, numcodecs
raw, out, tmp, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
comp = numcodecs.Zstd(level=5)
def done(seconds, **extra):
    print(json.dumps({"seconds": seconds, "rssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **extra}))
`;
const PY_DASK = `import dask, dask.array as da
dask.config.set(scheduler="threads", num_workers=2)
`;
/** Warm-up: one 64^3 chunk with the same codec, through the same writer as the timed write. */
const PY_WARM_ZARR = `zarr.open(tmp, mode="w", shape=(64,64,64), chunks=(64,64,64), dtype="<u2", compressor=comp)[...] = np.full((64,64,64), 7, "<u2")
`;
const PY_WARM_DASK = `da.from_array(np.full((64,64,64), 7, "<u2"), chunks=(64,64,64)).to_zarr(tmp, compressor=comp, overwrite=True)
`;

const PY_CASES: Record<string, string> = {
  "zarr-python": `${PY_HEAD}${PY_WARM_ZARR}
x = np.fromfile(raw, dtype="<u2").reshape(n, n, n)
z = zarr.open(out, mode="w", shape=x.shape, chunks=(64,64,64), dtype="<u2", compressor=comp)
t = time.perf_counter(); z[...] = x; done(time.perf_counter() - t)`,
  dask: `${PY_HEAD}${PY_DASK}${PY_WARM_DASK}
x = np.fromfile(raw, dtype="<u2").reshape(n, n, n)
a = da.from_array(x, chunks=(64,64,64))
t = time.perf_counter(); a.to_zarr(out, compressor=comp, overwrite=True); done(time.perf_counter() - t)`,
  "zarr-python-read": `${PY_HEAD}
z = zarr.open(out, mode="r")
z[0:64, 0:64, 0:64]
select = {${Object.entries(PY_READS)
    .map(([name, sel]) => `${JSON.stringify(name)}: lambda: z${sel}`)
    .join(", ")}}[sys.argv[5]]
ts = []
for i in range(${READ_REPEATS}):
    t = time.perf_counter(); select(); ts.append(time.perf_counter() - t)
done(sorted(ts)[len(ts) // 2])`,
  "dask-pyramid": `${PY_HEAD}${PY_DASK}${PY_WARM_DASK}
t = time.perf_counter()
x = np.fromfile(raw, dtype="<u2").reshape(n, n, n)
g = zarr.open_group(out, mode="w")
levels = [da.from_array(x, chunks=(64, 64, 64))]
for i in (1, 2):
    levels.append(da.round(da.coarsen(np.mean, levels[-1], {0: 2, 1: 2, 2: 2})).astype("<u2").rechunk((64, 64, 64)))
targets = [g.create_dataset(str(i), shape=l.shape, dtype="<u2", chunks=(64, 64, 64), compressor=comp, dimension_separator="/") for i, l in enumerate(levels)]
da.store(levels, targets, lock=False)
g.attrs["multiscales"] = [{"version": "0.4", "name": "image", "type": "mean",
    "axes": [{"name": a, "type": "space"} for a in "zyx"],
    "datasets": [{"path": str(i), "coordinateTransformations": [{"type": "scale", "scale": [2.0 ** i] * 3},
        {"type": "translation", "translation": [(2.0 ** i - 1) / 2] * 3}]} for i in range(3)]}]
done(time.perf_counter() - t)`,
};

async function main() {
  const { syntheticVolume } = await import("./volume.js");
  const skipPeers = args.includes("--skip-peers");
  const dir = mkdtempSync(join(tmpdir(), "zarrsmith-bench-"));
  const raw = join(dir, "volume.raw");
  writeFileSync(raw, syntheticVolume(size));
  // the volume's dirty pages are written back now, not during the first timed case
  spawnSync("sync");
  const rounds = Number(args.includes("--rounds") ? args[args.indexOf("--rounds") + 1] : "3");
  const mb = (size ** 3 * 2) / 1e6;
  const cores = availableParallelism();
  // the Node sides run this file bundled to plain JavaScript (see plain-child.ts)
  const plain = await plainChild(fileURLToPath(import.meta.url));
  const uptime = () =>
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")} on ${cores} cores`;
  const loadBefore = uptime();

  let n = 0;
  const run = (kind: string, out: string, select = ""): Measured | string => {
    // the last case's files are written back now, not by the kernel during this case (the reads
    // came right after the writes, and the first reader used to share the cores with the writeback)
    spawnSync("sync");
    const tmp = join(dir, `warm-${n++}`);
    const argv = ["--child", kind, "--size", String(size), "--raw", raw, "--out", out, "--tmp", tmp];
    if (select) argv.push("--select", select);
    const r =
      kind in PY_CASES
        ? spawnSync(PY, ["-c", PY_CASES[kind], raw, out, tmp, String(size), select], {
            encoding: "utf8",
            timeout: 1_800_000,
          })
        : spawnSync(process.execPath, [plain.script, ...argv], {
            encoding: "utf8",
            timeout: 1_800_000,
            maxBuffer: 1 << 26,
          });
    rmSync(tmp, { recursive: true, force: true });
    if (r.error || r.status !== 0) return `failed: ${(r.error?.message ?? r.stderr).slice(0, 600)}`;
    process.stderr.write(".");
    return JSON.parse(r.stdout.trim().split("\n").pop()!) as Measured;
  };
  const out = (name: string) => join(dir, name);
  const drop = (name: string) => rmSync(out(name), { recursive: true, force: true });

  const m: Record<string, Measured | string> = {};
  try {
    // writes: `rounds` rounds, each in a rotated order so that no writer always runs first or
    // after the same neighbour; median seconds and peak RSS per writer. The v2 array of the last
    // round stays for the reads; the other outputs are deleted as they are done.
    const writes: Array<[kind: string, name: string]> = [
      ["zarrsmith-v2", "zs.zarr"],
      ["zarrsmith-v3", "zs3.zarr"],
      ["zarrsmith-v3-sharded", "zs3s.zarr"],
      ["zstd-limit", ""],
      ["zstd-parallel", ""],
      ...(skipPeers
        ? []
        : ([
            ["dask", "dask.zarr"],
            ["zarr-python", "py.zarr"],
            ["zarrita", "zarrita.zarr"],
          ] as Array<[string, string]>)),
    ];
    const times: Record<string, Array<Measured | string>> = {};
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < writes.length; k++) {
        const [kind, name] = writes[(k + r) % writes.length];
        if (name) drop(name);
        times[kind] = [...(times[kind] ?? []), run(kind, name ? out(name) : "")];
        if (name && name !== "zs.zarr") drop(name);
      }
    }
    for (const [kind, runs] of Object.entries(times)) {
      const ok = runs.filter((x): x is Measured => typeof x !== "string");
      m[kind] =
        ok.length < runs.length
          ? (runs.find((x) => typeof x === "string") as string)
          : { seconds: median(ok.map((x) => x.seconds)), rssMiB: median(ok.map((x) => x.rssMiB)) };
    }
    // reads of the same array
    // one process per selection and side, so that no read pays for the garbage of the one before
    // (the outputs of whole-array reads are freed by a later collection in Node, at once in Python)
    for (const name of READS) {
      m[`zarrsmith-read ${name}`] = run("zarrsmith-read", out("zs.zarr"), name);
      if (!skipPeers) m[`zarr-python-read ${name}`] = run("zarr-python-read", out("zs.zarr"), name);
    }
    drop("zs.zarr");
    // pyramids
    m["zarrsmith-level0"] = run("zarrsmith-level0", out("zs0.ome.zarr"));
    drop("zs0.ome.zarr");
    m["zarrsmith-pyramid"] = run("zarrsmith-pyramid", out("zs.ome.zarr"));
    let same = "";
    if (!skipPeers) {
      m["dask-pyramid"] = run("dask-pyramid", out("dask.ome.zarr"));
      const check = spawnSync(
        PY,
        [
          "-c",
          `import sys, zarr, numpy as np
a, b = zarr.open_group(sys.argv[1], mode="r"), zarr.open_group(sys.argv[2], mode="r")
print("yes" if all(np.array_equal(a[str(i)][...], b[str(i)][...]) for i in range(3)) else "NO")`,
          out("zs.ome.zarr"),
          out("dask.ome.zarr"),
        ],
        { encoding: "utf8" },
      );
      same = check.stdout.trim() || check.stderr.slice(-300);
    }
    process.stderr.write("\n");
    report(m, { size, mb, cores, loadBefore, loadAfter: uptime(), same });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    plain.remove();
  }
}

function report(
  m: Record<string, Measured | string>,
  run: { size: number; mb: number; cores: number; loadBefore: string; loadAfter: string; same: string },
) {
  const { mb, cores } = run;
  const s = (k: string) => {
    const r = m[k];
    return r === undefined || typeof r === "string" ? Number.NaN : r.seconds;
  };
  const cell = (k: string, f: (r: Measured) => string) => {
    const r = m[k];
    return r === undefined ? "not run" : typeof r === "string" ? "failed" : f(r);
  };
  const secs = (k: string) => cell(k, (r) => r.seconds.toFixed(2));
  const mbs = (k: string) => cell(k, (r) => (mb / r.seconds).toFixed(0));
  const peak = (k: string) => cell(k, (r) => r.rssMiB.toFixed(0));
  const x = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}x` : "");
  const zs = s("zarrsmith-v2");
  const limit = s("zstd-limit") / cores;

  console.log(
    `\n${run.size}^3 uint16 (${mb.toFixed(0)} MB), chunks 64^3, zstd level 5, ${cores} cores; ${run.loadBefore} before, ${run.loadAfter} after\n`,
  );
  console.log("Write (input in memory; one warm-up chunk each; clock around the whole-array write)\n");
  console.log("| writer | s | MB/s | peak RSS MiB | zarrsmith speed-up |");
  console.log("| --- | ---: | ---: | ---: | ---: |");
  const writeRow = (name: string, k: string, ratio: string) =>
    console.log(`| ${name} | ${secs(k)} | ${mbs(k)} | ${peak(k)} | ${ratio} |`);
  writeRow("**zarrsmith**, v2 (2 workers)", "zarrsmith-v2", "–");
  writeRow("dask, 2 threads", "dask", `${x(s("dask"), zs)}`);
  writeRow("zarr-python 2.13 (1 thread)", "zarr-python", `${x(s("zarr-python"), zs)}`);
  writeRow("zarrita.js (v3, unsharded)", "zarrita", `${x(s("zarrita"), zs)}`);
  console.log(
    `| compression limit: zstd-napi level 5 on the same chunks, 1 thread ${secs("zstd-limit")} s / ${cores} cores | ${Number.isFinite(limit) ? limit.toFixed(2) : ""} | ${Number.isFinite(limit) ? (mb / limit).toFixed(0) : ""} | | at ${Number.isFinite(limit / zs) ? ((100 * limit) / zs).toFixed(0) : "?"} % of it |`,
  );
  const parallel = s("zstd-parallel");
  console.log(
    `| parallel limit: the same, ${cores} threads at once, nothing else | ${secs("zstd-parallel")} | ${mbs("zstd-parallel")} | | at ${Number.isFinite(parallel / zs) ? ((100 * parallel) / zs).toFixed(0) : "?"} % of it |`,
  );
  writeRow("zarrsmith v3 unsharded", "zarrsmith-v3", "");
  writeRow(
    `zarrsmith v3 sharded (shards ${SHARD}^3)`,
    "zarrsmith-v3-sharded",
    `sharded / unsharded v3: ${x(s("zarrsmith-v3-sharded"), s("zarrsmith-v3"))} the time`,
  );

  console.log(
    `\nRead zarrsmith's v2 array (a process per selection and side; one warm-up chunk read; median of ${READ_REPEATS}; files in the page cache)\n`,
  );
  console.log("| selection | zarrsmith s | zarr-python 2.13 s | zarrsmith speed-up |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const name of READS) {
    const [ours, theirs] = [`zarrsmith-read ${name}`, `zarr-python-read ${name}`];
    const label = name === "128^3 box" ? `128^3 box at ${boxStart}` : name;
    const ms = (k: string) => cell(k, (r) => r.seconds.toFixed(3));
    console.log(`| ${label} | ${ms(ours)} | ${ms(theirs)} | ${x(s(theirs), s(ours))} |`);
  }

  const zp = s("zarrsmith-pyramid");
  console.log(
    "\nPyramid: 3 levels, mean, from the raw file (one warm-up chunk each; clock from opening the raw file)\n",
  );
  console.log("| writer | s | MB/s (level 0) | peak RSS MiB | zarrsmith speed-up |");
  console.log("| --- | ---: | ---: | ---: | ---: |");
  const pyrRow = (name: string, k: string, ratio: string) =>
    console.log(`| ${name} | ${secs(k)} | ${mbs(k)} | ${peak(k)} | ${ratio} |`);
  pyrRow("**zarrsmith pyramid**", "zarrsmith-pyramid", "–");
  pyrRow("zarr-python + dask coarsen, 2 threads", "dask-pyramid", `${x(s("dask-pyramid"), zp)}`);
  pyrRow(
    "zarrsmith, level 0 only",
    "zarrsmith-level0",
    `pyramid / level 0: ${x(zp, s("zarrsmith-level0"))} the time`,
  );
  if (run.same) console.log(`\nzarrsmith's levels equal dask's: ${run.same}`);
  for (const [k, r] of Object.entries(m)) if (typeof r === "string") console.log(`\n${k} ${r}`);
}

// last, so that every constant above is initialised
if (child) {
  const result = await runChild(child);
  console.log(JSON.stringify(result));
} else {
  await main();
}
