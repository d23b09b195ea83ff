#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's test runner (TypeScript through tsx).
// Node 20's --test does not expand globs or pick up .ts files itself, hence this file.
// Usage: node scripts/run-tests.mjs [filter...]   (filters match substrings of test paths)
//
// Skipped tests (missing ../shared, Python modules, Debian binaries: test/helpers/requirements.ts)
// are listed at the end with their reasons. With CI set (as .ci/run does), any skip fails the run:
// CI installs everything, so a skipped test there is a test that proved nothing.
import { spawnSync } from "node:child_process";
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
const result = spawnSync(
  process.execPath,
  [
    "--import",
    "tsx",
    "--test",
    "--test-concurrency=2",
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    `--test-reporter=${reporter}`,
    `--test-reporter-destination=${skipsFile}`,
    ...files,
  ],
  { stdio: "inherit" },
);
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

let status = result.status ?? 1;
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
