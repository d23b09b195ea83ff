/**
 * Writing string arrays through the one create path (an ArraySpec with a string dtype → toZarr)
 * and ZarrArray.set: v2 `|O` + VLenUTF8 and v3 `string` + `vlen-utf8`, whole and in part,
 * compressed and not; read back here, by zarr-python 2 (v2) and by zarrita.js (v3: zarr-python 2
 * does not read Zarr v3).
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { encodeVlenUtf8 } from "../../src/codecs/strings/vlen-utf8.js";
import { decodeVlenUtf8 } from "../../src/dtype/strings.js";
import {
  codecs,
  LocalStore,
  MemoryStore,
  open,
  type Store,
  slice,
  UnsupportedError,
  ValueError,
  v2,
  v3,
  ZarrArray,
} from "../../src/index.js";
import { pythonJSON, tempDir } from "../helpers/python.js";
import { needs, pythonModules } from "../helpers/requirements.js";
import { zarritaRead } from "../helpers/zarrita.js";

const WORDS = ["", "a", "zarr", "Grüße", "日本語", "emoji 🧪", "x".repeat(300), "tab\tand\nnewline"];
const values = (n: number) => Array.from({ length: n }, (_, i) => `${WORDS[i % WORDS.length]}#${i}`);

test("vlen-utf8 layout: count, then length + UTF-8 bytes per item", () => {
  const bytes = encodeVlenUtf8(["ab", "", "é"]);
  assert.deepEqual([...bytes], [3, 0, 0, 0, 2, 0, 0, 0, 97, 98, 0, 0, 0, 0, 2, 0, 0, 0, 0xc3, 0xa9]);
  assert.deepEqual(decodeVlenUtf8(bytes, 3), ["ab", "", "é"]);
});

/** A vlen-utf8 string array, created as every array is: a spec with a string dtype, then toZarr. */
function createStrings(
  store: Store,
  path: string,
  o: {
    shape: number[];
    chunks: number[];
    zarrFormat?: 2 | 3;
    compressor?: codecs.V2CodecJSON;
    fillValue?: string;
  },
): Promise<ZarrArray<"string">> {
  const spec =
    o.zarrFormat === 2
      ? v2.ArraySpec.parse({
          shape: o.shape,
          chunks: o.chunks,
          dtype: "string",
          compressor: o.compressor ?? null,
          fill_value: o.fillValue ?? "",
        })
      : v3.ArraySpec.create({
          shape: o.shape,
          chunks: o.chunks,
          data_type: "string",
          compressor: o.compressor ?? null,
          fill_value: o.fillValue ?? "",
        });
  return spec.toZarr<"string">(store, path);
}

describe("string arrays: create + set", () => {
  for (const zarrFormat of [2, 3] as const) {
    test(`v${zarrFormat}: whole and partial writes read back, missing chunks read as the fill value`, async () => {
      const store = new MemoryStore();
      const arr = await createStrings(store, "s", {
        shape: [5, 7],
        chunks: [2, 3],
        zarrFormat,
        compressor: codecs.Zstd({ level: 3 }),
        fillValue: "-",
      });
      assert.ok(arr instanceof ZarrArray);
      assert.deepEqual((await arr.get([0, slice(0, 2)])).data, ["-", "-"]);
      const all = values(35);
      await arr.set(undefined, all);
      await arr.set([slice(1, 4), 2], ["p", "q", "r"]);
      const want = [...all];
      for (const [k, v] of ["p", "q", "r"].entries()) want[(1 + k) * 7 + 2] = v;
      const back = await open.array<"string">(store, "s");
      assert.deepEqual(await back.get(), { data: want, shape: [5, 7], dtype: "string" });
      await back.set([4, slice(null, null, 3)], "z");
      assert.deepEqual((await back.get([4])).data, [
        "z",
        ...all.slice(29, 31),
        "z",
        ...all.slice(32, 34),
        "z",
      ]);
    });
  }

  test("refuses a value count that does not match the selection, naming it", async () => {
    const arr = await createStrings(new MemoryStore(), "", { shape: [4], chunks: [2] });
    // the same check, and error class, as numeric set: a ValueError naming both counts
    await assert.rejects(
      arr.set(undefined, ["a"]),
      (e: unknown) => e instanceof ValueError && /1 strings/.test(e.message) && /needs 4/.test(e.message),
    );
  });
});

describe("string arrays written here read elsewhere", () => {
  const tmp = tempDir("zarrsmith-strwrite-");
  after(() => tmp.cleanup());

  test("zarr-python 2 reads a v2 |O vlen-utf8 array", { skip: needs(pythonModules("zarr")) }, async () => {
    const arr = await createStrings(new LocalStore(tmp.dir), "v2", {
      shape: [3, 5],
      chunks: [2, 2],
      zarrFormat: 2,
      compressor: codecs.Zstd({ level: 1 }),
    });
    const all = values(15);
    await arr.set(undefined, all);
    // a strided selection across chunks: a[0:3:2, 1:5:2] = ...
    await arr.set([slice(0, 3, 2), slice(1, 5, 2)], ["p", "q", "r", "s"]);
    for (const [k, at] of [1, 3, 11, 13].entries()) all[at] = "pqrs"[k];
    assert.deepEqual(await arr.get([slice(0, 3, 2), slice(1, 5, 2)]), {
      data: ["p", "q", "r", "s"],
      shape: [2, 2],
      dtype: "string",
    });
    const got = pythonJSON<{ dtype: string; values: string[] }>(
      `import sys, json, zarr
z = zarr.open_array(sys.argv[1] + "/v2", mode="r")
print(json.dumps({"dtype": str(z.dtype), "values": z[...].ravel().tolist()}))`,
      [tmp.dir],
    );
    assert.deepEqual(got, { dtype: "object", values: all });
  });

  test("zarrita.js reads a v3 string array", async () => {
    const arr = await createStrings(new LocalStore(tmp.dir), "v3", {
      shape: [9],
      chunks: [4],
      compressor: codecs.GZip({ level: 5 }),
    });
    const all = values(9);
    await arr.set(undefined, all);
    // a reversed selection across chunks: a[7:2:-2] = ...
    await arr.set([slice(7, 2, -2)], ["x", "y", "z"]);
    for (const [k, at] of [7, 5, 3].entries()) all[at] = "xyz"[k];
    assert.deepEqual((await arr.get([slice(2, 8)])).data, all.slice(2, 8));
    const got = await zarritaRead(tmp.dir, "v3");
    assert.deepEqual(
      { dtype: got.dtype, shape: got.shape, values: got.values },
      { dtype: "string", shape: [9], values: all },
    );
  });

  test("fixed-width arrays stay read-only", async () => {
    const store = new MemoryStore();
    const enc = new TextEncoder();
    await store.set(
      "zarr.json",
      enc.encode(
        JSON.stringify({
          zarr_format: 3,
          node_type: "array",
          shape: [2],
          data_type: { name: "fixed_length_utf32", configuration: { length_bytes: 8 } },
          chunk_grid: { name: "regular", configuration: { chunk_shape: [2] } },
          chunk_key_encoding: { name: "default" },
          fill_value: "",
          codecs: [{ name: "bytes", configuration: { endian: "little" } }],
        }),
      ),
    );
    const arr = await open.array<"string">(store, "");
    await assert.rejects(arr.set(undefined, ["a", "b"]), UnsupportedError);
    assert.deepEqual(await store.list(""), ["zarr.json"], "nothing was written");
  });
});
