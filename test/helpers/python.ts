/**
 * Runs code in Debian's Python (zarr-python 2.13, numcodecs, numpy, tifffile, nibabel) — the
 * independent implementation our output is checked against. `$ZARRSMITH_PYTHON` replaces
 * /usr/bin/python3 (e.g. to check that tests skip cleanly with an interpreter lacking the modules).
 * Tests that call it declare what they need with `needs(pythonModules(...))` (./requirements.ts).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const PYTHON = process.env.ZARRSMITH_PYTHON || "/usr/bin/python3";

/** Runs `code` (with `args` in sys.argv[1:]); returns stdout. Throws with stderr on failure. */
export function python(code: string, args: string[] = [], input?: Uint8Array): string {
  const r = spawnSync(PYTHON, ["-c", code, ...args], { input, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}):\n${r.stderr.toString()}`);
  return r.stdout.toString();
}

/** Runs `code` whose last output line is JSON; returns it parsed. */
export function pythonJSON<T = unknown>(code: string, args: string[] = []): T {
  const lines = python(code, args).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as T;
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = "zarrsmith-test-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
