/**
 * Object storage against a local directory, in one run: `zarrsmith convert` of the 512^3 uint16
 * benchmark volume (bench/volume.ts, as a raw file) → OME-Zarr 0.4, 3 levels, chunks 64^3, zstd 5,
 * (a) into a local directory, (b) into s3:// on a loopback S3 server (fauxqs, its own process).
 * Each convert runs in its own process (the CLI from dist/, as users run it); peak RSS is that
 * process's. Reports time, MB/s (of source data, and of bytes stored), requests/s, peak RSS, and the
 * ratios (targets: S3 throughput >= 80 % of local, peak RSS <= 1.25x). The loopback server shares the
 * machine's cores with the convert, which a real bucket does not (its CPU time is reported too).
 *
 *   npm run build && npx tsx bench/s3.ts [--size 512] [--s3-requests 64] [--runs 5]
 *
 * Each side runs `--runs` times (pairs back to back, alternating which goes first) and the medians
 * are compared: on a shared machine a single pair swings between ~60 % and ~90 %.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startS3Server } from "../test/helpers/s3.js";
import { syntheticVolume } from "./volume.js";

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const size = Number(arg("--size", "512"));
const runs = Math.max(1, Number(arg("--runs", "5")));
const BIN = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

interface Run {
  seconds: number;
  rssMiB: number;
  requests: number;
  bytesStored: number;
  /** CPU seconds of the convert process (all threads). */
  cpu: number;
  /** CPU seconds the S3 server process used meanwhile (0 for the local run). */
  serverCpu?: number;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuOf(pid: number | undefined): number {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/**
 * The child: plain Node (no tsx loader, whose compiler would add to every thread's RSS) counting
 * S3 requests, running the CLI's main, and reporting on exit after the CLI's JSON result.
 */
const CHILD = `
import { S3Client } from ${JSON.stringify(import.meta.resolve("@aws-sdk/client-s3"))};
let requests = 0;
const send = S3Client.prototype.send;
// bench-only instrumentation: every request the store sends, retries included
S3Client.prototype.send = function (...a) { requests++; return send.apply(this, a); };
const started = performance.now();
let stdout = "";
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk) => { stdout += chunk; return true; };
process.on("exit", () => {
  const seconds = (performance.now() - started) / 1000;
  const { bytesStored } = JSON.parse(stdout);
  const u = process.resourceUsage();
  const cpu = (u.userCPUTime + u.systemCPUTime) / 1e6;
  write(JSON.stringify({ seconds, rssMiB: u.maxRSS / 1024, requests, bytesStored, cpu }) + "\\n");
});
const cliArgs = JSON.parse(process.env.BENCH_ARGS);
process.argv = [process.argv[0], ${JSON.stringify(BIN)}, "--json", "-q", ...cliArgs];
await import(${JSON.stringify(BIN)});
`;

function run(script: string, cliArgs: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    // a file, not `node -e`: worker threads inherit the parent's exec arguments
    const p = spawn(process.execPath, [script], {
      env: { ...env, BENCH_ARGS: JSON.stringify(cliArgs) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`convert ${cliArgs.join(" ")} exited ${code}`));
      resolve(JSON.parse(out.trim().split("\n").pop() as string) as Run);
    });
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "zarrsmith-bench-s3-"));
  const server = await startS3Server(["bench"]);
  try {
    const script = join(dir, "child.mjs");
    writeFileSync(script, CHILD);
    const raw = join(dir, "vol.raw");
    writeFileSync(raw, syntheticVolume(size));
    const common = [
      "convert",
      raw,
      "--format",
      "raw",
      "--shape",
      `${size},${size},${size}`,
      "--dtype",
      "uint16",
      "--axes",
      "zyx",
      "--levels",
      "3",
      "--chunks",
      "64,64,64",
      "--codec",
      "zstd:5",
    ];
    const withOut = (out: string, extra: string[] = []) => [
      ...common.slice(0, 2),
      out,
      ...common.slice(2),
      ...extra,
    ];
    const runLocal = async (i: number) => run(script, withOut(join(dir, `local-${i}.ome.zarr`)), process.env);
    const runS3 = async (i: number) => {
      const serverBefore = cpuOf(server.process.pid);
      const r = await run(
        script,
        withOut(`s3://bench/vol-${i}.ome.zarr`, [
          "--endpoint",
          server.endpoint,
          "--s3-requests",
          arg("--s3-requests", "64"),
        ]),
        server.env,
      );
      r.serverCpu = cpuOf(server.process.pid) - serverBefore;
      return r;
    };
    // pairs run back to back, alternating which goes first, so load from other work on the
    // machine falls on both sides; the medians are compared
    const locals: Run[] = [];
    const s3s: Run[] = [];
    for (let i = 0; i < runs; i++) {
      if (i % 2 === 0) {
        locals.push(await runLocal(i));
        s3s.push(await runS3(i));
      } else {
        s3s.push(await runS3(i));
        locals.push(await runLocal(i));
      }
    }
    const median = (list: Run[]) =>
      [...list].sort((a, b) => a.seconds - b.seconds)[Math.floor(list.length / 2)];
    const local = median(locals);
    const s3 = median(s3s);
    const mb = (size ** 3 * 2) / 1e6;
    const line = (name: string, r: Run) =>
      `${name.padEnd(6)} ${r.seconds.toFixed(2).padStart(7)} s  ${(mb / r.seconds).toFixed(1).padStart(6)} MB/s source  ${(r.bytesStored / 1e6 / r.seconds).toFixed(1).padStart(6)} MB/s stored  peak RSS ${r.rssMiB.toFixed(0).padStart(5)} MiB  CPU ${r.cpu.toFixed(1)} s${r.serverCpu !== undefined ? ` (+ server ${r.serverCpu.toFixed(1)} s)` : ""}${r.requests ? `  ${r.requests} requests, ${(r.requests / r.seconds).toFixed(0)} requests/s` : ""}`;
    console.log(
      `convert ${size}^3 uint16 (${mb.toFixed(0)} MB), 3 levels, chunks 64^3, zstd 5; ${runs} runs each, medians:`,
    );
    console.log(line("local", local));
    console.log(line("s3", s3));
    console.log(
      `s3 / local: throughput ${((local.seconds / s3.seconds) * 100).toFixed(0)} % (target >= 80 %), peak RSS ${(s3.rssMiB / local.rssMiB).toFixed(2)}x (target <= 1.25x)`,
    );
    console.log(
      `every run (s): local ${locals.map((r) => r.seconds.toFixed(2)).join(", ")}; s3 ${s3s.map((r) => r.seconds.toFixed(2)).join(", ")}`,
    );
    console.log("(a shared machine: other work on its cores changes these numbers between runs)");
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
