/**
 * Zip stores. Reading: any random-access byte source (a file, bytes, a URL read with ranges) through
 * yauzl; entries may be stored or deflated, stored ones are read in place (ranges cost one read).
 * Writing: `ZipStore.create` streams entries to disk through yazl as they are set; a zip cannot be
 * updated in place, so each key is written once and `close()` writes the central directory.
 * Layout follows zarr-python's ZipStore: keys are entry names at the zip root, no directory entries.
 */
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { access, mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";
import yazl from "yazl";
import { ExistsError, StoreError, UnsupportedError, ZarrsmithError } from "../errors.js";
import { type HttpStoreOptions, httpSource } from "./http.js";
import { normalizePath, validateKey } from "./keys.js";
import { childrenOf, keysUnder } from "./listing.js";
import { TEMP_PREFIX } from "./local.js";
import { checkRange, resolveRange, sliceRange } from "./range.js";
import { bytesSource, fileSource } from "./source.js";
import type {
  ByteSource,
  DeletableStore,
  ListableStore,
  RangeQuery,
  ReadableStore,
  WritableStore,
} from "./types.js";

/** Where a zip is read from: a local path, an http(s) URL (string or URL), bytes, or any random-access source. */
export type ZipSource = string | URL | Uint8Array | ByteSource;

export interface ZipStoreOptions extends HttpStoreOptions {
  /**
   * A folder inside the zip to use as the store root, for zips that wrap the store in a folder
   * (e.g. "data.zarr" when the zip was made from the store's parent directory). Default: the zip root.
   */
  root?: string;
  /**
   * The most bytes inflated for one read of a deflated entry (its declared size, or the end of the
   * range asked for). Zip entries declare their size, but a 1 MB entry may declare 1 GiB: without a
   * cap one read could take that much memory. Default 256 MiB.
   */
  maxInflatedBytes?: number;
}

export interface ZipCreateOptions {
  /** Deflate entries. Default false: chunks are usually compressed already, and stored entries can be read in ranges. */
  compress?: boolean;
  /** Replace an existing file at the path (only when `close()` succeeds). Default false. */
  overwrite?: boolean;
  /** Write ZIP64 records for every entry and the end of the archive whatever their sizes (RFC-9 asks for it). Default false. */
  zip64?: boolean;
  /** The archive comment (UTF-8 when given as a string). */
  comment?: string | Uint8Array;
}

const STORED = 0;
const DEFLATED = 8;

/** Stored entries up to this size are read with their local header in one read (ranges of them: up to the second). */
const SINGLE_READ_MAX = 4 * 1024 * 1024;
const SINGLE_READ_RANGED_MAX = 64 * 1024;

/** Small reads (yauzl's header reads) are served from blocks of this size: one request per block, not per header. */
const READ_AHEAD = 256 * 1024;

function toSource(source: ZipSource, options: ZipStoreOptions): ByteSource {
  if (source instanceof Uint8Array) return bytesSource(source);
  if (source instanceof URL)
    return source.protocol === "file:" ? fileSource(source.pathname) : httpSource(source, options);
  if (typeof source === "string")
    return /^https?:\/\//i.test(source) ? httpSource(source, options) : fileSource(source);
  return source;
}

/**
 * Adapts a ByteSource to yauzl's reader, with a one-block cache for its many small header
 * reads, and pinned spans (bytes read once for several reads: an entry's header with its data, or
 * all metadata entries of an .ozx).
 */
class SourceReader extends yauzl.RandomAccessReader {
  #block: { start: number; bytes: Uint8Array } | undefined;
  readonly pinned = new Set<{ start: number; bytes: Uint8Array }>();

  constructor(
    readonly source: ByteSource,
    readonly size: number,
  ) {
    super();
  }

  /** The bytes [start, end) when a pinned span holds them all. */
  pinnedRange(start: number, end: number): Uint8Array | undefined {
    for (const pin of this.pinned) {
      if (start >= pin.start && end <= pin.start + pin.bytes.byteLength)
        return pin.bytes.subarray(start - pin.start, end - pin.start);
    }
    return undefined;
  }

  async readRange(start: number, end: number): Promise<Uint8Array> {
    const pinned = this.pinnedRange(start, end);
    if (pinned) return pinned;
    const cached = this.#block;
    if (cached && start >= cached.start && end <= cached.start + cached.bytes.byteLength) {
      return cached.bytes.subarray(start - cached.start, end - cached.start);
    }
    if (end - start >= READ_AHEAD) return this.source.read(start, end - start);
    const blockEnd = Math.min(this.size, start + READ_AHEAD);
    const bytes = await this.source.read(start, blockEnd - start);
    this.#block = { start, bytes };
    return bytes.subarray(0, end - start);
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const read = () => this.readRange(start, end);
    return Readable.from(
      (async function* () {
        const bytes = await read();
        yield Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      })(),
      { objectMode: false },
    );
  }

  override close(callback: (err: Error | null) => void): void {
    Promise.resolve(this.source.close?.()).then(
      () => callback(null),
      (error: Error) => callback(error),
    );
  }
}

/** The first `length` bytes of `stream`, copied into one buffer as they arrive (then the stream is stopped). */
async function collect(stream: Readable, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let at = 0;
  for await (const part of stream) {
    const piece = part as Buffer;
    const n = Math.min(piece.length, length - at);
    out.set(piece.subarray(0, n), at);
    at += n;
    if (at >= length) break; // leaving the loop destroys the stream
  }
  if (at < length) throw new Error(`the entry ended after ${at} of ${length} bytes`);
  return out;
}

function zipError(
  what: string,
  error: unknown,
  where: { key?: string; store?: string } = {},
): ZarrsmithError {
  if (error instanceof ZarrsmithError) return error;
  return new StoreError(`${what}: ${(error as Error).message}`, { ...where, cause: error });
}

/** A read-only store over a zip file. Open with `ZipStore.open`; write new zips with `ZipStore.create`. */
export class ZipStore implements ReadableStore, ListableStore {
  readonly description: string;
  readonly #zip: yauzl.ZipFile;
  readonly #reader: SourceReader;
  readonly #entries: Map<string, yauzl.Entry>;
  /** Where each entry's data starts, found from its local header on first read. */
  readonly #dataStart = new Map<string, Promise<number>>();
  readonly #maxInflated: number;

  private constructor(
    zip: yauzl.ZipFile,
    reader: SourceReader,
    entries: Map<string, yauzl.Entry>,
    maxInflated: number,
  ) {
    this.#maxInflated = maxInflated;
    this.#zip = zip;
    this.#reader = reader;
    this.#entries = entries;
    this.description = reader.source.description ?? "zip";
  }

  /**
   * Reads the central directory of a zip. Directory entries are skipped, and so are entries whose
   * names are not valid store keys; yauzl refuses zips with absolute or ".." entry names.
   */
  static async open(source: ZipSource, options: ZipStoreOptions = {}): Promise<ZipStore> {
    const src = toSource(source, options);
    const where = src.description ?? "zip";
    const root = normalizePath(options.root ?? "");
    const head = root === "" ? "" : `${root}/`;
    try {
      const reader = new SourceReader(src, await src.size());
      const zip = await yauzl.fromRandomAccessReaderPromise(reader, reader.size, {
        lazyEntries: true,
        autoClose: false,
      });
      // yauzl re-emits reader errors on the ZipFile; ours reach callers through the calls that caused them.
      zip.on("error", () => {});
      const entries = new Map<string, yauzl.Entry>();
      try {
        for await (const entry of zip.eachEntry()) {
          const name = entry.fileName;
          if (name.endsWith("/") || !name.startsWith(head)) continue;
          const key = name.slice(head.length);
          try {
            validateKey(key);
          } catch {
            continue;
          }
          entries.set(key, entry);
        }
      } catch (error) {
        zip.close();
        throw error;
      }
      return new ZipStore(zip, reader, entries, options.maxInflatedBytes ?? 256 * 2 ** 20);
    } catch (error) {
      await src.close?.().catch(() => {});
      throw zipError(`cannot read zip ${where}`, error);
    }
  }

  /** Starts writing a new zip at `path`; see ZipStoreWriter. */
  static create(path: string, options: ZipCreateOptions = {}): Promise<ZipStoreWriter> {
    return ZipStoreWriter.create(path, options);
  }

  /** The number of keys (file entries) in the zip. */
  get size(): number {
    return this.#entries.size;
  }

  /** The archive comment (as yauzl decodes it: CP437, which is ASCII for ASCII text). */
  get comment(): string {
    return this.#zip.comment;
  }

  /** The keys in the order of the central directory. */
  get centralDirectoryOrder(): string[] {
    return [...this.#entries.keys()];
  }

  /** Where each entry's local header starts, by key, in the order of the central directory. */
  get localHeaderOffsets(): Map<string, number> {
    return new Map([...this.#entries].map(([k, e]) => [k, e.relativeOffsetOfLocalHeader]));
  }

  /**
   * Reads the span of the file holding the entries `keys` (headers and data) in one read and keeps
   * it, so their later reads cost no request — for archives that store them next to each other,
   * as RFC-9 asks .ozx files to store their metadata. Skipped (false) when the span would exceed
   * `maxBytes` (default 8 MiB).
   */
  async preload(keys: string[], maxBytes = 8 * 1024 * 1024): Promise<boolean> {
    const entries = keys.map((k) => this.#entries.get(k)).filter((e): e is yauzl.Entry => e !== undefined);
    if (entries.length === 0) return false;
    const offsets = [...this.#entries.values()]
      .map((e) => e.relativeOffsetOfLocalHeader)
      .sort((a, b) => a - b);
    let start = Number.POSITIVE_INFINITY;
    let end = 0;
    for (const e of entries) {
      start = Math.min(start, e.relativeOffsetOfLocalHeader);
      end = Math.max(end, this.#spanEnd(e, offsets));
    }
    end = Math.min(end, this.#reader.size);
    if (end - start > maxBytes) return false;
    const bytes = await this.#reader.source.read(start, end - start);
    this.#reader.pinned.add({ start, bytes });
    return true;
  }

  /** Where an entry ends: the next local header, or (for the last one) its header, data and some room for a data descriptor. */
  #spanEnd(entry: yauzl.Entry, sortedOffsets: number[]): number {
    const at = entry.relativeOffsetOfLocalHeader;
    const next = sortedOffsets.find((o) => o > at);
    // Local extra fields can differ from the central directory's; 64 bytes covers ZIP64 extras and a descriptor.
    const guess = at + 30 + entry.fileNameLength + entry.extraFieldLength + entry.compressedSize + 64;
    return next !== undefined ? Math.min(next, guess + 1024) : guess;
  }

  async get(key: string, range?: RangeQuery): Promise<Uint8Array | undefined> {
    validateKey(key);
    if (range) checkRange(range, key);
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    const what = `cannot read ${JSON.stringify(key)} from zip ${this.description}`;
    if (entry.isEncrypted()) throw new UnsupportedError(`${what}: the entry is encrypted`);
    if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
      throw new UnsupportedError(
        `${what}: compression method ${entry.compressionMethod} (only stored and deflate)`,
      );
    }
    // A stored entry not read before: its header and data in one read instead of two (for a
    // range of a big entry, e.g. a shard's index, the header alone: the rest is not wanted).
    let pin: { start: number; bytes: Uint8Array } | undefined;
    if (
      entry.compressionMethod === STORED &&
      !this.#dataStart.has(key) &&
      entry.compressedSize <= (range ? SINGLE_READ_RANGED_MAX : SINGLE_READ_MAX) &&
      !this.#reader.pinnedRange(entry.relativeOffsetOfLocalHeader, entry.relativeOffsetOfLocalHeader + 30)
    ) {
      const at = entry.relativeOffsetOfLocalHeader;
      const end = Math.min(
        this.#reader.size,
        at + 30 + entry.fileNameLength + entry.extraFieldLength + entry.compressedSize + 64,
      );
      try {
        pin = { start: at, bytes: await this.#reader.source.read(at, end - at) };
      } catch (error) {
        throw zipError(what, error, { key, store: this.description });
      }
      this.#reader.pinned.add(pin);
    }
    try {
      const start = await this.#dataStartOf(key, entry);
      const { start: from, end } = range
        ? resolveRange(range, entry.uncompressedSize)
        : { start: 0, end: entry.uncompressedSize };
      if (entry.compressionMethod === STORED) {
        if (end === from) return new Uint8Array(0);
        const bytes =
          this.#reader.pinnedRange(start + from, start + end)?.slice() ??
          (await this.#reader.source.read(start + from, end - from));
        if (bytes.byteLength !== end - from) throw new Error("the zip is truncated");
        return bytes;
      }
      // Deflated: inflate from the start up to the end of what is asked for, and no further.
      if (end > this.#maxInflated) {
        throw new StoreError(
          `${what}: reading it means inflating ${end} bytes (the entry declares ${entry.uncompressedSize} from ${entry.compressedSize} compressed), more than maxInflatedBytes ${this.#maxInflated}`,
          { key, store: this.description },
        );
      }
      // The callback form: yauzl 3.4's openReadStreamLowLevelPromise forwards to the wrong method.
      const stream = await new Promise<Readable>((done, fail) =>
        this.#zip.openReadStreamLowLevel(
          start,
          entry.compressedSize,
          0,
          entry.compressedSize,
          true,
          entry.uncompressedSize,
          (error, readable) => (error ? fail(error) : done(readable)),
        ),
      );
      const bytes = await collect(stream, end);
      return range ? bytes.subarray(from, end) : bytes;
    } catch (error) {
      throw zipError(what, error, { key, store: this.description });
    } finally {
      if (pin) this.#reader.pinned.delete(pin);
    }
  }

  #dataStartOf(key: string, entry: yauzl.Entry): Promise<number> {
    let start = this.#dataStart.get(key);
    if (!start) {
      start = this.#zip.readLocalFileHeaderPromise(entry, { minimal: true }).then((h) => h.fileDataStart);
      start.catch(() => this.#dataStart.delete(key));
      this.#dataStart.set(key, start);
    }
    return start;
  }

  async has(key: string): Promise<boolean> {
    return this.#entries.has(validateKey(key));
  }

  async list(prefix = ""): Promise<string[]> {
    return keysUnder(this.#entries.keys(), prefix);
  }

  async listDir(prefix = ""): Promise<{ keys: string[]; prefixes: string[] }> {
    return childrenOf(this.#entries.keys(), prefix);
  }

  /** Releases the source (closes the file) once reads in flight are done. */
  async close(): Promise<void> {
    if (!this.#zip.isOpen) return;
    const closed = new Promise<void>((done, fail) => {
      this.#reader.once("close", done);
      this.#reader.once("error", fail);
    });
    this.#zip.close();
    await closed;
  }
}

/** Bytes a zip writer lets wait in its output stream before `set` waits for the file to take them. */
const MAX_BACKLOG = 8 * 1024 * 1024;

/** Metadata documents are kept in memory while writing, so a hierarchy can read back what it created. */
const METADATA_NAME = /(^|\/)(zarr\.json|\.zarray|\.zgroup|\.zattrs|\.zmetadata)$/;

/**
 * The absolute path of a file to be written at `path`, with its folder created; an existing file
 * is an ExistsError unless `overwrite` (it is then replaced only when the new file is complete).
 */
export async function claimFileTarget(path: string, overwrite: boolean | undefined): Promise<string> {
  const target = resolve(path);
  if (!overwrite) {
    const exists = await access(target).then(
      () => true,
      () => false,
    );
    if (exists) throw new ExistsError(`${target} already exists; pass overwrite: true to replace it`);
  }
  await mkdir(dirname(target), { recursive: true });
  return target;
}

/** A fresh temporary file name next to `target` (swept by LocalStore.cleanTemporaryFiles). */
export function tempPathNextTo(target: string, suffix = ""): string {
  return join(dirname(target), `${TEMP_PREFIX}${randomUUID()}-${basename(target)}${suffix}`);
}

/**
 * Writes a zip, one entry per `set`, streamed to a temporary file next to the target and renamed
 * into place by `close()` — an interrupted write never leaves a half zip at the path.
 * Each `set` resolves once its bytes have been handed to the zip stream, which bounds memory.
 * Reading back is limited to metadata documents; chunks are write-only until the zip is reopened.
 */
export class ZipStoreWriter implements WritableStore, ListableStore, DeletableStore {
  readonly path: string;
  readonly description: string;
  readonly #temp: string;
  readonly #zip: yazl.ZipFile;
  readonly #compress: boolean;
  readonly #zip64: boolean;
  readonly #comment: Buffer | undefined;
  readonly #written = new Set<string>();
  readonly #metadata = new Map<string, Uint8Array>();
  readonly #pending = new Set<(error: unknown) => void>();
  readonly #done: Promise<void>;
  #failure: unknown;
  #closed: Promise<void> | undefined;

  private constructor(
    path: string,
    temp: string,
    zip: yazl.ZipFile,
    done: Promise<void>,
    options: ZipCreateOptions,
  ) {
    this.path = path;
    this.description = path;
    this.#temp = temp;
    this.#zip = zip;
    this.#compress = options.compress ?? false;
    this.#zip64 = options.zip64 ?? false;
    const comment = options.comment;
    this.#comment =
      comment === undefined
        ? undefined
        : Buffer.from(typeof comment === "string" ? new TextEncoder().encode(comment) : comment);
    this.#done = done;
    done.catch((error) => this.#fail(error));
    zip.on("error", (error) => this.#fail(error));
  }

  static async create(path: string, options: ZipCreateOptions = {}): Promise<ZipStoreWriter> {
    const target = await claimFileTarget(path, options.overwrite);
    const temp = tempPathNextTo(target);
    const file = createWriteStream(temp, { flags: "wx" });
    await new Promise<void>((opened, fail) => {
      file.once("open", () => opened());
      file.once("error", (error) => fail(zipError(`cannot create ${temp}`, error)));
    });
    const zip = new yazl.ZipFile();
    const done = pipeline(zip.outputStream, file);
    return new ZipStoreWriter(target, temp, zip, done, options);
  }

  #fail(error: unknown): void {
    if (this.#failure !== undefined) return;
    this.#failure = zipError(`writing zip ${this.path} failed`, error);
    for (const reject of this.#pending) reject(this.#failure);
    this.#pending.clear();
    (this.#zip.outputStream as Readable).destroy();
  }

  #checkOpen(what: string): void {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#closed)
      throw new StoreError(`cannot ${what}: zip ${this.path} is closed`, { store: this.path });
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    validateKey(key);
    this.#checkOpen(`write ${JSON.stringify(key)}`);
    if (this.#written.has(key)) {
      throw new ExistsError(
        `zip ${this.path} already has an entry ${JSON.stringify(key)}: zip files cannot replace entries, write each key once`,
      );
    }
    await this.#backlogBelow(MAX_BACKLOG);
    // yazl keeps every entry (and so the closure below) until the end for the central directory:
    // the bytes are held in a box emptied once handed over, or a whole zip would stay in memory.
    const box: { data?: Buffer } = { data: Buffer.from(value.buffer, value.byteOffset, value.byteLength) };
    const metadataCopy = METADATA_NAME.test(key) ? value.slice() : undefined;
    const options = {
      compress: this.#compress,
      size: value.byteLength,
      mode: 0o100644,
      forceZip64Format: this.#zip64,
    };
    await new Promise<void>((done, fail) => {
      this.#pending.add(fail);
      const settle = (error?: unknown) => {
        this.#pending.delete(fail);
        if (error === undefined) done();
        else
          fail(
            zipError(`cannot write ${JSON.stringify(key)} to zip ${this.path}`, error, {
              key,
              store: this.path,
            }),
          );
      };
      try {
        this.#zip.addReadStreamLazy(key, options, (give) => {
          const data = box.data ?? Buffer.alloc(0);
          box.data = undefined;
          const stream = Readable.from(data.byteLength > 0 ? [data] : [], { objectMode: false });
          stream.once("end", () => settle());
          stream.once("error", settle);
          give(null, stream);
        });
      } catch (error) {
        settle(error);
        return;
      }
      this.#written.add(key);
      if (metadataCopy) this.#metadata.set(key, metadataCopy);
    });
  }

  /**
   * Waits while more than `limit` bytes sit in yazl's output stream, not yet taken by the file. A
   * single-chunk entry is handed over whole (pipes only pause sources between chunks), so without
   * this a disk slower than the producer would let every entry pile up in memory.
   */
  async #backlogBelow(limit: number): Promise<void> {
    const out = this.#zip.outputStream as Readable & { writableLength?: number };
    while (this.#failure === undefined && out.readableLength + (out.writableLength ?? 0) > limit) {
      await new Promise((wake) => setTimeout(wake, 2));
    }
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Metadata documents written so far; undefined for keys not written; chunks cannot be read back. */
  async get(key: string, range?: RangeQuery): Promise<Uint8Array | undefined> {
    validateKey(key);
    if (range) checkRange(range, key);
    const meta = this.#metadata.get(key);
    if (meta) return sliceRange(meta, range);
    if (!this.#written.has(key)) return undefined;
    throw new UnsupportedError(
      `cannot read ${JSON.stringify(key)} back from zip ${this.path} while writing it; close and reopen with ZipStore.open`,
    );
  }

  async has(key: string): Promise<boolean> {
    return this.#written.has(validateKey(key));
  }

  /** Deleting a key that was never written is a no-op; written entries cannot be removed from a zip. */
  async delete(key: string): Promise<void> {
    if (!this.#written.has(validateKey(key))) return;
    throw new UnsupportedError(
      `cannot delete ${JSON.stringify(key)}: zip ${this.path} cannot remove written entries`,
    );
  }

  async deletePrefix(prefix: string): Promise<void> {
    const keys = keysUnder(this.#written, prefix);
    if (keys.length === 0) return;
    throw new UnsupportedError(
      `cannot delete ${JSON.stringify(prefix)}: zip ${this.path} cannot remove written entries (${keys.length} under it)`,
    );
  }

  async list(prefix = ""): Promise<string[]> {
    return keysUnder(this.#written, prefix);
  }

  async listDir(prefix = ""): Promise<{ keys: string[]; prefixes: string[] }> {
    return childrenOf(this.#written, prefix);
  }

  /** Writes the central directory and moves the zip into place. On failure the temporary file is removed. */
  close(): Promise<void> {
    this.#closed ??= this.#finish();
    return this.#closed;
  }

  async #finish(): Promise<void> {
    if (this.#failure === undefined) {
      // yazl takes the comment as a Buffer too (its typings say string, which it would encode as CP437).
      const comment = this.#comment as unknown as string | undefined;
      this.#zip.end({ forceZip64Format: this.#zip64, comment: comment ?? "" });
    }
    try {
      await this.#done;
      if (this.#failure !== undefined) throw this.#failure;
      await rename(this.#temp, this.path);
    } catch (error) {
      await rm(this.#temp, { force: true });
      throw zipError(`cannot finish zip ${this.path}`, error);
    } finally {
      this.#metadata.clear();
    }
  }

  /** Stops writing and removes the temporary file; nothing is written at the path. */
  abort(): Promise<void> {
    this.#closed ??= (async () => {
      this.#fail(new StoreError(`writing zip ${this.path} was aborted`, { store: this.path }));
      await this.#done.catch(() => {});
      await rm(this.#temp, { force: true });
      this.#metadata.clear();
    })();
    return this.#closed.catch(() => {});
  }
}
