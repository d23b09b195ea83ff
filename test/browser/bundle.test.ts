/**
 * The package bundles for browsers and the bundle works: no Node built-ins or native modules in it,
 * arrays round-trip through its WASM / pure-JS codecs, and its chunks are interchangeable with
 * those of the Node build (native codecs).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { list } from "../helpers/list.js";
import { randomArray } from "../helpers/reference.js";
import { type Browser, type Bundle, bundle, loadNodeBuild, type NodeBuild } from "./bundle.js";

let b: Bundle;
let z: Browser;
let node: NodeBuild;

before(async () => {
  b = await bundle();
  z = await b.load();
  node = await loadNodeBuild();
});
after(() => b?.dispose());

describe("browser bundle", () => {
  test("builds with no errors, no Node built-ins and no native modules", () => {
    assert.equal(b.errors, 0);
    assert.deepEqual(b.warnings, []);
    for (const code of [b.code, b.workerCode]) {
      assert.doesNotMatch(code, /(?:from\s*|import\s*\(\s*|require\s*\(\s*)["']node:/, "a node: import");
      assert.doesNotMatch(code, /\.node["']/, "a native .node binary");
      assert.doesNotMatch(code, /worker_threads|availableParallelism/);
    }
    assert.ok(
      b.inputs.some((f) => f.endsWith("dist/browser.js")),
      "resolved the browser entry",
    );
    assert.ok(!b.inputs.some((f) => f.endsWith("dist/index.js")));
    assert.ok(b.inputs.some((f) => f.endsWith("concurrency/platform.browser.js")));
    assert.ok(b.inputs.some((f) => f.endsWith("concurrency/worker-port.browser.js")));
    for (const f of b.inputs) {
      assert.doesNotMatch(f, /store\/(local|zip|source)\.js$|\/sources\/|\/cli\//, `Node-only module ${f}`);
      assert.doesNotMatch(
        f,
        /zstd-napi|lz4-napi|@node-rs|compressjs|yauzl|yazl/,
        `native or Node package ${f}`,
      );
    }
    for (const m of ["zstd-napi", "lz4-napi", "@node-rs/crc32", "node:zlib", "compressjs"]) {
      assert.ok(
        b.disabled.some((d) => d.includes(m)),
        `${m} is mapped away by the "browser" field`,
      );
    }
  });

  test("exports the portable API and none of the Node-only one", () => {
    for (const name of [
      "open",
      "ZarrArray",
      "MemoryStore",
      "FetchStore",
      "HttpStore",
      "WorkerPool",
      "v2",
      "v3",
    ]) {
      assert.ok(name in z, name);
    }
    for (const name of ["ome", "pyramid", "render", "codecs", "slice", "ellipsis", "ndarray", "SpecError"]) {
      assert.ok(name in z, name);
    }
    for (const name of ["LocalStore", "ZipStore", "openSource", "fileSource"]) assert.ok(!(name in z), name);
    // the Node root is the browser entry plus the Node-only part
    for (const name of Object.keys(z)) {
      if (!name.endsWith("Backend")) assert.ok(name in node, `${name} also in the Node build`);
    }
  });

  test("uses the portable backends; the Node build keeps the native ones", async () => {
    assert.equal((await z.zstdBackend()).name, "numcodecs-wasm");
    assert.equal((await z.deflateBackend()).name, "fflate");
    assert.equal((await z.crc32Backend()).name, "js");
    assert.equal((await node.zstdBackend()).name, "zstd-napi");
    assert.equal(new z.WorkerPool().size, 0, "no Web Workers in Node: default pools run inline");
  });

  const V2 = {
    zstd: () => z.codecs.Zstd({ level: 5 }),
    "zstd-checksum": () => z.codecs.Zstd({ level: 3, checksum: true }),
    "blosc-zstd": () => z.codecs.Blosc({ cname: "zstd", clevel: 5, shuffle: 1 }),
    "blosc-lz4": () => z.codecs.Blosc({ cname: "lz4", shuffle: 2 }),
    gzip: () => z.codecs.GZip({ level: 6 }),
    lz4: () => z.codecs.LZ4(),
  };

  for (const [name, compressor] of Object.entries(V2)) {
    test(`v2 ${name}: set/get round trip`, async () => {
      const store = new z.MemoryStore();
      const arr = await z.v2.ArraySpec.parse({
        shape: [37, 29],
        chunks: [16, 10],
        dtype: "uint16",
        compressor: compressor(),
      }).toZarr(store, "a");
      const data = randomArray("uint16", [37, 29], 3);
      await arr.set(null, data, { workers: 0 });
      assert.deepEqual(list((await arr.get(null, { workers: 0 })).data), list(data.data));
      const part = await (await z.open.array(store, "a")).get([z.slice(5, 20), z.slice(3, 4)], {
        workers: 0,
      });
      assert.deepEqual(part.shape, [15, 1]);
      assert.equal(part.data[0], data.data[5 * 29 + 3]);
    });
  }

  test("v3 sharded (zstd inside, crc32c index): set/get round trip", async () => {
    const store = new z.MemoryStore();
    const arr = await z.v3.ArraySpec.parse({
      shape: [20, 33, 7],
      data_type: "float32",
      chunk_grid: { name: "regular", configuration: { chunk_shape: [10, 16, 7] } },
      codecs: [
        z.codecs.Sharding({
          chunk_shape: [5, 8, 7],
          codecs: [z.codecs.Bytes(), z.codecs.toV3Codec(z.codecs.Zstd({ level: 3 }), "float32")],
        }),
      ],
      fill_value: 0,
    }).toZarr(store, "s");
    const data = randomArray("float32", [20, 33, 7], 5);
    await arr.set(null, data, { workers: 0 });
    assert.deepEqual(list((await arr.get(null, { workers: 0 })).data), list(data.data));
    const reopened = await z.open.array(store, "s");
    assert.deepEqual(list((await reopened.get(null, { workers: 0 })).data), list(data.data));
  });

  test("bz2 fails with a clear CodecError instead of a bundling crash", async () => {
    const store = new z.MemoryStore();
    const arr = await z.v2.ArraySpec.parse({
      shape: [4],
      chunks: [4],
      dtype: "uint8",
      compressor: z.codecs.BZ2({ level: 1 }),
    }).toZarr(store, "b");
    await assert.rejects(
      arr.set(null, z.ndarray(new Uint8Array([1, 2, 3, 4]), [4]), { workers: 0 }),
      (e: Error) => {
        assert.ok(e instanceof z.CodecError, e.name);
        assert.match(e.message, /bz2 is not available/);
        return true;
      },
    );
  });

  describe("chunks are interchangeable with the Node build", () => {
    const cases = {
      "v2 zstd": (c: NodeBuild["codecs"]) => ({
        format: 2 as const,
        compressor: c.Zstd({ level: 7, checksum: true }),
      }),
      "v2 blosc-zstd": (c: NodeBuild["codecs"]) => ({
        format: 2 as const,
        compressor: c.Blosc({ cname: "zstd", clevel: 4, shuffle: 1 }),
      }),
      "v2 gzip": (c: NodeBuild["codecs"]) => ({ format: 2 as const, compressor: c.GZip({ level: 5 }) }),
      "v3 zstd+crc32c": (c: NodeBuild["codecs"]) => ({
        format: 3 as const,
        codecs: [c.Bytes(), c.toV3Codec(c.Zstd({ level: 3 }), "int32"), c.Crc32c()],
      }),
    };

    async function create(lib: Browser | NodeBuild, name: keyof typeof cases, store: unknown) {
      const c = cases[name](lib.codecs as NodeBuild["codecs"]);
      const s = store as InstanceType<Browser["MemoryStore"]>;
      if (c.format === 2) {
        return lib.v2.ArraySpec.parse({
          shape: [50, 40],
          chunks: [25, 20],
          dtype: "int32",
          compressor: c.compressor,
        }).toZarr(s, "x");
      }
      return lib.v3.ArraySpec.parse({
        shape: [50, 40],
        data_type: "int32",
        chunk_grid: { name: "regular", configuration: { chunk_shape: [25, 20] } },
        codecs: c.codecs,
        fill_value: 0,
      }).toZarr(s, "x");
    }

    type Readable = { list(p?: string): Promise<string[]>; get(k: string): Promise<Uint8Array | undefined> };

    /** Keys of stored chunks (not metadata). */
    async function chunkKeys(store: Readable) {
      return (await store.list("x")).filter((k) => !/(^|\/)(\.z\w+|zarr\.json)$/.test(k));
    }

    /** Every entry, to copy a hierarchy from one build's MemoryStore to the other's. */
    async function entries(store: Readable) {
      const out: Record<string, Uint8Array> = {};
      for (const k of await store.list()) out[k] = (await store.get(k))!;
      return out;
    }

    for (const name of Object.keys(cases) as Array<keyof typeof cases>) {
      test(name, async () => {
        const data = randomArray("int32", [50, 40], 11);
        // Node (native zstd, node:zlib, @node-rs/crc32) writes; the bundle reads.
        const nodeStore = new node.MemoryStore();
        await (await create(node, name, nodeStore)).set(null, data, { workers: 0 });
        const fromNode = await z.open.array(new z.MemoryStore(await entries(nodeStore)), "x");
        assert.deepEqual(
          list((await fromNode.get(null, { workers: 0 })).data),
          list(data.data),
          "bundle reads Node",
        );
        // The bundle (WASM zstd, fflate, JS crc32c) writes; Node reads.
        const pageStore = new z.MemoryStore();
        await (await create(z, name, pageStore)).set(null, data, { workers: 0 });
        const fromPage = await node.open.array(new node.MemoryStore(await entries(pageStore)), "x");
        assert.deepEqual(
          list((await fromPage.get(null, { workers: 0 })).data),
          list(data.data),
          "Node reads bundle",
        );
        assert.equal((await chunkKeys(nodeStore)).length, 4);
        assert.deepEqual(await chunkKeys(pageStore), await chunkKeys(nodeStore));
      });
    }
  });

  test("OME-Zarr metadata validates from the bundle", () => {
    const image = {
      multiscales: [
        {
          version: "0.4",
          axes: [
            { name: "y", type: "space", unit: "micrometer" },
            { name: "x", type: "space", unit: "micrometer" },
          ],
          datasets: [{ path: "0", coordinateTransformations: [{ type: "scale", scale: [0.5, 0.5] }] }],
        },
      ],
    };
    const ok = z.ome.validateAttributes(image);
    assert.equal(ok.valid, true, JSON.stringify(ok));
    const bad = z.ome.validateAttributes({
      multiscales: [{ ...image.multiscales[0], axes: [{ name: "y", type: "space" }] }],
    });
    assert.equal(bad.valid, false);
    // the same verdicts as the Node build
    assert.deepEqual(
      bad,
      node.ome.validateAttributes({
        multiscales: [{ ...image.multiscales[0], axes: [{ name: "y", type: "space" }] }],
      }),
    );
  });

  test("pyramid.write runs from the bundle with workers: 0", async () => {
    const values = Uint16Array.from({ length: 64 * 64 }, (_, i) => i);
    const source = {
      shape: [64, 64],
      dtype: "uint16" as const,
      read: async (region: ReadonlyArray<readonly [number, number]>) => {
        const [[y0, y1], [x0, x1]] = region;
        const out = new Uint16Array((y1 - y0) * (x1 - x0));
        for (let y = y0; y < y1; y++)
          out.set(values.subarray(y * 64 + x0, y * 64 + x1), (y - y0) * (x1 - x0));
        return z.ndarray(out, [y1 - y0, x1 - x0]);
      },
    };
    const store = new z.MemoryStore();
    const r = await z.pyramid.write(source, store, { axes: ["y", "x"], chunks: [32, 32], workers: 0 });
    assert.equal(r.levels.length, 2);
    assert.equal(
      z.ome.validateAttributes(JSON.parse(new TextDecoder().decode(await store.get(".zattrs")))).valid,
      true,
    );
  });
});
