/**
 * Hostile LocalStore layouts (run in a child by stores.test.ts): symlinks that leave the root, a chunk
 * file that links to a secret, and symlink loops. Each case builds its own temp directories, and after a
 * refused operation checks that nothing outside the root was read, written or deleted.
 */
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { open, WorkerPool } from "../../src/index.js";
import { LocalStore } from "../../src/store/local.js";

interface Layout {
  root: string;
  outside: string;
  store: LocalStore;
}

/** A store root with `l -> <outside dir>` and `secret -> <outside>/secret.txt`; runs `fn`, then cleans up. */
async function withLayout<T>(fn: (l: Layout) => Promise<T>): Promise<T> {
  const base = await mkdtemp(join(tmpdir(), "zarrsmith-hostile-"));
  const root = join(base, "store.zarr");
  const outside = join(base, "outside");
  await mkdir(join(outside, "sub"), { recursive: true });
  await writeFile(join(outside, "secret.txt"), "SECRET");
  await writeFile(join(outside, "sub", "keep.txt"), "KEEP");
  await mkdir(join(root, "a", "c"), { recursive: true });
  await writeFile(join(root, "zarr.json"), "{}");
  await symlink(outside, join(root, "l"));
  await symlink(join(outside, "secret.txt"), join(root, "a", "c", "0"));
  try {
    return await fn({ root, outside, store: new LocalStore(root) });
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

/** Runs `op`; whatever it does, the outside directory must be exactly as it was. */
async function outsideUntouched<T>(l: Layout, op: () => Promise<T>): Promise<T> {
  const before = await tree(l.outside);
  let result: T;
  try {
    result = await op();
  } finally {
    const after = await tree(l.outside);
    if (JSON.stringify(before) !== JSON.stringify(after)) {
      // biome-ignore lint/correctness/noUnsafeFinally: an escape outranks whatever op threw
      throw new Error(`ESCAPE: outside changed from ${before} to ${after}`);
    }
  }
  return result;
}

/** The metadata of a v3 uint8 array of 6 values in chunks of `chunk`, uncompressed, at `dir`. */
function writeUint8Array(dir: string, chunk: number): Promise<void> {
  return writeFile(
    join(dir, "zarr.json"),
    JSON.stringify({
      zarr_format: 3,
      node_type: "array",
      shape: [6],
      data_type: "uint8",
      chunk_grid: { name: "regular", configuration: { chunk_shape: [chunk] } },
      chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
      fill_value: 0,
      codecs: [{ name: "bytes" }],
    }),
  );
}

const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

export const CASES = {
  readThroughDirLink: () => withLayout(async (l) => text(await l.store.get("l/secret.txt"))),
  rangeReadThroughDirLink: () =>
    withLayout(async (l) => text(await l.store.get("l/secret.txt", { offset: 0, length: 3 }))),
  hasThroughDirLink: () => withLayout(async (l) => l.store.has("l/secret.txt")),
  chunkFileLinksToSecret: () => withLayout(async (l) => text(await l.store.get("a/c/0"))),
  // the blocking read worker threads use (LocalStore.getNow), and an array read whose workers read
  // the linked chunk themselves: refused as the store's error, not reported as a corrupt chunk
  readNowThroughDirLink: () => withLayout(async (l) => text(l.store.getNow("l/secret.txt"))),
  chunkFileLinksToSecretNow: () => withLayout(async (l) => text(l.store.getNow("a/c/0"))),
  arrayReadInWorkersOfLinkedChunk: () =>
    withLayout(async (l) => {
      await writeUint8Array(join(l.root, "a"), 6);
      const pool = new WorkerPool(2);
      try {
        const a = await open.array(l.store, "a");
        return [...(await a.get(null, { workers: pool })).data];
      } finally {
        await pool.close();
      }
    }),
  // the blocking write worker threads use (LocalStore.setNow), and an array write whose workers
  // write the chunks themselves into a chunk folder that is a link to outside
  writeNowThroughDirLink: () =>
    withLayout((l) =>
      outsideUntouched(l, async () => l.store.setNow("l/arr/zarr.json", new Uint8Array([1]))),
    ),
  overwriteLinkedChunkNow: () =>
    withLayout(async (l) => {
      await outsideUntouched(l, async () => l.store.setNow("a/c/0", new Uint8Array([1])));
      return text(await l.store.get("a/c/0"));
    }),
  arrayWriteInWorkersThroughLinkedFolder: () =>
    withLayout(async (l) => {
      await mkdir(join(l.root, "b"));
      await symlink(join(l.outside, "sub"), join(l.root, "b", "c"));
      await writeUint8Array(join(l.root, "b"), 3);
      const pool = new WorkerPool(2);
      try {
        const b = await open.array(l.store, "b");
        await outsideUntouched(l, () => b.set(null, new Uint8Array([1, 2, 3, 4, 5, 6]), { workers: pool }));
      } finally {
        await pool.close();
      }
    }),
  writeThroughDirLink: () =>
    withLayout((l) => outsideUntouched(l, () => l.store.set("l/arr/zarr.json", new Uint8Array([1])))),
  overwriteLinkedChunk: () =>
    withLayout(async (l) => {
      // Replacing a chunk that is a link may replace the link, but never the file it points to.
      await outsideUntouched(l, () => l.store.set("a/c/0", new Uint8Array([1])));
      return text(await l.store.get("a/c/0"));
    }),
  deleteThroughDirLink: () => withLayout((l) => outsideUntouched(l, () => l.store.delete("l/secret.txt"))),
  deletePrefixThroughDirLink: () =>
    withLayout((l) => outsideUntouched(l, () => l.store.deletePrefix("l/sub"))),
  deletePrefixOfLink: () =>
    withLayout(async (l) => {
      await outsideUntouched(l, () => l.store.deletePrefix("l"));
      return l.store.list();
    }),
  deleteAllKeepsOutside: () =>
    withLayout(async (l) => {
      await outsideUntouched(l, () => l.store.deletePrefix(""));
      return l.store.list();
    }),
  listSkipsOutside: () => withLayout((l) => l.store.list()),
  listDirSkipsOutside: () => withLayout((l) => l.store.listDir("")),
  listLoop: async () => {
    const root = await mkdtemp(join(tmpdir(), "zarrsmith-hostile-"));
    try {
      await writeFile(join(root, "zarr.json"), "{}");
      await symlink(".", join(root, "l"));
      await symlink(".", join(root, "m"));
      return await new LocalStore(root).list();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
};
