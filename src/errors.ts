/**
 * Every error zarrsmith throws on purpose is a ZarrsmithError with a stable `code`,
 * so callers (and the CLI) can branch on it without parsing messages.
 */

/** One problem found while validating a document: where it is and which rule it breaks. */
export interface Issue {
  /** JSON path of the offending field, e.g. `chunks[2]` or `multiscales[0].axes`. Empty for the root. */
  path: string;
  /** A sentence naming the rule that was broken. */
  message: string;
}

export type ErrorCode =
  | "invalid_spec"
  | "invalid_key"
  | "invalid_selection"
  | "invalid_value"
  | "not_found"
  | "exists"
  | "corrupt_chunk"
  | "codec"
  | "unsupported"
  | "io";

export class ZarrsmithError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Formats a list of issues as `path: message` lines. */
export function formatIssues(issues: readonly Issue[]): string {
  return issues.map((i) => `  - ${i.path || "(root)"}: ${i.message}`).join("\n");
}

/** A specification (array, group, OME metadata) broke one or more rules. */
export class SpecError extends ZarrsmithError {
  readonly issues: Issue[];
  constructor(what: string, issues: Issue[]) {
    super("invalid_spec", `Invalid ${what}:\n${formatIssues(issues)}`);
    this.issues = issues;
  }
}

/** A store key that is empty, absolute, or escapes the store root. */
export class KeyError extends ZarrsmithError {
  constructor(key: string, rule: string) {
    super("invalid_key", `Invalid store key ${JSON.stringify(key)}: ${rule}`);
  }
}

/** A selection that does not fit the array (out of bounds, wrong number of axes, zero step). */
export class SelectionError extends ZarrsmithError {
  constructor(message: string) {
    super("invalid_selection", message);
  }
}

/** A value given to `set` that does not fit the selection or the data type. */
export class ValueError extends ZarrsmithError {
  constructor(message: string) {
    super("invalid_value", message);
  }
}

/** Nothing (or not the expected kind of node) at a path. */
export class NotFoundError extends ZarrsmithError {
  constructor(message: string) {
    super("not_found", message);
  }
}

/** Refusing to create over an existing node without `overwrite: true`. */
export class ExistsError extends ZarrsmithError {
  constructor(message: string) {
    super("exists", message);
  }
}

/** A stored chunk that cannot be decoded to the expected size and type. */
export class CorruptChunkError extends ZarrsmithError {
  readonly key: string;
  constructor(key: string, reason: string, options?: { cause?: unknown }) {
    super("corrupt_chunk", `Corrupt chunk ${JSON.stringify(key)}: ${reason}`, options);
    this.key = key;
  }
}

/**
 * An HTTP request that failed: timed out, was refused or dropped, answered with an error status, or
 * answered something other than what was asked (a wrong Content-Range, too many bytes).
 */
export class HttpError extends ZarrsmithError {
  readonly url: string;
  /** The status, when the server answered. */
  readonly status: number | undefined;
  /** Whether trying again may succeed (timeouts, dropped connections, 5xx, 429). */
  readonly retryable: boolean;
  /** The server's Retry-After, in ms. */
  readonly retryAfterMs: number | undefined;
  constructor(
    url: string,
    message: string,
    details: { status?: number; retryable?: boolean; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super("io", message, { cause: details.cause });
    this.url = url;
    this.status = details.status;
    this.retryable = details.retryable ?? false;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Where a store failure happened: the key (or prefix) and the store's description. */
export interface StoreErrorDetails {
  key?: string;
  /** The store's `description` (a directory, a zip file, a URL). */
  store?: string;
  cause?: unknown;
}

/**
 * A store that could not do what was asked: a read, write, delete or listing that failed, a closed
 * or read-only store. `key` and `store` say where (when known), besides the message.
 */
export class StoreError extends ZarrsmithError {
  readonly key: string | undefined;
  readonly store: string | undefined;
  constructor(message: string, details: StoreErrorDetails = {}) {
    super("io", message, { cause: details.cause });
    this.key = details.key;
    this.store = details.store;
  }
}

/** A codec that failed or was configured in a way it cannot honour. */
export class CodecError extends ZarrsmithError {
  /** The codec's name (e.g. "zstd"), when known. */
  codec: string | undefined;
  /** Whether encoding or decoding failed, when known. */
  direction: "encode" | "decode" | undefined;
  constructor(
    message: string,
    options?: { cause?: unknown; codec?: string; direction?: "encode" | "decode" },
  ) {
    super("codec", message, options);
    this.codec = options?.codec;
    this.direction = options?.direction;
  }
}

/** A feature that is valid Zarr/OME-Zarr but not implemented here (yet). */
export class UnsupportedError extends ZarrsmithError {
  constructor(message: string) {
    super("unsupported", message);
  }
}
