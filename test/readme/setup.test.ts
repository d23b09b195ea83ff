/**
 * The README's set-up section says what the tests need in the same words as .ci/run: the Debian
 * packages of its APT_PACKAGES list (as one `apt-get install` line), the ../shared paths it checks, and
 * the supported Node versions (package.json `engines`, the LTS Node .ci/run also tests on).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { test } from "node:test";

const ROOT = resolve(import.meta.dirname, "..", "..");
const ciRun = readFileSync(join(ROOT, ".ci", "run"), "utf8");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const setup = readme.slice(
  readme.indexOf("## Set-up"),
  readme.indexOf("\n## ", readme.indexOf("## Set-up") + 1),
);

test(".ci/run's Debian packages are the README's apt-get install line", () => {
  const list = /APT_PACKAGES=\(([\s\S]*?)\n\)/.exec(ciRun);
  assert.ok(list, "APT_PACKAGES=( ... ) in .ci/run");
  const packages = list[1]
    .split("\n")
    .map((line) => line.replace(/#.*/, "").trim())
    .join(" ")
    .split(/\s+/)
    .filter(Boolean);
  assert.ok(packages.includes("python3-zarr"));
  assert.ok(
    setup.includes(`\`apt-get install ${packages.join(" ")}\``),
    `README set-up lacks: apt-get install ${packages.join(" ")}`,
  );
});

test("the ../shared paths .ci/run checks are named in the README set-up", () => {
  const checked = /for need in ([^;]+);/.exec(ciRun)?.[1].trim().split(/\s+/) ?? [];
  assert.deepEqual(checked, ["../shared/conformance", "../shared/data/hoa_heart.zarr"]);
  for (const p of checked) assert.ok(setup.includes(`\`${p}\``), p);
});

test("supported Node versions: package.json engines in the README, and the LTS .ci/run tests on", () => {
  const engines = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).engines.node as string;
  assert.ok(setup.includes(`\`engines\`: \`${engines}\``), engines);
  const lts = /npx -y node@(\d+) scripts\/run-tests\.mjs/.exec(ciRun)?.[1];
  assert.ok(lts, ".ci/run runs the suite on an LTS Node");
  assert.ok(setup.includes(`npx -y node@${lts} scripts/run-tests.mjs`));
  assert.ok(ciRun.includes("npm run lint") && ciRun.includes("npm run typecheck"));
});
