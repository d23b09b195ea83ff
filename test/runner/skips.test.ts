/**
 * The test runner's skip accounting (scripts/run-tests.mjs): skipped tests are listed with their
 * reasons; with CI set a skip fails the run, naming the test. Runs the real script on a tiny test tree
 * in a temporary folder (node_modules linked so `--import tsx` resolves).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, describe, test } from "node:test";
import { PYTHON, tempDir } from "../helpers/python.js";
import { command, needs, python3, SHARED, shared } from "../helpers/requirements.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
const RUN_TESTS = join(ROOT, "scripts", "run-tests.mjs");

function tree(files: Record<string, string>): string {
  const { dir, cleanup } = tempDir("zarrsmith-runner-");
  after(cleanup);
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  mkdirSync(join(dir, "test"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, "test", name), text);
  return dir;
}

function run(dir: string, ci: string | undefined, extra: NodeJS.ProcessEnv = {}) {
  const env = { ...process.env, ...extra };
  delete env.CI;
  if (ci !== undefined) env.CI = ci;
  // the runner under test must not see this process's own test-runner context
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, [RUN_TESTS], { cwd: dir, env, encoding: "utf8" });
  return { code: r.status, out: r.stdout + r.stderr };
}

const SOME_SKIPPED = {
  "a.test.ts": `import { test, describe } from "node:test";
test("runs", () => {});
test("needs a thing", { skip: "needs the-thing: apt-get install the-thing" }, () => {});
describe("a whole group", { skip: "needs ../shared/x" }, () => { test("inner", () => {}); });
`,
};

describe("scripts/run-tests.mjs skip accounting", () => {
  test("outside CI (CI=false counts as unset): skips are listed with their reasons, the run passes", () => {
    const r = run(tree(SOME_SKIPPED), "false");
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /2 tests skipped:/);
    assert.match(r.out, /needs the-thing: apt-get install the-thing\n\s+- test\/a\.test\.ts: needs a thing/);
    assert.match(r.out, /needs \.\.\/shared\/x\n\s+- test\/a\.test\.ts: a whole group/);
  });

  test("with CI=true a skip fails the run, naming the skipped tests", () => {
    const r = run(tree(SOME_SKIPPED), "true");
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /test\/a\.test\.ts: needs a thing/);
    assert.match(r.out, /CI is set: .*skips fail the run/);
  });

  test("with CI=true and nothing skipped the run passes", () => {
    const dir = tree({ "b.test.ts": `import { test } from "node:test";\ntest("runs", () => {});\n` });
    const r = run(dir, "true");
    assert.equal(r.code, 0, r.out);
    assert.doesNotMatch(r.out, /skipped:/);
  });

  test("a failing test still fails the run", () => {
    const dir = tree({
      "c.test.ts": `import { test } from "node:test";\ntest("fails", () => { throw new Error("x"); });\n`,
    });
    assert.equal(run(dir, undefined).code, 1);
  });
});

describe("scripts/run-tests.mjs bounds", () => {
  test("a test past the per-test timeout fails, naming its file", () => {
    const dir = tree({
      "slow.test.ts": `import { test } from "node:test";\ntest("waits for ever", () => new Promise(() => setInterval(() => {}, 1000)));\n`,
    });
    const r = run(dir, undefined, { ZARRSMITH_TEST_TIMEOUT_S: "1" });
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /test\/slow\.test\.ts/);
    assert.match(r.out, /timed out after 1000ms/);
  });

  test("a file that blocks its event loop is killed at the suite deadline, named with its processes", () => {
    const dir = tree({
      "blocked.test.ts": `import { spawnSync } from "node:child_process";\nimport { test } from "node:test";\ntest("blocks", () => { spawnSync("sleep", ["600"]); });\n`,
      "fine.test.ts": `import { test } from "node:test";\ntest("runs", () => {});\n`,
    });
    const started = Date.now();
    const r = run(dir, undefined, { ZARRSMITH_SUITE_DEADLINE_S: "4" });
    assert.equal(r.code, 1, r.out);
    assert.ok(Date.now() - started < 60_000, "the deadline ended the run");
    assert.match(r.out, /passed its 4 s deadline/);
    assert.match(r.out, /Test files still running: test\/blocked\.test\.ts\n/);
    assert.match(r.out, /sleep 600/, "the blocked file's child process is listed");
    const ps = spawnSync("pgrep", ["-f", "^sleep 600$"], { encoding: "utf8" });
    assert.equal(ps.stdout.trim(), "", "the blocked file's child was killed too");
  });
});

describe("test/helpers/requirements.ts messages", () => {
  test("present requirements give false; missing ones one line naming them and how to get them", () => {
    assert.equal(needs(command("node", "nodejs")), false);
    assert.equal(
      needs(command("zarrsmith-no-such-binary", "no-such-package")),
      "needs zarrsmith-no-such-binary: apt-get install no-such-package",
    );
    const both = needs(shared("no-such-folder"), command("zarrsmith-no-such-binary", "pkg"));
    assert.ok(typeof both === "string" && !both.includes("\n"));
    assert.equal(
      needs(shared("conformance/no-a"), shared("conformance/no-b")),
      `needs ../shared/conformance/no-a and ../shared/conformance/no-b (the shared conformance corpus, in ${SHARED} beside the project root)`,
    );
    assert.match(
      String(both),
      /^needs \.\.\/shared\/no-such-folder \(.*beside the project root.*\); zarrsmith-no-such-binary: apt-get install pkg$/,
    );
  });

  test("an interpreter that cannot run: python3 itself named", () => {
    assert.equal(
      helperSays("/bin/false"),
      "needs python3 (/bin/false) (apt-get install python3, or set ZARRSMITH_PYTHON)",
    );
  });

  test("a Python without the modules: the missing modules named by Debian package, one apt-get", {
    skip: needs(python3()),
  }, () => {
    // python3 -S leaves out site-packages and Debian's dist-packages: the standard library only
    const { dir, cleanup } = tempDir("zarrsmith-bare-python-");
    after(cleanup);
    const bare = join(dir, "python3");
    writeFileSync(bare, `#!/bin/sh\nexec ${PYTHON} -S "$@"\n`, { mode: 0o755 });
    assert.equal(
      helperSays(bare),
      "needs python3-numpy, python3-zarr, python3-nibabel: apt-get install python3-numpy python3-zarr python3-nibabel",
    );
  });
});

/** What needs(pythonModules("zarr", "nibabel")) says in a process whose $ZARRSMITH_PYTHON is `python`. */
function helperSays(python: string): string {
  const r = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "-e",
      `import { needs, pythonModules } from "./test/helpers/requirements.ts"; console.log(needs(pythonModules("zarr", "nibabel")));`,
    ],
    { cwd: ROOT, encoding: "utf8", env: { ...process.env, ZARRSMITH_PYTHON: python } },
  );
  return r.stdout.trim();
}
