/**
 * The file readers' byte sources (the ByteSource type of store/types.ts) over plain files:
 * positional reads, the file opened at once so that a missing input is named before anything else
 * (gzip streams and PNG rows, which can only be produced front to back, are in streamed-bytes.ts).
 */
import { type FileHandle, open, stat } from "node:fs/promises";
import { NotFoundError, StoreError } from "../errors.js";
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

/** Size of a file in bytes; NotFoundError naming it when missing. */
export async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new NotFoundError(`no such file: ${path}`);
    throw e;
  }
}
