/**
 * Runs one hostile case in a child process, so a case that hangs or allocates without bound cannot take
 * the test runner (or the shared machine) with it. Every run has a timeout and a memory bound:
 * `--max-old-space-size` caps the JS heap, and because decompressors and Buffers allocate outside that
 * heap, the parent also samples the child's resident set (Linux `/proc/<pid>/status`) and kills it
 * past `killAtMiB`. The child reports its own peak (`process.resourceUsage().maxRSS`) when it ends.
 *
 * Two ways in:
 * - `runCase(moduleUrl, name, arg)` imports `moduleUrl` in the child (through tsx) and awaits
 *   `CASES[name](arg)`; the outcome (value or error with class, code, key, message) comes back as `result`.
 * - `runChild(argv)` runs any node command line (e.g. the CLI) under the same bounds.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface ChildRun {
  /** null when killed by a signal (timeout, memory kill, OOM abort). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Highest resident set size seen, from the parent's samples and the child's own report. */
  peakRssMiB: number;
  timedOut: boolean;
  /** Killed by the parent because its resident set passed `killAtMiB`. */
  killedForMemory: boolean;
}

export interface Bounds {
  /** Wall-clock limit; the child is killed (SIGKILL) after it. Default 30 s. */
  timeoutMs?: number;
  /** `--max-old-space-size` for the child, in MiB. Default 256. */
  maxOldSpaceMiB?: number;
  /** Kill the child once its resident set passes this many MiB. Default 1024. */
  killAtMiB?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** What a case returned or threw, as seen from the parent. */
export type CaseOutcome =
  | { ok: true; value: unknown }
  | { ok: false; error: { name: string; code?: string; key?: string; message: string } };

export interface CaseRun extends ChildRun {
  /** Undefined when the child died before reporting (timeout, memory kill, crash). */
  result?: CaseOutcome;
}

const CHILD = fileURLToPath(new URL("./child.ts", import.meta.url));
/** Marks the child's report lines on stdout, so case output cannot be mistaken for them. */
export const REPORT = "\u0000hostile-report:";

function rssMiB(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0; // already gone, or no /proc (then only the child's own report counts)
  }
}

/** Runs `node <nodeArgs> <argv>` with the bounds; resolves when the child has exited. */
export function runChild(argv: string[], bounds: Bounds = {}, nodeArgs: string[] = []): Promise<ChildRun> {
  const timeoutMs = bounds.timeoutMs ?? 30_000;
  const killAt = bounds.killAtMiB ?? 1024;
  const heap = bounds.maxOldSpaceMiB ?? 256;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${heap}`, ...nodeArgs, ...argv], {
      cwd: bounds.cwd,
      env: { ...process.env, ...bounds.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let peak = 0;
    let timedOut = false;
    let killedForMemory = false;
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const sample = () => {
      if (child.pid === undefined) return;
      peak = Math.max(peak, rssMiB(child.pid, "VmHWM"));
      if (rssMiB(child.pid, "VmRSS") > killAt && !killedForMemory) {
        killedForMemory = true;
        child.kill("SIGKILL");
      }
    };
    const sampler = setInterval(sample, 20);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (e) => {
      clearInterval(sampler);
      clearTimeout(timer);
      fail(e);
    });
    child.on("exit", () => sample());
    child.on("close", (exitCode, signal) => {
      clearInterval(sampler);
      clearTimeout(timer);
      for (const line of stdout.split("\n")) {
        if (!line.startsWith(REPORT)) continue;
        const r = JSON.parse(line.slice(REPORT.length)) as { maxRssKiB?: number };
        if (r.maxRssKiB !== undefined) peak = Math.max(peak, r.maxRssKiB / 1024);
      }
      done({ exitCode, signal, stdout, stderr, peakRssMiB: Math.round(peak), timedOut, killedForMemory });
    });
  });
}

/** Runs `CASES[name](arg)` from `moduleUrl` (a file URL, e.g. `new URL("./x.cases.ts", import.meta.url)`). */
export async function runCase(
  moduleUrl: URL | string,
  name: string,
  arg?: unknown,
  bounds: Bounds = {},
): Promise<CaseRun> {
  const run = await runChild([CHILD, String(moduleUrl), name, JSON.stringify(arg ?? null)], bounds, [
    "--import",
    "tsx",
  ]);
  let result: CaseOutcome | undefined;
  for (const line of run.stdout.split("\n")) {
    if (!line.startsWith(REPORT)) continue;
    const r = JSON.parse(line.slice(REPORT.length)) as { outcome?: CaseOutcome };
    if (r.outcome) result = r.outcome;
  }
  return { ...run, result };
}

/** A one-line description of a run for assertion messages. */
export function describeRun(run: CaseRun | ChildRun): string {
  const parts = [
    `exit ${run.exitCode ?? run.signal}`,
    `peak ${run.peakRssMiB} MiB`,
    run.timedOut ? "TIMED OUT" : "",
    run.killedForMemory ? "KILLED FOR MEMORY" : "",
  ];
  if ("result" in run && run.result) parts.push(JSON.stringify(run.result).slice(0, 400));
  parts.push(`stderr: ${run.stderr.slice(-600)}`);
  return parts.filter(Boolean).join("; ");
}

export interface Expect {
  /** Peak resident set allowed, in MiB (a small multiple of the data involved plus node + tsx). */
  peakMiB: number;
  /** The error the case must end with; omit to require success. */
  error?: { name?: string; code?: string; key?: string; message?: RegExp };
}

/**
 * Throws (with a description of the run) unless the case ended in time, within `peakMiB`, and with the
 * expected error (class name, code, key, message pattern) or, with no `error`, successfully.
 */
export function assertOutcome(run: CaseRun, expect: Expect): undefined {
  const fail = (why: string): never => {
    throw new Error(`${why} (${describeRun(run)})`);
  };
  if (run.timedOut) fail("case timed out");
  if (run.killedForMemory) fail("case was killed for memory");
  const r = run.result ?? fail("case died without reporting");
  if (run.peakRssMiB > expect.peakMiB) fail(`peak RSS ${run.peakRssMiB} MiB > ${expect.peakMiB} MiB`);
  if (!expect.error) {
    if (!r.ok) fail("case threw");
    return;
  }
  if (r.ok) return fail("case succeeded but should have failed");
  const e = expect.error;
  if (e.name && r.error.name !== e.name) fail(`error class ${r.error.name}, wanted ${e.name}`);
  if (e.code && r.error.code !== e.code) fail(`error code ${r.error.code}, wanted ${e.code}`);
  if (e.key !== undefined && r.error.key !== e.key) fail(`error key ${r.error.key}, wanted ${e.key}`);
  if (e.message && !e.message.test(r.error.message)) fail(`message does not match ${e.message}`);
}
