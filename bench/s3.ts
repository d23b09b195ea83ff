/**
 * Object storage against a local directory, in one run: `zarrsmith convert` of the 512^3 uint16
 * benchmark volume (bench/volume.ts, as a raw file) → OME-Zarr 0.4, 3 levels, chunks 64^3, zstd 5,
 * (a) into a local directory, (b) into s3:// on a loopback S3 server (fauxqs, its own process).
 * Each convert runs in its own process (the CLI from dist/, as users run it); peak RSS is that
 * process's. Reports time, MB/s (of source data, and of bytes stored), requests/s, peak RSS, and the
 * ratios (targets: S3 throughput >= 80 % of local, peak RSS <= 1.25x). The loopback server shares the
 * machine's cores with the convert, which a real bucket does not.
 *
 *   npm run build && npx tsx bench/s3.ts [--size 512] [--s3-requests 64]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startS3Server } from "../test/helpers/s3.js";
import { syntheticVolume } from "./volume.js";

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const size = Number(arg("--size", "512"));
const BIN = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

interface Run {
  seconds: number;
  rssMiB: number;
  requests: number;
  bytesStored: number;
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
  write(JSON.stringify({ seconds, rssMiB: process.resourceUsage().maxRSS / 1024, requests, bytesStored }) + "\\n");
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
    const local = await run(script, withOut(join(dir, "local.ome.zarr")), process.env);
    const s3 = await run(
      script,
      withOut("s3://bench/vol.ome.zarr", [
        "--endpoint",
        server.endpoint,
        "--s3-requests",
        arg("--s3-requests", "64"),
      ]),
      server.env,
    );
    const mb = (size ** 3 * 2) / 1e6;
    const line = (name: string, r: Run) =>
      `${name.padEnd(6)} ${r.seconds.toFixed(2).padStart(7)} s  ${(mb / r.seconds).toFixed(1).padStart(6)} MB/s source  ${(r.bytesStored / 1e6 / r.seconds).toFixed(1).padStart(6)} MB/s stored  peak RSS ${r.rssMiB.toFixed(0).padStart(5)} MiB${r.requests ? `  ${r.requests} requests, ${(r.requests / r.seconds).toFixed(0)} requests/s` : ""}`;
    console.log(
      `convert ${size}^3 uint16 (${mb.toFixed(0)} MB), 3 levels, chunks 64^3, zstd 5; one run each`,
    );
    console.log(line("local", local));
    console.log(line("s3", s3));
    console.log(
      `s3 / local: throughput ${((local.seconds / s3.seconds) * 100).toFixed(0)} % (target >= 80 %), peak RSS ${(s3.rssMiB / local.rssMiB).toFixed(2)}x (target <= 1.25x)`,
    );
    console.log("(a shared machine: other work on its cores changes these numbers between runs)");
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
