/**
 * A store in a local directory: one file per key, "/" in keys becomes a sub-directory.
 * Writes go to a temporary file in the target's directory and are renamed over the target, so a reader
 * (or a crash) sees the old bytes or the new, never half a chunk.
 * Symbolic links inside the root are followed only while they stay inside it (see contain.ts): reads,
 * writes and deletes through a link that leaves the root fail with a KeyError, and listings never
 * follow directory links (so link loops cannot make them endless) and skip links that leave the root.
 */
import { randomUUID } from "node:crypto";
import {
  closeSync,
  type Dirent,
  existsSync,
  constants as fsConstants,
  fstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  writeSync,
} from "node:fs";
import {
  type FileHandle,
  link,
  lstat,
  mkdir,
  open,
  readdir,
  realpath,
  rename,
  rm,
  stat,
  unlink,
  writeFile,
} from "node:fs/promises";
import { basename, dirname, join, resolve, sep } from "node:path";
import { KeyError, StoreError, ZarrsmithError } from "../errors.js";
import { escapeError, isInside, realDirFor, realDirForNow, realInside } from "./contain.js";
import { normalizePath, validateKey } from "./keys.js";
import { checkRange, resolveRange } from "./range.js";
import { Slots } from "./slots.js";
import type { DeletableStore, ListableStore, RangeQuery, ThreadStore, WritableStore } from "./types.js";

/** Name prefix of in-flight writes; such files are invisible to listings and never valid keys. */
export const TEMP_PREFIX = ".zarrsmith-tmp-";

export interface LocalStoreOptions {
  /**
   * At most this many files open at once (reads, writes, directory reads). Callers may start
   * thousands of operations in parallel; this keeps them clear of the process's file-descriptor limit.
   * Default 64.
   */
  maxOpenFiles?: number;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Errors meaning "there is no file at this key" rather than "the disk failed". */
function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR";
}

function ioError(what: string, error: unknown, where: { key?: string; store?: string } = {}): ZarrsmithError {
  if (error instanceof ZarrsmithError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreError(`${what}: ${reason}`, { ...where, cause: error });
}

/** Reads `length` bytes at `position`, fewer if the file ends first. */
async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(out, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? out : out.subarray(0, done);
}

/** Reading never follows the file into a blocking open (a FIFO, a tty): O_NONBLOCK, harmless for files. */
const READ_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0);

/** Whether the kernel names open files (/proc/self/fd on Linux); undefined until the first try. */
const openedPaths: { available: boolean | undefined } = { available: undefined };

/**
 * The real path of an open file (symbolic links resolved by the kernel), or undefined without /proc.
 * A blocking call, in `get` too: readlink of /proc/self/fd is answered from the kernel's memory and
 * never waits on a disk, so a trip through libuv's pool would only add latency.
 */
function openedPath(fd: number): string | undefined {
  if (openedPaths.available === false) return undefined;
  try {
    const real = readlinkSync(`/proc/self/fd/${fd}`);
    openedPaths.available = real.startsWith("/");
    return openedPaths.available ? real : undefined;
  } catch {
    openedPaths.available = false;
    return undefined;
  }
}

/** The bytes (or a range) of an open key file; a directory is no key (undefined). */
async function readOpened(
  handle: FileHandle,
  info: Stats,
  key: string,
  range: RangeQuery | undefined,
): Promise<Uint8Array | undefined> {
  if (info.isDirectory()) return undefined;
  if (!info.isFile()) throw new KeyError(key, "is not a regular file");
  const { start, end } = range ? resolveRange(range, info.size) : { start: 0, end: info.size };
  return readAt(handle, start, end - start);
}

/** True when the file at `path` was last modified before `instant` (false once it is gone). */
async function modifiedBefore(path: string, instant: Date): Promise<boolean> {
  try {
    return (await lstat(path)).mtimeMs < instant.getTime();
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

export class LocalStore implements WritableStore, ListableStore, DeletableStore {
  /** The absolute directory holding the store. */
  readonly root: string;
  readonly description: string;
  /** Every `get` reads into a new array. */
  readonly returnsOwnBytes = true;
  /** What worker threads reopen this store from (see threadReads, threadWrites). */
  readonly #threadRef: ThreadStore;
  readonly #slots: Slots;
  /** The root's real path, once it exists (links in the root's own path are the caller's choice). */
  #realRoot: string | undefined;

  constructor(root: string, options: LocalStoreOptions = {}) {
    this.root = resolve(root);
    this.description = this.root;
    this.#threadRef = { kind: "local", root: this.root };
    this.#slots = new Slots(Math.max(1, options.maxOpenFiles ?? 64));
  }

  /** The file of a key. Checks the key before any disk access, and that the result stays inside the root. */
  #file(key: string): string {
    validateKey(key);
    for (const part of key.split("/")) {
      if (part.startsWith(TEMP_PREFIX)) {
        throw new KeyError(key, `segments starting with '${TEMP_PREFIX}' are reserved for temporary files`);
      }
    }
    return this.#inside(key, resolve(this.root, ...key.split("/")));
  }

  /** The directory of a folder-like prefix ("" is the root). */
  #folder(prefix: string): string {
    const p = normalizePath(prefix);
    return p === "" ? this.root : this.#inside(p, resolve(this.root, ...p.split("/")));
  }

  #inside(key: string, path: string): string {
    // validateKey already rules out escapes; this is the second lock on the door.
    const base = this.root.endsWith(sep) ? this.root : this.root + sep;
    if (!path.startsWith(base)) throw new KeyError(key, `resolves outside the store root ${this.root}`);
    return path;
  }

  /** The root's real path; undefined when it does not exist, unless `create` (then it is created). */
  async #root(create = false): Promise<string | undefined> {
    if (this.#realRoot !== undefined) return this.#realRoot;
    try {
      this.#realRoot = await realpath(this.root);
    } catch (error) {
      if (!isMissing(error) || !create) {
        if (isMissing(error)) return undefined;
        throw ioError(`cannot open the store root ${this.root}`, error, { store: this.root });
      }
      await mkdir(this.root, { recursive: true });
      this.#realRoot = await realpath(this.root);
    }
    return this.#realRoot;
  }

  /** The real path of an existing key's file (or folder), checked to be inside the root; undefined if missing. */
  async #existing(key: string, path: string): Promise<string | undefined> {
    const root = await this.#root();
    return root === undefined ? undefined : realInside(root, key, path);
  }

  async get(key: string, range?: RangeQuery): Promise<Uint8Array | undefined> {
    const path = this.#file(key);
    if (range) checkRange(range, key);
    return this.#slots.run(async () => {
      let file = path;
      try {
        const root = await this.#root();
        if (root === undefined) return undefined;
        let handle: FileHandle;
        if (openedPaths.available !== false) {
          // open first, then check what was opened (one readlink instead of a realpath walk, and no
          // window between the check and the open); O_NONBLOCK so that a FIFO cannot stall the open
          try {
            handle = await open(path, READ_FLAGS);
          } catch (error) {
            if (isMissing(error)) return undefined;
            throw error;
          }
          try {
            const real = openedPath(handle.fd);
            const info = await handle.stat();
            if (real === undefined) {
              await handle.close();
              return await this.#getChecked(key, path, range);
            }
            file = real;
            if (!isInside(root, real)) throw escapeError(key, real, root);
            return await readOpened(handle, info, key, range);
          } finally {
            await handle.close().catch(() => undefined);
          }
        }
        return await this.#getChecked(key, path, range);
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw ioError(`cannot read key ${JSON.stringify(key)} from ${file}`, error, {
          key,
          store: this.root,
        });
      }
    });
  }

  /**
   * Worker threads reopen the store from its root and read with `getNow`; not for a subclass or a
   * proxy whose `get` does something else (its reads must go through that `get`).
   */
  get threadReads(): ThreadStore | undefined {
    return this.get === LocalStore.prototype.get ? this.#threadRef : undefined;
  }

  /**
   * Worker threads reopen the store from its root and write chunks with `setNow`; not for a
   * subclass or a proxy whose `set` does something else (its writes must go through that `set`:
   * the CLI's Ctrl-C guard is such a proxy).
   */
  get threadWrites(): ThreadStore | undefined {
    return this.set === LocalStore.prototype.set ? this.#threadRef : undefined;
  }

  /**
   * `get` of a whole key with blocking calls, for a worker thread that reads a chunk and decodes it
   * at once and has nothing else to do meanwhile: each asynchronous file call crosses to libuv's
   * thread pool and back (open, readlink, fstat, read, close: about 350 µs of the calling thread per
   * chunk measured on a 2-core VM), which made the main thread the bottleneck of reads of a few
   * dozen chunks. The same checks as `get`: the opened file must lie inside the root. The bytes are
   * read into `reuse` when it is large enough (a view of it is returned); with `range`, only those
   * bytes (fewer where the file ends first).
   */
  getNow(
    key: string,
    reuse?: Uint8Array,
    range?: { offset: number; length: number },
  ): Uint8Array | undefined {
    const path = this.#file(key);
    let file = path;
    try {
      if (this.#realRoot === undefined) {
        try {
          this.#realRoot = realpathSync(this.root);
        } catch (error) {
          if (isMissing(error)) return undefined;
          throw error;
        }
      }
      const root = this.#realRoot;
      let fd: number;
      try {
        fd = openSync(path, READ_FLAGS);
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
      try {
        // the opened file's real path (checked after the open, as `get` does); without /proc the
        // path's, which a link swapped in between could change (as in `#getChecked`)
        file = openedPath(fd) ?? realpathSync(path);
        if (!isInside(root, file)) throw escapeError(key, file, root);
        const info = fstatSync(fd);
        if (info.isDirectory()) return undefined;
        if (!info.isFile()) throw new KeyError(key, "is not a regular file");
        const start = range ? Math.min(range.offset, info.size) : 0;
        const size = range ? Math.min(range.length, info.size - start) : info.size;
        const out = reuse && reuse.length >= size ? reuse.subarray(0, size) : new Uint8Array(size);
        let done = 0;
        while (done < out.length) {
          const n = readSync(fd, out, done, out.length - done, start + done);
          if (n === 0) break;
          done += n;
        }
        return done === out.length ? out : out.subarray(0, done);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw ioError(`cannot read key ${JSON.stringify(key)} from ${file}`, error, {
        key,
        store: this.root,
      });
    }
  }

  /** `get` where opened files cannot be named (no /proc): the real path is checked before opening. */
  async #getChecked(
    key: string,
    path: string,
    range: RangeQuery | undefined,
  ): Promise<Uint8Array | undefined> {
    const real = await this.#existing(key, path);
    if (real === undefined) return undefined;
    const handle = await open(real, READ_FLAGS);
    try {
      return await readOpened(handle, await handle.stat(), key, range);
    } finally {
      await handle.close();
    }
  }

  async has(key: string): Promise<boolean> {
    const file = this.#file(key);
    try {
      const real = await this.#existing(key, file);
      return real !== undefined && (await stat(real)).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw ioError(`cannot check key ${JSON.stringify(key)} at ${file}`, error, { key, store: this.root });
    }
  }

  /** Writes a temporary file next to the target, then renames it over the target (atomic on POSIX). */
  async set(key: string, value: Uint8Array): Promise<void> {
    let file = this.#file(key);
    await this.#slots.run(async () => {
      let tempExists = false;
      let temp = "";
      try {
        // Write into the real directory, so no link on the way can lead the file (or mkdir) outside.
        const dir = await realDirFor((await this.#root(true))!, this.root, key, dirname(file));
        file = join(dir, basename(file));
        temp = join(dir, `${TEMP_PREFIX}${randomUUID()}`);
        let handle: FileHandle;
        try {
          handle = await open(temp, "wx");
        } catch (error) {
          // Parent directories are created on demand: one failed open is cheaper than a mkdir per write.
          if (errorCode(error) !== "ENOENT") throw error;
          await mkdir(dir, { recursive: true });
          handle = await open(temp, "wx");
        }
        tempExists = true;
        try {
          await handle.writeFile(value);
        } finally {
          await handle.close();
        }
        await rename(temp, file);
        tempExists = false;
      } catch (error) {
        if (tempExists) await rm(temp, { force: true }).catch(() => {});
        throw this.#writeError(key, file, error);
      }
    });
  }

  /**
   * `set` with blocking calls, for a worker thread that has just encoded the chunk and has nothing
   * else to do meanwhile: the same temporary file, rename and checks as `set`. Written by the
   * workers, a 512^3 write's 512 chunk files cost no main-thread time, no trips through libuv's
   * pool and no moving of the encoded bytes back (1.30 s against 1.43-1.52 s in one A/B). `value`
   * may come in pieces, written one after another (a shard and its index, unassembled).
   */
  setNow(key: string, value: Uint8Array | readonly Uint8Array[]): void {
    let file = this.#file(key);
    let temp = "";
    let tempExists = false;
    try {
      if (this.#realRoot === undefined) {
        mkdirSync(this.root, { recursive: true });
        this.#realRoot = realpathSync(this.root);
      }
      const dir = realDirForNow(this.#realRoot, this.root, key, dirname(file));
      file = join(dir, basename(file));
      temp = join(dir, `${TEMP_PREFIX}${randomUUID()}`);
      let fd: number;
      try {
        fd = openSync(temp, "wx");
      } catch (error) {
        if (errorCode(error) !== "ENOENT") throw error;
        mkdirSync(dir, { recursive: true });
        fd = openSync(temp, "wx");
      }
      tempExists = true;
      try {
        for (const piece of value instanceof Uint8Array ? [value] : value)
          for (let done = 0; done < piece.length; ) done += writeSync(fd, piece, done, piece.length - done);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, file);
      tempExists = false;
    } catch (error) {
      if (tempExists) {
        try {
          rmSync(temp, { force: true });
        } catch {
          // the write's own error says more; a leftover temporary file is removed by cleanTemporaryFiles
        }
      }
      throw this.#writeError(key, file, error);
    }
  }

  #writeError(key: string, file: string, error: unknown): ZarrsmithError {
    const why = errorCode(error) === "EISDIR" ? ` (a directory is in the way)` : "";
    return ioError(`cannot write key ${JSON.stringify(key)} to ${file}${why}`, error, {
      key,
      store: this.root,
    });
  }

  /**
   * Creates `key` only if it does not exist: the bytes go to a temporary file that is then hard-linked
   * to the target, and link(2) fails if the target exists — so a reader never sees a partial file and
   * of two racing callers exactly one succeeds.
   */
  async setIfAbsent(key: string, value: Uint8Array): Promise<boolean> {
    const file = this.#file(key);
    const dir = dirname(file);
    const temp = join(dir, `${TEMP_PREFIX}${randomUUID()}`);
    return this.#slots.run(async () => {
      try {
        // A run resuming this store removes temporary files older than its start; file clocks are
        // coarse, so ours may go between write and link: then it is written again (link says ENOENT).
        for (let attempt = 1; ; attempt++) {
          try {
            await writeFile(temp, value, { flag: "wx" });
          } catch (error) {
            if (errorCode(error) !== "ENOENT") throw error;
            await mkdir(dir, { recursive: true });
            await writeFile(temp, value, { flag: "wx" });
          }
          try {
            await link(temp, file);
            return true;
          } catch (error) {
            if (errorCode(error) === "EEXIST") return false;
            if (errorCode(error) === "ENOENT" && attempt < 3 && !existsSync(temp)) continue;
            throw error;
          }
        }
      } catch (error) {
        throw ioError(`cannot create key ${JSON.stringify(key)} at ${file}`, error, {
          key,
          store: this.root,
        });
      } finally {
        await rm(temp, { force: true }).catch(() => {});
      }
    });
  }

  /** Removes temporary files under the root left by writes that never finished (see `cleanTemporaryFiles`). */
  removeTemporaryFiles(olderThan?: Date): Promise<number> {
    return LocalStore.cleanTemporaryFiles(this.root, olderThan);
  }

  async delete(key: string): Promise<void> {
    const file = this.#file(key);
    try {
      // unlink does not follow the last component; its directory must be inside the root.
      const dir = await this.#existing(key, dirname(file));
      if (dir !== undefined) await unlink(join(dir, basename(file)));
    } catch (error) {
      if (isMissing(error)) return;
      throw ioError(`cannot delete key ${JSON.stringify(key)} at ${file}`, error, { key, store: this.root });
    }
  }

  /** Removes every key under `prefix` (its whole directory); "" empties the store but keeps the root. */
  async deletePrefix(prefix: string): Promise<void> {
    let dir = this.#folder(prefix);
    try {
      // rm does not follow links below the folder; the folder's own parent must be inside the root, and
      // a folder that is itself a link loses the link only.
      if (dir === this.root) {
        const root = await this.#root();
        if (root === undefined) return;
        const names = await readdir(root);
        await Promise.all(names.map((name) => rm(join(root, name), { recursive: true, force: true })));
        return;
      }
      const parent = await this.#existing(prefix, dirname(dir));
      if (parent === undefined) return;
      dir = join(parent, basename(dir));
      const kind = await lstat(dir);
      if (kind.isSymbolicLink()) await unlink(dir);
      else if (kind.isDirectory()) await rm(dir, { recursive: true, force: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw ioError(`cannot delete prefix ${JSON.stringify(prefix)} at ${dir}`, error, {
        key: prefix,
        store: this.root,
      });
    }
  }

  /** Every key under `prefix`, sorted. Temporary files are skipped. */
  async list(prefix = ""): Promise<string[]> {
    const p = normalizePath(prefix);
    const out: string[] = [];
    // Sub-folders found by #readFolder are real directories (never links), so the walk cannot loop.
    const walk = async (dir: string, keyPrefix: string): Promise<void> => {
      const { files, folders } = await this.#readFolder(dir);
      for (const name of files) out.push(keyPrefix + name);
      await Promise.all(folders.map((name) => walk(join(dir, name), `${keyPrefix}${name}/`)));
    };
    const start = await this.#realFolder(p);
    if (start !== undefined) await walk(start, p === "" ? "" : `${p}/`);
    return out.sort();
  }

  async listDir(prefix = ""): Promise<{ keys: string[]; prefixes: string[] }> {
    const dir = await this.#realFolder(normalizePath(prefix));
    if (dir === undefined) return { keys: [], prefixes: [] };
    const { files, folders } = await this.#readFolder(dir);
    return { keys: files.sort(), prefixes: folders.sort() };
  }

  /** The real directory of a folder prefix, checked to be inside the root; undefined if missing. */
  async #realFolder(prefix: string): Promise<string | undefined> {
    try {
      return await this.#existing(prefix, this.#folder(prefix));
    } catch (error) {
      throw ioError(`cannot list ${JSON.stringify(prefix)}`, error);
    }
  }

  /**
   * One real directory's files and sub-directories; a missing directory is empty. A link to a file
   * inside the root counts as a file; directory links and links leaving the root are left out.
   */
  async #readFolder(dir: string): Promise<{ files: string[]; folders: string[] }> {
    let entries: Dirent[];
    try {
      entries = await this.#slots.run(() => readdir(dir, { withFileTypes: true }));
    } catch (error) {
      if (isMissing(error)) return { files: [], folders: [] };
      throw ioError(`cannot list ${dir}`, error);
    }
    const root = (await this.#root()) ?? this.root;
    const files: string[] = [];
    const folders: string[] = [];
    for (const entry of entries) {
      if (entry.name.startsWith(TEMP_PREFIX)) continue;
      if (entry.isSymbolicLink()) {
        const target = join(dir, entry.name);
        const real = await realpath(target).catch(() => undefined);
        if (real === undefined || !isInside(root, real)) continue;
        if ((await stat(real).catch(() => undefined))?.isFile()) files.push(entry.name);
      } else if (entry.isFile()) files.push(entry.name);
      else if (entry.isDirectory()) folders.push(entry.name);
    }
    return { files, folders };
  }

  async close(): Promise<void> {}

  /**
   * Removes temporary files left by writes that never finished (a crash, a killed process).
   * Safe only while nothing is writing to the store, or, with `olderThan`, while nothing that
   * started before that instant is: then only files last modified before it go. Returns how many
   * were removed.
   */
  static async cleanTemporaryFiles(root: string, olderThan?: Date): Promise<number> {
    let removed = 0;
    const walk = async (dir: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isMissing(error)) return;
        throw ioError(`cannot list ${dir}`, error);
      }
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.name.startsWith(TEMP_PREFIX) && !entry.isDirectory()) {
          if (olderThan && !(await modifiedBefore(path, olderThan))) continue;
          await rm(path, { force: true });
          removed++;
        } else if (entry.isDirectory()) {
          await walk(path);
        }
      }
    };
    await walk(resolve(root));
    return removed;
  }
}
