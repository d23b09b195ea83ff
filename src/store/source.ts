/**
 * Byte-range sources: "read bytes at an offset" of something with a size. Zip/.ozx stores read
 * their archive through one (a local file, bytes in memory, a URL read with HTTP ranges:
 * `httpSource`, an object in a bucket: `S3Store.source`), and so do the file readers in sources/
 * (TIFF, NIfTI, NRRD, npy, raw, PNG; a gzip stream through its decompressed copy).
 */
import { type FileHandle, open } from "node:fs/promises";
import { StoreError } from "../errors.js";

export interface ByteSource {
  /** Where the bytes come from (a path or URL), for messages. */
  readonly description: string;
  /** Total size in bytes. */
  size(): Promise<number>;
  /**
   * Exactly `length` bytes starting at `offset`, into `into` when given (else a new array). A range
   * past the end is a StoreError naming the source: the data is truncated or a header is wrong.
   */
  read(offset: number, length: number, into?: Uint8Array): Promise<Uint8Array>;
  /** Releases the source (closes a file handle). */
  close(): Promise<void>;
}

/** The error for a read that needs bytes past the end of `description`. */
export function pastEnd(description: string, end: number, needed: number): StoreError {
  return new StoreError(
    `${description} ends at byte ${end} but the data needs bytes up to ${needed}: the file is truncated or its header is wrong`,
    { store: description },
  );
}

/**
 * `bytes`, the answer to a read of `length` bytes at `offset`, checked to be complete and put into
 * `into` when given: what a source whose transport returns fresh arrays (memory, HTTP, S3) returns.
 */
export function exactRead(
  description: string,
  bytes: Uint8Array,
  offset: number,
  length: number,
  into?: Uint8Array,
): Uint8Array {
  if (bytes.byteLength < length) throw pastEnd(description, offset + bytes.byteLength, offset + length);
  const out = bytes.byteLength === length ? bytes : bytes.subarray(0, length);
  if (!into) return out;
  into.set(out);
  return into.subarray(0, length);
}

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
