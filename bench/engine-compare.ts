/**
 * Before/after the "one engine" restructuring (issue #10), in one run: the same workload against two
 * builds of zarrsmith, each through its own public API (dist/index.js), alternating A/B/A/B in
 * child processes so that the machine's load drifts onto both sides alike.
 *
 *   git worktree add /work/wt-before 8a4dbfa        # the last main commit before #10 (see below)
 *   cp -a node_modules /work/wt-before/ && (cd /work/wt-before && npm run -s build)
 *   npm run -s build && npx tsx bench/engine-compare.ts --before /work/wt-before [--size 256] [--rounds 5]
 *
 * 8a4dbfa ("Viv test: typed page results") is the first-parent parent of e9061cc, the first #10
 * commit (metadata/ holds data only, test/architecture/no-cycles). The "after" build is this
 * worktree's dist/ (or --after DIR). Everything else that landed on main since is in "after" too.
 *
 * Workload (bench/volume.ts volume, uint16, chunks 64^3, zstd level 5, v2, local directory, 2
 * workers), in each child after a one-chunk warm-up (workers started, zstd loaded):
 * - write: the whole array from memory into an empty array (metadata written before the clock);
 * - read whole / read z plane [n/2] / read x plane [:, :, n/2]: of the array just written;
 * - pyramid: 3 levels, mean, xyz halving, from a raw file read region by region.
 * Reported: the median over rounds of each side, and after/before (below 1 = faster after).
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { plainChild } from "./plain-child.js";

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const size = Number(arg("--size", "256"));
const CHUNK = 64;
const CASES = ["write", "read whole", "read z plane", "read x plane", "pyramid 3 levels"] as const;
type Case = (typeof CASES)[number];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

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

/** One side's whole workload; prints one JSON line of seconds per case. */
async function runChild(dist: string, raw: string, dir: string) {
  // the public API both builds export (checked against 8a4dbfa's dist/index.d.ts)
  const lib = (await import(
    pathToFileURL(join(dist, "dist/index.js")).href
  )) as typeof import("../src/index.js");
  const { codecs, LocalStore, MemoryStore, open, slice, v2, WorkerPool } = lib;
  const pool = new WorkerPool(2);
  const codec = codecs.Zstd({ level: 5 });
  const chunk = [CHUNK, CHUNK, CHUNK];
  const shape = [size, size, size];
  const spec = (s: number[]) =>
    v2.ArraySpec.parse({ shape: s, dtype: "<u2", chunks: chunk, compressor: codec });
  const seconds = {} as Record<Case, number>;
  const time = async (name: Case, f: () => Promise<unknown>) => {
    const t = performance.now();
    await f();
    seconds[name] = (performance.now() - t) / 1000;
  };
  try {
    const warm = await spec(chunk).toZarr(new MemoryStore(), "");
    await warm.set(
      null,
      { data: new Uint16Array(CHUNK ** 3).fill(7), shape: chunk, dtype: "uint16" },
      { workers: pool },
    );
    await warm.get(null, { workers: pool });

    const bytes = readFileSync(raw);
    const input = {
      data: new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2),
      shape,
      dtype: "uint16" as const,
    };
    const arr = await spec(shape).toZarr(new LocalStore(join(dir, "a.zarr")), "");
    await time("write", () => arr.set(null, input, { workers: pool }));

    const back = await open.array(new LocalStore(join(dir, "a.zarr")));
    await time("read whole", () => back.get(null, { workers: pool }));
    await time("read z plane", () => back.get([size >> 1], { workers: pool }));
    await time("read x plane", () => back.get([null, null, size >> 1], { workers: pool }));
    if (back.shape.length !== 3 || typeof slice !== "function") throw new Error("unexpected API");

    const source = rawSource(raw, size);
    await time("pyramid 3 levels", () =>
      lib.pyramid.write(source, new LocalStore(join(dir, "p.ome.zarr")), {
        levels: 3,
        axes: ["z", "y", "x"],
        chunks: chunk,
        codec,
        method: "mean",
        downsampleAxes: "xyz",
        workers: pool,
      }),
    );
    closeSync(source.fd);
  } finally {
    await pool.close();
  }
  console.log(JSON.stringify(seconds));
}

async function main() {
  const { syntheticVolume } = await import("./volume.js");
  const before = resolve(arg("--before", "/work/wt-before"));
  const after = resolve(arg("--after", fileURLToPath(new URL("..", import.meta.url))));
  const rounds = Number(arg("--rounds", "5"));
  const tmp = mkdtempSync(join(tmpdir(), "zarrsmith-engine-"));
  const raw = join(tmp, "volume.raw");
  writeFileSync(raw, syntheticVolume(size));
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(", ");
  const loadBefore = load();
  const sides = { before, after } as const;
  const times: Record<keyof typeof sides, Record<Case, number[]>> = { before: {}, after: {} } as never;
  for (const side of Object.keys(sides) as (keyof typeof sides)[])
    times[side] = Object.fromEntries(CASES.map((c) => [c, []])) as unknown as Record<Case, number[]>;
  // children run this file bundled to plain JavaScript (see plain-child.ts)
  const plain = await plainChild(fileURLToPath(import.meta.url));
  for (let r = 0; r < rounds; r++) {
    // alternate which side goes first too, so neither always runs on a warmer page cache
    const order = r % 2 === 0 ? (["before", "after"] as const) : (["after", "before"] as const);
    for (const side of order) {
      const dir = join(tmp, `${side}-${r}`);
      const res = spawnSync(
        process.execPath,
        [plain.script, "--child", sides[side], "--raw", raw, "--dir", dir, "--size", String(size)],
        { encoding: "utf8", timeout: 1_800_000, maxBuffer: 1 << 26 },
      );
      rmSync(dir, { recursive: true, force: true });
      if (res.error || res.status !== 0)
        throw new Error(`${side} failed: ${(res.error?.message ?? res.stderr).slice(0, 800)}`);
      const got = JSON.parse(res.stdout.trim().split("\n").pop()!) as Record<Case, number>;
      for (const c of CASES) times[side][c].push(got[c]);
      process.stderr.write(side === "before" ? "b" : "a");
    }
  }
  process.stderr.write("\n");
  rmSync(tmp, { recursive: true, force: true });
  plain.remove();
  console.log(
    `\n${size}^3 uint16, chunks ${CHUNK}^3, zstd 5, 2 workers; median of ${rounds} alternating rounds`,
  );
  console.log(`before: ${before}\nafter:  ${after}\nload average before ${loadBefore}, after ${load()}\n`);
  console.log("| case | before s | after s | after/before |");
  console.log("|---|---:|---:|---:|");
  for (const c of CASES) {
    const [b, a] = [median(times.before[c]), median(times.after[c])];
    console.log(`| ${c} | ${b.toFixed(3)} | ${a.toFixed(3)} | ${(a / b).toFixed(2)} |`);
  }
}

const child = arg("--child", "");
if (child) await runChild(child, arg("--raw", ""), arg("--dir", ""));
else await main();
