/**
 * Crash windows of `zarrsmith convert`: the child is stopped at an exact write (stall.mjs) and killed
 * with SIGKILL there; the re-run must give byte-identical output to an uninterrupted run that
 * validates, with no temporary files left. Also: a second run while one is writing is refused
 * naming the first; --overwrite never leaves a half-deleted or missing output; the messages for a
 * corrupt resume record, an unwritable output folder and an unreadable input say what is wrong.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { BIN, ensureBuilt } from "../helpers/cli.js";
import { tempDir } from "../helpers/python.js";

const STALL = fileURLToPath(new URL("./stall.mjs", import.meta.url));
const SHAPE = [24, 48, 40];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Every file under `dir` (relative path → bytes). */
function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

function assertSameTree(got: string, want: string, what: string): void {
  const a = tree(got);
  const b = tree(want);
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort(), `${what}: same files`);
  for (const [k, v] of b) assert.ok(v.equals(a.get(k)!), `${what}: ${k} differs`);
}

function run(args: string[], options: { uid?: number; cwd?: string } = {}): Run {
  // a Node from the npx cache (`npx node@24`, under /root) cannot be run by another user: the
  // runs as uid 65534 take the machine's own Node then
  const node =
    options.uid !== undefined && process.execPath.startsWith("/root/") && existsSync("/usr/bin/node")
      ? "/usr/bin/node"
      : process.execPath;
  const r = spawnSync(node, [BIN, ...args], {
    encoding: "utf8",
    cwd: options.cwd,
    uid: options.uid,
    gid: options.uid,
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `convert ...args` that stalls at `stall`; resolves once it is stalled (or ended). */
function startStalled(
  args: string[],
  stall: { op: "rename" | "link"; match: string; nth?: number; when: "before" | "after" },
): Promise<{ child: ChildProcess; stalled: boolean; stderr: () => string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ["--import", STALL, BIN, ...args], {
      env: { ...process.env, ZARRSMITH_TEST_STALL: JSON.stringify(stall) },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    let resolved = false;
    child.stderr!.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      if (!resolved && stderr.includes("\0stalled")) {
        resolved = true;
        done({ child, stalled: true, stderr: () => stderr });
      }
    });
    child.on("exit", () => {
      if (!resolved) {
        resolved = true;
        done({ child, stalled: false, stderr: () => stderr });
      }
    });
  });
}

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.on("exit", () => done());
    child.kill("SIGKILL");
  });
}

/** Stops `child` (SIGSTOP) and waits until the kernel reports it stopped: the signal is
 * asynchronous, and its worker threads would otherwise go on renaming chunks meanwhile. */
async function freeze(child: ChildProcess): Promise<void> {
  child.kill("SIGSTOP");
  for (let i = 0; i < 500; i++) {
    // every thread (worker threads too); the state letter follows the name in parentheses
    const states = readdirSync(`/proc/${child.pid}/task`).map((t) => {
      const stat = readFileSync(`/proc/${child.pid}/task/${t}/stat`, "utf8");
      return stat.slice(stat.lastIndexOf(")") + 2)[0];
    });
    if (states.every((s) => s === "T")) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`process ${child.pid} did not stop`);
}

function temps(dir: string): string[] {
  return [...tree(dir).keys()].filter((k) => k.split("/").pop()!.startsWith(".zarrsmith-tmp-"));
}

const FORMATS = [
  {
    name: "OME-Zarr 0.4",
    flags: ["--chunks", "8,16,16"],
    group: "out\\.zarr/\\.zgroup$",
    attrs: "out\\.zarr/\\.zattrs$",
    chunk: "out\\.zarr/0/\\d+/\\d+/\\d+$",
  },
  {
    name: "OME-Zarr 0.5 sharded",
    flags: ["--ome-zarr-version", "0.5", "--chunks", "8,16,16", "--shards", "16,32,32"],
    group: "out\\.zarr/zarr\\.json$",
    attrs: "out\\.zarr/zarr\\.json$",
    chunk: "out\\.zarr/0/c/\\d+/\\d+/\\d+$",
  },
];

describe("crash windows: kill -9 at exact moments of a convert, then re-run", () => {
  const { dir, cleanup } = tempDir("zarrsmith-crash-");
  const raw = join(dir, "in.raw");
  const raw2 = join(dir, "in2.raw");
  const input = (path: string) => [path, "--shape", SHAPE.join(","), "--dtype", "uint16", "--workers", "1"];
  before(() => {
    ensureBuilt();
    chmodSync(dir, 0o755);
    const n = SHAPE.reduce((a, b) => a * b, 1);
    const a = new Uint16Array(n).map((_, i) => (i * 2654435761) % 65521);
    writeFileSync(raw, a);
    writeFileSync(
      raw2,
      a.map((v) => 65535 - v),
    );
  });
  after(cleanup);

  for (const f of FORMATS) {
    describe(f.name, () => {
      const ref = join(dir, `ref-${f.flags.length}`, "out.zarr");
      before(() => {
        mkdirSync(join(ref, ".."), { recursive: true });
        const r = run(["convert", ...input(raw), ref, ...f.flags]);
        assert.equal(r.code, 0, r.stderr);
      });
      const moments = [
        {
          name: "right after the claim (the run record, first write)",
          op: "link",
          match: "zarrsmith-progress\\.json$",
          when: "after",
        },
        { name: "right after the group metadata", op: "rename", match: f.group, when: "after" },
        {
          name: "in the middle of a chunk write (its temporary file left behind)",
          op: "rename",
          match: f.chunk,
          nth: 3,
          when: "before",
        },
        { name: "after a few chunks", op: "rename", match: f.chunk, nth: 7, when: "after" },
        {
          name: "right after the final multiscales metadata",
          op: "rename",
          match: f.attrs,
          nth: 2,
          when: "after",
        },
      ] as const;
      moments.forEach((m, i) => {
        it(`killed ${m.name}: the re-run resumes to identical, valid data with no temporary files`, async () => {
          const out = join(dir, `${f.flags.length}-${i}`, "out.zarr");
          mkdirSync(join(out, ".."), { recursive: true });
          const args = ["convert", ...input(raw), out, ...f.flags];
          const first = await startStalled(args, m);
          assert.ok(first.stalled, `the run reached the moment: ${first.stderr()}`);
          await kill9(first.child);
          const again = run(args);
          assert.equal(again.code, 0, `re-run: ${again.stderr}`);
          assert.deepEqual(temps(out), [], "no temporary files left");
          assertSameTree(out, ref, "resumed output");
          const v = run(["validate", out]);
          assert.equal(v.code, 0, v.stdout + v.stderr);
        });
      });
    });
  }

  it("--plain (Zarr v3, sharded): killed mid-write, the re-run resumes to identical data with no temporary files", async () => {
    const flags = [
      "--plain",
      "--zarr-version",
      "3",
      "--chunks",
      "8,16,16",
      "--shards",
      "8,32,32",
      "--memory-target",
      "1MiB",
    ];
    const ref = join(dir, "plain-ref", "out.zarr");
    mkdirSync(join(ref, ".."), { recursive: true });
    const r = run(["convert", ...input(raw), ref, ...flags]);
    assert.equal(r.code, 0, r.stderr);
    for (const [i, moment] of [
      { op: "link", match: "zarrsmith-progress\\.json$", when: "after" },
      { op: "rename", match: "out\\.zarr/c/\\d+/\\d+/\\d+$", nth: 2, when: "before" },
    ].entries()) {
      const out = join(dir, `plain-${i}`, "out.zarr");
      mkdirSync(join(out, ".."), { recursive: true });
      const args = ["convert", ...input(raw), out, ...flags];
      const first = await startStalled(args, moment as Parameters<typeof startStalled>[1]);
      assert.ok(first.stalled, first.stderr());
      await kill9(first.child);
      const again = run(args);
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(temps(out), []);
      assertSameTree(out, ref, "resumed plain array");
    }
  });

  it("a second convert --overwrite while the first writes is refused, naming the first; nothing is deleted", async () => {
    const out = join(dir, "busy", "out.zarr");
    mkdirSync(join(out, ".."), { recursive: true });
    const args = ["convert", ...input(raw), out, ...FORMATS[0].flags];
    const first = await startStalled(args, { op: "rename", match: FORMATS[0].chunk, nth: 5, when: "after" });
    assert.ok(first.stalled, first.stderr());
    await freeze(first.child); // frozen but alive: its record still names a live process
    try {
      const before = [...tree(out).keys()].sort();
      const second = run([...args, "--overwrite"]);
      assert.notEqual(second.code, 0, second.stderr);
      assert.match(second.stderr, new RegExp(`being written by another run .*process ${first.child.pid}`));
      assert.deepEqual([...tree(out).keys()].sort(), before, "the first run's files are untouched");
    } finally {
      await kill9(first.child);
    }
  });

  it("--overwrite killed part way leaves the old output intact; re-running it completes", async () => {
    const out = join(dir, "replace", "out.zarr");
    mkdirSync(join(out, ".."), { recursive: true });
    const old = run(["convert", ...input(raw2), out, ...FORMATS[0].flags]);
    assert.equal(old.code, 0, old.stderr);
    const oldTree = join(dir, "replace-copy");
    spawnSync("cp", ["-a", out, oldTree]);
    const args = ["convert", ...input(raw), out, ...FORMATS[0].flags, "--overwrite"];
    // the new output is built aside, so the chunk pattern matches the hidden sibling
    const first = await startStalled(args, {
      op: "rename",
      match: "zarrsmith-new/0/\\d+/\\d+/\\d+$",
      nth: 4,
      when: "before",
    });
    assert.ok(first.stalled, first.stderr());
    await kill9(first.child);
    assertSameTree(out, oldTree, "old output after the killed --overwrite");
    const again = run(args);
    assert.equal(again.code, 0, again.stderr);
    assertSameTree(out, join(dir, `ref-${FORMATS[0].flags.length}`, "out.zarr"), "replaced output");
    assert.deepEqual(
      readdirSync(join(out, "..")).filter((n) => n.includes("zarrsmith")),
      [],
      "no aside or old copies left",
    );
  });

  it("--overwrite of an output with an undeletable folder refuses before changing anything", () => {
    const base = join(dir, "locked");
    const out = join(base, "out.zarr");
    mkdirSync(base, { recursive: true });
    const made = run(["convert", ...input(raw2), out, ...FORMATS[0].flags]);
    assert.equal(made.code, 0, made.stderr);
    const copy = join(dir, "locked-copy");
    spawnSync("cp", ["-a", out, copy]);
    const root = process.getuid?.() === 0;
    // as root, permissions do not stop deletes: run the overwrite as an unprivileged user who owns
    // everything but level 0's folder; otherwise make that folder read-only for ourselves
    if (root) {
      spawnSync("chown", ["-R", "65534:65534", base]);
      chownSync(join(out, "0"), 0, 0);
      chmodSync(join(out, "0"), 0o755);
    } else chmodSync(join(out, "0"), 0o555);
    try {
      const r = run(["convert", ...input(raw), out, ...FORMATS[0].flags, "--overwrite"], {
        uid: root ? 65534 : undefined,
      });
      assert.notEqual(r.code, 0, r.stderr);
      assert.match(r.stderr, /cannot replace .*out\.zarr.*does not allow deleting.*nothing was changed/);
      assertSameTree(out, copy, "old output");
    } finally {
      chmodSync(join(out, "0"), 0o755);
    }
  });

  it("a corrupt resume record is reported as corrupt, not as different settings", () => {
    const out = join(dir, "corrupt", "out.zarr");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, ".zgroup"), '{"zarr_format": 2}');
    writeFileSync(join(out, "zarrsmith-progress.json"), '{"fingerprint": "x", "done": [1');
    const r = run(["convert", ...input(raw), out, ...FORMATS[0].flags]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /resume record .*zarrsmith-progress\.json is corrupt .*pass --overwrite/);
    assert.doesNotMatch(r.stderr, /different settings/);
  });

  it("an output folder that cannot be written says so (not ENOENT mkdir)", () => {
    const parent = join(dir, "readonly");
    mkdirSync(parent, { recursive: true });
    const root = process.getuid?.() === 0;
    chmodSync(parent, 0o555);
    try {
      const r = run(["convert", ...input(raw), join(parent, "sub", "out.zarr")], {
        uid: root ? 65534 : undefined,
      });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /cannot create output .*readonly.*not writable \((EACCES|EROFS)/);
      assert.doesNotMatch(r.stderr, /ENOENT/);
    } finally {
      chmodSync(parent, 0o755);
    }
  });

  it("an unreadable input exits 2 (usage), as the README says", () => {
    const locked = join(dir, "locked.raw");
    writeFileSync(locked, readFileSync(raw));
    chmodSync(locked, 0o000);
    const root = process.getuid?.() === 0;
    if (root) chmodSync(dir, 0o777);
    try {
      const r = run(["convert", ...input(locked), join(dir, "unreadable.zarr")], {
        uid: root ? 65534 : undefined,
      });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /locked\.raw.*not readable/);
    } finally {
      chmodSync(dir, 0o755);
    }
  });

  it("create: an over-long member name or an invalid key is reported as such, not as unreadable metadata", () => {
    for (const [name, pattern] of [
      ["x".repeat(300), /ENAMETOOLONG|name too long/i],
      [".zarrsmith-tmp-member", /Invalid store key/],
    ] as const) {
      const spec = join(dir, "spec.json");
      writeFileSync(
        spec,
        JSON.stringify({
          zarr_format: 2,
          attributes: {},
          members: { [name]: { zarr_format: 2, attributes: {}, members: {} } },
        }),
      );
      const out = join(dir, `create-${name.length}`);
      const r = run(["create", spec, out]);
      assert.notEqual(r.code, 0, r.stderr);
      assert.match(r.stderr, pattern);
      assert.doesNotMatch(r.stderr, /unreadable metadata/);
      assert.ok(!existsSync(join(out, name)));
    }
  });
});
