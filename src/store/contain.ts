/**
 * Keeping a LocalStore inside its root on disk: key validation already rules out `..`, but a symbolic
 * link inside the root (a directory or a chunk file) can still point anywhere. Every operation resolves
 * the real path of what it touches and refuses when that lies outside the real root.
 */
import { realpathSync } from "node:fs";
import { realpath } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { KeyError } from "../errors.js";

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Whether `path` is `root` or below it (both real, absolute paths). */
export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

export function escapeError(key: string, real: string, root: string): KeyError {
  return new KeyError(key, `resolves through a symbolic link to ${real}, outside the store root ${root}`);
}

/** Whether a realpath error means the path does not exist (rather than a failing disk). */
function isMissingPath(error: unknown): boolean {
  const code = errorCode(error);
  return code === "ENOENT" || code === "ENOTDIR";
}

/** `real` (the real path of `key`'s `path`) checked to lie inside `realRoot`. */
function checkedInside(realRoot: string, key: string, real: string): string {
  if (!isInside(realRoot, real)) throw escapeError(key, real, realRoot);
  return real;
}

/**
 * The real path of `path` (which names `key`), or undefined when it does not exist. Throws KeyError
 * when it resolves outside `realRoot`.
 */
export async function realInside(realRoot: string, key: string, path: string): Promise<string | undefined> {
  try {
    return checkedInside(realRoot, key, await realpath(path));
  } catch (error) {
    if (isMissingPath(error)) return undefined;
    throw error;
  }
}

/** `realInside` with a blocking realpath, for worker threads (see LocalStore.setNow). */
export function realInsideNow(realRoot: string, key: string, path: string): string | undefined {
  try {
    return checkedInside(realRoot, key, realpathSync(path));
  } catch (error) {
    if (isMissingPath(error)) return undefined;
    throw error;
  }
}

/** Where `realDirFor` ends up once `existing`, an ancestor of `dir` (or `dir`), resolved to `real`. */
function below(existing: string, real: string, dir: string): string {
  return join(real, relative(existing, dir));
}

/**
 * The real directory to write `key`'s file into: `dir` resolved through its deepest existing ancestor
 * (which must be inside `realRoot`), with the missing rest appended. The caller creates the missing
 * part under that checked real directory, so no link in the path can lead a write outside.
 */
export async function realDirFor(realRoot: string, root: string, key: string, dir: string): Promise<string> {
  for (let existing = dir; ; existing = dirname(existing)) {
    const real = await realInside(realRoot, key, existing);
    if (real !== undefined) return below(existing, real, dir);
    if (existing === root) return below(root, realRoot, dir);
  }
}

/** `realDirFor` with blocking calls, for worker threads (see LocalStore.setNow). */
export function realDirForNow(realRoot: string, root: string, key: string, dir: string): string {
  for (let existing = dir; ; existing = dirname(existing)) {
    const real = realInsideNow(realRoot, key, existing);
    if (real !== undefined) return below(existing, real, dir);
    if (existing === root) return below(root, realRoot, dir);
  }
}
