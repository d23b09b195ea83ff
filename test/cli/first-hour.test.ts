/**
 * The CLI's first-hour rough edges (issue 9, items 6-13): validate's exit codes and --data, flags
 * that must not be silently ignored, shard clipping, failure messages, metadata value rounding,
 * messages and --json errors. Every case runs the real binary.
 */
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { cli, cliJSON, ensureBuilt } from "../helpers/cli.js";
import { tempDir } from "../helpers/python.js";

/** Every file under `d`, relative paths. */
function filesUnder(d: string, prefix = ""): string[] {
  return readdirSync(join(d, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(d, join(prefix, e.name)) : [join(prefix, e.name)],
  );
}

describe("zarrsmith CLI: first-hour behaviour", () => {
  const { dir, cleanup } = tempDir("zarrsmith-first-hour-");
  const image = join(dir, "demo.ome.zarr");
  before(() => {
    ensureBuilt();
    cliJSON(["demo", image, "--size", "32", "--png", join(dir, "demo.png")], dir);
  });
  after(cleanup);

  describe("validate", () => {
    it("exits 2 for a folder that is not Zarr and for root metadata that is not JSON", () => {
      mkdirSync(join(dir, "not-zarr"));
      writeFileSync(join(dir, "not-zarr", "readme.txt"), "hello");
      const r = cli(["validate", join(dir, "not-zarr")]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /not-zarr is not a Zarr store: no zarr\.json, \.zarray or \.zgroup/);

      mkdirSync(join(dir, "bad-json"));
      writeFileSync(join(dir, "bad-json", ".zgroup"), "{ zarr_format: 2");
      const b = cli(["validate", join(dir, "bad-json")]);
      assert.equal(b.code, 2, b.stdout + b.stderr);
      assert.match(b.stderr, /\.zgroup is not valid JSON/);
    });

    it("--help says it checks metadata only and offers --data", () => {
      const r = cli(["validate", "--help"]);
      assert.match(r.stdout, /metadata only/);
      assert.match(r.stdout, /--data/);
    });

    it("--data reads every chunk and reports a truncated one by key (exit 1); metadata-only passes", () => {
      const copy = join(dir, "truncated.ome.zarr");
      cliJSON(["demo", copy, "--size", "32", "--png", join(dir, "t.png")], dir);
      const chunk = filesUnder(copy).find((f) => /^1\/\d+\/\d+\/\d+$/.test(f)) as string;
      const bytes = readFileSync(join(copy, chunk));
      writeFileSync(join(copy, chunk), bytes.subarray(0, Math.floor(bytes.length / 2)));
      assert.equal(cli(["validate", copy]).code, 0, "metadata alone is valid");
      const r = cli(["--json", "validate", "--data", copy]);
      assert.equal(r.code, 1, r.stderr);
      const report = JSON.parse(r.stdout) as {
        valid: boolean;
        errors: Array<{ path: string; message: string }>;
        chunks: { checked: number; corrupt: number };
      };
      assert.equal(report.valid, false);
      assert.deepEqual(
        report.errors.map((e) => e.path),
        [chunk],
      );
      assert.equal(report.chunks.corrupt, 1);
      assert.ok(report.chunks.checked > 10);
      const text = cli(["validate", "--data", copy]);
      assert.match(
        text.stdout,
        new RegExp(`error +${chunk.replace(/\//g, "\\/")}: the stored chunk does not decode`),
      );
      const ok = cli(["--json", "validate", "--data", image]);
      assert.equal(ok.code, 0, ok.stdout);
    });
  });

  it("--json on an error prints {ok: false, error} on stdout, for every command", () => {
    for (const args of [
      ["validate", join(dir, "missing.zarr")],
      ["info", join(dir, "missing.zarr")],
      ["slice", join(dir, "missing.zarr"), join(dir, "x.png")],
      ["convert", join(dir, "missing.tif"), join(dir, "out.zarr")],
      ["convert", "--no-such-flag", "a", "b"],
    ]) {
      const r = cli(["--json", ...args]);
      assert.equal(r.code, 2, args.join(" "));
      const doc = JSON.parse(r.stdout) as { ok: boolean; error: { message: string; exitCode: number } };
      assert.equal(doc.ok, false);
      assert.equal(doc.error.exitCode, 2);
      assert.ok(doc.error.message.length > 0);
    }
  });
});
