/**
 * Writing string arrays: v2 `|O` + VLenUTF8 and v3 `string` + `vlen-utf8`, whole and in part,
 * compressed and not; read back here, by zarr-python 2 (v2) and by zarrita.js (v3: zarr-python 2
 * does not read Zarr v3).
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { VlenUtf8Codec } from "../../src/codecs/strings/vlen-utf8.js";
import {
  codecs,
  LocalStore,
  MemoryStore,
  open,
  SpecError,
  StringArray,
  slice,
  UnsupportedError,
} from "../../src/index.js";
import { pythonJSON, tempDir } from "../helpers/python.js";
import { needs, pythonModules } from "../helpers/requirements.js";
import { zarritaRead } from "../helpers/zarrita.js";

const WORDS = ["", "a", "zarr", "Grüße", "日本語", "emoji 🧪", "x".repeat(300), "tab\tand\nnewline"];
const values = (n: number) => Array.from({ length: n }, (_, i) => `${WORDS[i % WORDS.length]}#${i}`);

test("vlen-utf8 layout: count, then length + UTF-8 bytes per item", () => {
  const bytes = new VlenUtf8Codec().encode(["ab", "", "é"]);
  assert.deepEqual([...bytes], [3, 0, 0, 0, 2, 0, 0, 0, 97, 98, 0, 0, 0, 0, 2, 0, 0, 0, 0xc3, 0xa9]);
  assert.deepEqual(new VlenUtf8Codec().decode(bytes, 3), ["ab", "", "é"]);
});

describe("StringArray.create + set", () => {
  for (const zarrFormat of [2, 3] as const) {
    test(`v${zarrFormat}: whole and partial writes read back, missing chunks read as the fill value`, async () => {
      const store = new MemoryStore();
      const arr = await StringArray.create(store, "s", {
        shape: [5, 7],
        chunks: [2, 3],
        zarrFormat,
        compressor: codecs.Zstd({ level: 3 }),
        fillValue: "-",
      });
      assert.deepEqual((await arr.get([0, slice(0, 2)])).data, ["-", "-"]);
      const all = values(35);
      await arr.set(undefined, all);
      await arr.set([slice(1, 4), 2], ["p", "q", "r"]);
      const want = [...all];
      for (const [k, v] of ["p", "q", "r"].entries()) want[(1 + k) * 7 + 2] = v;
      const back = await open.stringArray(store, "s");
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
    const arr = await StringArray.create(new MemoryStore(), "", { shape: [4], chunks: [2] });
    await assert.rejects(
      arr.set(undefined, ["a"]),
      (e: unknown) =>
        e instanceof SpecError && /values/.test(e.message + JSON.stringify((e as SpecError).issues)),
    );
  });
});

describe("string arrays written here read elsewhere", () => {
  const tmp = tempDir("zarrsmith-strwrite-");
  after(() => tmp.cleanup());

  test("zarr-python 2 reads a v2 |O vlen-utf8 array", { skip: needs(pythonModules("zarr")) }, async () => {
    const arr = await StringArray.create(new LocalStore(tmp.dir), "v2", {
      shape: [3, 5],
      chunks: [2, 2],
      zarrFormat: 2,
      compressor: codecs.Zstd({ level: 1 }),
    });
    const all = values(15);
    await arr.set(undefined, all);
    const got = pythonJSON<{ dtype: string; values: string[] }>(
      `import sys, json, zarr
z = zarr.open_array(sys.argv[1] + "/v2", mode="r")
print(json.dumps({"dtype": str(z.dtype), "values": z[...].ravel().tolist()}))`,
      [tmp.dir],
    );
    assert.deepEqual(got, { dtype: "object", values: all });
  });

  test("zarrita.js reads a v3 string array", async () => {
    const arr = await StringArray.create(new LocalStore(tmp.dir), "v3", {
      shape: [9],
      chunks: [4],
      compressor: codecs.GZip({ level: 5 }),
    });
    const all = values(9);
    await arr.set(undefined, all);
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
    const arr = await open.stringArray(store, "");
    await assert.rejects(arr.set(undefined, ["a", "b"]), UnsupportedError);
  });
});
