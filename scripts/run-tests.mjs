#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's test runner (TypeScript through tsx).
// Node 20's --test does not expand globs or pick up .ts files itself, hence this file.
// Usage: node scripts/run-tests.mjs [filter...]   (filters match substrings of test paths)
//
// Skipped tests (missing ../shared, Python modules, Debian binaries: test/helpers/requirements.ts)
// are listed at the end with their reasons. With CI set (as .ci/run does), any skip fails the run:
// CI installs everything, so a skipped test there is a test that proved nothing.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

const inCI = !["", "0", "false"].includes((process.env.CI ?? "").toLowerCase());
const filters = process.argv.slice(2);
const files = find("test")
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error("no test files matched");
  process.exit(1);
}
const tmp = mkdtempSync(join(tmpdir(), "zarrsmith-run-tests-"));
const skipsFile = join(tmp, "skips.jsonl");
const reporter = new URL("./skip-reporter.mjs", import.meta.url).href;
// Bounds: a test that takes longer than TEST_TIMEOUT fails by name (node:test cancels it); a test
// file whose process blocks its own event loop (a spawnSync that never returns) cannot be cancelled
// from inside, so the whole run has a deadline too. At the deadline the run prints which test files
// are still running and what they are waiting on (their process tree), kills them all, and fails:
// a hung CI run otherwise prints nothing until the machine's own limit ends it.
const TEST_TIMEOUT_S = Number(process.env.ZARRSMITH_TEST_TIMEOUT_S ?? 600);
const DEADLINE_S = Number(process.env.ZARRSMITH_SUITE_DEADLINE_S ?? 1800);
const started = Date.now();
const runner = spawn(
  process.execPath,
  [
    "--import",
    "tsx",
    "--test",
    "--test-concurrency=2",
    `--test-timeout=${TEST_TIMEOUT_S * 1000}`,
    // a file whose tests are done exits even if a handle (a timed-out poll loop, a socket) is open
    "--test-force-exit",
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    `--test-reporter=${reporter}`,
    `--test-reporter-destination=${skipsFile}`,
    ...files,
  ],
  // its own process group, so the deadline can take down every process a test started
  { stdio: "inherit", detached: true },
);
const forwardSignal = (signal) => () => {
  try {
    process.kill(-runner.pid, signal);
  } catch {}
};
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, forwardSignal(signal));
let timedOut = false;
const deadline = setTimeout(() => {
  timedOut = true;
  const ps = spawnSync("ps", ["-eo", "pgid=,pid=,ppid=,etimes=,args="], { encoding: "utf8" });
  const tree = (ps.stdout ?? "")
    .split("\n")
    .filter((line) => line.trim().split(/\s+/)[0] === String(runner.pid))
    .map((line) => line.trim().replace(/^\d+\s+/, ""));
  // the runner's own command line names every file; a running file has a process of its own
  const own = tree.filter((line) => !line.startsWith(`${runner.pid} `));
  const running = files.filter((f) => own.some((line) => line.includes(f)));
  console.error(
    [
      `run-tests: the suite passed its ${DEADLINE_S} s deadline (ZARRSMITH_SUITE_DEADLINE_S); killing it.`,
      `Test files still running: ${running.join(", ") || "(none found)"}`,
      "Their processes (pid, parent, seconds, command):",
      // long command lines (Node 24 passes many flags to each file) keep their ends: the file is last
      ...tree.map((line) => (line.length > 320 ? `${line.slice(0, 100)} … ${line.slice(-200)}` : line)),
    ].join("\n"),
  );
  forwardSignal("SIGKILL")();
}, DEADLINE_S * 1000);
const result = await new Promise((resolve) =>
  runner.once("exit", (status, signal) => resolve({ status, signal })),
);
clearTimeout(deadline);
// what the test files started outside their process groups (detached workers) goes too
forwardSignal("SIGKILL")();
console.error(`run-tests: ${files.length} files in ${Math.round((Date.now() - started) / 1000)} s`);
let skips = [];
try {
  skips = readFileSync(skipsFile, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
} catch {
  // no file: the runner died before reporting; its exit status says so
}
rmSync(tmp, { recursive: true, force: true });

let status = timedOut ? 1 : (result.status ?? 1);
if (skips.length > 0) {
  const byReason = new Map();
  for (const s of skips) {
    const reason = s.reason || "(no reason given)";
    byReason.set(reason, [...(byReason.get(reason) ?? []), s]);
  }
  const lines = [`${skips.length} test${skips.length === 1 ? "" : "s"} skipped:`];
  for (const [reason, list] of byReason) {
    lines.push(`  ${reason}`);
    for (const s of list) lines.push(`    - ${relative(process.cwd(), s.file) || "?"}: ${s.name}`);
  }
  // A peer that neither Debian nor npm provides (moto comes with the machine image's Python) may be
  // declared optional by .ci/run when it is missing: its skips are listed but do not fail the run.
  const optional = (process.env.ZARRSMITH_CI_OPTIONAL ?? "").split(",").filter(Boolean);
  const fatal = skips.filter((s) => !optional.some((o) => (s.reason ?? "").includes(o)));
  if (inCI && fatal.length > 0) {
    lines.push(
      "CI is set: every test must run here (.ci/run installs what they need), so skips fail the run.",
    );
    if (status === 0) status = 1;
  }
  console.error(lines.join("\n"));
}
process.exit(status);
