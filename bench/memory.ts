/**
 * Peak memory of a pyramid larger than the memory target: a generated 1024^3 uint16 phantom
 * (2 GiB, produced region by region, never whole) → OME-Zarr 0.4, 64^3 chunks, zstd 5, auto
 * levels, memoryTarget 256 MiB. Reports peak RSS (process.resourceUsage().maxRSS, main thread
 * and workers together).
 *
 *   npm run build && npx tsx bench/memory.ts [--size 1024] [--target-mib 256] [--method mean] [--src]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// The built library (as users run it) unless --src: under tsx every worker thread also loads the
// TypeScript compiler, which adds ~100 MiB of RSS that is not the writer's.
const fromSrc = process.argv.includes("--src");
const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const lib = (await import(fromSrc ? "../src/index.js" : dist)) as typeof import("../src/index.js");
const demo = (await import(
  fromSrc ? "../src/demo/phantom.js" : dist.replace("index.js", "demo/phantom.js")
)) as typeof import("../src/demo/phantom.js");
const { codecs, LocalStore, pyramid } = lib;
const { phantom } = demo;

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const size = Number(arg("--size", "1024"));
const target = Number(arg("--target-mib", "256")) * 2 ** 20;
const method = arg("--method", "mean") as "mean";

const dir = mkdtempSync(join(tmpdir(), "zarrsmith-memory-"));
const source = phantom(size);
const gib = (size ** 3 * 2) / 2 ** 30;
let peakSeen = 0;
const sampler = setInterval(() => {
  peakSeen = Math.max(peakSeen, process.memoryUsage().rss);
}, 200);
try {
  const result = await pyramid.write(source, new LocalStore(join(dir, "phantom.ome.zarr")), {
    axes: source.axes,
    scale: source.scale,
    chunks: [64, 64, 64],
    codec: codecs.Zstd({ level: 5 }),
    method,
    memoryTarget: target,
    workers: 2,
  });
  clearInterval(sampler);
  const maxRSS = process.resourceUsage().maxRSS * 1024;
  console.log(
    `${size}^3 uint16 (${gib.toFixed(2)} GiB source), ${method}, ${result.levels.length} levels, memoryTarget ${target / 2 ** 20} MiB`,
  );
  console.log(`time ${result.seconds.toFixed(1)} s, ${(size ** 3 * 2) / 1e6 / result.seconds} MB/s`);
  console.log(
    `peak RSS ${(maxRSS / 2 ** 20).toFixed(0)} MiB (sampled rss ${(peakSeen / 2 ** 20).toFixed(0)} MiB)`,
  );
} finally {
  clearInterval(sampler);
  rmSync(dir, { recursive: true, force: true });
}
