/** The hierarchy validator reads node metadata with the metadata module's JSON parser. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryStore } from "../../src/index.js";
import { readNode } from "../../src/ome/validate/nodes.js";

const enc = new TextEncoder();

test("a .zarray as zarr-python 2 writes it reads as an array", async () => {
  const store = new MemoryStore();
  await store.set(
    "a/.zarray",
    enc.encode(
      '{"zarr_format": 2, "shape": [2, 3], "chunks": [2, 3], "dtype": "<f4", "fill_value": "NaN", "order": "C", "compressor": null, "filters": null}',
    ),
  );
  assert.deepEqual(await readNode(store, "a"), {
    kind: "array",
    format: 2,
    shape: [2, 3],
    dataType: "<f4",
    dimensionNames: undefined,
  });
});

test("metadata nested past the metadata module's depth limit is broken, not a stack overflow later", async () => {
  const store = new MemoryStore();
  const deep = `${"[".repeat(2000)}${"]".repeat(2000)}`;
  await store.set(
    "g/zarr.json",
    enc.encode(`{"zarr_format": 3, "node_type": "group", "attributes": {"x": ${deep}}}`),
  );
  const node = await readNode(store, "g");
  assert.ok(node?.kind === "broken" && /nests deeper/.test(node.reason), JSON.stringify(node));
});

test("unparsable metadata is reported as broken, naming the key", async () => {
  const store = new MemoryStore();
  await store.set("b/zarr.json", enc.encode("{not json"));
  const node = await readNode(store, "b");
  assert.equal(node?.kind, "broken");
  assert.ok(
    node?.kind === "broken" && node.key === "b/zarr.json" && /not valid JSON/.test(node.reason),
    JSON.stringify(node),
  );
  assert.equal(await readNode(store, "missing"), undefined);
});
