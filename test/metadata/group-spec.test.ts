/** GroupSpec (pydantic-zarr's): nested members, flat form, stored hierarchies, and validation with paths. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { ExistsError, LocalStore, MemoryStore, open, SpecError, v2, v3 } from "../../src/index.js";
import { pythonJSON } from "../helpers/python.js";
import { needs, pythonModules } from "../helpers/requirements.js";

const dir = mkdtempSync(join(tmpdir(), "zarrsmith-groupspec-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const tree = {
  attributes: { title: "experiment" },
  members: {
    raw: { shape: [10, 20], chunks: [5, 5], dtype: "<u2", compressor: { id: "zstd", level: 3 } },
    analysis: {
      attributes: { step: 2 },
      members: { mask: { shape: [10, 20], chunks: [10, 10], dtype: "|b1", fill_value: false } },
    },
  },
};

test("v2 GroupSpec: parse fills defaults, flat form round-trips, toZarr writes what zarr-python reads", {
  skip: needs(pythonModules("zarr")),
}, async () => {
  const spec = v2.GroupSpec.parse(tree);
  const json = spec.toJSON();
  assert.equal(json.zarr_format, 2);
  const raw = json.members.raw as v2.ArraySpecJSON;
  assert.equal(raw.order, "C");
  assert.equal(raw.dimension_separator, "/");
  const flat = spec.toFlat();
  assert.deepEqual(Object.keys(flat).sort(), ["", "/analysis", "/analysis/mask", "/raw"]);
  assert.equal("members" in flat["/analysis"], false);
  assert.deepEqual(v2.GroupSpec.fromFlat(flat).toJSON(), json);

  const path = join(dir, "tree.zarr");
  const group = await spec.toZarr(new LocalStore(path), "");
  assert.deepEqual(group.attrs, { title: "experiment" });
  const py = pythonJSON<Record<string, unknown>>(
    `import sys, json, zarr
g = zarr.open_group(sys.argv[1], mode="r")
print(json.dumps({"attrs": g.attrs.asdict(), "raw": [list(g["raw"].shape), list(g["raw"].chunks), str(g["raw"].dtype)],
  "mask": [list(g["analysis/mask"].shape), str(g["analysis/mask"].dtype)], "step": g["analysis"].attrs["step"]}))`,
    [path],
  );
  assert.deepEqual(py, {
    attrs: { title: "experiment" },
    raw: [[10, 20], [5, 5], "uint16"],
    mask: [[10, 20], "bool"],
    step: 2,
  });

  const back = await v2.GroupSpec.fromZarr(await open.group(new LocalStore(path)));
  assert.deepEqual(back.toJSON(), json);
  await assert.rejects(spec.toZarr(new LocalStore(path), ""), ExistsError);
  await spec.with({ attributes: { title: "again" } }).toZarr(new LocalStore(path), "", { overwrite: true });
  assert.deepEqual((await open.group(new LocalStore(path))).attrs, { title: "again" });
});

test("v3 GroupSpec: members with sharding and dimension names round-trip through a store", async () => {
  const spec = v3.GroupSpec.parse({
    attributes: {},
    members: {
      img: v3.ArraySpec.create({
        shape: [64, 64],
        data_type: "uint8",
        chunks: [16, 16],
        shards: [32, 32],
        dimension_names: ["y", "x"],
      }).toJSON(),
      sub: { attributes: { a: 1 }, members: {} },
    },
  });
  const store = new MemoryStore();
  await spec.toZarr(store, "root");
  const back = await v3.GroupSpec.fromZarr(await open.group(store, "root"));
  assert.deepEqual(back.toJSON(), spec.toJSON());
  const img = await open.array(store, "root/img");
  assert.deepEqual(img.shards, [32, 32]);
});

test("invalid group specs name the member path and the rule", () => {
  const bad = {
    attributes: {},
    members: {
      "a/b": { shape: [2], chunks: [2], dtype: "<u2" },
      deep: { attributes: {}, members: { arr: { shape: [4], chunks: [0], dtype: "<u2" } } },
    },
  };
  assert.throws(
    () => v2.GroupSpec.parse(bad),
    (e: unknown) => {
      assert.ok(e instanceof SpecError);
      const paths = e.issues.map((i) => i.path);
      assert.ok(paths.includes("members.a/b"), JSON.stringify(paths));
      assert.ok(
        paths.some((p) => p.startsWith("members.deep.members.arr.chunks")),
        JSON.stringify(paths),
      );
      return true;
    },
  );
});
