/**
 * Random-access bytes of a file: plain files through positional reads (gzip streams and PNG rows,
 * which can only be produced front to back, are in streamed-bytes.ts).
 */
import { type FileHandle, open, stat } from "node:fs/promises";
import { NotFoundError, ZarrsmithError } from "../errors.js";

export interface ByteSource {
  /** The file named in messages. */
  readonly name: string;
  size(): Promise<number>;
  /** Reads `length` bytes at `offset` into `into` (or a new array). Fails if the file ends first. */
  read(offset: number, length: number, into?: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}

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
    throw new ZarrsmithError("io", `cannot open ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** Reads exactly `length` bytes at `position`, looping over short reads. */
export async function readExactly(
  handle: FileHandle,
  name: string,
  position: number,
  length: number,
  into: Uint8Array = new Uint8Array(length),
): Promise<Uint8Array> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(into, done, length - done, position + done);
    if (bytesRead === 0) {
      throw new ZarrsmithError(
        "io",
        `${name} ends at byte ${position + done} but the data needs bytes up to ${position + length}: the file is truncated or its header is wrong`,
      );
    }
    done += bytesRead;
  }
  return into;
}

/** Positional reads of a plain file. */
export class FileBytes implements ByteSource {
  readonly name: string;
  #handle: FileHandle;
  #size: number | undefined;

  private constructor(name: string, handle: FileHandle) {
    this.name = name;
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
    return readExactly(this.#handle, this.name, offset, length, into);
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
