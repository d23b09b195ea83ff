/**
 * The CLI on s3:// locations, against a real S3-protocol server (fauxqs in its own process):
 * convert into a bucket (read back by zarr-python from downloaded objects and by zarrita through
 * its FetchStore), info/validate/slice/spec/create on s3://, a sharded OME-Zarr 0.5 image read
 * partially by ranges, an .ozx written as one object and read in place, and a convert killed with
 * SIGKILL then resumed to byte-identical objects.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as zarr from "zarrita";
import { open } from "../../src/hierarchy/open.js";
import { slice } from "../../src/indexing/selection.js";
import type { S3Store } from "../../src/store/s3.js";
import type { RangeQuery } from "../../src/store/types.js";
import { BIN, cli, cliJSON, ensureBuilt } from "../helpers/cli.js";
import { pythonJSON, tempDir } from "../helpers/python.js";
import { type S3TestServer, startS3Server } from "../helpers/s3.js";

const SHAPE = [24, 40, 56];

let server: S3TestServer;
let dir: string;
let cleanup: () => void;
let flags: string[];
let volume: Uint16Array;

before(async () => {
  ensureBuilt();
  server = await startS3Server(["out"]);
  // the CLI child processes find the test credentials in the environment, as users' do
  Object.assign(process.env, server.env);
  flags = ["--endpoint", server.endpoint];
  ({ dir, cleanup } = tempDir("zarrsmith-s3-cli-"));
  volume = new Uint16Array(SHAPE[0] * SHAPE[1] * SHAPE[2]);
  for (let i = 0; i < volume.length; i++) volume[i] = (i * 7919) % 65521;
  writeFileSync(join(dir, "vol.raw"), volume);
});
after(async () => {
  await server?.stop();
  cleanup?.();
});

const RAW = () => ["--format", "raw", "--shape", SHAPE.join(","), "--dtype", "uint16", "--axes", "zyx"];

/** Every object under the store root, downloaded into `folder` (as a user would with `aws s3 sync`). */
async function download(store: S3Store, folder: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const key of await store.list()) {
    const bytes = (await store.get(key))!;
    out.set(key, bytes);
    mkdirSync(dirname(join(folder, key)), { recursive: true });
    writeFileSync(join(folder, key), bytes);
  }
  return out;
}

describe("convert to s3://", () => {
  const url = "s3://out/heart.ome.zarr";

  test("writes an OME-Zarr 0.4 image with consolidated metadata, readable by zarr-python", async () => {
    const result = cliJSON<{ valid: boolean; output: string; bytesStored: number; levels: unknown[] }>([
      "convert",
      join(dir, "vol.raw"),
      url,
      ...RAW(),
      "--chunks",
      "16,16,16",
      "--levels",
      "3",
      ...flags,
    ]);
    assert.equal(result.valid, true);
    assert.equal(result.output, url);
    assert.equal(result.levels.length, 3);
    const store = server.store(url);
    const keys = await store.list();
    assert.ok(keys.includes(".zmetadata"), "consolidated metadata written at the end");
    assert.ok(!keys.includes("zarrsmith-progress.json"), "no resume record left");
    assert.equal(result.bytesStored, (await store.usage()).bytes);
    const folder = join(dir, "downloaded.ome.zarr");
    await download(store, folder);
    const check = pythonJSON<{ equal: boolean; levels: number; shape0: number[] }>(
      `
import sys, json, zarr, numpy as np
g = zarr.open_consolidated(sys.argv[1], mode="r")
a = g["0"][:]
raw = np.fromfile(sys.argv[2], dtype="<u2").reshape(${JSON.stringify(SHAPE)})
print(json.dumps({"equal": bool(np.array_equal(a, raw)), "levels": len(g.attrs["multiscales"][0]["datasets"]), "shape0": list(a.shape)}))
`,
      [folder, join(dir, "vol.raw")],
    );
    assert.deepEqual(check, { equal: true, levels: 3, shape0: SHAPE });
  });

  test("zarrita reads it through its FetchStore (unsigned GETs, path-style URL)", async () => {
    const fetchStore = new zarr.FetchStore(`${server.endpoint}/out/heart.ome.zarr`);
    const arr = await zarr.open(zarr.root(fetchStore).resolve("0"), { kind: "array" });
    const chunk = await zarr.get(arr, [zarr.slice(3, 5), null, null]);
    assert.deepEqual(chunk.shape, [2, SHAPE[1], SHAPE[2]]);
    const plane = SHAPE[1] * SHAPE[2];
    assert.deepEqual(
      Array.from(chunk.data as Uint16Array),
      Array.from(volume.subarray(3 * plane, 5 * plane)),
    );
  });

  test("info, validate, spec and slice take s3:// paths", () => {
    const info = cliJSON<{ kind?: string; image?: { levels: unknown[] } }>(["info", url, ...flags]);
    assert.match(JSON.stringify(info), /multiscales|levels/);
    const validate = cliJSON<{ valid: boolean; version: string }>(["validate", url, ...flags]);
    assert.equal(validate.valid, true);
    assert.equal(validate.version, "0.4");
    const spec = cli(["spec", url, ...flags]);
    assert.equal(spec.code, 0, spec.stderr);
    assert.equal(JSON.parse(spec.stdout).members["0"].shape.join(","), SHAPE.join(","));
    const npy = join(dir, "plane.npy");
    const slice = cli(["slice", url, "-o", npy, "--index", "5", ...flags]);
    assert.equal(slice.code, 0, slice.stderr);
    const bytes = readFileSync(npy);
    const plane = SHAPE[1] * SHAPE[2];
    const values = new Uint16Array(bytes.buffer, bytes.byteOffset + bytes.byteLength - plane * 2, plane);
    assert.deepEqual(Array.from(values), Array.from(volume.subarray(5 * plane, 6 * plane)));
  });

  test("create writes a spec's skeleton to s3://; an existing output is refused, --overwrite replaces it", () => {
    const specFile = join(dir, "array.json");
    writeFileSync(
      specFile,
      JSON.stringify({ shape: [10, 10], chunks: [5, 5], dtype: "<u2", compressor: null }),
    );
    const target = "s3://out/created.zarr";
    cliJSON(["create", specFile, target, ...flags]);
    const again = cli(["create", specFile, target, ...flags]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /output s3:\/\/out\/created.zarr already exists; pass --overwrite/);
    cliJSON(["create", specFile, target, "--overwrite", ...flags]);
    const refused = cli(["convert", join(dir, "vol.raw"), "s3://out/heart.ome.zarr", ...RAW(), ...flags]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /already exists/);
  });

  test("a Zarr input on s3:// converts to a local directory", () => {
    const local = join(dir, "from-s3.ome.zarr");
    const result = cliJSON<{ valid: boolean; input: { shape: number[] } }>(["convert", url, local, ...flags]);
    assert.equal(result.valid, true);
    assert.deepEqual(result.input.shape, SHAPE);
  });

  test("a missing bucket is a clear error naming the location", () => {
    const r = cli(["convert", join(dir, "vol.raw"), "s3://no-such-bucket/x.ome.zarr", ...RAW(), ...flags]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /s3:\/\/no-such-bucket\/x\.ome\.zarr.*bucket no-such-bucket does not exist/);
  });
});

describe(".ozx on s3://", () => {
  const url = "s3://out/single.ozx";

  test("convert writes one .ozx object; info, validate and slice read it in place; a second convert is refused", async () => {
    const result = cliJSON<{ valid: boolean; output: string; bytesStored: number }>([
      "convert",
      join(dir, "vol.raw"),
      url,
      ...RAW(),
      "--ome-zarr-version",
      "0.5",
      "--chunks",
      "16,16,16",
      "--levels",
      "2",
      ...flags,
    ]);
    assert.equal(result.valid, true);
    const bucket = server.store("s3://out");
    assert.equal(result.bytesStored, (await bucket.sizeOf("single.ozx")) ?? -1, "the object's size");
    assert.deepEqual(
      (await bucket.list()).filter((k) => k.startsWith("single")),
      ["single.ozx"],
    );
    const validate = cliJSON<{ valid: boolean; version: string }>(["validate", url, ...flags]);
    assert.deepEqual([validate.valid, validate.version], [true, "0.5"]);
    assert.match(JSON.stringify(cliJSON(["info", url, ...flags])), /"0\.5"/);
    const npy = join(dir, "ozx-plane.npy");
    const slice = cli(["slice", url, "-o", npy, "--index", "5", ...flags]);
    assert.equal(slice.code, 0, slice.stderr);
    const bytes = readFileSync(npy);
    const plane = SHAPE[1] * SHAPE[2];
    const values = new Uint16Array(bytes.buffer, bytes.byteOffset + bytes.byteLength - plane * 2, plane);
    assert.deepEqual(Array.from(values), Array.from(volume.subarray(5 * plane, 6 * plane)));
    const again = cli([
      "convert",
      join(dir, "vol.raw"),
      url,
      ...RAW(),
      "--ome-zarr-version",
      "0.5",
      ...flags,
    ]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /output s3:\/\/out\/single\.ozx already exists; pass --overwrite/);
  });
});

describe("sharded OME-Zarr 0.5 on s3://", () => {
  const url = "s3://out/sharded.ome.zarr";

  test("convert with shards; a small region is read by byte ranges, not whole shards", async () => {
    const result = cliJSON<{ valid: boolean }>([
      "convert",
      join(dir, "vol.raw"),
      url,
      ...RAW(),
      "--ome-zarr-version",
      "0.5",
      "--chunks",
      "8,8,8",
      "--shards",
      "24,40,56",
      "--levels",
      "2",
      ...flags,
    ]);
    assert.equal(result.valid, true);
    const store = server.store(url);
    const ranges: (RangeQuery | undefined)[] = [];
    const logged = {
      get: (key: string, range?: RangeQuery) => {
        if (key.startsWith("0/c/")) ranges.push(range);
        return store.get(key, range);
      },
      has: (key: string) => store.has(key),
      list: (p?: string) => store.list(p),
      listDir: (p?: string) => store.listDir(p),
    };
    const group = await open(logged, "");
    const root = JSON.parse(new TextDecoder().decode((await store.get("zarr.json"))!));
    assert.ok(root.consolidated_metadata, "v3 consolidated metadata inline in the root zarr.json");
    const level0 = await (group as import("../../src/hierarchy/group.js").Group).array("0");
    const got = await level0.get([slice(2, 4), slice(10, 12), slice(20, 23)]);
    const expected: number[] = [];
    for (let z = 2; z < 4; z++)
      for (let y = 10; y < 12; y++)
        for (let x = 20; x < 23; x++) expected.push(volume[(z * SHAPE[1] + y) * SHAPE[2] + x]);
    assert.deepEqual(Array.from(got.data as Uint16Array), expected);
    assert.ok(ranges.length > 0 && ranges.every((r) => r !== undefined), "only ranged reads of the shard");
    assert.ok(
      ranges.some((r) => r !== undefined && "suffixLength" in r),
      "the shard index is read from the end (suffix range)",
    );
    // zarrita, through its FetchStore, reads the same values (it uses suffix ranges too)
    const arr = await zarr.open(
      zarr.root(new zarr.FetchStore(`${server.endpoint}/out/sharded.ome.zarr`)).resolve("0"),
      {
        kind: "array",
      },
    );
    const chunk = await zarr.get(arr, [zarr.slice(2, 4), zarr.slice(10, 12), zarr.slice(20, 23)]);
    assert.deepEqual(Array.from(chunk.data as Uint16Array), expected);
  });
});

describe("resume on s3://", () => {
  test("a convert killed with SIGKILL resumes from the record in the bucket to byte-identical objects", async () => {
    // big enough that the run is still writing when the poll below first sees a finished block, on a
    // quiet machine and a fast Node too
    const big = [128, 128, 192];
    const data = new Uint16Array(big[0] * big[1] * big[2]);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) % 4093;
    writeFileSync(join(dir, "big.raw"), data);
    const args = (out: string) => [
      BIN,
      "convert",
      join(dir, "big.raw"),
      out,
      "--format",
      "raw",
      "--shape",
      big.join(","),
      "--dtype",
      "uint16",
      "--chunks",
      "16,16,16",
      "--levels",
      "3",
      "--workers",
      "1",
      "--memory-target",
      "1MiB",
      ...flags,
    ];
    const interrupted = server.store("s3://out/resumed.ome.zarr");
    const child = spawn(process.execPath, args("s3://out/resumed.ome.zarr"), { stdio: "ignore" });
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    // kill once the record shows finished blocks
    let killed = false;
    for (let i = 0; i < 2000 && child.exitCode === null; i++) {
      const record = await interrupted.get("zarrsmith-progress.json");
      const done = record && (JSON.parse(new TextDecoder().decode(record)) as { done?: unknown[] }).done;
      if (done && done.length > 0) {
        killed = child.kill("SIGKILL");
        break;
      }
      await new Promise((wake) => setTimeout(wake, 20));
    }
    await exited;
    assert.ok(killed, "the run was killed while in progress");
    assert.ok((await interrupted.list()).includes("zarrsmith-progress.json"), "the record survived the kill");
    const resumed = cliJSON<{ resumedNodes: number; valid: boolean }>(
      args("s3://out/resumed.ome.zarr").slice(1),
    );
    assert.ok(resumed.resumedNodes > 0, "finished blocks were not written again");
    assert.equal(resumed.valid, true);
    cliJSON(args("s3://out/clean.ome.zarr").slice(1));
    const a = await download(interrupted, join(dir, "resumed"));
    const b = await download(server.store("s3://out/clean.ome.zarr"), join(dir, "clean"));
    assert.deepEqual([...a.keys()], [...b.keys()]);
    for (const [key, bytes] of a) assert.deepEqual(bytes, b.get(key), key);
  });
});
