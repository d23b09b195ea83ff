/**
 * `zarrsmith upgrade` and `.ozx` outputs from the command line: 0.4 → 0.5 in place, a directory
 * packed into an .ozx, `convert IN out.ozx`, and a downgrade Zarr v2 cannot express refused.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { cli, cliJSON, ensureBuilt } from "../helpers/cli.js";
import { python, pythonJSON, tempDir } from "../helpers/python.js";

const { dir, cleanup } = tempDir("zarrsmith-cli-upgrade-");
after(cleanup);
before(() => {
  ensureBuilt();
  python(
    `import numpy as np, sys; np.save(sys.argv[1], (np.arange(2*96*80) % 251).astype("<u2").reshape(2, 96, 80))`,
    [join(dir, "vol.npy")],
  );
});

const READ_LEVEL0 = `
import sys, json, zarr, numpy as np
a = zarr.open_group(sys.argv[1], mode="r")["0"][...]
b = np.load(sys.argv[2])
print(json.dumps(bool((a == b).all())))`;

describe("zarrsmith upgrade", () => {
  it("0.4 → 0.5 in place: chunks untouched, valid after, and packed into an .ozx", () => {
    const img = join(dir, "img.ome.zarr");
    cliJSON(
      ["convert", "vol.npy", img, "--ome-zarr-version", "0.4", "--levels", "2", "--chunks", "1,32,32"],
      dir,
    );
    assert.equal(pythonJSON(READ_LEVEL0, [img, join(dir, "vol.npy")]), true);
    const up = cliJSON<{ from: string; to: string; valid: boolean; backup: string; copied: number }>(
      ["upgrade", img, "--to", "0.5"],
      dir,
    );
    assert.equal(up.from, "0.4");
    assert.equal(up.to, "0.5");
    assert.equal(up.valid, true);
    assert.equal(up.copied, 0);
    assert.ok(existsSync(join(img, up.backup, ".zattrs")));
    assert.ok(existsSync(join(img, "0", "zarr.json")));
    assert.ok(!existsSync(join(img, "0", ".zarray")));
    // Same version into an .ozx: a directory packed into a single file.
    const packed = join(dir, "img.ozx");
    const pack = cliJSON<{ valid: boolean; copied: number }>(["upgrade", img, packed, "--to", "0.5"], dir);
    assert.equal(pack.valid, true);
    assert.ok(pack.copied > 0);
    const info = cliJSON<Record<string, unknown>>(["info", packed], dir);
    assert.match(JSON.stringify(info), /"0\.5"/);
    // Back to 0.4 from the .ozx into a directory zarr-python 2 reads.
    const back = join(dir, "back.ome.zarr");
    assert.equal(cliJSON<{ valid: boolean }>(["upgrade", packed, back, "--to", "0.4"], dir).valid, true);
    assert.equal(pythonJSON(READ_LEVEL0, [back, join(dir, "vol.npy")]), true);
    // In place needs a directory; an existing OUT is refused.
    const r = cli(["upgrade", packed, "--to", "0.4"], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /in place needs a local directory/);
    assert.equal(cli(["upgrade", img, back, "--to", "0.5"], dir).code, 2);
  });

  it("convert IN out.ozx writes a sharded 0.5 .ozx; downgrading it to 0.4 is refused naming the codec", () => {
    const ozx = join(dir, "sharded.ozx");
    const res = cliJSON<{ valid: boolean }>(
      [
        "convert",
        "vol.npy",
        ozx,
        "--ome-zarr-version",
        "0.5",
        "--chunks",
        "1,32,32",
        "--shards",
        "1,64,64",
        "--levels",
        "2",
      ],
      dir,
    );
    assert.equal(res.valid, true);
    assert.ok(!readdirSync(dir).some((n) => n.startsWith(".zarrsmith-tmp")), "no spool left behind");
    assert.equal(cli(["validate", ozx], dir).code, 0);
    const r = cli(["upgrade", ozx, join(dir, "down.ome.zarr"), "--to", "0.4"], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /chunk_key_encoding: .*"default".*codecs\[0\]: codec "sharding_indexed"/);
    assert.ok(!existsSync(join(dir, "down.ome.zarr", ".zgroup")));
    // 0.5 → 0.6 (attributes only) from one .ozx into another; the comment names the new version.
    const six = join(dir, "six.ozx");
    const up = cliJSON<{ from: string; to: string; valid: boolean }>(
      ["upgrade", ozx, six, "--to", "0.6"],
      dir,
    );
    assert.deepEqual([up.from, up.to, up.valid], ["0.5", "0.6", true]);
    const comment = python("import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).comment.decode())", [
      six,
    ]);
    assert.deepEqual(JSON.parse(comment), { ome: { version: "0.6" } });
    // without --ome-zarr-version, an .ozx output is 0.5 (RFC-9 holds Zarr v3 only)
    const plainOzx = join(dir, "default.ozx");
    const d = cliJSON<{ valid: boolean }>(["convert", "vol.npy", plainOzx, "--levels", "2"], dir);
    assert.equal(d.valid, true);
    const root = python(
      "import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read('zarr.json').decode())",
      [plainOzx],
    );
    assert.equal(JSON.parse(root).attributes.ome.version, "0.5");
    assert.equal(cli(["convert", "vol.npy", ozx, "--ome-zarr-version", "0.5"], dir).code, 2, "exists");
    assert.equal(cli(["convert", "vol.npy", join(dir, "p.ozx"), "--plain"], dir).code, 2);
  });
});
