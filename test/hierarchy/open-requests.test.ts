/**
 * Opening over HTTP with the fewest requests: `zarr.json` is read once, a v2 group probes only v2
 * keys, children use the format known from their parent (no v3 probe of a v2 array, no `.zgroup`
 * probe of an array), and consolidated metadata answers every document in one request.
 * Requests are counted on a real node:http server on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { open } from "../../src/hierarchy/open.js";
import { consolidateMetadata, MemoryStore, pyramid } from "../../src/index.js";
import { ndarray } from "../../src/ndarray.js";
import { HttpStore } from "../../src/store/http.js";
import { startServer } from "../store/helpers.js";

async function imageFiles(version: "0.4" | "0.5", consolidated: boolean): Promise<Map<string, Uint8Array>> {
  const store = new MemoryStore();
  await pyramid.write(
    {
      shape: [8, 16, 16],
      dtype: "uint8",
      read: async (region) => {
        const shape = region.map(([a, b]) => b - a);
        return ndarray(new Uint8Array(shape[0] * shape[1] * shape[2]).fill(3), shape, "uint8");
      },
    },
    store,
    { omeZarrVersion: version, chunks: [8, 8, 8], workers: 0 },
  );
  if (consolidated) await consolidateMetadata(store);
  const files = new Map<string, Uint8Array>();
  for (const key of await store.list!("")) files.set(key, (await store.get(key))!);
  return files;
}

/** Opens the root group and its level 0 and 1 arrays; returns the metadata requests made. */
async function openImage(t: { after(fn: () => Promise<void>): void }, files: Map<string, Uint8Array>) {
  const server = await startServer(files);
  t.after(() => server.close());
  const group = await open.group(new HttpStore(server.url));
  await group.array("0");
  await group.array("1");
  return server.requests.map((r) => `${files.has(r.path) ? "200" : "404"} ${r.path}`);
}

test("a v2 image: zarr.json once, no v3 or .zgroup probes of its arrays", async (t) => {
  const requests = await openImage(t, await imageFiles("0.4", false));
  assert.deepEqual(requests, [
    "404 zarr.json",
    "404 .zmetadata",
    "200 .zgroup",
    "200 .zattrs",
    "200 0/.zarray",
    "200 0/.zattrs",
    "200 1/.zarray",
    "200 1/.zattrs",
  ]);
});

test("a consolidated v2 image: every document from .zmetadata", async (t) => {
  const requests = await openImage(t, await imageFiles("0.4", true));
  assert.deepEqual(requests, ["404 zarr.json", "200 .zmetadata"]);
});

test("a v3 image: one zarr.json per node, inline consolidated metadata answers all", async (t) => {
  assert.deepEqual(await openImage(t, await imageFiles("0.5", false)), [
    "200 zarr.json",
    "200 0/zarr.json",
    "200 1/zarr.json",
  ]);
  assert.deepEqual(await openImage(t, await imageFiles("0.5", true)), ["200 zarr.json"]);
});
