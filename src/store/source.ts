/**
 * Byte sources (the ByteSource type of types.ts) over a local file or bytes in memory: what a zip
 * reader, an S3 upload or a file reader reads through. Node only (the file system).
 */
import { type FileHandle, open } from "node:fs/promises";
import { StoreError } from "../errors.js";
import { exactRead, pastEnd } from "./range.js";
import type { ByteSource } from "./types.js";

/** Reads exactly `length` bytes of an open file at `position`, looping over short reads. */
export async function readFully(
  handle: FileHandle,
  description: string,
  position: number,
  length: number,
  into: Uint8Array = new Uint8Array(length),
): Promise<Uint8Array> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(into, done, length - done, position + done);
    if (bytesRead === 0) throw pastEnd(description, position + done, position + length);
    done += bytesRead;
  }
  return into;
}

/** A source over bytes already in memory. */
export function bytesSource(bytes: Uint8Array, description = "memory"): ByteSource {
  return {
    description,
    size: async () => bytes.byteLength,
    read: async (offset, length, into) =>
      exactRead(description, bytes.subarray(offset, offset + length), offset, length, into),
    close: async () => {},
  };
}

/** A source over a local file; the file is opened on first use and kept open until `close`. */
export function fileSource(path: string): ByteSource {
  let handle: Promise<FileHandle> | undefined;
  const file = () => {
    handle ??= open(path, "r").catch((error: unknown) => {
      handle = undefined;
      throw new StoreError(`cannot open ${path}: ${(error as Error).message}`, { store: path, cause: error });
    });
    return handle;
  };
  return {
    description: path,
    size: async () => (await (await file()).stat()).size,
    read: async (offset, length, into) => readFully(await file(), path, offset, length, into),
    async close() {
      const h = handle;
      handle = undefined;
      if (h) await (await h).close();
    },
  };
}
