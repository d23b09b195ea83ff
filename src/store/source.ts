/**
 * Random-access byte sources: what a zip reader needs from "a file" — its size and reads at offsets.
 * A local path, bytes in memory, or (see `httpSource`) a URL read with HTTP ranges all fit.
 */
import { type FileHandle, open } from "node:fs/promises";
import { ZarrsmithError } from "../errors.js";

export interface RandomAccessSource {
  /** Total size in bytes. */
  size(): Promise<number>;
  /** `length` bytes starting at `offset`; fewer only at the end of the source. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Releases the source (closes a file handle). */
  close?(): Promise<void>;
  /** Where the bytes come from, for messages. */
  readonly description?: string;
}

/** A source over bytes already in memory. */
export function bytesSource(bytes: Uint8Array, description = "memory"): RandomAccessSource {
  return {
    description,
    size: async () => bytes.byteLength,
    read: async (offset, length) => bytes.subarray(offset, offset + length),
  };
}

/** A source over a local file; the file is opened on first use and kept open until `close`. */
export function fileSource(path: string): RandomAccessSource {
  let handle: Promise<FileHandle> | undefined;
  const file = () => {
    handle ??= open(path, "r").catch((error: unknown) => {
      handle = undefined;
      throw new ZarrsmithError("io", `cannot open ${path}: ${(error as Error).message}`, { cause: error });
    });
    return handle;
  };
  return {
    description: path,
    size: async () => (await (await file()).stat()).size,
    async read(offset, length) {
      const h = await file();
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await h.read(out, done, length - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === length ? out : out.subarray(0, done);
    },
    async close() {
      const h = handle;
      handle = undefined;
      if (h) await (await h).close();
    },
  };
}
