/**
 * `validate` applies every MUST rule of the specification text by default; `--schema-only` gives the
 * official schema suites' verdict. The case that separates them: every scale vector shorter than the
 * axes (issue 9, item 15). Runs the real binary on a demo image whose metadata is then edited.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { cli, cliJSON, ensureBuilt } from "../helpers/cli.js";
import { tempDir } from "../helpers/python.js";

describe("validate: MUST rules by default, --schema-only for the suites' verdict", () => {
  let dir: string;
  let cleanup: () => void;
  before(() => {
    ensureBuilt();
    ({ dir, cleanup } = tempDir());
  });
  after(() => cleanup());

  it("short scale vectors on every level: an error by default, a warning with --schema-only", () => {
    const image = join(dir, "short.ome.zarr");
    cliJSON(["demo", image, "--size", "32", "--png", join(dir, "t.png")], dir);
    assert.equal(cli(["validate", image]).code, 0, "the demo output itself is valid in the default mode");
    const zattrs = join(image, ".zattrs");
    const attrs = JSON.parse(readFileSync(zattrs, "utf8"));
    for (const d of attrs.multiscales[0].datasets) {
      d.coordinateTransformations = d.coordinateTransformations
        .filter((t: { type: string }) => t.type === "scale")
        .map((t: { scale: number[] }) => ({ type: "scale", scale: t.scale.slice(1) }));
    }
    writeFileSync(zattrs, JSON.stringify(attrs));

    const strict = cli(["--json", "validate", image]);
    assert.equal(strict.code, 1, strict.stdout + strict.stderr);
    const report = JSON.parse(strict.stdout) as {
      valid: boolean;
      errors: Array<{ path: string; message: string }>;
    };
    assert.equal(report.valid, false);
    const paths = report.errors.map((e) => e.path);
    for (let i = 0; i < attrs.multiscales[0].datasets.length; i++) {
      assert.ok(
        paths.includes(`multiscales[0].datasets[${i}].coordinateTransformations[0].scale`),
        paths.join(),
      );
    }
    assert.match(report.errors[0].message, /has 2 values but there are 3 axes/);

    const lenient = cli(["--json", "validate", "--schema-only", image]);
    assert.equal(lenient.code, 0, lenient.stdout + lenient.stderr);
    const r2 = JSON.parse(lenient.stdout) as { valid: boolean; warnings: Array<{ path: string }> };
    assert.ok(
      r2.warnings.some((w) => w.path === "multiscales[0].datasets[0].coordinateTransformations[0].scale"),
    );
    assert.match(cli(["validate", "--help"]).stdout, /--schema-only/);
  });
});
