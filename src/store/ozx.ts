/**
 * Single-file OME-Zarr (`.ozx`, RFC-9) on top of the zip stores in zip.ts — the same yauzl/yazl
 * machinery, with RFC-9's rules for the recommended variant:
 *   - the archive root is the hierarchy root; the root `zarr.json` is the first entry (in the file
 *     and in the central directory) and every other `zarr.json` follows at once, breadth first;
 *   - entries are stored (no ZIP-level compression) and written with ZIP64 records whatever the size;
 *   - the archive comment is `{"ome":{"version":"<version>"}}`, the version read from the root.
 *
 * Writing streams with bounded memory although the metadata must come first and pyramid writers
 * write (and rewrite) it last: chunks are appended to a spool file next to the target as they
 * arrive (only their offsets stay in memory), metadata documents are kept in memory, and
 * `close()` writes the archive — metadata first, then each chunk read back from the spool one at a
 * time — then renames it into place. The cost is writing the chunk bytes twice on disk.
 *
 * An `s3://bucket/key.ozx` target is built the same way in a temporary folder, and `close()` then
 * uploads the finished file in one PUT (a multipart upload, read from disk part by part, when large):
 * the object appears whole or not at all.
 *
 * Reading: `openOzx` opens the archive with ZipStore (locally, over HTTP or from S3 with range
 * requests), checks the root `zarr.json`, and reads all the `zarr.json` entries at the front in one
 * request.
 */
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { ExistsError, StoreError, ZarrsmithError } from "../errors.js";
import { validateKey } from "./keys.js";
import { childrenOf, keysUnder } from "./listing.js";
import { checkRange, sliceRange } from "./range.js";
import { isS3URL, parseS3Url, S3Store, type S3StoreOptions } from "./s3.js";
import { fileSource, readFully } from "./source.js";
import type { ByteSource, DeletableStore, ListableStore, RangeQuery, WritableStore } from "./types.js";
import { claimFileTarget, tempPathNextTo, type ZipSource, ZipStore, type ZipStoreOptions } from "./zip.js";

const ROOT = "zarr.json";
const isMetadata = (key: string) =>
  key === ROOT || key.endsWith(`/${ROOT}`) || /(^|\/)\.z(array|group|attrs|metadata)$/.test(key);

/**
 * The order RFC-9 asks for: the root `zarr.json` first, the other `zarr.json` documents after it
 * breadth first (by depth, then by path), then the rest.
 */
export function ozxEntryOrder(keys: Iterable<string>): string[] {
  const depth = (k: string) => k.split("/").length;
  const rank = (k: string) => (k === ROOT ? 0 : k.endsWith(`/${ROOT}`) ? 1 : 2);
  return [...keys].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    if (ra !== rb) return ra - rb;
    if (ra === 1 && depth(a) !== depth(b)) return depth(a) - depth(b);
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/** The archive comment of the recommended variant (RFC-9), for OME-Zarr `version`. */
export function ozxComment(version: string): string {
  return JSON.stringify({ ome: { version } });
}

/** The OME-Zarr version an archive comment names, or undefined when it is not RFC-9's (a trailing NUL is allowed). */
export function parseOzxComment(comment: string): string | undefined {
  try {
    const doc = JSON.parse(comment.replace(/\0+$/, ""));
    const version = doc?.ome?.version;
    return typeof version === "string" ? version : undefined;
  } catch {
    return undefined;
  }
}

export interface OzxCreateOptions {
  /** Replace an existing file at the path (only when `close()` succeeds). Default false. */
  overwrite?: boolean;
  /** The OME-Zarr version for the archive comment; default: `ome.version` of the root `zarr.json`. */
  version?: string;
  /** For an `s3://` target: the S3Store options (endpoint, credentials, ...). */
  s3?: S3StoreOptions;
}

/** Where a finished archive goes: the local path itself, or an object uploaded from a local build. */
interface Upload {
  store: S3Store;
  key: string;
  /** The temporary folder the archive is built in. */
  dir: string;
}

const decoder = new TextDecoder();

/**
 * Writes an `.ozx` file (see the module comment). Any key may be written and rewritten until
 * `close()`; chunks can be read back while writing (from the spool), so writers that read what
 * they wrote work.
 */
export class OzxWriter implements WritableStore, ListableStore, DeletableStore {
  readonly path: string;
  readonly description: string;
  readonly #spoolPath: string;
  readonly #spool: Awaited<ReturnType<typeof open>>;
  readonly #options: OzxCreateOptions;
  readonly #metadata = new Map<string, Uint8Array>();
  readonly #chunks = new Map<string, { offset: number; length: number }>();
  readonly #local: string;
  readonly #upload: Upload | undefined;
  #end = 0;
  #closed: Promise<void> | undefined;

  private constructor(
    path: string,
    local: string,
    spoolPath: string,
    spool: Awaited<ReturnType<typeof open>>,
    options: OzxCreateOptions,
    upload: Upload | undefined,
  ) {
    /** The target: a local path, or the `s3://` URL. */
    this.path = path;
    this.description = path;
    this.#local = local;
    this.#spoolPath = spoolPath;
    this.#spool = spool;
    this.#options = options;
    this.#upload = upload;
  }

  /** Starts an `.ozx` at a local path or an `s3://bucket/key.ozx` URL. */
  static async create(path: string, options: OzxCreateOptions = {}): Promise<OzxWriter> {
    if (isS3URL(path)) return OzxWriter.#createS3(path, options);
    const target = await claimFileTarget(path, options.overwrite);
    const spoolPath = tempPathNextTo(target, ".chunks");
    const spool = await open(spoolPath, "wx+");
    return new OzxWriter(target, target, spoolPath, spool, options, undefined);
  }

  static async #createS3(url: string, options: OzxCreateOptions): Promise<OzxWriter> {
    const { bucket, prefix: key } = parseS3Url(url);
    const store = new S3Store({ bucket }, options.s3);
    try {
      if (!options.overwrite && (await store.has(key))) {
        throw new ExistsError(`${url} already exists; pass overwrite: true to replace it`);
      }
      const dir = await mkdtemp(join(tmpdir(), "zarrsmith-ozx-"));
      const local = join(dir, basename(key));
      const spoolPath = `${local}.chunks`;
      const spool = await open(spoolPath, "wx+");
      return new OzxWriter(url, local, spoolPath, spool, options, { store, key, dir });
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  #checkOpen(what: string, key?: string): void {
    if (this.#closed)
      throw new StoreError(`cannot ${what}: ${this.path} is closed`, { store: this.path, key });
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    validateKey(key);
    this.#checkOpen(`write ${JSON.stringify(key)}`, key);
    if (isMetadata(key)) {
      this.#chunks.delete(key);
      this.#metadata.set(key, value.slice());
      return;
    }
    // Offsets are taken before the write, so concurrent sets never overlap; a rewritten chunk
    // leaves its old bytes unused in the spool.
    const offset = this.#end;
    this.#end += value.byteLength;
    let written = 0;
    while (written < value.byteLength) {
      const { bytesWritten } = await this.#spool.write(
        value,
        written,
        value.byteLength - written,
        offset + written,
      );
      written += bytesWritten;
    }
    this.#metadata.delete(key);
    this.#chunks.set(key, { offset, length: value.byteLength });
  }

  async get(key: string, range?: RangeQuery): Promise<Uint8Array | undefined> {
    validateKey(key);
    if (range) checkRange(range, key);
    const meta = this.#metadata.get(key);
    if (meta) return sliceRange(meta, range);
    const chunk = this.#chunks.get(key);
    if (!chunk) return undefined;
    return sliceRange(await this.#readChunk(chunk), range);
  }

  async #readChunk(chunk: { offset: number; length: number }): Promise<Uint8Array> {
    return readFully(this.#spool, `the spool of ${this.path}`, chunk.offset, chunk.length);
  }

  async has(key: string): Promise<boolean> {
    validateKey(key);
    return this.#metadata.has(key) || this.#chunks.has(key);
  }

  async delete(key: string): Promise<void> {
    validateKey(key);
    this.#metadata.delete(key);
    this.#chunks.delete(key);
  }

  async deletePrefix(prefix: string): Promise<void> {
    for (const key of keysUnder(this.#keys(), prefix)) await this.delete(key);
  }

  #keys(): string[] {
    return [...this.#metadata.keys(), ...this.#chunks.keys()];
  }

  async list(prefix = ""): Promise<string[]> {
    return keysUnder(this.#keys(), prefix);
  }

  async listDir(prefix = ""): Promise<{ keys: string[]; prefixes: string[] }> {
    return childrenOf(this.#keys(), prefix);
  }

  /** The OME-Zarr version for the comment: the option, else the root's `ome.version`. */
  #version(): string | undefined {
    if (this.#options.version) return this.#options.version;
    const root = this.#metadata.get(ROOT);
    if (!root) return undefined;
    try {
      const version = JSON.parse(decoder.decode(root))?.attributes?.ome?.version;
      return typeof version === "string" ? version : undefined;
    } catch {
      return undefined;
    }
  }

  /** Writes the archive (metadata first, then the chunks from the spool) and moves it into place. */
  close(): Promise<void> {
    this.#closed ??= this.#finish();
    return this.#closed;
  }

  async #finish(): Promise<void> {
    try {
      if (!this.#metadata.has(ROOT)) {
        throw new ZarrsmithError(
          "invalid_spec",
          `cannot finish ${this.path}: an .ozx file must hold the hierarchy's root zarr.json (RFC-9), and none was written`,
        );
      }
      const version = this.#version();
      // RFC-9: files that are not the recommended variant carry no comment; ours always are.
      const zip = await ZipStore.create(this.#local, {
        overwrite: this.#options.overwrite || this.#upload !== undefined,
        zip64: true,
        compress: false,
        ...(version ? { comment: ozxComment(version) } : {}),
      });
      try {
        for (const key of ozxEntryOrder(this.#metadata.keys())) {
          await zip.set(key, this.#metadata.get(key) as Uint8Array);
        }
        // One chunk in memory at a time: each set resolves once yazl has taken its bytes.
        for (const key of ozxEntryOrder(this.#chunks.keys())) {
          await zip.set(
            key,
            await this.#readChunk(this.#chunks.get(key) as { offset: number; length: number }),
          );
        }
        await zip.close();
      } catch (error) {
        await zip.abort();
        throw error;
      }
      await this.#spool.close().catch(() => {});
      await rm(this.#spoolPath, { force: true });
      if (this.#upload) {
        const source = fileSource(this.#local);
        try {
          await this.#upload.store.setFromSource(this.#upload.key, source);
        } finally {
          await source.close?.();
        }
      }
    } finally {
      await this.#cleanUp();
    }
  }

  async #cleanUp(): Promise<void> {
    await this.#spool.close().catch(() => {});
    await rm(this.#spoolPath, { force: true });
    this.#metadata.clear();
    this.#chunks.clear();
    if (this.#upload) {
      await rm(this.#upload.dir, { recursive: true, force: true });
      await this.#upload.store.close();
    }
  }

  /** Stops writing and removes the spool; nothing is written at the path. */
  abort(): Promise<void> {
    this.#closed ??= this.#cleanUp();
    return this.#closed.catch(() => {});
  }
}

export interface OzxInfo {
  /** The OME-Zarr version the archive comment names (undefined without an RFC-9 comment). */
  commentVersion: string | undefined;
  /** Whether the entries follow RFC-9's order (root zarr.json first, the other zarr.json after it). */
  ordered: boolean;
  /** Whether the `zarr.json` entries were read ahead in one request. */
  preloaded: boolean;
}

export interface OzxOpenOptions extends ZipStoreOptions {
  /** For an `s3://` source: the S3Store options (endpoint, credentials, ...). */
  s3?: S3StoreOptions;
}

/** An object in a bucket as a random-access source that closes its own client. */
function s3Source(url: string, options: S3StoreOptions | undefined): ByteSource {
  const { bucket, prefix: key } = parseS3Url(url);
  const store = new S3Store({ bucket }, options);
  return { ...store.source(key), close: () => store.close() };
}

/**
 * Opens an `.ozx` file (a path, an http(s):// or s3:// URL, bytes or a random-access source) for
 * reading: a ZipStore whose root is the hierarchy root. Throws when the root `zarr.json` is missing (RFC-9's MUST). Over
 * HTTP this costs: the size, the end of the archive with its central directory, and one read of
 * the `zarr.json` entries at the front (when the archive keeps them together, as RFC-9 asks).
 */
export async function openOzx(
  source: ZipSource,
  options: OzxOpenOptions = {},
): Promise<ZipStore & { ozx: OzxInfo }> {
  const { s3, ...zipOptions } = options;
  const from = typeof source === "string" && isS3URL(source) ? s3Source(source, s3) : source;
  const store = await ZipStore.open(from, zipOptions);
  const order = store.centralDirectoryOrder;
  if (!order.includes(ROOT)) {
    await store.close();
    const nested = order.find((k) => k.endsWith(`/${ROOT}`));
    throw new ZarrsmithError(
      "invalid_spec",
      `${store.description} is not an OME-Zarr zip file: RFC-9 requires the hierarchy's zarr.json at the root of the archive${nested ? ` (found ${nested}; the archive wraps the hierarchy in a folder)` : ""}`,
    );
  }
  const docs = order.filter((k) => k === ROOT || k.endsWith(`/${ROOT}`));
  const head = order.slice(0, docs.length);
  const depth = (k: string) => k.split("/").length;
  const ordered =
    order[0] === ROOT &&
    head.every((k, i) => docs.includes(k) && (i === 0 || depth(k) >= depth(head[i - 1])));
  const preloaded = await store.preload(docs);
  return Object.assign(store, {
    ozx: { commentVersion: parseOzxComment(store.comment), ordered, preloaded },
  });
}

/** Whether a path or URL names an `.ozx` file. */
export function isOzxPath(path: string): boolean {
  return /\.ozx$/i.test(path.replace(/[?#].*$/, ""));
}
