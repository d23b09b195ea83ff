/**
 * Scale on paper: plans a 100,000 x 100,000 x 10,000 uint16 volume (zyx 10000 x 100000 x 100000,
 * 200 TB) in 1 GiB tasks from a source that is never read (metadata only), then runs real tasks of
 * a small volume with the same geometry (same chunks, shards, task level, 1 GiB of source per task)
 * generated on disk, each in its own process, and simulates the schedule on 10 / 100 / 1,000
 * workers from the measured per-task time. The levels above the task level: for tree methods
 * (mean, ...) the tasks build them (the last one under a chunk builds it), modelled as each task's
 * share of them plus the chain the very last task builds up to the top, with nothing left to
 * finalize; for gaussian finalize builds them in one process.
 *
 * Output: OME-Zarr 0.5, chunks 64^3 in shards 256^3, zstd 5, mean (or --method), memoryTarget
 * 1 GiB (a level-1 block of 256^3 shards is 256 x 512 x 512 of level 0, 128 MiB, ~6x that in
 * memory: smaller targets are refused), 2 worker threads per task (this machine has 2 cores).
 *
 *   npm run build && npx tsx bench/plan-scale.ts [--method mean] [--keep] [--rate MB/s]
 *
 * Takes ~2–4 minutes here (two 1 GiB tasks and a 2 GiB volume generated first). `--rate 58` skips
 * the real tasks and simulates the schedule at that many MB/s of source per task process (e.g. the
 * rate an earlier run measured): seconds.
 */
import { spawnSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// the built library, as users run it (under tsx every worker thread would also load the compiler)
const lib = (await import(
  fileURLToPath(new URL("../dist/index.js", import.meta.url))
)) as typeof import("../src/index.js");
const { LocalStore, openSource, pyramid } = lib;
type RegionSource = import("../src/pyramid/types.js").RegionSource;

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const method = arg("--method", "mean") as "mean";
const givenRate = args.includes("--rate") ? Number(arg("--rate", "")) * 1e6 : undefined;
if (givenRate !== undefined && !(givenRate > 0))
  throw new Error("--rate takes MB/s of source per task process");
const GiB = 2 ** 30;
const MiB = 2 ** 20;
const TASK_SIZE = GiB;
const WORKERS = 2;
const BIG = [10000, 100000, 100000];
/** Same chunk grid per task: a level-2 shard is 256 x 1024 x 1024 source voxels, two of them a task. */
const SMALL = [256, 2048, 2048];
const OPTIONS = {
  omeZarrVersion: "0.5" as const,
  axes: ["z", "y", "x"],
  chunks: [64, 64, 64],
  shards: [256, 256, 256],
  method,
  memoryTarget: GiB,
  workers: WORKERS,
  // no force: 200 TB is ~4e8 chunks of 64^3, but the guard against absurd plans counts the objects
  // stored, ~6e6 shards of 256^3
};

const reopen = (input: Record<string, unknown>) => openSource(String(input.path), { format: "npy" });

/**
 * One task (or finalize) in a fresh plain-Node process, for its own peak RSS (under tsx every worker
 * thread would load the compiler too): the output store counts the requests made to it and the
 * objects written (zarrsmith's records excluded), the source counts its reads.
 */
const CHILD = `
const [what, out, i, workers, dist] = process.argv.slice(2);
const { LocalStore, openSource, pyramid } = await import(dist);
const n = { get: 0, set: 0, other: 0, objects: 0 };
const store = new Proxy(new LocalStore(out), {
  get(target, prop) {
    const v = Reflect.get(target, prop);
    if (typeof v !== "function" || prop === "close") return v;
    return (...a) => {
      if (prop === "get") n.get++;
      else if (prop === "set") {
        n.set++;
        if (!String(a[0]).includes("zarrsmith-")) n.objects++;
      } else n.other++;
      return v.apply(target, a);
    };
  },
});
let sourceReads = 0;
const open = async (input) => {
  const s = await openSource(input.path, { format: "npy" });
  return { ...s, read: (r) => (sourceReads++, s.read(r)) };
};
const plan = await pyramid.readPlan(store);
const started = performance.now();
let above = 0;
if (what === "task")
  above = (await pyramid.runTask(plan, Number(i), { open, workers: Number(workers) })).above.built.reduce((a, b) => a + b, 0);
else await pyramid.finalize(plan, { open, workers: Number(workers) });
const seconds = (performance.now() - started) / 1000;
const u = process.resourceUsage(); // this process and its worker threads
const cpuSeconds = (u.userCPUTime + u.systemCPUTime) / 1e6;
console.log(JSON.stringify({ seconds, cpuSeconds, maxRSS: u.maxRSS * 1024, sourceReads, above, ...n }));
process.exit(0);
`;

interface ChildReport {
  seconds: number;
  cpuSeconds: number;
  maxRSS: number;
  sourceReads: number;
  /** Chunks above the task level the task built. */
  above: number;
  get: number;
  set: number;
  other: number;
  objects: number;
}

function child(what: "task" | "finalize", out: string, i = 0): ChildReport {
  const dist = new URL("../dist/index.js", import.meta.url).href;
  const script = join(dir, "child.mjs");
  writeFileSync(script, CHILD);
  const r = spawnSync(process.execPath, [script, what, out, String(i), String(WORKERS), dist], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`${what} ${i} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1) as string) as ChildReport;
}

/** A smooth uint16 zyx volume plus noise as .npy, written a plane at a time. */
function writeVolume(file: string, [z, y, x]: number[]): void {
  let header = `{'descr': '<u2', 'fortran_order': False, 'shape': (${z}, ${y}, ${x}), }`;
  header += `${" ".repeat(64 - ((10 + header.length + 1) % 64))}\n`;
  const head = Buffer.alloc(10);
  head.write("\x93NUMPY", 0, "latin1");
  head[6] = 1;
  head.writeUInt16LE(header.length, 8);
  const fd = openSync(file, "w");
  writeSync(fd, Buffer.concat([head, Buffer.from(header, "latin1")]));
  const plane = new Uint16Array(y * x);
  let seed = 1;
  for (let k = 0; k < z; k++) {
    for (let j = 0, i = 0; j < y; j++)
      for (let l = 0; l < x; l++, i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        plane[i] = (20000 + 8000 * Math.sin(j / 97 + k / 31) * Math.cos(l / 113) + (seed >>> 26)) & 0xffff;
      }
    writeSync(fd, plane);
  }
  closeSync(fd);
}

const fmt = (x: number, digits = 0) =>
  x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const duration = (s: number) =>
  s < 120 ? `${fmt(s, 1)} s` : s < 7200 ? `${fmt(s / 60, 1)} min` : `${fmt(s / 3600, 1)} h`;

/** Makespan of `tasks` (durations, in order) on `workers`: each free worker takes the next task. */
function makespan(tasks: number[], workers: number): number {
  const free = new Float64Array(Math.min(workers, tasks.length)); // a min-heap of finish times
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < free.length && free[l] < free[m]) m = l;
      if (r < free.length && free[r] < free[m]) m = r;
      if (m === i) return;
      [free[i], free[m]] = [free[m], free[i]];
      i = m;
    }
  };
  let end = 0;
  for (const t of tasks) {
    free[0] += t;
    end = Math.max(end, free[0]);
    down(0);
  }
  return end;
}

const dir = mkdtempSync(join(tmpdir(), "zarrsmith-plan-scale-"));
try {
  // ---- 1. the 200 TB plan, from metadata only ----
  const never: RegionSource = {
    shape: BIG,
    dtype: "uint16",
    axes: ["z", "y", "x"],
    read: async () => {
      throw new Error("planning must not read the source");
    },
  };
  const bigOut = join(dir, "big.ome.zarr");
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const big = await pyramid.plan(never, new LocalStore(bigOut), {
    ...OPTIONS,
    input: { virtual: "200 TB, never read" },
    taskSize: TASK_SIZE,
  });
  const planSeconds = (performance.now() - t0) / 1000;
  const planRSS = process.resourceUsage().maxRSS * 1024;
  const planBytes = statSync(join(bigOut, pyramid.PLAN_FILE)).size;
  const sourceBytes = BIG.reduce((a, b) => a * b, 1) * 2;
  const perTask = big.tasks.map(([s, e]) => e - s);
  const sizes = new Map<number, number>();
  for (const c of perTask) sizes.set(c, (sizes.get(c) ?? 0) + 1);
  const T = big.schedule.taskLevel;
  /** Bytes of a level of a planned output (from its array metadata). */
  const levelBytes = (out: string, l: number) =>
    (JSON.parse(readFileSync(join(out, String(l), "zarr.json"), "utf8")).shape as number[]).reduce(
      (a, b) => a * b,
      2,
    );
  console.log(`plan of ${BIG.join(" x ")} uint16 (${fmt(sourceBytes / 1e12)} TB), ${method}, 1 GiB tasks:`);
  console.log(
    `  ${fmt(planSeconds, 2)} s, ${fmt(big.tasks.length)} tasks (task level ${T}; ${[...sizes].map(([c, k]) => `${fmt(k)} of ${c} level-${T} shards`).join(", ")}), plan file ${fmt(planBytes / MiB, 1)} MiB, peak RSS ${fmt(planRSS / MiB)} MiB (${fmt(rssBefore / MiB)} MiB before planning)`,
  );

  // ---- 2. real tasks of the same geometry (unless --rate) ----
  let rate = givenRate ?? 0;
  if (givenRate === undefined) {
    const input = join(dir, "small.npy");
    writeVolume(input, SMALL);
    const smallOut = join(dir, "small.ome.zarr");
    const smallSource = await reopen({ path: input });
    const small = await pyramid.plan(smallSource, new LocalStore(smallOut), {
      ...OPTIONS,
      input: { path: input },
      taskSize: TASK_SIZE,
    });
    await smallSource.close?.();
    const smallBytes = SMALL.reduce((a, b) => a * b, 2);
    if (small.schedule.taskLevel !== T || small.tasks.some(([s, e]) => e - s !== 2))
      throw new Error(`the small case does not have the big one's geometry: ${JSON.stringify(small.tasks)}`);
    const runs = small.tasks.map((_, i) => child("task", smallOut, i));
    const fin = child("finalize", smallOut);
    console.log(`tasks of ${fmt(smallBytes / runs.length / GiB, 2)} GiB source each:`);
    for (const [i, r] of runs.entries())
      console.log(
        `  task ${i}: ${fmt(r.seconds, 1)} s (${fmt(r.cpuSeconds, 1)} CPU s), peak RSS ${fmt(r.maxRSS / MiB)} MiB (memoryTarget ${OPTIONS.memoryTarget / MiB} MiB), ${r.objects} objects written, requests: ${r.get} GET, ${r.set} PUT, ${r.other} other; ${r.sourceReads} source reads`,
      );
    const smallT = levelBytes(smallOut, T);
    const built = runs.reduce((a, r) => a + r.above, 0);
    console.log(
      small.schedule.kind === "tree"
        ? `  the tasks built ${built} chunk(s) above level ${T} (the last one under each); finalize: ${fmt(fin.seconds, 1)} s (${fmt(fin.cpuSeconds, 1)} CPU s), peak RSS ${fmt(fin.maxRSS / MiB)} MiB`
        : `  finalize: ${fmt(fin.seconds, 1)} s (${fmt(fin.cpuSeconds, 1)} CPU s) for ${fmt(smallT / MiB)} MiB of level ${T} (${fmt(smallT / fin.seconds / 1e6)} MB/s), peak RSS ${fmt(fin.maxRSS / MiB)} MiB`,
    );
    rate = (smallBytes * WORKERS) / runs.reduce((a, r) => a + r.cpuSeconds, 0);
  }

  // ---- 3. the schedule on many workers ----
  // A task's time is its share of the source at the measured rate: CPU seconds spread over the
  // WORKERS cores of a worker machine (wall time on this shared machine measures the other users
  // too). The levels above the task level, made from it as stored, are modelled at the same rate
  // per byte of the task level. Tree methods: the tasks build them — each task its share, and the
  // last task to finish the chain of one chunk per level up to the top after its own chunks
  // (a level-L chunk reads its children: at most 2x its shard per axis of level L-1) — so
  // finalize has nothing left but metadata. Gaussian: finalize builds them in one process.
  const tree = big.schedule.kind === "tree";
  console.log(
    `schedule: ${fmt(rate / 1e6, 1)} MB/s of source per task process on ${WORKERS} cores (${givenRate === undefined ? "from the CPU time above" : "--rate"}); the levels above the task level modelled at the same rate per byte of the task level, ${tree ? "built by the tasks" : "built by finalize in one process"}`,
  );
  console.log(
    "| workers | tasks | task level | planned in | tasks phase | of it, the chain to the top | finalize | makespan |",
  );
  console.log(
    "| ------: | ----: | ---------: | ---------: | ----------: | --------------------------: | -------: | -------: |",
  );
  const levelShape = (out: string, l: number) =>
    JSON.parse(readFileSync(join(out, String(l), "zarr.json"), "utf8")).shape as number[];
  for (const w of [10, 100, 1000]) {
    for (const split of [{ taskSize: TASK_SIZE }, { tasks: 4 * w }]) {
      const out = join(dir, `split-${w}-${split.tasks ?? "size"}.ome.zarr`);
      const t = performance.now();
      const p = await pyramid.plan(never, new LocalStore(out), { ...OPTIONS, input: {}, ...split });
      const planned = (performance.now() - t) / 1000;
      const T = p.schedule.taskLevel;
      let K = 0; // the top level
      while (existsSync(join(out, String(K + 1), "zarr.json"))) K++;
      const count = p.tasks[p.tasks.length - 1][1]; // chunks of the task level
      const aboveWork = T < K ? levelBytes(out, T) / rate : 0;
      const durations = p.tasks.map(
        ([s, e]) => ((e - s) * sourceBytes) / count / rate + (tree ? ((e - s) / count) * aboveWork : 0),
      );
      let chain = 0;
      if (tree)
        for (let l = T + 1; l <= K; l++)
          chain +=
            levelShape(out, l - 1).reduce((a, n, i) => a * Math.min(n, 2 * OPTIONS.shards[i]), 2) / rate;
      const phase = makespan(durations, w) + chain;
      const fin = tree ? 0 : aboveWork;
      console.log(
        `| ${fmt(w)} | ${fmt(p.tasks.length)}${split.tasks ? " (`--tasks`)" : " (1 GiB)"} | ${T} | ${fmt(planned, 2)} s | ${duration(phase)} | ${duration(chain)} | ${tree ? "metadata only" : duration(fin)} | ${duration(phase + fin)} |`,
      );
      rmSync(out, { recursive: true, force: true });
    }
  }
} finally {
  if (!args.includes("--keep")) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
