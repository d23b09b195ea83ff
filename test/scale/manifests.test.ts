/**
 * `--executor k8s --dry-run` and `--executor aws-batch --dry-run` (no cluster is reachable here):
 * the printed Kubernetes Indexed Job and AWS Batch submissions match golden files, and the fields
 * the run-task contract rests on are checked one by one (index variable source, counts, commands).
 * The S3 flags given to the submitting command go on every generated command, and only those given.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { cli, ensureBuilt } from "../helpers/cli.js";
import { tempDir } from "../helpers/python.js";

const GOLDEN = join(import.meta.dirname, "golden");
/** S3 flags of the submitting command, which every job needs to reach an S3-compatible service. */
const S3 = ["--endpoint", "http://minio.example:9000", "--region", "eu-west-1", "--path-style"];

describe("k8s and aws-batch dry runs", () => {
  const tmp = tempDir("zarrsmith-manifests-");
  const output = join(tmp.dir, "planned.ome.zarr");
  before(() => {
    ensureBuilt();
    mkdirSync(output);
    writeFileSync(
      join(output, "zarrsmith-plan.json"),
      JSON.stringify({ tasks: Array.from({ length: 64 }, () => ({})) }),
    );
  });
  after(() => tmp.cleanup());

  /** The printed document with the temp output path replaced by /data/planned.ome.zarr. */
  function printed(args: string[]): unknown {
    const r = cli(["submit", output, ...args], tmp.dir);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout.split(output).join("/data/planned.ome.zarr"));
  }

  it("k8s: an Indexed Job of 64 completions running run-task, then a finalize Job", () => {
    const doc = printed([
      "--executor",
      "k8s",
      "--dry-run",
      "--image",
      "ghcr.io/example/zarrsmith:0.1.0",
      ...S3,
    ]) as {
      items: Array<{
        kind: string;
        spec: Record<string, unknown> & {
          template: { spec: { containers: Array<{ command: string[] }>; restartPolicy: string } };
        };
      }>;
    };
    assert.deepEqual(doc, JSON.parse(readFileSync(join(GOLDEN, "k8s.json"), "utf8")));
    const [tasks, finalize] = doc.items;
    assert.equal(tasks.kind, "Job");
    // Indexed mode is what sets JOB_COMPLETION_INDEX in each pod, which run-task reads
    assert.equal(tasks.spec.completionMode, "Indexed");
    assert.equal(tasks.spec.completions, 64);
    assert.equal(tasks.spec.template.spec.restartPolicy, "Never");
    assert.deepEqual(tasks.spec.template.spec.containers[0].command, [
      "zarrsmith",
      "run-task",
      "/data/planned.ome.zarr",
      ...S3,
    ]);
    assert.deepEqual(finalize.spec.template.spec.containers[0].command, [
      "zarrsmith",
      "finalize",
      "/data/planned.ome.zarr",
      ...S3,
    ]);
  });

  it("aws-batch: an array job of size 64 and a finalize job depending on it", () => {
    const doc = printed([
      "--executor",
      "aws-batch",
      "--dry-run",
      "--job-queue",
      "imaging",
      "--job-definition",
      "zarrsmith:3",
      ...S3,
    ]) as {
      tasks: { arrayProperties: { size: number }; containerOverrides: { command: string[] } };
      finalize: {
        dependsOn: Array<{ jobId: string; type?: string }>;
        containerOverrides: { command: string[] };
      };
    };
    assert.deepEqual(doc, JSON.parse(readFileSync(join(GOLDEN, "aws-batch.json"), "utf8")));
    // AWS_BATCH_JOB_ARRAY_INDEX is set in each child of an array job
    assert.equal(doc.tasks.arrayProperties.size, 64);
    assert.deepEqual(doc.tasks.containerOverrides.command, [
      "zarrsmith",
      "run-task",
      "/data/planned.ome.zarr",
      ...S3,
    ]);
    assert.deepEqual(doc.finalize.containerOverrides.command, [
      "zarrsmith",
      "finalize",
      "/data/planned.ome.zarr",
      ...S3,
    ]);
    // no type: the finalize job waits for the whole array (N_TO_N would pair children by index)
    assert.deepEqual(doc.finalize.dependsOn, [{ jobId: "<tasks job id>" }]);
  });

  it("slurm scripts carry only the S3 flags given (quoted), none by default, never user:password", () => {
    const script = (extra: string[]) => {
      const r = cli(["submit", output, "--executor", "slurm", "--dry-run", ...extra], tmp.dir);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout.split("\n").filter((l) => l.startsWith("exec "));
    };
    const bare = script([]);
    assert.equal(bare.length, 2);
    assert.match(bare[0], / run-task \S+$/, "no S3 flag (not even --s3-requests' default) without one given");
    assert.match(bare[1], / finalize \S+$/);
    // an explicit --s3-requests counts as given, even at its default value
    const flagged = script(["--profile", "lab x", "--s3-requests", "64"]);
    for (const line of flagged)
      assert.match(line, / (run-task|finalize) \S+ --profile 'lab x' --s3-requests 64$/);
    // global flags go before the command too
    const anon = cli(["--anonymous", "submit", output, "--executor", "slurm", "--dry-run"], tmp.dir);
    assert.match(anon.stdout, /run-task \S+ --anonymous\n/);
    const secret = cli(
      ["submit", output, "--executor", "slurm", "--dry-run", "--endpoint", "http://key:secret@minio:9000"],
      tmp.dir,
    );
    assert.equal(secret.code, 2);
    assert.match(secret.stderr, /--endpoint carries credentials/);
    assert.doesNotMatch(secret.stdout, /secret/);
  });

  it("refuses k8s without --dry-run and flags of another executor", () => {
    const r = cli(["submit", output, "--executor", "k8s"], tmp.dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--executor k8s needs --dry-run/);
    const s = cli(["submit", output, "--executor", "k8s", "--dry-run", "--redis", "redis://x:1"], tmp.dir);
    assert.equal(s.code, 2);
    assert.match(s.stderr, /--redis is for --executor bullmq/);
  });
});
