/**
 * A store in an S3 bucket (AWS S3 or an S3-compatible service: MinIO, Ceph, R2, Wasabi, GCS interop).
 * One object per key under an optional prefix; the protocol (signing, XML, credentials) is the AWS
 * SDK's, this module only maps store operations onto it:
 *   get → GetObject (Range, incl. suffix ranges)   set → PutObject, or a multipart upload when large
 *   has → HeadObject   delete → DeleteObject   list/listDir → ListObjectsV2 (+ Delimiter), paginated
 *   deletePrefix → DeleteObjects in batches of 1,000   setIfAbsent → PutObject with If-None-Match: *
 * Works in Node and in browsers (the SDK picks its fetch-based transport there; pass `credentials`,
 * or `anonymous` for public buckets, since browsers have no credential files).
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { NotFoundError, StoreError, ValueError, ZarrsmithError } from "../errors.js";
import { normalizePath, validateKey } from "./keys.js";
import { checkRange, exactRead, isEmptyRange, sliceRange } from "./range.js";
import { withRetries } from "./retry.js";
import { Slots } from "./slots.js";
import type { ByteSource, DeletableStore, ListableStore, RangeQuery, WritableStore } from "./types.js";

export interface S3StoreOptions {
  /** AWS region (default: from AWS_REGION / the profile's config; "us-east-1" for custom endpoints). */
  region?: string;
  /** Endpoint of an S3-compatible service, e.g. "http://127.0.0.1:9000". */
  endpoint?: string;
  /** Path-style addressing (`endpoint/bucket/key` instead of `bucket.endpoint/key`); default true with `endpoint`. */
  forcePathStyle?: boolean;
  /** A profile of ~/.aws/credentials and ~/.aws/config (Node; default: AWS_PROFILE or "default"). */
  profile?: string;
  /** Send unsigned requests (public buckets); no credentials are looked up. */
  anonymous?: boolean;
  /** Explicit credentials or a credential provider; default: the SDK's chain (env, profiles, SSO, container, instance). */
  credentials?: S3ClientConfig["credentials"];
  /** Requests in flight at once, across all operations of this store. Default 64. */
  maxConcurrency?: number;
  /** Milliseconds a request may go without progress (connecting, or no bytes either way) before it is retried. Default 30,000. */
  requestTimeout?: number;
  /** Tries per request (1 = no retry) for 5xx, 429/503 SlowDown, resets and timeouts; 4xx are not retried. Default 6. */
  maxAttempts?: number;
  /** First retry delay in ms; doubles per try, with full jitter, capped at 20 s. Default 100. */
  retryBaseDelay?: number;
  /** Values of at least this many bytes are uploaded in parts. Default 64 MiB. */
  multipartThreshold?: number;
  /** Size of each part of a multipart upload (S3 needs >= 5 MiB except the last). Default 16 MiB. */
  partSize?: number;
  /** Treat 403 on reads as "no such key" (what S3 answers for missing keys without list permission). Default: `anonymous`. */
  forbiddenIsMissing?: boolean;
  /** Use this client instead of creating one (its configuration then wins over the options above). */
  client?: S3Client;
}

const MiB = 1024 * 1024;
const BATCH = 1000; // the most keys DeleteObjects takes at once

/** Whether a location is an `s3://` URL. */
export const isS3URL = (location: string): boolean => /^s3:\/\//i.test(location);

/** `s3://bucket/prefix` → its parts; the prefix is a node path (no leading/trailing "/"). */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(url);
  if (!match) throw new ValueError(`not an S3 URL: ${JSON.stringify(url)} (expected s3://bucket/prefix)`);
  const [, bucket, rest] = match;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ValueError(
      `invalid bucket name ${JSON.stringify(bucket)} in ${url}: 3-63 characters of a-z, 0-9, '.' and '-'`,
    );
  }
  return { bucket, prefix: normalizePath(decodeURIComponent(rest)) };
}

interface SdkError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

function statusOf(error: unknown): number | undefined {
  return (error as SdkError)?.$metadata?.httpStatusCode;
}

function nameOf(error: unknown): string {
  const e = error as SdkError;
  return e?.Code ?? e?.name ?? e?.code ?? "Error";
}

const THROTTLING = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "RequestThrottled",
]);
const TRANSIENT = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "AbortError",
  "ERR_STREAM_PREMATURE_CLOSE",
]);

/**
 * Whether a failed request is worth trying again: server errors, throttling and broken or stalled
 * connections. Other 4xx (no permission, bad request, precondition) would fail the same way again.
 */
function isRetryable(error: unknown): boolean {
  if (error instanceof ZarrsmithError) return false; // already a verdict (e.g. DeleteObjects' per-key errors)
  const status = statusOf(error);
  const name = nameOf(error);
  if (THROTTLING.has(name) || status === 429 || status === 503) return true;
  if (status !== undefined && status >= 500) return true;
  if (status !== undefined && status >= 400) return name === "RequestTimeout"; // S3's 400 for a stalled upload
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code && TRANSIENT.has(code)) return true;
  if (TRANSIENT.has(name)) return true;
  // body streams cut short surface as plain errors from the HTTP layer
  return /socket hang up|aborted|premature close|ECONNRESET|terminated|timed? ?out/i.test(
    (error as Error)?.message ?? "",
  );
}

function isMissing(error: unknown): boolean {
  const name = nameOf(error);
  return name === "NoSuchKey" || name === "NotFound" || (statusOf(error) === 404 && name !== "NoSuchBucket");
}

export class S3Store implements WritableStore, ListableStore, DeletableStore {
  readonly bucket: string;
  /** The key prefix of the store root inside the bucket ("" for the bucket root). */
  readonly prefix: string;
  /** `s3://bucket/prefix`. */
  readonly description: string;
  /** Every `get` returns the body of its own response. */
  readonly returnsOwnBytes = true;
  readonly client: S3Client;
  readonly #ownClient: boolean;
  readonly #slots: Slots;
  readonly #maxAttempts: number;
  readonly #baseDelay: number;
  readonly #threshold: number;
  readonly #partSize: number;
  readonly #forbiddenIsMissing: boolean;
  readonly #timeout: number;
  /** Requests sent, retries included (for benchmarks and tests). */
  requests = 0;

  /** `url` is `s3://bucket/prefix`, or the bucket and prefix as an object. */
  constructor(url: string | { bucket: string; prefix?: string }, options: S3StoreOptions = {}) {
    const where =
      typeof url === "string"
        ? parseS3Url(url)
        : { bucket: url.bucket, prefix: normalizePath(url.prefix ?? "") };
    this.bucket = where.bucket;
    this.prefix = where.prefix;
    this.description = `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ""}`;
    const concurrency = Math.max(1, options.maxConcurrency ?? 64);
    this.#slots = new Slots(concurrency);
    this.#maxAttempts = Math.max(1, options.maxAttempts ?? 6);
    this.#baseDelay = Math.max(0, options.retryBaseDelay ?? 100);
    this.#partSize = Math.max(5 * MiB, options.partSize ?? 16 * MiB);
    this.#threshold = Math.max(this.#partSize, options.multipartThreshold ?? 64 * MiB);
    this.#forbiddenIsMissing = options.forbiddenIsMissing ?? options.anonymous === true;
    this.#timeout = options.requestTimeout ?? 30_000;
    this.#ownClient = options.client === undefined;
    this.client = options.client ?? new S3Client(clientConfig(options, concurrency, this.#timeout));
    if (this.#ownClient) this.client.middlewareStack.add(unsignedPayloadOverTls, UNSIGNED_OVER_TLS);
  }

  /** The object key of a store key. */
  objectKey(key: string): string {
    validateKey(key);
    return this.prefix === "" ? key : `${this.prefix}/${key}`;
  }

  /** `s3://bucket/objectKey` of a store key, for messages. */
  urlOf(key: string): string {
    return `s3://${this.bucket}/${this.objectKey(key)}`;
  }

  /** The store key of a URL inside this store (the inverse of urlOf), for errors; else undefined. */
  #keyOf(url: string): string | undefined {
    return url.startsWith(`${this.description}/`) ? url.slice(this.description.length + 1) : undefined;
  }

  /**
   * Runs one request in a free slot, retrying retryable failures with exponential backoff and full
   * jitter (retry.ts). The SDK's own retries are off (maxAttempts 1) so that one policy covers the
   * request and the reading of its body (a connection reset mid-body happens after the SDK returned).
   */
  async #request<T>(what: string, target: string, attempt: () => Promise<T>): Promise<T> {
    let tries = 0;
    try {
      return await withRetries(
        () => {
          tries++;
          return this.#slots.run(() => {
            this.requests++;
            return attempt();
          });
        },
        isRetryable,
        { retries: this.#maxAttempts - 1, baseDelayMs: this.#baseDelay, maxDelayMs: 20_000 },
      );
    } catch (error) {
      throw this.#error(what, target, error, tries);
    }
  }

  /** A clear error naming the object, the status and what to check. */
  #error(what: string, target: string, error: unknown, tries: number): ZarrsmithError {
    if (error instanceof ZarrsmithError) return error;
    const status = statusOf(error);
    const name = nameOf(error);
    const after = tries > 1 ? ` (after ${tries} tries)` : "";
    const detail = `${name}${status ? `, HTTP ${status}` : ""}`;
    let message: string;
    if (
      status === 403 ||
      ["AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken"].includes(name)
    ) {
      message = `no permission to ${what} ${target}: check credentials/profile (${detail})`;
    } else if (name === "NoSuchBucket") {
      message = `cannot ${what} ${target}: bucket ${this.bucket} does not exist (${detail})`;
    } else if (name === "CredentialsProviderError" || /credential/i.test(name)) {
      message = `cannot ${what} ${target}: no AWS credentials found (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, pass --profile, or --anonymous for a public bucket): ${(error as Error).message}`;
    } else if (/timeout|timed out/i.test(`${name} ${(error as Error)?.message}`)) {
      message = `cannot ${what} ${target}: the server did not answer within ${this.#timeout} ms${after}`;
    } else {
      const reason = (error as Error)?.message;
      message = `cannot ${what} ${target}: ${detail}${reason && reason !== name ? `: ${reason}` : ""}${after}`;
    }
    return new StoreError(message, { store: this.description, key: this.#keyOf(target), cause: error });
  }

  async get(key: string, range?: RangeQuery): Promise<Uint8Array | undefined> {
    const object = this.objectKey(key);
    if (range) checkRange(range, key);
    if (range && isEmptyRange(range)) {
      // "bytes=-0" is not a valid Range; an empty selection only needs the object to exist.
      return (await this.has(key)) ? new Uint8Array(0) : undefined;
    }
    const target = this.urlOf(key);
    const read = (header: string | undefined) =>
      this.#request("read", target, async () => {
        try {
          const out = await this.client.send(
            new GetObjectCommand({ Bucket: this.bucket, Key: object, Range: header }),
          );
          const body = out.Body ? await out.Body.transformToByteArray() : new Uint8Array(0);
          return { body, contentRange: out.ContentRange, unsatisfiable: false };
        } catch (error) {
          if (isMissing(error)) return undefined;
          if (statusOf(error) === 403 && this.#forbiddenIsMissing) return undefined;
          // 416: the range starts at or past the end: the object exists, the selection is empty
          if (statusOf(error) === 416 || nameOf(error) === "InvalidRange") {
            return { body: new Uint8Array(0), unsatisfiable: true };
          }
          throw error;
        }
      });
    const got = await read(range && rangeHeader(range));
    if (!got) return undefined;
    if (!range) return got.body;
    if (got.unsatisfiable) {
      // A suffix longer than the object selects all of it, but some servers (fauxqs) answer 416.
      if (!("suffixLength" in range)) return got.body;
      const whole = await read(undefined);
      return whole && sliceRange(whole.body, range);
    }
    const total = /\/(\d+)\s*$/.exec(got.contentRange ?? "");
    const start = /^bytes (\d+)-/.exec(got.contentRange ?? "");
    if (!got.contentRange) return sliceRange(got.body, range); // the whole object (Range ignored, or 416)
    if ("suffixLength" in range && total && start) {
      const size = Number(total[1]);
      const want = Math.max(0, size - range.suffixLength);
      if (Number(start[1]) !== want) {
        // Some servers (s3rver) answer "bytes=-N" with the first N bytes; ask again for the exact span.
        const again = await read(`bytes=${want}-${size - 1}`);
        return again?.body;
      }
    }
    return got.body;
  }

  async has(key: string): Promise<boolean> {
    return (await this.sizeOf(key)) !== undefined;
  }

  /**
   * One PUT per object: S3 makes it visible whole or not at all. Values of `multipartThreshold` bytes
   * or more go up in parts (views of `value`, never copies), completed only when every part is in.
   */
  async set(key: string, value: Uint8Array): Promise<void> {
    if (value.byteLength >= this.#threshold) {
      // parts are views of `value`; the request slots bound how many are sent at once
      return this.#multipart(key, value.byteLength, (start, end) => value.subarray(start, end), Infinity);
    }
    await this.#put(key, value, undefined);
  }

  /** One PutObject, optionally conditional. */
  #put(key: string, value: Uint8Array, ifNoneMatch: "*" | undefined) {
    const object = this.objectKey(key);
    return this.#request("write", this.urlOf(key), () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: object,
          Body: value,
          ContentLength: value.byteLength,
          IfNoneMatch: ifNoneMatch,
        }),
      ),
    );
  }

  /**
   * Creates `key` only if it does not exist: true when this call created it. Uses a conditional PUT
   * (`If-None-Match: *`), which AWS S3 and MinIO honour atomically; a HEAD first answers the common
   * case on servers that ignore the header (s3rver, fauxqs), where two racing writers can both win.
   */
  async setIfAbsent(key: string, value: Uint8Array): Promise<boolean> {
    if (await this.has(key)) return false;
    try {
      await this.#put(key, value, "*");
      return true;
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      // 412: it exists; 409: another conditional write of it is in progress (it wins).
      if (statusOf(cause) === 412 || statusOf(cause) === 409) return false;
      throw error;
    }
  }

  /**
   * A multipart upload of `size` bytes whose part `i` is `readPart(start, end)`; at most `inFlight`
   * parts are read and sent at once (so a source read from disk is never all in memory). Completed
   * only when every part is in: until then the object does not exist.
   */
  async #multipart(
    key: string,
    size: number,
    readPart: (start: number, end: number) => Promise<Uint8Array> | Uint8Array,
    inFlight: number,
  ): Promise<void> {
    const object = this.objectKey(key);
    const target = this.urlOf(key);
    const created = await this.#request("write", target, () =>
      this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: object })),
    );
    const uploadId = created.UploadId;
    if (!uploadId) {
      throw new StoreError(`cannot write ${target}: the server gave no upload id`, {
        store: this.description,
        key,
      });
    }
    try {
      const count = Math.max(1, Math.ceil(size / this.#partSize));
      const parts: { PartNumber: number; ETag: string | undefined }[] = new Array(count);
      let next = 0;
      const worker = async () => {
        while (next < count) {
          const i = next++;
          const body = await readPart(i * this.#partSize, Math.min(size, (i + 1) * this.#partSize));
          const out = await this.#request("write", target, () =>
            this.client.send(
              new UploadPartCommand({
                Bucket: this.bucket,
                Key: object,
                UploadId: uploadId,
                PartNumber: i + 1,
                Body: body,
                ContentLength: body.byteLength,
              }),
            ),
          );
          parts[i] = { PartNumber: i + 1, ETag: out.ETag };
        }
      };
      await Promise.all(Array.from({ length: Math.min(count, Math.max(1, inFlight)) }, worker));
      await this.#request("write", target, () =>
        this.client.send(
          new CompleteMultipartUploadCommand({
            Bucket: this.bucket,
            Key: object,
            UploadId: uploadId,
            MultipartUpload: { Parts: parts },
          }),
        ),
      );
    } catch (error) {
      // the object never appeared; drop the parts so they are not billed (best effort)
      await this.client
        .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: object, UploadId: uploadId }))
        .catch(() => {});
      throw error;
    }
  }

  /**
   * Uploads `key` from a random-access source (e.g. a finished local file, `fileSource`): one PUT
   * below `multipartThreshold`, else a multipart upload reading `partSize` bytes at a time with at
   * most 4 parts in memory. The object appears whole when the upload completes, or not at all.
   */
  async setFromSource(key: string, source: ByteSource): Promise<void> {
    const size = await source.size();
    // exact reads: a source that shrank since its size was taken fails naming itself
    const read = (start: number, end: number) => source.read(start, end - start);
    if (size < this.#threshold) await this.#put(key, await read(0, size), undefined);
    else await this.#multipart(key, size, read, 4);
  }

  /** The size of the object at `key`, or undefined when there is none. */
  async sizeOf(key: string): Promise<number | undefined> {
    const object = this.objectKey(key);
    return this.#request("read", this.urlOf(key), async () => {
      try {
        const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: object }));
        return out.ContentLength ?? 0;
      } catch (error) {
        if (isMissing(error) || (statusOf(error) === 403 && this.#forbiddenIsMissing)) return undefined;
        throw error;
      }
    });
  }

  /**
   * The object at `key` as a random-access source (HEAD for the size, ranged GETs for reads): what
   * a zip reader needs to read an `.ozx` or `.zip` in the bucket without downloading it.
   */
  source(key: string): ByteSource {
    let size: Promise<number> | undefined;
    const url = this.urlOf(key);
    return {
      description: url,
      size: () => {
        size ??= this.sizeOf(key).then((n) => {
          if (n === undefined) throw new NotFoundError(`${url} does not exist`);
          return n;
        });
        return size;
      },
      read: async (offset, length, into) => {
        if (length === 0) return new Uint8Array(0);
        const bytes = await this.get(key, { offset, length });
        if (!bytes) throw new NotFoundError(`${url} does not exist`);
        return exactRead(url, bytes, offset, length, into);
      },
      close: async () => {},
    };
  }

  async delete(key: string): Promise<void> {
    const object = this.objectKey(key);
    await this.#request("delete", this.urlOf(key), async () => {
      try {
        await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: object }));
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    });
  }

  /** The object-key prefix of a folder-like store prefix, ending in "/" ("" or the root prefix + "/"). */
  #folder(prefix: string): string {
    const p = normalizePath(prefix);
    const full = this.prefix === "" ? p : p === "" ? this.prefix : `${this.prefix}/${p}`;
    return full === "" ? "" : `${full}/`;
  }

  /** Pages of ListObjectsV2 (1,000 keys each) until the listing is complete. */
  async *#pages(folder: string, delimiter?: string) {
    let token: string | undefined;
    const target = `s3://${this.bucket}/${folder}`;
    do {
      const page = await this.#request("list", target, () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: folder,
            Delimiter: delimiter,
            ContinuationToken: token,
          }),
        ),
      );
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Every key under `prefix`, sorted; objects whose names are not valid keys (folder markers, "a//b") are skipped. */
  async list(prefix = ""): Promise<string[]> {
    const folder = this.#folder(prefix);
    const root = this.#folder("");
    const out: string[] = [];
    for await (const page of this.#pages(folder)) {
      for (const item of page.Contents ?? []) {
        const key = item.Key?.slice(root.length);
        if (key && isKey(key)) out.push(key);
      }
    }
    return out.sort();
  }

  /** Bytes and objects under `prefix` (for usage summaries). */
  async usage(prefix = ""): Promise<{ bytes: number; files: number }> {
    let bytes = 0;
    let files = 0;
    for await (const page of this.#pages(this.#folder(prefix))) {
      files += page.Contents?.length ?? 0;
      bytes += (page.Contents ?? []).reduce((sum, item) => sum + (item.Size ?? 0), 0);
    }
    return { bytes, files };
  }

  async listDir(prefix = ""): Promise<{ keys: string[]; prefixes: string[] }> {
    const folder = this.#folder(prefix);
    const keys: string[] = [];
    const prefixes: string[] = [];
    for await (const page of this.#pages(folder, "/")) {
      for (const item of page.Contents ?? []) {
        const name = item.Key?.slice(folder.length);
        if (name && isKey(name)) keys.push(name);
      }
      for (const common of page.CommonPrefixes ?? []) {
        const name = common.Prefix?.slice(folder.length).replace(/\/$/, "");
        if (name && isKey(name)) prefixes.push(name);
      }
    }
    return { keys: keys.sort(), prefixes: prefixes.sort() };
  }

  /** Removes every object under `prefix` ("" = the whole store root), 1,000 per DeleteObjects request. */
  async deletePrefix(prefix: string): Promise<void> {
    const folder = this.#folder(prefix);
    const target = `s3://${this.bucket}/${folder}`;
    const batches: Promise<void>[] = [];
    for await (const page of this.#pages(folder)) {
      const objects = (page.Contents ?? []).flatMap((c) => (c.Key ? [{ Key: c.Key }] : []));
      for (let i = 0; i < objects.length; i += BATCH) {
        const chunk = objects.slice(i, i + BATCH);
        batches.push(
          this.#request("delete", target, async () => {
            const out = await this.client.send(
              new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: chunk, Quiet: true } }),
            );
            const failed = out.Errors ?? [];
            if (failed.length > 0) {
              const first = failed[0];
              const url = `s3://${this.bucket}/${first.Key}`;
              throw new StoreError(
                `cannot delete ${url}${failed.length > 1 ? ` and ${failed.length - 1} more` : ""}: ${first.Code}: ${first.Message}`,
                { store: this.description, key: this.#keyOf(url) },
              );
            }
          }),
        );
      }
    }
    await Promise.all(batches);
  }

  async close(): Promise<void> {
    if (this.#ownClient) this.client.destroy();
  }
}

function isKey(name: string): boolean {
  try {
    validateKey(name);
    return true;
  } catch {
    return false;
  }
}

function rangeHeader(range: RangeQuery): string {
  return "suffixLength" in range
    ? `bytes=-${range.suffixLength}`
    : `bytes=${range.offset}-${range.offset + range.length - 1}`;
}

const UNSIGNED_OVER_TLS = { step: "build", name: "zarrsmithUnsignedPayloadOverTls" } as const;

/**
 * Over HTTPS, request bodies are sent as `UNSIGNED-PAYLOAD` instead of having their SHA-256 in the
 * signature (what botocore does for S3): TLS already protects them in transit, and the request
 * checksum (CRC32 by default on AWS) still goes with the object; hashing every uploaded byte
 * again costs CPU on the thread that sends. Over plain HTTP the signed hash is the only integrity
 * check, so it stays.
 */
const unsignedPayloadOverTls =
  // biome-ignore lint/suspicious/noExplicitAny: the SDK's middleware types are generic over every command
  (next: (args: any) => Promise<any>) => async (args: { request?: unknown }) => {
    const request = args.request as
      | { protocol?: string; body?: unknown; headers?: Record<string, string> }
      | undefined;
    const headers = request?.headers;
    if (
      request?.protocol === "https:" &&
      request.body !== undefined &&
      headers &&
      !Object.keys(headers).some((h) => h.toLowerCase() === "x-amz-content-sha256")
    ) {
      headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD";
    }
    return next(args);
  };

/** The SDK client configuration for the options. */
function clientConfig(options: S3StoreOptions, concurrency: number, timeout: number): S3ClientConfig {
  const custom = options.endpoint !== undefined;
  const agent = { keepAlive: true, maxSockets: concurrency };
  const config: S3ClientConfig = {
    region: options.region ?? (custom ? "us-east-1" : undefined),
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle ?? custom,
    profile: options.profile,
    credentials: options.credentials,
    maxAttempts: 1, // retries are this store's (see #request)
    // Node: an http(s).Agent per client; browsers: fetch, which takes the timeout only
    // the timeout is for silence (connecting, or no bytes either way), not for the whole transfer,
    // which for a large object can rightly take long
    requestHandler: {
      socketTimeout: timeout,
      connectionTimeout: timeout,
      httpAgent: agent,
      httpsAgent: agent,
    },
    // S3-compatible services often reject the newer default checksum headers; send them only when required
    ...(custom
      ? { requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" }
      : {}),
  };
  if (options.anonymous) {
    // unsigned requests: a signer that leaves the request as it is
    config.credentials = { accessKeyId: "", secretAccessKey: "" };
    config.signer = { sign: async (request) => request };
  }
  return config;
}
