/**
 * Hostile metadata (run in a child by metadata.test.ts): huge shapes, int64 fill values beyond 2^53,
 * unknown v3 extension fields, and a zip entry that declares 512 MiB.
 */
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import yazl from "yazl";
import { MemoryStore, open, type v3 } from "../../src/index.js";
import { ZipStore } from "../../src/store/zip.js";

const text = (s: string) => new TextEncoder().encode(s);
const arrayDoc = (extra: Record<string, unknown>, fill = "0", shape = "[4]", dtype = "int64") =>
  `{"zarr_format":3,"node_type":"array","shape":${shape},"data_type":"${dtype}","chunk_grid":{"name":"regular","configuration":{"chunk_shape":[4]}},"chunk_key_encoding":{"name":"default"},"fill_value":${fill},"codecs":[{"name":"bytes","configuration":{"endian":"little"}}]${Object.entries(
    extra,
  )
    .map(([k, v]) => `,"${k}":${JSON.stringify(v)}`)
    .join("")}}`;

async function storeWith(key: string, doc: string): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.set(key, text(doc));
  return store;
}

export const CASES = {
  hugeSelection: async () => {
    const store = await storeWith("a/zarr.json", arrayDoc({}, "0", "[1000000000000000]", "uint8"));
    return (await (await open.array(store, "a")).get()).data.length;
  },
  int64FillRead: async () => {
    const store = await storeWith("a/zarr.json", arrayDoc({}, "9007199254740993"));
    return String((await (await open.array(store, "a")).get()).data[0]);
  },
  int64FillRoundTrip: async () => {
    const store = await storeWith("a/zarr.json", arrayDoc({}, "-9223372036854775807"));
    const out = new MemoryStore();
    await ((await open.array(store, "a")).spec as v3.ArraySpec).toZarr(out, "b");
    return new TextDecoder().decode(await out.get("b/zarr.json")).match(/"fill_value": (\S+?),?\n/)?.[1];
  },
  uint64FillV2: async () => {
    const store = await storeWith(
      "c/.zarray",
      '{"zarr_format":2,"shape":[2],"chunks":[2],"dtype":"<u8","compressor":null,"fill_value":18446744073709551615,"order":"C","filters":null}',
    );
    return String((await (await open.array(store, "c")).get()).data[0]);
  },
  mustUnderstandTrue: async () => {
    const store = await storeWith("a/zarr.json", arrayDoc({ my_extension: { must_understand: true } }));
    return (await open.array(store, "a")).shape;
  },
  unknownFieldNoFlag: async () => {
    const store = await storeWith(
      "zarr.json",
      '{"zarr_format":3,"node_type":"group","attributes":{},"weird":1}',
    );
    return (await open(store)).path;
  },
  mustUnderstandFalse: async () => {
    const store = await storeWith(
      "zarr.json",
      '{"zarr_format":3,"node_type":"group","attributes":{},"ext":{"must_understand":false}}',
    );
    return (await open(store)).path;
  },
  /** A 1-entry zip whose deflated entry inflates to 320 MiB (about 0.3 MB stored). */
  zipBomb: async () => {
    const dir = await mkdtemp(join(tmpdir(), "zarrsmith-hostile-"));
    try {
      const path = join(dir, "bomb.zip");
      const zip = new yazl.ZipFile();
      const piece = Buffer.alloc(1 << 20);
      let left = 320;
      const zeros = new Readable({
        read() {
          this.push(left-- > 0 ? piece : null);
        },
      });
      zip.addReadStream(zeros, "c/0", { compress: true });
      zip.end();
      await new Promise<void>((done, fail) =>
        zip.outputStream.pipe(createWriteStream(path)).on("close", done).on("error", fail),
      );
      const store = await ZipStore.open(path);
      try {
        return (await store.get("c/0"))?.length;
      } finally {
        await store.close?.();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
