/**
 * String arrays: zarr-python 2 writes v2 arrays of every string kind (`<U` in C and F order, `>U`,
 * `|S`, object arrays with the VLenUTF8 codec, with and without compressors, multi-chunk with
 * partial edge chunks, missing chunks, non-ASCII text) and `open` reads them as ZarrArrays of the
 * data type "string" that hold what NumPy reads — whole arrays and slices. Plus the decoders on
 * hand-made bytes, the v3 `string` data type, and string dtypes in the metadata models.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { decodeUtf32, decodeVlenUtf8, parseV2StringDType } from "../../src/dtype/strings.js";
import {
  CorruptChunkError,
  LocalStore,
  MemoryStore,
  open,
  type Selection,
  SpecError,
  slice,
  UnsupportedError,
  v2,
  v3,
  ZarrArray,
} from "../../src/index.js";
import { pythonJSON, tempDir } from "../helpers/python.js";
import { needs, pythonModules } from "../helpers/requirements.js";

/** One axis of a selection, shared by Python and TypeScript: an integer, null, or [start, stop, step]. */
type AxisSel = number | null | [number | null, number | null, number | null];

interface Case {
  name: string;
  /** Python expression creating the array in `root` (a zarr.DirectoryStore). */
  create: string;
  /** Python statement writing the values (array `z`). */
  fill: string;
  selections: AxisSel[][];
}

const CASES: Case[] = [
  {
    name: "u5_c",
    create:
      "zarr.open_array(root, mode='w', path='u5_c', shape=(7,), chunks=(3,), dtype='<U5', compressor=None)",
    fill: "z[:] = np.array(['a', 'µm', 'ü', '😀x', '', 'abcde', 'z😀'], dtype='<U5')",
    selections: [[[1, 6, null]], [[null, null, -2]], [4]],
  },
  {
    name: "u5_f",
    create:
      "zarr.open_array(root, mode='w', path='u5_f', shape=(5, 7), chunks=(2, 3), dtype='<U5', order='F', fill_value='nd')",
    fill: "z[:4, :] = np.array([[f'{chr(0x3b1 + i)}{j}' + '😀' * ((i + j) % 3) for j in range(7)] for i in range(4)], dtype='<U5')",
    selections: [
      [null, [1, 5, null]],
      [2, null],
      [
        [null, null, -1],
        [null, null, 3],
      ],
      [[3, 5, null], 6],
    ],
  },
  {
    name: "u3_be",
    create:
      "zarr.open_array(root, mode='w', path='u3_be', shape=(4, 3), chunks=(3, 2), dtype='>U3', compressor=numcodecs.Zlib(level=3))",
    fill: "z[:] = np.array([['ab', 'ü', 'µm'], ['', 'xyz', '😀'], ['q', 'rs', 't'], ['1', '22', '333']], dtype='>U3')",
    selections: [
      [
        [1, null, null],
        [null, 2, null],
      ],
      [null, 1],
    ],
  },
  {
    name: "s4",
    create:
      "zarr.open_array(root, mode='w', path='s4', shape=(10,), chunks=(4,), dtype='|S4', fill_value=b'zz')",
    fill: "z[0:4] = [b'ab', b'\\xe9t\\xe9', b'a\\x00b', b'']; z[8] = b'wxyz'",
    selections: [[[2, 9, null]], [[null, null, -3]]],
  },
  {
    name: "vlen_raw",
    create:
      "zarr.open_array(root, mode='w', path='vlen_raw', shape=(3, 4), chunks=(2, 3), dtype=object, object_codec=numcodecs.VLenUTF8(), compressor=None)",
    fill: "z[:] = np.array([['µm', 'ü', '😀', ''], ['plain', 'ñoño', '世界', 'a b'], ['x', '🚀🎉', 'long ' * 20, 'end']], dtype=object)",
    selections: [
      [1, null],
      [
        [null, null, 2],
        [1, 4, null],
      ],
      [null, 3],
    ],
  },
  {
    name: "vlen_zstd_f",
    create:
      "zarr.open_array(root, mode='w', path='vlen_zstd_f', shape=(3, 5), chunks=(2, 2), dtype=object, object_codec=numcodecs.VLenUTF8(), compressor=numcodecs.Zstd(level=3), order='F')",
    fill: "z[:] = np.array([[f'{i},{j}' + 'é' * j for j in range(5)] for i in range(3)], dtype=object)",
    selections: [
      [
        [1, 3, null],
        [null, null, -2],
      ],
      [2, [1, null, null]],
    ],
  },
  {
    name: "vlen_blosc",
    create:
      "zarr.open_array(root, mode='w', path='vlen_blosc', shape=(9,), chunks=(4,), dtype=str, compressor=numcodecs.Blosc(cname='zstd', clevel=5, shuffle=2))",
    fill: "z[:] = ['zero', 'one', 'two', 'three', 'µ', 'ü', '😀', '', 'eight']",
    selections: [[[3, 8, null]], [[null, null, -1]]],
  },
  {
    name: "u4_scalar",
    create: "zarr.open_array(root, mode='w', path='u4_scalar', shape=(), dtype='<U4')",
    fill: "z[...] = 'µ😀'",
    selections: [],
  },
];

const PY = `
import json, sys
import numpy as np, numcodecs, zarr
root = zarr.DirectoryStore(sys.argv[1])
cases = json.loads(sys.argv[2])

def plain(a):
    a = np.asarray(a)
    flat = a.reshape(-1).tolist()
    return [v.decode('latin1') if isinstance(v, bytes) else v for v in flat], list(a.shape)

def index(sel):
    return tuple(s if s is None or isinstance(s, int) else slice(*s) for s in sel)

out = {}
for c in cases:
    z = eval(c['create'])
    exec(c['fill'])
    z = zarr.open_array(root, mode='r', path=c['name'])
    values, shape = plain(z[...])
    sels = []
    for s in c['selections']:
        idx = tuple(slice(None) if a is None else a for a in index(s))
        # zarr-python 2 slices with steps >= 1 only; NumPy takes the rest from the whole array
        negative = any(isinstance(a, slice) and (a.step or 1) < 0 for a in idx)
        v, sh = plain(z[...][idx] if negative else z[idx])
        sels.append({'values': v, 'shape': sh})
    out[c['name']] = {'values': values, 'shape': shape, 'dtype': z.dtype.str, 'selections': sels}
print(json.dumps(out))
`;

interface Expected {
  values: string[];
  shape: number[];
  dtype: string;
  selections: Array<{ values: string[]; shape: number[] }>;
}

function toSelection(sel: AxisSel[]): Selection {
  return sel.map((a) => (a === null || typeof a === "number" ? a : slice(a[0], a[1], a[2])));
}

describe("string arrays: open reads what zarr-python 2 writes", {
  skip: needs(pythonModules("zarr")),
}, () => {
  const tmp = tempDir("zarrsmith-strings-");
  let expected: Record<string, Expected>;
  before(() => {
    expected = pythonJSON<Record<string, Expected>>(PY, [tmp.dir, JSON.stringify(CASES)]);
  });
  after(() => tmp.cleanup());

  for (const c of CASES) {
    test(c.name, async () => {
      const want = expected[c.name];
      const arr = await open.array<"string">(new LocalStore(tmp.dir), c.name);
      assert.ok(arr instanceof ZarrArray);
      assert.equal(arr.dtype, "string");
      assert.equal(arr.zarrFormat, 2);
      assert.deepEqual(arr.shape, want.shape);
      assert.equal(arr.storedDType, want.dtype);
      const all = await arr.get();
      assert.deepEqual(all, { data: want.values, shape: want.shape, dtype: "string" });
      for (const [i, sel] of c.selections.entries()) {
        const got = await arr.get(toSelection(sel));
        assert.deepEqual(got.shape, want.selections[i].shape, `${c.name} selection ${JSON.stringify(sel)}`);
        assert.deepEqual(got.data, want.selections[i].values, `${c.name} selection ${JSON.stringify(sel)}`);
      }
    });
  }

  test("fill values of missing chunks: |S base64, <U as given", async () => {
    const s4 = await open.array<"string">(new LocalStore(tmp.dir), "s4");
    assert.equal(s4.fillValue, "zz");
    const u5 = await open.array<"string">(new LocalStore(tmp.dir), "u5_f");
    assert.equal(u5.fillValue, "nd");
    assert.deepEqual((await u5.get([4, slice(0, 3)])).data, ["nd", "nd", "nd"]);
  });

  test("plain open and open.array return every string kind as a ZarrArray", async () => {
    const store = new LocalStore(tmp.dir);
    for (const c of CASES) {
      for (const opener of [open.array, open]) {
        const arr = await opener(store, c.name);
        assert.ok(arr instanceof ZarrArray, c.name);
        assert.equal(arr.dtype, "string", c.name);
        assert.ok(arr.is("string") && !arr.isNumeric(), c.name);
      }
    }
  });
});

describe("string arrays: v3 and errors", () => {
  const enc = new TextEncoder();
  function vlen(items: string[]): Uint8Array {
    const parts = items.map((s) => enc.encode(s));
    const out = new Uint8Array(4 + parts.reduce((n, p) => n + 4 + p.length, 0));
    const view = new DataView(out.buffer);
    view.setUint32(0, items.length, true);
    let pos = 4;
    for (const p of parts) {
      view.setUint32(pos, p.length, true);
      out.set(p, pos + 4);
      pos += 4 + p.length;
    }
    return out;
  }
  function v3Doc(extra: Record<string, unknown> = {}) {
    return {
      zarr_format: 3,
      node_type: "array",
      shape: [5],
      data_type: "string",
      chunk_grid: { name: "regular", configuration: { chunk_shape: [2] } },
      chunk_key_encoding: { name: "default", configuration: { separator: "/" } },
      fill_value: "-",
      codecs: [{ name: "vlen-utf8", configuration: {} }],
      attributes: { note: "hi" },
      ...extra,
    };
  }
  async function storeWith(doc: unknown, chunks: Record<string, Uint8Array>) {
    const store = new MemoryStore();
    await store.set("a/zarr.json", enc.encode(JSON.stringify(doc)));
    for (const [k, v] of Object.entries(chunks)) await store.set(`a/${k}`, v);
    return store;
  }

  test("v3 string: chunks, a missing chunk as the fill value, attributes, through plain open", async () => {
    const store = await storeWith(v3Doc(), { "c/0": vlen(["a", "µ"]), "c/2": vlen(["😀", ""]) });
    const arr = await open.array<"string">(store, "a");
    assert.deepEqual(arr.attrs, { note: "hi" });
    assert.equal(arr.fillValue, "-");
    assert.deepEqual((await arr.get()).data, ["a", "µ", "-", "-", "😀"]);
    assert.deepEqual((await arr.get([slice(null, null, -2)])).data, ["😀", "-", "a"]);
    assert.deepEqual(await arr.get([1]), { data: ["µ"], shape: [], dtype: "string" });
    const plain = await open(store, "a");
    assert.ok(plain instanceof ZarrArray && plain.is("string"));
    assert.deepEqual((await plain.get()).data, ["a", "µ", "-", "-", "😀"]);
  });

  test("v3 fixed_length_utf32 through the bytes codec", async () => {
    const bytes = new Uint8Array(2 * 8);
    const view = new DataView(bytes.buffer);
    for (const [i, cp] of [0x61, 0x1f600, 0x62, 0].entries()) view.setUint32(i * 4, cp, false);
    const store = await storeWith(
      v3Doc({
        shape: [2],
        data_type: { name: "fixed_length_utf32", configuration: { length_bytes: 8 } },
        codecs: [{ name: "bytes", configuration: { endian: "big" } }],
        fill_value: "",
      }),
      { "c/0": bytes },
    );
    assert.deepEqual((await (await open.array<"string">(store, "a")).get()).data, ["a😀", "b"]);
  });

  test("a numeric array is not a string array", async () => {
    const store = new MemoryStore();
    await store.set(
      "n/.zarray",
      enc.encode(
        JSON.stringify({
          zarr_format: 2,
          shape: [2],
          chunks: [2],
          dtype: "<u2",
          compressor: null,
          fill_value: 0,
          order: "C",
          filters: null,
        }),
      ),
    );
    const n = await open(store, "n");
    assert.ok(n instanceof ZarrArray && n.isNumeric() && !n.is("string"));
  });

  test("broken chunks and unsupported codecs fail clearly", async () => {
    const store = await storeWith(v3Doc(), { "c/0": vlen(["only one"]) });
    await assert.rejects((await open.array<"string">(store, "a")).get(), CorruptChunkError);
    const numeric = await storeWith(v3Doc({ codecs: [{ name: "bytes" }] }), {});
    await assert.rejects(open.array(numeric, "a"), UnsupportedError);
    const badLevel = await storeWith(
      v3Doc({ codecs: [{ name: "vlen-utf8" }, { name: "zstd", configuration: { level: "x" } }] }),
      {},
    );
    await assert.rejects(open.array(badLevel, "a"), SpecError);
  });

  test("string dtypes in the metadata models: parsed, with clear errors for what cannot work", () => {
    const u4 = v2.ArraySpec.parse({ shape: [3], chunks: [3], dtype: "<U4" });
    assert.equal(u4.dataType, "string");
    assert.deepEqual(u4.fixedWidth, { kind: "utf32", chars: 4 });
    // zarr-python's dtype=str: |O with the vlen-utf8 object codec, fill value ""
    const str = v2.ArraySpec.parse({ shape: [3], chunks: [3], dtype: "string" });
    assert.equal(str.dtype, "|O");
    assert.deepEqual(str.filters, [{ id: "vlen-utf8" }]);
    assert.equal(str.fillValue, "");
    const objectCodec = (e: unknown) =>
      e instanceof SpecError && e.issues.some((i) => i.path === "filters" && /object codec/.test(i.message));
    assert.throws(() => v2.ArraySpec.parse({ shape: [3], chunks: [3], dtype: "|O" }), objectCodec);
    assert.throws(
      () =>
        v2.ArraySpec.parse({
          shape: [3],
          chunks: [3],
          dtype: "|O",
          filters: [{ id: "vlen-utf8" }],
          fill_value: 0,
        }),
      (e: unknown) => e instanceof SpecError && e.issues.some((i) => i.path === "fill_value"),
    );
    assert.throws(
      () => v2.ArraySpec.parse({ shape: [3], chunks: [3], dtype: "<u2", filters: [{ id: "vlen-utf8" }] }),
      (e: unknown) => e instanceof SpecError && e.issues.some((i) => i.path === "filters[0].id"),
    );
    const doc = v3.ArraySpec.parse(v3Doc());
    assert.equal(doc.dataType, "string");
    assert.equal(doc.fillValue, "-");
    assert.deepEqual(v3.ArraySpec.create({ shape: [4], data_type: "string", chunks: [2] }).codecs[0], {
      name: "vlen-utf8",
      configuration: {},
    });
    assert.throws(
      () =>
        v3.ArraySpec.parse(
          v3Doc({
            codecs: [{ name: "numcodecs.delta", configuration: { dtype: "<i4" } }, { name: "vlen-utf8" }],
          }),
        ),
      SpecError,
    );
  });

  test("decoders", () => {
    assert.deepEqual(parseV2StringDType("<U7"), { kind: "utf32", chars: 7, endian: "little" });
    assert.deepEqual(parseV2StringDType("|S3"), { kind: "bytes", length: 3 });
    assert.deepEqual(parseV2StringDType("|O"), { kind: "object" });
    assert.equal(parseV2StringDType("<u2"), undefined);
    assert.deepEqual(decodeVlenUtf8(vlen(["", "ü", "🚀"]), 3), ["", "ü", "🚀"]);
    assert.throws(() => decodeVlenUtf8(vlen(["a"]).subarray(0, 6), 1));
    const le = new Uint8Array(8);
    new DataView(le.buffer).setUint32(0, 0xb5, true);
    assert.deepEqual(decodeUtf32(le, 2, 1, "little"), ["µ", ""]);
  });
});
