/**
 * The file readers' byte sources (the ByteSource type of store/source.ts): plain files through
 * positional reads, opened at once so that a missing input is named before anything else; gzip
 * streams through a decompressed temporary copy.
 *
 * Why a temporary copy for gzip: a gzip stream can only be decoded from its start, and converters
 * read regions in whatever order their chunk grid asks for. Decoding once to disk keeps memory
 * bounded and makes every later region read a cheap range read; the copy is deleted on close.
 */
import { createReadStream, rmSync } from "node:fs";
import { type FileHandle, mkdtemp, open, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { createGunzip } from "node:zlib";
import { NotFoundError, StoreError, ZarrsmithError } from "../errors.js";
import { readFully } from "../store/source.js";
import type { ByteSource } from "../store/types.js";

/** Opens a file for reading, turning "no such file" into a NotFoundError that names it. */
export async function openFile(path: string): Promise<FileHandle> {
  try {
    return await open(path, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new NotFoundError(`no such file: ${path}`);
    if (code === "EISDIR") throw new NotFoundError(`${path} is a directory, not a file`);
    // an unreadable input is the caller's to fix (exit 2 in the CLI), like a missing one
    if (code === "EACCES" || code === "EPERM") throw new NotFoundError(`${path} is not readable (${code})`);
    throw new StoreError(`cannot open ${path}: ${(e as Error).message}`, { store: path, cause: e });
  }
}

/** Temporary folders still in use; removed at process exit if their source was never closed. */
const liveTempDirs = new Set<string>();
let exitHook = false;

function trackTempDir(dir: string): void {
  liveTempDirs.add(dir);
  if (exitHook) return;
  exitHook = true;
  process.once("exit", () => {
    for (const d of liveTempDirs) rmSync(d, { recursive: true, force: true });
  });
}

/** Positional reads of a plain file. */
export class FileBytes implements ByteSource {
  readonly description: string;
  #handle: FileHandle;
  #size: number | undefined;

  private constructor(path: string, handle: FileHandle) {
    this.description = path;
    this.#handle = handle;
  }

  static async open(path: string): Promise<FileBytes> {
    return new FileBytes(path, await openFile(path));
  }

  async size(): Promise<number> {
    this.#size ??= (await this.#handle.stat()).size;
    return this.#size;
  }

  read(offset: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
    return readFully(this.#handle, this.description, offset, length, into);
  }

  async close(): Promise<void> {
    await this.#handle.close().catch(() => {});
  }
}

/**
 * The decompressed bytes of a gzip stream that starts at `start` in a file (0 for .gz files,
 * after the text header for NRRD). Decompressed lazily, on the first call that needs it, and only
 * up to `limit` bytes when given (the size the file's header says the data has): a stream that
 * inflates further is cut there, so it cannot fill the temporary folder.
 */
export class GunzipBytes implements ByteSource {
  readonly description: string;
  #path: string;
  #start: number;
  #limit: number;
  #ready: Promise<{ bytes: FileBytes; dir: string }> | undefined;
  #closed = false;

  constructor(path: string, start = 0, limit = Number.POSITIVE_INFINITY) {
    this.description = path;
    this.#path = path;
    this.#start = start;
    this.#limit = limit;
  }

  #decompressed(): Promise<{ bytes: FileBytes; dir: string }> {
    if (this.#closed)
      throw new StoreError(`${this.description} was already closed`, { store: this.description });
    this.#ready ??= (async () => {
      const dir = await mkdtemp(join(tmpdir(), "zarrsmith-gunzip-"));
      trackTempDir(dir);
      const target = join(dir, `${basename(this.#path)}.raw`);
      try {
        await gunzipInto(this.#path, this.#start, target, this.#limit);
      } catch (e) {
        await rm(dir, { recursive: true, force: true });
        liveTempDirs.delete(dir);
        throw new StoreError(`cannot decompress ${this.#path}: ${(e as Error).message}`, {
          store: this.#path,
          cause: e,
        });
      }
      return { bytes: await FileBytes.open(target), dir };
    })();
    return this.#ready;
  }

  async size(): Promise<number> {
    return (await this.#decompressed()).bytes.size();
  }

  async read(offset: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
    const { bytes } = await this.#decompressed();
    try {
      return await bytes.read(offset, length, into);
    } catch (e) {
      // name the user's file, not the temporary copy
      if (e instanceof ZarrsmithError) {
        throw new StoreError(
          `${this.description} decompresses to ${await bytes.size()} bytes but the data needs bytes up to ${offset + length}: the file is truncated or its header is wrong`,
          { store: this.description },
        );
      }
      throw e;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const ready = this.#ready;
    this.#ready = undefined;
    if (!ready) return;
    const { bytes, dir } = await ready.catch(() => ({ bytes: undefined, dir: undefined }));
    await bytes?.close();
    if (dir) {
      await rm(dir, { recursive: true, force: true });
      liveTempDirs.delete(dir);
    }
  }
}

/**
 * Inflates the gzip stream at `start` of `path` into `target`, stopping after `limit` bytes: the
 * decompressor is destroyed there instead of inflating data nobody reads. Returns the bytes written.
 */
async function gunzipInto(path: string, start: number, target: string, limit: number): Promise<number> {
  const out = await open(target, "w");
  // created only now, after the last await before the loop, so their errors always have a reader
  const input = createReadStream(path, { start });
  const gunzip = createGunzip();
  input.on("error", (e) => gunzip.destroy(e));
  input.pipe(gunzip);
  let written = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const piece = chunk.subarray(0, Math.min(chunk.length, limit - written));
      await out.write(piece);
      written += piece.length;
      if (written >= limit) break;
    }
  } finally {
    input.destroy();
    gunzip.destroy();
    await out.close();
  }
  return written;
}

/** The first `length` decompressed bytes of a gzip file (fewer if it is shorter), without decoding the rest. */
export async function gunzipHead(path: string, length: number, start = 0): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let have = 0;
  const input = createReadStream(path, { start });
  const gunzip = createGunzip();
  try {
    for await (const chunk of input.pipe(gunzip) as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      have += chunk.length;
      if (have >= length) break;
    }
  } catch (e) {
    throw new StoreError(`cannot decompress ${path}: ${(e as Error).message}`, { store: path, cause: e });
  } finally {
    input.destroy();
    gunzip.destroy();
  }
  return new Uint8Array(Buffer.concat(chunks)).subarray(0, Math.min(have, length));
}

/** Size of a file in bytes; NotFoundError naming it when missing. */
export async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new NotFoundError(`no such file: ${path}`);
    throw e;
  }
}
