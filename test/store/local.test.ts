/** LocalStore specifics: atomic writes, failure cleanup, concurrency, temp-file handling, the root check. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdir, readdir, readFile, symlink, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { ZarrsmithError } from "../../src/errors.js";
import { LocalStore, TEMP_PREFIX } from "../../src/index.js";
import { counting, encode, tempDir } from "./helpers.js";

/** Every file under `dir`, including temporary ones, as "/"-separated relative paths. */
async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length + 1))
    .sort();
}

test("keys map to files and folders under the root", async (t) => {
  const root = await tempDir(t);
  const store = new LocalStore(join(root, "new", "store.zarr"));
  await store.set("arr/c/0/1", encode("chunk"));
  assert.equal(await readFile(join(root, "new", "store.zarr", "arr", "c", "0", "1"), "utf8"), "chunk");
  assert.equal(store.description, join(root, "new", "store.zarr"));
});

test("a missing root reads as an empty store", async (t) => {
  const store = new LocalStore(join(await tempDir(t), "nothing-here"));
  assert.equal(await store.get("zarr.json"), undefined);
  assert.equal(await store.has("zarr.json"), false);
  assert.deepEqual(await store.list(), []);
  assert.deepEqual(await store.listDir(), { keys: [], prefixes: [] });
  await store.delete("x");
  await store.deletePrefix("x");
});

test("a value that fails while being written leaves the old file and no temp file", async (t) => {
  const root = await tempDir(t);
  const store = new LocalStore(root);
  await store.set("a/k", encode("old"));
  // Not a real Uint8Array: the write fails after the temporary file was opened.
  const poisoned = new Proxy(new Uint8Array(4), {}) as Uint8Array;
  await assert.rejects(store.set("a/k", poisoned), (error: unknown) => {
    assert.ok(error instanceof ZarrsmithError);
    assert.equal(error.code, "io");
    assert.match(error.message, /"a\/k"/);
    return true;
  });
  assert.deepEqual(await store.get("a/k"), encode("old"));
  assert.deepEqual(await allFiles(root), ["a/k"]);
});

test("a directory in place of the target: error names it, old data intact, no temp file", async (t) => {
  const root = await tempDir(t);
  const store = new LocalStore(root);
  await store.set("d/inner", encode("inner"));
  await assert.rejects(store.set("d", encode("x")), /cannot write key "d" .*directory is in the way/);
  assert.deepEqual(await store.get("d/inner"), encode("inner"));
  assert.deepEqual(await allFiles(root), ["d/inner"]);
});

test("a file in place of a parent folder: error, no temp file", async (t) => {
  const root = await tempDir(t);
  const store = new LocalStore(root);
  await store.set("f", encode("file"));
  await assert.rejects(store.set("f/child", encode("x")), { code: "io" });
  assert.deepEqual(await allFiles(root), ["f"]);
});

test("hundreds of parallel writes land whole, including racing writes to one key", async (t) => {
  const root = await tempDir(t);
  const store = new LocalStore(root, { maxOpenFiles: 16 });
  const keys = Array.from({ length: 400 }, (_, i) => `arr/c/${i % 20}/${Math.floor(i / 20)}`);
  await Promise.all(keys.map((key, i) => store.set(key, counting(100 + i))));
  const values = await Promise.all(keys.map((key) => store.get(key)));
  for (const [i, value] of values.entries()) assert.deepEqual(value, counting(100 + i), keys[i]);

  const versions = Array.from({ length: 50 }, (_, i) => new Uint8Array(1000 + i).fill(i));
  await Promise.all(versions.map((value) => store.set("race", value)));
  const final = (await store.get("race"))!;
  assert.ok(
    versions.some((v) => v.byteLength === final.byteLength && final.every((b) => b === v[0])),
    "one whole version",
  );
  assert.equal((await allFiles(root)).filter((f) => f.includes(TEMP_PREFIX)).length, 0);
  assert.equal((await store.list()).length, 401);
});

test("listings skip temporary files and cleanTemporaryFiles removes them", async (t) => {
  const root = await tempDir(t);
  const store = new LocalStore(root);
  await store.set("a/b/keep", encode("keep"));
  await writeFile(join(root, `${TEMP_PREFIX}crashed`), "partial");
  await writeFile(join(root, "a", "b", `${TEMP_PREFIX}1234`), "partial");
  await mkdir(join(root, "c"));
  await writeFile(join(root, "c", `${TEMP_PREFIX}x`), "partial");
  assert.deepEqual(await store.list(), ["a/b/keep"]);
  assert.deepEqual(await store.listDir("a/b"), { keys: ["keep"], prefixes: [] });
  assert.equal(await LocalStore.cleanTemporaryFiles(root), 3);
  assert.deepEqual(await allFiles(root), ["a/b/keep"]);
  assert.equal(await LocalStore.cleanTemporaryFiles(join(root, "missing")), 0);
});

test("removeTemporaryFiles(olderThan) keeps the temporary files of writes that started after it", async (t) => {
  const root = await tempDir(t);
  const store = new LocalStore(root);
  await writeFile(join(root, `${TEMP_PREFIX}old`), "partial");
  await utimes(join(root, `${TEMP_PREFIX}old`), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  await writeFile(join(root, `${TEMP_PREFIX}new`), "partial");
  assert.equal(await store.removeTemporaryFiles(new Date(Date.now() - 30_000)), 1);
  assert.deepEqual(await allFiles(root), [`${TEMP_PREFIX}new`]);
  assert.equal(await store.removeTemporaryFiles(), 1);
  assert.deepEqual(await allFiles(root), []);
});

test("keys using the temporary-file prefix are refused", async (t) => {
  const store = new LocalStore(await tempDir(t));
  await assert.rejects(store.set(`a/${TEMP_PREFIX}x`, encode("x")), { code: "invalid_key" });
  await assert.rejects(store.get(`${TEMP_PREFIX}x`), { code: "invalid_key" });
});

test("range reads of a large file read only the range", async (t) => {
  const store = new LocalStore(await tempDir(t));
  const big = counting(3 * 1024 * 1024 + 7);
  await store.set("big", big);
  assert.deepEqual(
    await store.get("big", { offset: 2 * 1024 * 1024 + 3, length: 1000 }),
    big.subarray(2097155, 2098155),
  );
  assert.deepEqual(await store.get("big", { suffixLength: 9 }), big.subarray(big.byteLength - 9));
});

test("reads return plain Uint8Arrays, not Buffers", async (t) => {
  const store = new LocalStore(await tempDir(t));
  await store.set("k", encode("abc"));
  const value = await store.get("k");
  assert.equal(Object.getPrototypeOf(value), Uint8Array.prototype);
});

test("getNow reads into a given buffer when it is large enough, else into a new one", async (t) => {
  const store = new LocalStore(await tempDir(t));
  await store.set("k", encode("abcdef"));
  const big = new Uint8Array(16).fill(9);
  const into = store.getNow("k", big);
  assert.equal(into?.buffer, big.buffer);
  assert.equal(new TextDecoder().decode(into), "abcdef");
  assert.equal(big[6], 9); // nothing past the value is touched
  const small = new Uint8Array(3);
  const fresh = store.getNow("k", small);
  assert.notEqual(fresh?.buffer, small.buffer);
  assert.equal(new TextDecoder().decode(fresh), "abcdef");
  assert.equal(store.getNow("missing", big), undefined);
});

test("deletePrefix on the root keeps the root directory", async (t) => {
  const root = await tempDir(t);
  const store = new LocalStore(root);
  await store.set("x/y", encode("1"));
  await store.set("z", encode("2"));
  await store.deletePrefix("");
  assert.deepEqual(await readdir(root), []);
});

test("reads follow links that stay inside the root; a directory is no key; a FIFO is refused, not waited on", async (t) => {
  const root = await tempDir(t);
  const store = new LocalStore(root);
  await store.set("data/0", encode("zero"));
  await symlink(join(root, "data"), join(root, "alias")); // a directory link inside the root
  await symlink("0", join(root, "data", "1")); // a file link inside the root
  assert.deepEqual(await store.get("alias/0"), encode("zero"));
  assert.deepEqual(await store.get("data/1", { offset: 1, length: 2 }), encode("er"));
  assert.equal(await store.get("data"), undefined);
  const fifo = spawnSync("mkfifo", [join(root, "data", "pipe")]);
  if (fifo.status === 0) await assert.rejects(store.get("data/pipe"), /data\/pipe.*not a regular file/);
});
