/**
 * The scale-out contract with the output in object storage (a loopback S3 server): 8 `run-task`
 * processes write into s3:// at once and `finalize` completes the image; every object is byte for
 * byte a local single-process `convert`'s, and the consolidated metadata (which `convert` and
 * `finalize` both write on object storage) equals the one of a single-process `convert` into s3://,
 * and zarr-python opens it with `zarr.open_consolidated`.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { BIN, cli, cliJSON, ensureBuilt } from "../helpers/cli.js";
import { python, tempDir } from "../helpers/python.js";
import { needs, pythonModules } from "../helpers/requirements.js";
import { type S3TestServer, startS3Server } from "../helpers/s3.js";
import { assertSameObjects, digests, downloadS3, isRecord, writeVolume } from "./helpers.js";

describe("plan → 8 run-task processes → finalize, into s3://", { skip: needs(pythonModules("zarr")) }, () => {
  const tmp = tempDir("zarrsmith-scale-s3-");
  const input = join(tmp.dir, "vol.npy");
  let server: S3TestServer;
  before(async () => {
    ensureBuilt();
    writeVolume(input, [24, 64, 80]);
    server = await startS3Server(["out"]);
    // the CLI child processes find the test credentials in the environment, as users' do
    Object.assign(process.env, server.env);
  });
  after(async () => {
    await server?.stop();
    tmp.cleanup();
  });

  const download = (url: string, folder: string) => downloadS3(server, url, folder);

  it("mean, OME-Zarr 0.4: the local single-process bytes, consolidated metadata as convert writes it", async () => {
    const flags = ["--method", "mean", "--ome-zarr-version", "0.4", "--chunks", "8,16,16"];
    const s3 = ["--endpoint", server.endpoint];
    const local = join(tmp.dir, "single.ome.zarr");
    cliJSON(["convert", input, local, ...flags]);
    cliJSON(["convert", input, "s3://out/single.ome.zarr", ...flags, ...s3]);
    const multi = "s3://out/multi.ome.zarr";
    assert.equal(
      cliJSON<{ tasks: number }>(["convert", input, multi, ...flags, ...s3, "--plan-only", "--tasks", "8"])
        .tasks,
      8,
    );
    let stderr = "";
    const codes = await Promise.all(
      Array.from(
        { length: 8 },
        (_, i) =>
          new Promise<number | null>((done) => {
            const child = spawn(process.execPath, [BIN, "run-task", multi, "--task", String(i), ...s3], {
              stdio: ["ignore", "ignore", "pipe"],
            });
            child.stderr.on("data", (d) => {
              stderr += d;
            });
            child.on("close", done);
          }),
      ),
    );
    assert.deepEqual(codes, new Array(8).fill(0), stderr);
    const fin = cli(["finalize", multi, ...s3]);
    assert.equal(fin.code, 0, fin.stderr);

    const got = join(tmp.dir, "multi-downloaded");
    const single = join(tmp.dir, "single-downloaded");
    await Promise.all([download(multi, got), download("s3://out/single.ome.zarr", single)]);
    // every object of the local convert; on object storage both also have .zmetadata, the same one
    assertSameObjects(local, got, (key) => key === ".zmetadata");
    const withoutRecords = (dir: string) => [...digests(dir)].filter(([k]) => !isRecord(k));
    assert.deepEqual(withoutRecords(got), withoutRecords(single));
    const read = python(
      `import sys, zarr
g = zarr.open_consolidated(sys.argv[1], mode="r")
print(len(g.attrs["multiscales"][0]["datasets"]), list(g["0"].shape), int(g["0"][:].astype("int64").sum()))`,
      [got],
    ).trim();
    const reference = python(
      `import sys, numpy as np
a = np.load(sys.argv[1])
print(list(a.shape), int(a.astype("int64").sum()))`,
      [input],
    ).trim();
    assert.match(read, /^\d+ /);
    assert.equal(read.replace(/^\d+ /, ""), reference, "zarr-python reads level 0 through .zmetadata");
  });
});
