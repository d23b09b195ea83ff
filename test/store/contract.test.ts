/**
 * The store contract, table-driven: every store answers the same reads the same way; writable stores
 * also agree on writes; and every store refuses keys that would escape its root.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { KeyError } from "../../src/errors.js";
import {
  HttpStore,
  isListable,
  LocalStore,
  MemoryStore,
  type Store,
  ZipStore,
  type ZipStoreWriter,
} from "../../src/index.js";
import type { S3Store } from "../../src/store/s3.js";
import { type S3TestServer, startS3Server } from "../helpers/s3.js";
import { counting, encode, startServer, tempDir } from "./helpers.js";

// One S3-protocol server (fauxqs, in its own process) for the whole file; each store gets its own prefix.
let s3: Promise<S3TestServer> | undefined;
after(async () => (await s3)?.stop());
async function s3Store(): Promise<S3Store> {
  s3 ??= startS3Server(["contract"]);
  return (await s3).store(`s3://contract/${randomUUID()}`);
}

type Context = { after(fn: () => Promise<void>): void };

const ENTRIES = new Map<string, Uint8Array>([
  ["zarr.json", encode('{"zarr_format":3,"node_type":"group"}')],
  ["a/b/c", counting(100)],
  ["a/d", counting(10)],
  ["ab/x", encode("not under a")],
  ["my group with spaces/zarr.json", encode("{}")],
  ["empty", new Uint8Array(0)],
]);

async function zipOf(t: Context, entries: Map<string, Uint8Array>, compress: boolean): Promise<ZipStore> {
  const path = join(await tempDir(t), "store.zip");
  const writer = await ZipStore.create(path, { compress });
  await Promise.all([...entries].map(([key, value]) => writer.set(key, value)));
  await writer.close();
  const store = await ZipStore.open(path);
  t.after(() => store.close());
  return store;
}

const readable: { name: string; make(t: Context, entries: Map<string, Uint8Array>): Promise<Store> }[] = [
  { name: "MemoryStore", make: async (_t, entries) => new MemoryStore(entries) },
  {
    name: "LocalStore",
    async make(t, entries) {
      const store = new LocalStore(await tempDir(t));
      for (const [key, value] of entries) await store.set(key, value);
      return store;
    },
  },
  { name: "ZipStore (stored)", make: (t, entries) => zipOf(t, entries, false) },
  { name: "ZipStore (deflated)", make: (t, entries) => zipOf(t, entries, true) },
  {
    name: "HttpStore",
    async make(t, entries) {
      const server = await startServer(new Map(entries));
      t.after(() => server.close());
      return new HttpStore(server.url);
    },
  },
  {
    name: "S3Store",
    async make(_t, entries) {
      const store = await s3Store();
      for (const [key, value] of entries) await store.set(key, value);
      return store;
    },
  },
];

for (const { name, make } of readable) {
  describe(`${name}: read contract`, () => {
    test("get returns whole values and undefined for missing keys", async (t) => {
      const store = await make(t, ENTRIES);
      for (const [key, value] of ENTRIES) assert.deepEqual(await store.get(key), value, key);
      assert.equal(await store.get("missing"), undefined);
      assert.equal(await store.get("a/d/below-a-file"), undefined);
      assert.equal(await store.get("a"), undefined, "a folder is not a key");
    });

    test("ranges: offset/length, suffix, and past the end", async (t) => {
      const store = await make(t, ENTRIES);
      const c = ENTRIES.get("a/b/c")!;
      assert.deepEqual(await store.get("a/b/c", { offset: 10, length: 5 }), c.subarray(10, 15));
      assert.deepEqual(await store.get("a/b/c", { suffixLength: 7 }), c.subarray(93));
      assert.deepEqual(
        await store.get("a/b/c", { offset: 95, length: 50 }),
        c.subarray(95),
        "clamped at the end",
      );
      assert.deepEqual(await store.get("a/b/c", { offset: 100, length: 4 }), new Uint8Array(0), "at the end");
      assert.deepEqual(
        await store.get("a/b/c", { offset: 500, length: 4 }),
        new Uint8Array(0),
        "past the end",
      );
      assert.deepEqual(await store.get("a/b/c", { suffixLength: 1000 }), c, "suffix longer than the value");
      assert.deepEqual(await store.get("a/b/c", { offset: 3, length: 0 }), new Uint8Array(0));
      assert.deepEqual(await store.get("a/b/c", { suffixLength: 0 }), new Uint8Array(0));
      assert.deepEqual(await store.get("empty", { suffixLength: 4 }), new Uint8Array(0));
      assert.equal(await store.get("missing", { offset: 0, length: 4 }), undefined);
      assert.equal(await store.get("missing", { suffixLength: 0 }), undefined);
    });

    test("invalid ranges are rejected", async (t) => {
      const store = await make(t, ENTRIES);
      await assert.rejects(store.get("a/d", { offset: -1, length: 2 }), { code: "invalid_value" });
      await assert.rejects(store.get("a/d", { offset: 0, length: 1.5 }), { code: "invalid_value" });
      await assert.rejects(store.get("a/d", { suffixLength: -3 }), { code: "invalid_value" });
    });

    test("has", async (t) => {
      const store = await make(t, ENTRIES);
      assert.equal(await store.has!("a/b/c"), true);
      assert.equal(await store.has!("empty"), true);
      assert.equal(await store.has!("a/b"), false);
      assert.equal(await store.has!("nope"), false);
    });

    test("list and listDir use folder-like prefixes", async (t) => {
      const store = await make(t, ENTRIES);
      if (!isListable(store)) {
        assert.equal(name, "HttpStore", "only HTTP stores are not listable");
        return;
      }
      assert.deepEqual(await store.list(), [...ENTRIES.keys()].sort());
      assert.deepEqual(await store.list("a"), ["a/b/c", "a/d"]);
      assert.deepEqual(await store.list("a/"), ["a/b/c", "a/d"]);
      assert.deepEqual(await store.list("/a/b"), ["a/b/c"]);
      assert.deepEqual(await store.list("zz"), []);
      assert.deepEqual(await store.list("a/d"), [], "a key is not a prefix");
      assert.deepEqual(await store.listDir(""), {
        keys: ["empty", "zarr.json"],
        prefixes: ["a", "ab", "my group with spaces"],
      });
      assert.deepEqual(await store.listDir("a"), { keys: ["d"], prefixes: ["b"] });
      assert.deepEqual(await store.listDir("nowhere"), { keys: [], prefixes: [] });
    });
  });
}

const writable: {
  name: string;
  make(t: Context): Promise<Store & Required<Pick<Store, "set" | "delete">>>;
}[] = [
  { name: "MemoryStore", make: async () => new MemoryStore() },
  { name: "LocalStore", make: async (t) => new LocalStore(await tempDir(t)) },
  { name: "S3Store", make: () => s3Store() },
];

for (const { name, make } of writable) {
  describe(`${name}: write contract`, () => {
    test("set, overwrite, delete", async (t) => {
      const store = await make(t);
      await store.set("a/b", encode("one"));
      assert.deepEqual(await store.get("a/b"), encode("one"));
      await store.set("a/b", encode("two!"));
      assert.deepEqual(await store.get("a/b"), encode("two!"));
      await store.set("a/empty", new Uint8Array(0));
      assert.deepEqual(await store.get("a/empty"), new Uint8Array(0));
      await store.delete("a/b");
      assert.equal(await store.get("a/b"), undefined);
      assert.equal(await store.has!("a/b"), false);
      await store.delete("a/b");
      await store.delete("never/was");
    });

    test("stored bytes do not change when the caller reuses its buffer", async (t) => {
      const store = await make(t);
      const value = counting(8);
      await store.set("k", value);
      value.fill(0);
      assert.deepEqual(await store.get("k"), counting(8));
    });

    test("writes of a subarray store only the view's bytes", async (t) => {
      const store = await make(t);
      await store.set("k", counting(20).subarray(5, 9));
      assert.deepEqual(await store.get("k"), Uint8Array.of(5, 6, 7, 8));
    });

    test("deletePrefix removes a subtree and nothing beside it", async (t) => {
      const store = await make(t);
      for (const key of ["a/x", "a/b/y", "ab/z", "c"]) await store.set(key, encode(key));
      await store.deletePrefix!("a");
      assert.deepEqual(await store.list!(), ["ab/z", "c"]);
      await store.deletePrefix!("missing/prefix");
      await store.deletePrefix!("c"); // a key, not a prefix: kept
      assert.deepEqual(await store.list!(), ["ab/z", "c"]);
      await store.deletePrefix!("");
      assert.deepEqual(await store.list!(), []);
    });
  });
}

const BAD_KEYS = [
  "../x",
  "/etc/passwd",
  "a//b",
  "a/./b",
  "C:\\x",
  "C:/x",
  "a/../../x",
  "a\\..\\..\\x",
  "",
  "a/",
  ".",
];

describe("keys that escape the root are rejected before anything happens", () => {
  const stores: { name: string; make(t: Context): Promise<{ store: Store; check(): Promise<void> }> }[] = [
    {
      name: "MemoryStore",
      async make() {
        const store = new MemoryStore();
        return { store, check: async () => assert.deepEqual(await store.list(), []) };
      },
    },
    {
      name: "LocalStore",
      async make(t) {
        const parent = await tempDir(t);
        const store = new LocalStore(join(parent, "root", "store"));
        return {
          store,
          // Nothing written anywhere: not even the root's directory was created.
          check: async () => assert.deepEqual(await readdir(parent), []),
        };
      },
    },
    {
      name: "ZipStoreWriter",
      async make(t) {
        const dir = await tempDir(t);
        const store: ZipStoreWriter = await ZipStore.create(join(dir, "out.zip"));
        t.after(() => store.abort());
        return { store, check: async () => assert.deepEqual(await store.list(), []) };
      },
    },
    {
      name: "HttpStore",
      async make(t) {
        const server = await startServer(new Map());
        t.after(() => server.close());
        return {
          store: new HttpStore(server.url),
          check: async () => assert.deepEqual(server.requests, [], "no request was sent"),
        };
      },
    },
    {
      name: "S3Store",
      async make() {
        const store = await s3Store();
        return {
          store,
          check: async () => {
            assert.equal(store.requests, 0, "no request was sent");
            assert.deepEqual(await store.list(), []);
          },
        };
      },
    },
  ];

  for (const { name, make } of stores) {
    test(name, async (t) => {
      const { store, check } = await make(t);
      for (const key of BAD_KEYS) {
        const isKeyError = (error: unknown) => error instanceof KeyError && error.code === "invalid_key";
        await assert.rejects(store.get(key), isKeyError, `get ${JSON.stringify(key)}`);
        await assert.rejects(store.get(key, { offset: 0, length: 1 }), isKeyError);
        await assert.rejects(store.has!(key), isKeyError, `has ${JSON.stringify(key)}`);
        if (store.set)
          await assert.rejects(store.set(key, encode("x")), isKeyError, `set ${JSON.stringify(key)}`);
        if (store.delete)
          await assert.rejects(store.delete(key), isKeyError, `delete ${JSON.stringify(key)}`);
      }
      for (const prefix of ["..", "../x", "a/../..", "a//b"]) {
        if (store.list) await assert.rejects(store.list(prefix), KeyError, `list ${prefix}`);
        if (store.listDir) await assert.rejects(store.listDir(prefix), KeyError, `listDir ${prefix}`);
        if (store.deletePrefix) await assert.rejects(store.deletePrefix(prefix), KeyError);
      }
      await check();
    });
  }
});
