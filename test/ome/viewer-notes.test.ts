/**
 * ome.viewerNotes on images zarrsmith really writes: a note appears exactly when its cause is in the
 * image (z halved across levels, a codec other than Blosc, Zarr v3), and the CLI shows the same notes
 * in `validate --viewers` and `info` (human and --json).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { phantom } from "../../src/demo/phantom.js";
import { codecs, LocalStore, MemoryStore, ome, pyramid } from "../../src/index.js";
import { cli, ensureBuilt } from "../helpers/cli.js";

const SIZE = 32;

async function notesFor(options: Parameters<typeof pyramid.write>[2]) {
  const store = new MemoryStore();
  await pyramid.write(phantom(SIZE), store, { levels: 3, chunks: [16, 16, 16], ...options });
  return ome.viewerNotes(store, "");
}

const topics = (notes: ome.ViewerNote[]) => notes.map((n) => n.topic).sort();

describe("ome.viewerNotes", () => {
  it("an xy pyramid in 0.4 with Blosc has no note; halving z adds the Viv/vizarr note", async () => {
    const clean = await notesFor({ downsampleAxes: "xy", codec: codecs.Blosc(), omeZarrVersion: "0.4" });
    assert.deepEqual(clean, []);
    const xyz = await notesFor({ downsampleAxes: "xyz", codec: codecs.Blosc(), omeZarrVersion: "0.4" });
    assert.deepEqual(topics(xyz), ["z-downsampled"]);
    assert.deepEqual(xyz[0].viewers, ["Viv", "vizarr"]);
    assert.match(
      xyz[0].message,
      /z is downsampled across levels \(32, 16, 8 planes\).*from level 1.*--downsample-axes xy/,
    );
    assert.match(xyz[0].source, /test\/view\/viv\.test\.ts/);
  });

  it("zstd adds the itk-vtk-viewer note; Zarr v3 (0.5, also sharded) the ome-zarr-py note", async () => {
    const zstd = await notesFor({
      downsampleAxes: "xy",
      codec: codecs.Zstd({ level: 3 }),
      omeZarrVersion: "0.4",
    });
    assert.deepEqual(topics(zstd), ["codec"]);
    assert.match(zstd[0].message, /^zstd codec: itk-vtk-viewer decodes every chunk as Blosc/);
    const v3 = await notesFor({ downsampleAxes: "xy", codec: codecs.Blosc(), omeZarrVersion: "0.5" });
    assert.deepEqual(topics(v3), ["zarr-v3"]);
    assert.match(v3[0].message, /ome-zarr-py before 0\.12\.0/);
    assert.match(v3[0].source, /ome-zarr-py\/issues\/470/);
    const sharded = await notesFor({
      downsampleAxes: "xyz",
      codec: codecs.Zstd({ level: 3 }),
      omeZarrVersion: "0.5",
      shards: [32, 32, 32],
    });
    assert.deepEqual(topics(sharded), ["codec", "z-downsampled", "zarr-v3"]);
  });

  it("a group that is not an image has no notes", async () => {
    const store = new MemoryStore();
    await pyramid.write(phantom(SIZE), store, { levels: 1, path: "img" });
    assert.deepEqual(await ome.viewerNotes(store, ""), []);
  });
});

describe("validate --viewers and info show the notes", () => {
  let dir: string;
  before(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), "zarrsmith-viewer-notes-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("on an xyz zstd 0.4 image and a clean xy Blosc image", async () => {
    const bad = join(dir, "xyz.ome.zarr");
    await pyramid.write(phantom(SIZE), new LocalStore(bad), {
      levels: 3,
      chunks: [16, 16, 16],
      downsampleAxes: "xyz",
      codec: codecs.Zstd({ level: 3 }),
    });
    const good = join(dir, "xy.ome.zarr");
    await pyramid.write(phantom(SIZE), new LocalStore(good), {
      levels: 3,
      chunks: [16, 16, 16],
      downsampleAxes: "xy",
      codec: codecs.Blosc(),
    });

    const r = cli(["--json", "validate", "--viewers", bad]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout) as { viewers: ome.ViewerNote[] };
    assert.deepEqual(topics(report.viewers), ["codec", "z-downsampled"]);
    const human = cli(["validate", "--viewers", bad]).stdout;
    assert.match(human, /Viv\/vizarr: z is downsampled/);
    assert.match(human, /itk-vtk-viewer: zstd codec/);
    assert.doesNotMatch(cli(["validate", bad]).stdout, /Viv/, "notes only with --viewers");

    const info = JSON.parse(cli(["--json", "info", bad]).stdout) as { viewers: ome.ViewerNote[] };
    assert.deepEqual(topics(info.viewers), ["codec", "z-downsampled"]);
    assert.match(cli(["info", bad]).stdout, /viewers:\n {2}Viv\/vizarr: z is downsampled/);

    const clean = JSON.parse(cli(["--json", "validate", "--viewers", good]).stdout) as { viewers: unknown[] };
    assert.deepEqual(clean.viewers, []);
    assert.match(cli(["info", good]).stdout, /viewers: no known incompatibility/);
  });
});
