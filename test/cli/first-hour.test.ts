/**
 * The CLI's first-hour rough edges (issue 9, items 6-13): validate's exit codes and --data, flags
 * that must not be silently ignored, shard clipping, failure messages, metadata value rounding,
 * messages and --json errors. Every case runs the real binary.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { open } from "../../src/hierarchy/open.js";
import { write } from "../../src/pyramid/writer.js";
import { openSource } from "../../src/sources/index.js";
import { LocalStore } from "../../src/store/local.js";
import { BIN, cli, cliJSON, ensureBuilt } from "../helpers/cli.js";
import { python, tempDir } from "../helpers/python.js";
import { startServer } from "../store/helpers.js";

/** Runs the CLI without blocking this process (for tests that serve its input over HTTP). */
function cliAsync(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

/** A raw little-endian uint16 volume with value i % 65521 at flat index i. */
function writeRaw(path: string, shape: number[]): Uint16Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Uint16Array.from({ length: n }, (_, i) => (i * 7919) % 65521);
  writeFileSync(path, new Uint8Array(data.buffer));
  return data;
}

function zattrs(out: string): { multiscales: Array<Record<string, unknown>> } {
  return JSON.parse(readFileSync(join(out, ".zattrs"), "utf8"));
}

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
    python(
      `import sys, os, numpy as np, tifffile, nibabel as nib
d = sys.argv[1]
a = (np.arange(8 * 24 * 32) % 251).astype(np.uint8).reshape(8, 24, 32)
np.save(os.path.join(d, "vol.npy"), a)
tifffile.imwrite(os.path.join(d, "aniso.ome.tif"), a, ome=True,
    metadata={"axes": "ZYX", "PhysicalSizeX": 0.325, "PhysicalSizeY": 0.325, "PhysicalSizeZ": 2.0})
img = nib.Nifti1Image(np.ascontiguousarray(a.transpose(2, 1, 0)), np.diag([0.9, 0.9, 1.1, 1.0]))
img.header.set_xyzt_units("mm")
nib.save(img, os.path.join(d, "vol.nii.gz"))
`,
      [dir],
    );
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

  describe("flags are never silently ignored or padded", () => {
    it("--chunks / --shards with the wrong number of values is an error naming the flag", () => {
      const r = cli(["convert", "vol.npy", "c.ome.zarr", "--chunks", "5,5"], dir);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--chunks has 2 values but the input has 3 axes \(zyx\): give one per axis/);
      assert.ok(!existsSync(join(dir, "c.ome.zarr")));
      const s = cli(
        ["convert", "vol.npy", "c.zarr", "--plain", "--zarr-version", "3", "--shards", "8,8"],
        dir,
      );
      assert.equal(s.code, 2);
      assert.match(s.stderr, /--shards has 2 values/);
    });

    it("--dtype / --shape for an input that is not raw is an error naming the flags", () => {
      const r = cli(["convert", "vol.npy", "d.ome.zarr", "--dtype", "uint16", "--shape", "8,24,32"], dir);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--shape, --dtype are for raw binary input, but vol\.npy is a NPY file/);
      const t = cli(["convert", "aniso.ome.tif", "d.ome.zarr", "--offset", "16"], dir);
      assert.equal(t.code, 2);
      assert.match(t.stderr, /--offset is for raw binary input/);
      const z = cli(["convert", image, "d.ome.zarr", "--dtype", "uint8"], dir);
      assert.equal(z.code, 2);
      assert.match(z.stderr, /--dtype is for raw binary input, but .* is Zarr/);
    });

    it("a raw file larger than --shape x itemsize is refused with both sizes", () => {
      writeFileSync(join(dir, "big.raw"), new Uint8Array(1000));
      const r = cli(["convert", "big.raw", "r.ome.zarr", "--shape", "10,10", "--dtype", "uint8"], dir);
      assert.equal(r.code, 2);
      assert.match(
        r.stderr,
        /has 1,?000 bytes but shape \[10, 10\] of uint8 .*needs 100.*900 bytes would be left unread/,
      );
      assert.ok(!existsSync(join(dir, "r.ome.zarr")));
    });

    it("--axes on an OME-TIFF moves the physical sizes with the axis names", () => {
      const out = join(dir, "renamed.ome.zarr");
      cliJSON(["convert", "aniso.ome.tif", out, "--axes", "xyz", "--levels", "1"], dir);
      const ms = zattrs(out).multiscales[0] as {
        axes: Array<{ name: string; unit?: string }>;
        datasets: Array<{ coordinateTransformations: Array<{ scale?: number[] }> }>;
      };
      assert.deepEqual(
        ms.axes.map((a) => a.name),
        ["x", "y", "z"],
      );
      // the file's z size (2) stays on z, now the last axis; x and y keep 0.325
      assert.deepEqual(ms.datasets[0].coordinateTransformations[0].scale, [0.325, 0.325, 2]);
    });
  });

  it("--plain --zarr-version 3 clips --shards to the shape like --chunks", async () => {
    const shape = [37, 101, 203];
    const data = writeRaw(join(dir, "odd.raw"), shape);
    const out = join(dir, "odd.zarr");
    const r = cliJSON<{ shards: number[]; chunks: number[] }>(
      [
        ...["convert", "odd.raw", out, "--plain", "--zarr-version", "3", "--shape", shape.join(",")],
        ...["--dtype", "uint16", "--chunks", "16,32,32", "--shards", "64,128,128"],
      ],
      dir,
    );
    assert.deepEqual(r.chunks, [16, 32, 32]);
    assert.deepEqual(r.shards, [48, 128, 128]);
    const back = await (await open.array(new LocalStore(out), "")).get();
    assert.deepEqual(Array.from(back.data as Uint16Array), Array.from(data));
  });

  it("a failed convert says what it left and how to go on; fixing the cause and re-running resumes", () => {
    const input = join(dir, "source.ome.zarr");
    cliJSON(["demo", input, "--size", "32", "--png", join(dir, "s.png")], dir);
    const chunk = filesUnder(input).find((f) => /^0\/1\/\d+\/\d+$/.test(f)) as string;
    const good = readFileSync(join(input, chunk));
    writeFileSync(join(input, chunk), good.subarray(0, 10));
    const out = join(dir, "failed.ome.zarr");
    const r = cli(
      ["convert", input, out, "--chunks", "8,8,8", "--memory-target", "1MiB", "--workers", "1"],
      dir,
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Corrupt chunk/);
    assert.match(
      r.stderr,
      /failed\.ome\.zarr is left incomplete \(\d+ files, .*zarrsmith-progress\.json\): fix the cause and re-run the same command to resume, or pass --overwrite to start again/,
    );
    writeFileSync(join(input, chunk), good);
    const again = cliJSON<{ valid: boolean }>(
      ["convert", input, out, "--chunks", "8,8,8", "--memory-target", "1MiB", "--workers", "1"],
      dir,
    );
    assert.equal(again.valid, true);
  });

  describe("metadata values", () => {
    it("NIfTI float32 pixdim is written as the shortest decimal (0.9, not 0.8999999761581421)", () => {
      const out = join(dir, "nifti.ome.zarr");
      cliJSON(["convert", "vol.nii.gz", out, "--levels", "2"], dir);
      const text = readFileSync(join(out, ".zattrs"), "utf8");
      assert.doesNotMatch(text, /\d\.\d*0000000\d|\d\.\d*9999999\d/, "no float noise");
      const ms = zattrs(out).multiscales[0] as {
        datasets: Array<{ coordinateTransformations: Array<{ scale?: number[] }> }>;
      };
      assert.deepEqual(ms.datasets[0].coordinateTransformations[0].scale, [1.1, 0.9, 0.9]);
    });

    it("OME-TIFF level translations carry no binary noise (0.4875, not 0.48750000000000004)", () => {
      const out = join(dir, "trans.ome.zarr");
      cliJSON(["convert", "aniso.ome.tif", out, "--levels", "3", "--chunks", "4,4,4"], dir);
      const ms = zattrs(out).multiscales[0] as {
        datasets: Array<{ coordinateTransformations: Array<{ translation?: number[] }> }>;
      };
      assert.deepEqual(ms.datasets[2].coordinateTransformations[1].translation?.slice(1), [0.4875, 0.4875]);
    });

    it("OME-Zarr → OME-Zarr keeps the source image's name", () => {
      const named = join(dir, "named.ome.zarr");
      cliJSON(["convert", "vol.npy", named, "--name", "heart", "--levels", "1"], dir);
      const out = join(dir, "copy-of-named.ome.zarr");
      const r = cliJSON<{ name: string }>(["convert", named, out], dir);
      assert.equal(r.name, "heart");
      assert.equal(zattrs(out).multiscales[0].name, "heart");
    });
  });

  describe("messages", () => {
    it("slice prints the plane size in the order of its axes", () => {
      const out = join(dir, "plane.ome.zarr");
      cliJSON(["convert", "vol.npy", out, "--levels", "1"], dir);
      const r = cli(["slice", out, "-o", join(dir, "plane.png")]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /, 24x32 \(y,x\)/);
    });

    it("the convert summary shows every unit, and suggests --scale/--units when the input had none", () => {
      const r = cli(
        ["convert", "vol.npy", "units.ome.zarr", "--units", "nm,um,um", "--scale", "50,0.2,0.2"],
        dir,
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /scale 50,0\.2,0\.2 \(nanometer,micrometer,micrometer\)/);
      assert.doesNotMatch(r.stdout, /carries no physical voxel size/);
      const bare = cli(["convert", "vol.npy", "bare.ome.zarr"], dir);
      assert.match(bare.stdout, /note +.*carries no physical voxel size: .*give --scale and --units/);
    });

    it("--levels auto on a volume that fits one chunk says why there is one level", () => {
      const r = cli(["convert", "vol.npy", "one.ome.zarr"], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /note +one level only: --levels auto stops when a level fits in one chunk/);
      const json = cliJSON<{ notes: string[] }>(["convert", "vol.npy", "one-json.ome.zarr"], dir);
      assert.ok(json.notes.some((n) => n.startsWith("one level only")));
    });

    it("info over HTTP says there is no listing and finds the arrays through the OME metadata", async () => {
      const files = new Map<string, Uint8Array>();
      for (const f of filesUnder(image)) files.set(f, readFileSync(join(image, f)));
      const server = await startServer(files);
      try {
        const r = await cliAsync(["info", server.url.replace(/\/$/, "")]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(
          r.stdout,
          /cannot be listed \(HTTP has no directory listing\); members found from its OME metadata/,
        );
        for (const level of ["0", "1", "2"]) assert.match(r.stdout, new RegExp(`\n +${level} +array v2`));
        const json = await cliAsync(["--json", "info", server.url]);
        const doc = JSON.parse(json.stdout) as { members: string; tree: { members: unknown[] } };
        assert.equal(doc.members, "OME metadata");
        assert.ok(doc.tree.members.length >= 3);
      } finally {
        await server.close();
      }
    });
  });

  it("pyramid.write takes axes, scale and units from a source that carries them; options override", async () => {
    const source = await openSource(join(dir, "aniso.ome.tif"));
    try {
      const store = new LocalStore(join(dir, "lib.ome.zarr"));
      // anisotropy-aware downsampling, so that the scale decides which axes shrink
      const r = await write(source, store, { levels: 2, chunks: [4, 8, 8], downsampleAxes: "auto" });
      // z (2) is 6x coarser than y, x (0.325): anisotropic, so level 1 halves only y and x
      assert.deepEqual(r.levels[0].scale, [2, 0.325, 0.325]);
      assert.deepEqual(r.levels[1].shape, [8, 12, 16]);
      assert.deepEqual(r.levels[1].scale, [2, 0.65, 0.65]);
      const ms = zattrs(join(dir, "lib.ome.zarr")).multiscales[0] as {
        axes: Array<{ name: string; unit?: string }>;
      };
      assert.deepEqual(
        ms.axes.map((a) => [a.name, a.unit]),
        [
          ["z", "micrometer"],
          ["y", "micrometer"],
          ["x", "micrometer"],
        ],
      );
      const over = await write(source, new LocalStore(join(dir, "lib2.ome.zarr")), {
        levels: 2,
        chunks: [4, 8, 8],
        downsampleAxes: "auto",
        scale: [1, 1, 1],
        units: "nanometer",
      });
      assert.deepEqual(over.levels[1].shape, [4, 12, 16], "isotropic scale given: z halved too");
      assert.deepEqual(over.levels[0].scale, [1, 1, 1]);
    } finally {
      await source.close();
    }
  });
});
