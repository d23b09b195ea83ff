/**
 * Gzip-compressed voxel data (.nii.gz, NRRD "encoding: gzip"), read straight from the compressed
 * file through node:zlib: no decompressed copy anywhere, memory bounded by the window, and never
 * more inflated than the header declares (see StreamedBytes for the read order and restarts).
 */
import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { StoreError } from "../errors.js";
import { FileBytes } from "./byte-source.js";
import { type ForwardStream, StreamedBytes } from "./streamed-bytes.js";

/** Window kept behind the stream when the caller gives no memory target. */
export const DEFAULT_GZIP_WINDOW = 64 * 2 ** 20;

/** The decompressed bytes of the gzip stream at `start` of `path`, from the beginning. */
function gunzipStream(path: string, start: number): ForwardStream {
  const input = createReadStream(path, { start });
  const gunzip = createGunzip();
  input.on("error", (e) => gunzip.destroy(e));
  input.pipe(gunzip);
  const pieces = (gunzip as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const release = () => {
    input.destroy();
    gunzip.destroy();
  };
  return {
    async next() {
      try {
        return await pieces.next();
      } catch (e) {
        release();
        throw new StoreError(`cannot decompress ${path}: ${(e as Error).message}`, { store: path, cause: e });
      }
    },
    async return() {
      release();
      return { done: true, value: undefined };
    },
  };
}

export interface GunzipOptions {
  /** Byte where the gzip stream starts in the file (after NRRD's text header; 0 for .gz files). */
  start?: number;
  /** Decompressed bytes the header declares: the stream must end exactly there. */
  size: number;
  /** Decompressed bytes kept in memory behind the stream (default 64 MiB). */
  window?: number;
  /** The header that declares `size`, for messages ("its NIfTI header describes"). */
  rule: string;
}

/**
 * Random-access reads of a gzip stream's decompressed bytes. When the stream is the whole file,
 * its trailer (ISIZE, the decompressed size mod 2^32) is compared with `size` first: a mismatch
 * (a stream going on past the data, a truncated one, or several gzip members) costs one pass that
 * inflates at most `size` bytes plus one piece and keeps nothing, and fails before any voxel is used.
 */
export async function openGunzip(path: string, options: GunzipOptions): Promise<StreamedBytes> {
  const start = options.start ?? 0;
  const bytes = new StreamedBytes({
    name: path,
    open: () => gunzipStream(path, start),
    size: options.size,
    window: Math.min(options.size, options.window ?? DEFAULT_GZIP_WINDOW),
    rule: options.rule,
  });
  const file = await FileBytes.open(path);
  let trailer: number | undefined;
  try {
    const fileSize = await file.size();
    if (fileSize - start >= 18) {
      const last = await file.read(fileSize - 4, 4);
      trailer = new DataView(last.buffer, last.byteOffset, 4).getUint32(0, true);
    }
  } finally {
    await file.close();
  }
  if (trailer !== options.size % 2 ** 32) {
    try {
      await bytes.verifyLength();
    } catch (e) {
      await bytes.close();
      throw e;
    }
  }
  return bytes;
}

/** The first `length` decompressed bytes of a gzip file (fewer if it is shorter), without decoding the rest. */
export async function gunzipHead(path: string, length: number, start = 0): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let have = 0;
  const stream = gunzipStream(path, start);
  try {
    while (have < length) {
      const next = await stream.next();
      if (next.done) break;
      chunks.push(next.value);
      have += next.value.length;
    }
  } finally {
    await stream.return?.();
  }
  return new Uint8Array(Buffer.concat(chunks)).subarray(0, Math.min(have, length));
}
