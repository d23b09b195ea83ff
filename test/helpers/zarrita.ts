/** zarrita.js (an independent JavaScript Zarr implementation) over a local directory. */
import { mkdir, open, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import * as zarr from "zarrita";

/** The minimal zarrita store protocol (absolute keys like "/a/zarr.json"), backed by plain fs calls. */
export function zarritaStore(root: string) {
  return {
    async get(key: string): Promise<Uint8Array | undefined> {
      try {
        return new Uint8Array(await readFile(join(root, key)));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw e;
      }
    },
    /** Range reads, which zarrita needs for sharded arrays. */
    async getRange(
      key: string,
      range: { offset: number; length: number } | { suffixLength: number },
    ): Promise<Uint8Array | undefined> {
      let file: Awaited<ReturnType<typeof open>>;
      try {
        file = await open(join(root, key), "r");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw e;
      }
      try {
        const size = (await file.stat()).size;
        const [offset, length] =
          "suffixLength" in range
            ? [size - range.suffixLength, range.suffixLength]
            : [range.offset, range.length];
        const out = new Uint8Array(length);
        await file.read(out, 0, length, offset);
        return out;
      } finally {
        await file.close();
      }
    },
    async set(key: string, value: Uint8Array): Promise<void> {
      await mkdir(dirname(join(root, key)), { recursive: true });
      await writeFile(join(root, key), value);
    },
  };
}

/**
 * Reads a whole array with zarrita; returns its values in C order as numbers/bigints (zarrita returns
 * F-ordered v2 arrays with F strides, so elements are gathered through the strides).
 */
export async function zarritaRead(root: string, path: string) {
  const arr = await zarr.open(zarr.root(zarritaStore(root)).resolve(path), { kind: "array" });
  const chunk = await zarr.get(arr);
  const data = chunk.data as ArrayLike<unknown> & { get?: (i: number) => unknown; length: number };
  const at = (i: number) => (data.get ? data.get(i) : data[i]);
  const { shape, stride } = chunk;
  const total = shape.reduce((a, b) => a * b, 1);
  const values: unknown[] = new Array(total);
  const index = new Array(shape.length).fill(0);
  for (let n = 0; n < total; n++) {
    values[n] = at(index.reduce((o, k, d) => o + k * stride[d], 0));
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return { shape, dtype: arr.dtype, values, attrs: arr.attrs };
}

export { zarr };
