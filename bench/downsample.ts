/**
 * Throughput of the downsampling kernels: MB of input per second, single thread.
 * Run: npx tsx bench/downsample.ts [size]   (default 256 → a 256³ volume)
 *
 * Each data type runs in its own process: a pyramid worker sees one data type, and mixing them in
 * one process would measure V8's polymorphic paths instead.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { DataType } from "../src/dtype/index.js";
import { allocate } from "../src/dtype/index.js";
import { type NDArray, ndarray } from "../src/ndarray.js";
import { DOWNSAMPLE_METHODS, type DownsampleMethod, downsample } from "../src/pyramid/downsample/index.js";

const size = Number(process.argv[2] ?? 256);
const only = process.argv[3]; // internal: the case index a child process runs

function volume(dtype: DataType, labels: boolean): NDArray {
  const n = size ** 3;
  const data = allocate(dtype, n) as unknown as { [i: number]: number; length: number };
  // A smooth-ish signal plus noise; labels are piecewise constant 16³ boxes, like a segmentation.
  let seed = 12345;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    if (labels) {
      const x = i % size;
      const y = Math.floor(i / size) % size;
      const z = Math.floor(i / size / size);
      data[i] = ((x >> 4) * 7 + (y >> 4) * 13 + (z >> 4) * 31) % 200;
    } else {
      data[i] = (i % 1000) + (seed >>> 22);
    }
  }
  return ndarray(data as never, [size, size, size], dtype);
}

function measure(input: NDArray, factors: number[], method: DownsampleMethod): number {
  const bytes = input.data.byteLength;
  downsample(input, factors, method); // warm up the JIT
  let runs = 0;
  const start = performance.now();
  let elapsed = 0;
  while (runs < 3 || elapsed < 1000) {
    downsample(input, factors, method);
    runs++;
    elapsed = performance.now() - start;
  }
  return (bytes * runs) / (elapsed / 1000) / 1e6;
}

const cases: Array<{ dtype: DataType; factors: number[] }> = [
  { dtype: "uint16", factors: [2, 2, 2] },
  { dtype: "uint16", factors: [1, 2, 2] },
  { dtype: "uint8", factors: [2, 2, 2] },
  { dtype: "float32", factors: [2, 2, 2] },
  { dtype: "uint16", factors: [3, 3, 3] },
];
function row(index: number): string {
  const { dtype, factors } = cases[index];
  const plain = volume(dtype, false);
  const labels = volume(dtype, true);
  const cells = DOWNSAMPLE_METHODS.map((m) => measure(m === "mode" ? labels : plain, factors, m).toFixed(0));
  return [dtype, factors.join("x"), ...cells].map((s) => s.padStart(9)).join("");
}

if (only !== undefined) {
  console.log(row(Number(only)));
} else {
  console.log(`downsample throughput, ${size}³ input, MB/s of input (higher is better); mode runs on labels`);
  console.log(["dtype", "factors", ...DOWNSAMPLE_METHODS].map((s) => s.padStart(9)).join(""));
  const self = fileURLToPath(import.meta.url);
  for (let i = 0; i < cases.length; i++) {
    const out = execFileSync(process.execPath, [...process.execArgv, self, String(size), String(i)], {
      encoding: "utf8",
    });
    process.stdout.write(out);
  }
}
