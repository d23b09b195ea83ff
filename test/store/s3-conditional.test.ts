/**
 * Conditional writes (`If-None-Match: *`) against a server that implements them: moto's S3 server
 * (moto 5, in the machine's Python; Werkzeug on 127.0.0.1), which answers 412 PreconditionFailed
 * when the key exists, as AWS S3 and MinIO do. The emulators the other S3 tests use do not:
 * fauxqs 1.9 and s3rver 3.7 ignore the header and overwrite, so there `setIfAbsent`'s HEAD first is
 * the only guard, and two writers racing between HEAD and PUT could both win (not asserted here:
 * that is the emulators' defect, not a behaviour of ours).
 *
 * The race is made deterministic: writer B's HEAD answers "absent", and before B's PUT goes out
 * writer A creates the key — exactly the window the conditional PUT exists to close.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { claimOutput, OutputBusyError } from "../../src/checkpoint/index.js";
import { S3Store } from "../../src/store/s3.js";
import { TEST_CREDENTIALS } from "../helpers/s3.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "..", "helpers", "moto-server.py");

/** A Python that imports moto: $ZARRSMITH_MOTO_PYTHON, python3 on PATH, or pyenv's. */
function motoPython(): string | undefined {
  const pyenv = "/root/.pyenv/versions";
  const candidates = [
    process.env.ZARRSMITH_MOTO_PYTHON,
    "python3",
    "python3.11",
    ...(existsSync(pyenv) ? readdirSync(pyenv).map((v) => join(pyenv, v, "bin", "python3")) : []),
  ];
  return candidates.find(
    (p): p is string => !!p && spawnSync(p, ["-c", "import moto.server"], { stdio: "ignore" }).status === 0,
  );
}

const PYTHON = motoPython();
let child: ChildProcess | undefined;
let endpoint: string;
const stores: S3Store[] = [];
const store = (url: string) => {
  const s = new S3Store(url, { endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  stores.push(s);
  return s;
};

before(async () => {
  if (!PYTHON) return;
  child = spawn(PYTHON, [SCRIPT], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! });
  endpoint = await new Promise<string>((resolve, reject) => {
    child!.once("exit", (code) => reject(new Error(`moto's server exited (${code}) before starting`)));
    lines.once("line", (line) => resolve((JSON.parse(line) as { endpoint: string }).endpoint));
  });
  await store("s3://cond").client.send(new CreateBucketCommand({ Bucket: "cond" }));
});
after(async () => {
  for (const s of stores) await s.close();
  if (child && child.exitCode === null) {
    const exited = new Promise((done) => child!.once("exit", done));
    child.stdin!.end();
    await exited;
  }
});

/** B's HEAD of `key` answers as the server says, then `meanwhile` runs before B goes on (its PUT). */
function raceAfterHead(b: S3Store, meanwhile: () => Promise<void>) {
  let raced = false;
  b.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== "HeadObjectCommand" || raced) return next(args);
      raced = true;
      try {
        return await next(args);
      } finally {
        await meanwhile();
      }
    },
    { step: "initialize", name: "raceAfterHead" },
  );
}

describe("If-None-Match: * against moto's S3 server", {
  skip: PYTHON ? false : "no Python with moto (pip install moto[server])",
}, () => {
  test("a conditional PUT of an existing key is refused: setIfAbsent loses the race it cannot see", async () => {
    const a = store("s3://cond/race");
    const b = store("s3://cond/race");
    raceAfterHead(b, async () => {
      assert.equal(await a.setIfAbsent("claim", new Uint8Array([1])), true);
    });
    // B's HEAD saw nothing; its PUT with If-None-Match: * meets A's object: 412, so B did not create it
    assert.equal(await b.setIfAbsent("claim", new Uint8Array([2])), false);
    assert.deepEqual([...((await a.get("claim")) ?? [])], [1], "A's value survives");
    assert.equal(await b.setIfAbsent("claim", new Uint8Array([3])), false, "and the plain case");
  });

  test("of 10 racing setIfAbsent calls on separate clients exactly one wins", async () => {
    const racers = Array.from({ length: 10 }, () => store("s3://cond/many"));
    const results = await Promise.all(racers.map((s, i) => s.setIfAbsent("claim", new Uint8Array([i]))));
    assert.equal(results.filter(Boolean).length, 1);
    assert.deepEqual([...((await racers[0].get("claim")) ?? [])], [results.indexOf(true)]);
  });

  test("two runs claiming one output in the race window: the second is refused as busy", async () => {
    const a = store("s3://cond/output");
    const b = store("s3://cond/output");
    const claim = { fingerprint: "run", existing: async () => undefined, clear: async () => {} };
    let first: Awaited<ReturnType<typeof claimOutput>> | undefined;
    raceAfterHead(b, async () => {
      first = await claimOutput(a, "", claim);
    });
    await assert.rejects(claimOutput(b, "", claim), OutputBusyError);
    assert.ok(first, "the first run holds the claim");
  });
});
