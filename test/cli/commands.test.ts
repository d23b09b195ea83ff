/**
 * The CLI as users run it (spawned binary): demo, info, validate, slice, spec/create, errors and
 * exit codes. The demo output is checked against zarr-python and the phantom generated here.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { decode } from "fast-png";
import { phantom } from "../../src/demo/phantom.js";
import { open } from "../../src/hierarchy/open.js";
import { slice } from "../../src/indexing/selection.js";
import { percentileWindow } from "../../src/render/index.js";
import { LocalStore } from "../../src/store/local.js";
import { cli, cliJSON, ensureBuilt } from "../helpers/cli.js";
import { pythonJSON, tempDir } from "../helpers/python.js";
import { needs, pythonModules } from "../helpers/requirements.js";

/** Digest of every file under a directory (names + bytes), to prove an output was left untouched. */
function digest(dir: string): string {
  const h = createHash("sha256");
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      h.update(p);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest("hex");
}

/** The 8-bit grey level renderPlanePNG gives a value for a window (the rule the test checks the PNG with). */
function grey(v: number, lo: number, hi: number): number {
  const t = (v - lo) / (hi > lo ? hi - lo : 1);
  return t <= 0 ? 0 : t >= 1 ? 255 : Math.round(t * 255);
}

describe("zarrsmith CLI", () => {
  const { dir, cleanup } = tempDir("zarrsmith-cli-");
  const image = join(dir, "demo.ome.zarr");
  let demo: Record<string, unknown>;
  const N = 64;

  before(() => {
    ensureBuilt();
    demo = cliJSON(["demo", image, "--size", String(N), "--workers", "2"], dir);
  });
  after(cleanup);

  it("demo writes a valid multiscale image, a PNG slice and a JSON summary", async () => {
    assert.equal(demo.valid, true, JSON.stringify(demo.errors));
    assert.equal(demo.omeZarrVersion, "0.4");
    const levels = demo.levels as Array<{ path: string; shape: number[]; chunks: number[]; scale: number[] }>;
    assert.ok(levels.length >= 2);
    assert.deepEqual(levels[0].shape, [N, N, N]);
    assert.deepEqual(levels[0].scale, phantom(N).scale);
    assert.ok((demo.bytesStored as number) > 0 && (demo.compressionRatio as number) > 1);
    assert.equal(typeof demo.seconds, "number");
    const png = demo.png as { path: string; index: number };
    assert.equal(png.path, join(dir, "demo-slice.png"));
    const decoded = decode(readFileSync(png.path));
    assert.equal(decoded.width, N);
    assert.equal(decoded.height, N);
    assert.equal(png.index, N / 2);
  });

  it("demo output reads in zarr-python with the phantom's values", {
    skip: needs(pythonModules("zarr")),
  }, async () => {
    const probes = [
      [0, 0, 0],
      [N / 2, N / 2, N / 2],
      [N - 1, 3, N - 2],
      [17, 40, 9],
    ];
    const got = pythonJSON<{ values: number[]; shape: number[]; unit: string }>(
      `import sys, json, zarr
g = zarr.open_group(sys.argv[1], mode="r")
a = g["0"]
probes = json.loads(sys.argv[2])
print(json.dumps({"values": [int(a[z, y, x]) for z, y, x in probes], "shape": list(a.shape),
                  "unit": g.attrs["multiscales"][0]["axes"][2]["unit"]}))`,
      [image, JSON.stringify(probes)],
    );
    const p = phantom(N);
    const expected = await Promise.all(
      probes.map(
        async ([z, y, x]) =>
          (
            await p.read([
              [z, z + 1],
              [y, y + 1],
              [x, x + 1],
            ])
          ).data[0],
      ),
    );
    assert.deepEqual(got.shape, [N, N, N]);
    assert.deepEqual(got.values, expected);
    assert.equal(got.unit, "micrometer");
  });

  it("an existing output without --overwrite: exit 2, one-line message, output untouched", () => {
    // a Zarr group that is not a demo output (a demo output would be replaced: demo-rerun.test.ts)
    const other = join(dir, "other.ome.zarr");
    mkdirSync(other);
    writeFileSync(join(other, ".zgroup"), '{"zarr_format": 2}');
    writeFileSync(join(other, ".zattrs"), "{}");
    const before = digest(other);
    const r = cli(["demo", other, "--size", "16"], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^zarrsmith: output .*other\.ome\.zarr already exists; pass --overwrite/);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.equal(digest(other), before);
  });

  it("bad flags exit 2 with a clear message", () => {
    const r1 = cli(["demo", join(dir, "x.zarr"), "--size", "abc"], dir);
    assert.equal(r1.code, 2);
    assert.match(r1.stderr, /--size must be an integer/);
    const r2 = cli(["convert", "a.tif", "b.zarr", "--codec", "lzma"], dir);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /--codec "lzma" is not one of/);
    const r3 = cli(["convert", "a.tif", "b.zarr", "--no-such-flag"], dir);
    assert.equal(r3.code, 2);
    assert.match(r3.stderr, /unknown option '--no-such-flag'/);
    const r4 = cli(["convert", "a.tif", "b.zarr", "--method", "median"], dir);
    assert.equal(r4.code, 2);
    assert.match(r4.stderr, /--method.*median.*invalid/i);
    assert.ok(!existsSync(join(dir, "b.zarr")) && !existsSync(join(dir, "x.zarr")));
  });

  it("--help documents the exit codes", () => {
    const r = cli(["--help"]);
    assert.equal(r.code, 0);
    assert.match(
      r.stdout,
      /Exit codes:[\s\S]*0 +success[\s\S]*1 +the work failed[\s\S]*2 +usage error[\s\S]*130 +interrupted/,
    );
  });

  it("info: tree with arrays, OME summary and top-level contents (text and JSON)", () => {
    const info = cliJSON<{
      contents: Array<{ name: string; kind: string; bytes: number }>;
      tree: {
        kind: string;
        ome: {
          version: string;
          axes: Array<{ name: string; unit?: string }>;
          levels: Array<{ path: string; scale: number[] }>;
        };
        members: Array<{
          path: string;
          shape: number[];
          dtype: string;
          chunks: number[];
          codecs: Array<{ id: string }>;
          bytesStored: number;
          compressionRatio: number;
        }>;
      };
    }>(["info", image]);
    assert.deepEqual(
      info.contents.map((c) => c.name),
      [".zattrs", ".zgroup", ...(demo.levels as Array<{ path: string }>).map((l) => `${l.path}/`)].sort(
        (a, b) => a.localeCompare(b),
      ),
    );
    assert.equal(info.tree.kind, "group");
    assert.equal(info.tree.ome.version, "0.4");
    assert.deepEqual(
      info.tree.ome.axes.map((a) => `${a.name}:${a.unit}`),
      ["z:micrometer", "y:micrometer", "x:micrometer"],
    );
    assert.deepEqual(info.tree.ome.levels[0].scale, phantom(N).scale);
    const level0 = info.tree.members[0];
    assert.deepEqual([level0.path, level0.dtype], ["0", "uint16"]);
    assert.deepEqual(level0.shape, [N, N, N]);
    assert.equal(level0.codecs[0].id, "zstd");
    assert.ok(level0.bytesStored > 0 && level0.compressionRatio > 1);
    const text = cli(["info", image]);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /OME-Zarr 0\.4 image "phantom", axes z \(micrometer\)/);
    assert.match(text.stdout, /0 +array v2 +64x64x64 uint16 +chunks 16x16x16 +codecs zstd\(5\)/);
  });

  it("validate: exit 0 valid, 1 invalid (with paths), 2 missing path", () => {
    const ok = cli(["--json", "validate", image]);
    assert.equal(ok.code, 0);
    assert.equal(JSON.parse(ok.stdout).valid, true);

    const broken = join(dir, "broken.ome.zarr");
    cliJSON(["demo", broken, "--size", "16", "--png", join(dir, "b.png")]);
    const attrs = JSON.parse(readFileSync(join(broken, ".zattrs"), "utf8"));
    attrs.multiscales[0].axes = [{ name: "x", type: "space" }, ...attrs.multiscales[0].axes]; // 4 axes, 3-D arrays; x twice
    writeFileSync(join(broken, ".zattrs"), JSON.stringify(attrs));
    const bad = cli(["--json", "validate", broken]);
    assert.equal(bad.code, 1);
    const report = JSON.parse(bad.stdout) as {
      valid: boolean;
      errors: Array<{ path: string; message: string }>;
    };
    assert.equal(report.valid, false);
    assert.ok(report.errors.length > 0);
    assert.ok(report.errors.some((e) => e.path.includes("multiscales[0]")));
    const text = cli(["validate", broken]);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /INVALID/);
    assert.match(text.stdout, /error +multiscales\[0\]/);

    const missing = cli(["validate", join(dir, "nope.zarr")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^zarrsmith: .*nope\.zarr: no such file or directory\n$/);
  });

  it("slice PNG: pixels equal the plane windowed by the omero window, or by --window", async () => {
    const level0 = await open.array(new LocalStore(image), "0");
    const plane = await level0.get([20, slice(null), slice(null)]);
    const attrs = JSON.parse(readFileSync(join(image, ".zattrs"), "utf8"));
    const w = attrs.omero.channels[0].window;
    const out = join(dir, "z20.png");
    const r = cliJSON<{ window: number[]; windowFrom: string; shape: number[] }>([
      "slice",
      image,
      "--axis",
      "z",
      "--index",
      "20",
      "-o",
      out,
    ]);
    assert.equal(r.windowFrom, "omero");
    assert.deepEqual(r.window, [w.start, w.end]);
    const png = decode(readFileSync(out));
    assert.deepEqual([png.height, png.width, png.channels, png.depth], [N, N, 1, 8]);
    for (let i = 0; i < plane.data.length; i++) {
      assert.equal(png.data[i], grey(Number(plane.data[i]), w.start, w.end), `pixel ${i}`);
    }
    // an explicit window, along y, on level 1
    const level1 = await open.array(new LocalStore(image), "1");
    const yPlane = await level1.get([slice(null), 5, slice(null)]);
    const out2 = join(dir, "y5.png");
    cliJSON([
      "slice",
      image,
      "--axis",
      "y",
      "--index",
      "5",
      "--level",
      "1",
      "--window",
      "1000,9000",
      "-o",
      out2,
    ]);
    const png2 = decode(readFileSync(out2));
    assert.deepEqual([png2.height, png2.width], yPlane.shape);
    for (let i = 0; i < yPlane.data.length; i++)
      assert.equal(png2.data[i], grey(Number(yPlane.data[i]), 1000, 9000));
  });

  it("slice of a plain array uses percentiles; --colormap gives RGB", async () => {
    const out = join(dir, "plain.png");
    const store = join(image, "0");
    const r = cliJSON<{ windowFrom: string; window: [number, number] }>([
      "slice",
      store,
      "--axis",
      "x",
      "-o",
      out,
      "--colormap",
      "viridis",
    ]);
    const plane = await (await open.array(new LocalStore(store))).get([slice(null), slice(null), N / 2]);
    assert.equal(r.windowFrom, "percentiles");
    assert.deepEqual(r.window, percentileWindow(plane));
    const png = decode(readFileSync(out));
    assert.equal(png.channels, 3);
    // the lowest grey level maps to viridis' first colour
    const darkest = plane.data.indexOf(Math.min(...Array.from(plane.data as Uint16Array)) as never);
    assert.deepEqual(Array.from(png.data.slice(darkest * 3, darkest * 3 + 3)), [68, 1, 84]);
    // --zoom 3: the same picture, each pixel a 3x3 block
    cliJSON(["slice", store, "--axis", "x", "-o", out, "--colormap", "viridis", "--zoom", "3"]);
    const big = decode(readFileSync(out));
    assert.deepEqual([big.width, big.height], [png.width * 3, png.height * 3]);
    const w = png.width;
    const [dy, dx] = [Math.floor(darkest / w), darkest % w];
    const k = ((dy * 3 + 2) * big.width + dx * 3 + 1) * 3;
    assert.deepEqual(Array.from(big.data.slice(k, k + 3)), [68, 1, 84]);
    assert.equal(cli(["slice", store, "-o", out, "--zoom", "0"]).code, 2);
  });

  it("slice .npy: numpy reads the plane exactly", { skip: needs(pythonModules()) }, async () => {
    const out = join(dir, "plane.npy");
    cliJSON(["slice", image, "--axis", "y", "--index", "33", "-o", out]);
    const got = pythonJSON<{ dtype: string; shape: number[]; values: number[] }>(
      `import sys, json, numpy as np
a = np.load(sys.argv[1])
print(json.dumps({"dtype": str(a.dtype), "shape": list(a.shape), "values": a.ravel().tolist()}))`,
      [out],
    );
    const plane = await (await open.array(new LocalStore(image), "0")).get([slice(null), 33, slice(null)]);
    assert.equal(got.dtype, "uint16");
    assert.deepEqual(got.shape, plane.shape);
    assert.deepEqual(got.values, Array.from(plane.data as Uint16Array));
  });

  it("slice errors: an axis the image lacks, an index out of range (exit 2)", () => {
    const r1 = cli(["slice", image, "--axis", "t", "-o", join(dir, "t.png")]);
    assert.equal(r1.code, 2);
    assert.match(r1.stderr, /--axis t: the array's axes are z, y, x/);
    const r2 = cli(["slice", image, "--index", "999", "-o", join(dir, "t.png")]);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /--index 999 is out of range/);
  });

  it("spec → create round-trips an OME image skeleton, an array and a v3 group", () => {
    const specFile = join(dir, "image.spec.json");
    const spec = cli(["spec", image]);
    assert.equal(spec.code, 0);
    writeFileSync(specFile, spec.stdout);
    const parsed = JSON.parse(spec.stdout);
    assert.equal(parsed.zarr_format, 2);
    assert.ok(parsed.attributes.multiscales);
    assert.deepEqual(parsed.members["0"].shape, [N, N, N]);
    const copy = join(dir, "skeleton.ome.zarr");
    const created = cliJSON<{ kind: string; ome: { valid: boolean } }>(["create", specFile, copy]);
    assert.equal(created.kind, "group");
    assert.equal(created.ome.valid, true);
    assert.equal(cli(["spec", copy]).stdout, spec.stdout);
    assert.equal(cli(["validate", copy]).code, 0);
    // an empty skeleton holds no chunks
    assert.deepEqual(readdirSync(join(copy, "0")).sort(), [".zarray", ".zattrs"]);
    // again without --overwrite: exit 2
    assert.equal(cli(["create", specFile, copy]).code, 2);

    const arraySpec = join(dir, "array.json");
    writeFileSync(
      arraySpec,
      JSON.stringify({
        zarr_format: 3,
        node_type: "array",
        shape: [10, 20],
        data_type: "float32",
        chunk_grid: { name: "regular", configuration: { chunk_shape: [5, 5] } },
        chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
        fill_value: 0,
        codecs: [{ name: "bytes", configuration: { endian: "little" } }],
      }),
    );
    const arr = join(dir, "empty.zarr");
    assert.equal(cliJSON<{ kind: string }>(["create", arraySpec, arr]).kind, "array");
    const back = JSON.parse(cli(["spec", arr]).stdout);
    assert.deepEqual([back.shape, back.data_type], [[10, 20], "float32"]);
    writeFileSync(join(dir, "again.json"), JSON.stringify(back));
    const arr2 = join(dir, "empty2.zarr");
    cliJSON(["create", join(dir, "again.json"), arr2]);
    assert.equal(cli(["spec", arr2]).stdout, cli(["spec", arr]).stdout);

    const groupSpec = join(dir, "group.json");
    writeFileSync(
      groupSpec,
      JSON.stringify({
        zarr_format: 3,
        node_type: "group",
        attributes: { a: 1 },
        members: { sub: { zarr_format: 3, node_type: "group", attributes: {}, members: {} } },
      }),
    );
    const grp = join(dir, "group.zarr");
    assert.equal(cliJSON<{ members: number }>(["create", groupSpec, grp]).members, 1);
    assert.deepEqual(JSON.parse(cli(["spec", grp]).stdout).members.sub.node_type, "group");
  });

  it("create rejects an invalid spec with the broken fields (exit 2)", () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ shape: [10, -1], chunks: [5], dtype: "<u2" }));
    const r = cli(["create", bad, join(dir, "bad.zarr")]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^zarrsmith: Invalid .*shape/);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.ok(!existsSync(join(dir, "bad.zarr")));
  });

  it("errors carry no stack trace unless --debug", () => {
    const r = cli(["info", join(dir, "missing.zarr")]);
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    const d = cli(["--debug", "info", join(dir, "missing.zarr")]);
    assert.equal(d.code, 2);
    assert.match(d.stderr, /\n\s+at /);
  });
});
