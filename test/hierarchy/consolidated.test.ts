/**
 * Consolidated metadata: v2 `.zmetadata` (read by zarr-python's open_consolidated) and v3 inline
 * `consolidated_metadata`; reading a consolidated hierarchy costs one metadata request.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import {
  consolidateMetadata,
  createGroup,
  LocalStore,
  MemoryStore,
  open,
  type Store,
  v2,
  v3,
} from "../../src/index.js";
import { list } from "../helpers/list.js";
import { pythonJSON } from "../helpers/python.js";
import { randomArray } from "../helpers/reference.js";
import { needs, pythonModules } from "../helpers/requirements.js";

const dir = mkdtempSync(join(tmpdir(), "zarrsmith-consolidated-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A store that cannot list (like HTTP) and records every key it is asked for. */
function recording(inner: Store) {
  const asked: string[] = [];
  const store: Store = {
    description: "recording",
    get: (key, range) => {
      asked.push(key);
      return inner.get(key, range);
    },
  };
  return { store, asked };
}

/** Only the root's own documents were fetched: every node below came from the consolidated metadata. */
function assertRootMetadataOnly(asked: string[]) {
  const metadata = asked.filter((k) => /(^|\/)(\.z\w+|zarr\.json)$/.test(k));
  assert.ok(metadata.length > 0);
  assert.deepEqual(
    metadata.filter((k) => k.includes("/")),
    [],
    `metadata reads below the root: ${metadata}`,
  );
}

test("v2: .zmetadata is written, read by zarr-python, and answers every metadata read", {
  skip: needs(pythonModules("zarr")),
}, async () => {
  const path = join(dir, "v2.zarr");
  const local = new LocalStore(path);
  const root = await createGroup(local, "", 2, { title: "root" });
  const data = randomArray("uint16", [5, 6], 1);
  const a = await root.createArray(
    "a",
    v2.ArraySpec.parse({ shape: [5, 6], chunks: [2, 3], dtype: "<u2", attributes: { kind: "a" } }),
  );
  await a.set(null, data);
  const sub = await root.createGroup("sub", { level: 1 });
  await sub.createArray("b", v2.ArraySpec.parse({ shape: [3], chunks: [3], dtype: "<f8" }));
  await consolidateMetadata(local);

  const zmeta = JSON.parse(readFileSync(join(path, ".zmetadata"), "utf8"));
  assert.equal(zmeta.zarr_consolidated_format, 1);
  assert.deepEqual(Object.keys(zmeta.metadata).sort(), [
    ".zattrs",
    ".zgroup",
    "a/.zarray",
    "a/.zattrs",
    "sub/.zattrs",
    "sub/.zgroup",
    "sub/b/.zarray",
    "sub/b/.zattrs",
  ]);

  const py = pythonJSON<{ attrs: unknown; a: number[]; b_shape: number[]; sub_attrs: unknown }>(
    `import sys, json, zarr
g = zarr.open_consolidated(sys.argv[1], mode="r")
print(json.dumps({"attrs": g.attrs.asdict(), "a": g["a"][...].ravel().tolist(), "b_shape": list(g["sub/b"].shape), "sub_attrs": g["sub"].attrs.asdict()}))`,
    [path],
  );
  assert.deepEqual(py, {
    attrs: { title: "root" },
    a: list(data.data),
    b_shape: [3],
    sub_attrs: { level: 1 },
  });

  const { store, asked } = recording(local);
  const g = await open.group(store);
  assert.deepEqual(g.attrs, { title: "root" });
  assert.deepEqual(await g.members(), [
    { name: "a", kind: "array" },
    { name: "sub", kind: "group" },
  ]);
  const b = await (await g.group("sub")).array("b");
  assert.deepEqual(b.shape, [3]);
  const arr = await g.array("a");
  assert.deepEqual(list((await arr.get()).data), list(data.data));
  assertRootMetadataOnly(asked);
});

test("v3: inline consolidated_metadata lists every node and is used on open", async () => {
  const mem = new MemoryStore();
  const root = await createGroup(mem, "", 3, {});
  await root.createArray("x", v3.ArraySpec.create({ shape: [4, 4], data_type: "int16", chunks: [2, 2] }));
  const sub = await root.createGroup("g");
  await sub.createArray("y", v3.ArraySpec.create({ shape: [8], data_type: "float32", chunks: [4] }));
  await consolidateMetadata(mem);
  const doc = JSON.parse(new TextDecoder().decode(await mem.get("zarr.json")));
  assert.equal(doc.consolidated_metadata.kind, "inline");
  assert.equal(doc.consolidated_metadata.must_understand, false);
  assert.deepEqual(Object.keys(doc.consolidated_metadata.metadata).sort(), ["g", "g/y", "x"]);
  assert.equal(doc.consolidated_metadata.metadata["g/y"].data_type, "float32");

  const { store, asked } = recording(mem);
  const g = await open.group(store);
  assert.deepEqual(
    (await g.members()).map((m) => m.name),
    ["g", "x"],
  );
  assert.deepEqual((await (await g.group("g")).array("y")).shape, [8]);
  assertRootMetadataOnly(asked);
});

test("consolidating needs a group and a listable store", async () => {
  const mem = new MemoryStore();
  await v2.ArraySpec.parse({ shape: [2], chunks: [2], dtype: "|u1" }).toZarr(mem, "a");
  await assert.rejects(consolidateMetadata(mem, "a"), /no Zarr group/);
  await assert.rejects(consolidateMetadata(recording(mem).store), /list its keys/);
});
