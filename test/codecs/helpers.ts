/** Shared test helpers: an independent Python (numcodecs/zarr 2) oracle and test data. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PYTHON } from "../helpers/python.js";

/**
 * Runs Python code with `input` available as the JSON value `INPUT` (bytes travel as base64) and
 * returns what the code assigns to `OUTPUT`, JSON-decoded. One process per call, so batch cases.
 */
export function python<T = unknown>(code: string, input: unknown = null): T {
  const dir = mkdtempSync(join(tmpdir(), "zarrsmith-py-"));
  try {
    const inFile = join(dir, "in.json");
    const outFile = join(dir, "out.json");
    writeFileSync(inFile, JSON.stringify(input));
    const script = [
      "import json, base64, sys",
      "import numpy as np",
      `INPUT = json.load(open(${JSON.stringify(inFile)}))`,
      "OUTPUT = None",
      "def b64(b): return base64.b64encode(bytes(b)).decode()",
      "def unb64(s): return base64.b64decode(s)",
      code,
      `json.dump(OUTPUT, open(${JSON.stringify(outFile)}, "w"))`,
    ].join("\n");
    const r = spawnSync(PYTHON, ["-c", script], { encoding: "utf8", maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`python failed (${r.status}):\n${r.stderr}`);
    return JSON.parse(readFileSync(outFile, "utf8")) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const b64 = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
export const unb64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "base64"));

/** Deterministic pseudo-random numbers in [0, 1). */
export function rng(seed = 1): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

/** Smooth image-like bytes with a little noise (compressible, but not trivially). */
export function smoothBytes(n: number, seed = 1): Uint8Array {
  const r = rng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (Math.round(100 + 60 * Math.sin(i / 37) + r() * 6) + (i % 3)) & 255;
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return (
    Buffer.compare(
      Buffer.from(a.buffer, a.byteOffset, a.byteLength),
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    ) === 0
  );
}
