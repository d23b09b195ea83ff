/** Store keys and node paths: validation and joining, in one place. */
import { KeyError } from "../errors.js";

/**
 * Checks a store key: relative, "/"-separated, no empty, "." or ".." segments, no backslashes or NUL.
 * Keys come from metadata (dataset paths, member names) written by others, so this is what keeps a
 * hostile `path: "../../etc"` from escaping the store root.
 */
export function validateKey(key: string): string {
  if (typeof key !== "string" || key.length === 0)
    throw new KeyError(String(key), "keys must be non-empty strings");
  if (key.startsWith("/"))
    throw new KeyError(key, "keys are relative to the store root and must not start with '/'");
  if (key.includes("\\")) throw new KeyError(key, "keys use '/' as separator; '\\' is not allowed");
  if (key.includes("\0")) throw new KeyError(key, "keys must not contain NUL characters");
  if (/^[a-zA-Z]:/.test(key)) throw new KeyError(key, "keys must not start with a drive letter");
  for (const part of key.split("/")) {
    if (part === "") throw new KeyError(key, "keys must not contain empty segments ('//' or a trailing '/')");
    if (part === "." || part === "..") throw new KeyError(key, "keys must not contain '.' or '..' segments");
  }
  return key;
}

/** Normalises a node path: "", "/" and "/a/b/" become "", "", "a/b"; segments are validated. */
export function normalizePath(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, "");
  if (trimmed === "") return "";
  validateKey(trimmed);
  return trimmed;
}

/** Joins a node path and a relative key: join("a/b", "zarr.json") → "a/b/zarr.json"; join("", k) → k. */
export function joinKey(path: string, key: string): string {
  const p = normalizePath(path);
  return validateKey(p === "" ? key : `${p}/${key}`);
}
