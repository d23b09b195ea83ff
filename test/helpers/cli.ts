/**
 * Runs the real `zarrsmith` binary (node dist/cli/main.js) in a child process. `ensureBuilt` builds
 * dist first when it is missing or older than src, so a single CLI test file can run on its own.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "..", "..");
export const BIN = join(ROOT, "dist", "cli", "main.js");

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function ensureBuilt(): void {
  if (existsSync(BIN) && statSync(BIN).mtimeMs >= newest(join(ROOT, "src", "cli"))) return;
  const r = spawnSync("npm", ["run", "-s", "build"], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * How long one CLI run may take in a test. spawnSync blocks the test's event loop, so node:test's
 * own timeout cannot cancel a hung child: the child is killed here and the test fails naming it.
 */
export const CLI_TIMEOUT_MS = 240_000;

/** Runs `zarrsmith ...args` to completion (at most CLI_TIMEOUT_MS). */
export function cli(args: string[], cwd: string = ROOT, env?: NodeJS.ProcessEnv): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    env,
    encoding: "utf8",
    maxBuffer: 1 << 28,
    timeout: CLI_TIMEOUT_MS,
    killSignal: "SIGKILL",
  });
  if (r.error) throw new Error(`zarrsmith ${args.join(" ")}: ${r.error.message}\n${r.stderr ?? ""}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `zarrsmith --json ...args`, asserting exit 0; returns the parsed stdout. */
export function cliJSON<T = Record<string, unknown>>(args: string[], cwd: string = ROOT): T {
  const r = cli(["--json", ...args], cwd);
  if (r.code !== 0) throw new Error(`zarrsmith ${args.join(" ")} exited ${r.code}:\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/**
 * Starts `zarrsmith ...args` and sends SIGINT once stderr matches `when`; resolves with the result.
 */
export function cliInterrupted(
  args: string[],
  when: RegExp,
  cwd: string,
): Promise<CliRun & { signalled: boolean }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd });
    let stdout = "";
    let stderr = "";
    let signalled = false;
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
      if (!signalled && when.test(stderr)) {
        signalled = true;
        child.kill("SIGINT");
      }
    });
    child.on("close", (code) => done({ code, stdout, stderr, signalled }));
  });
}
