/**
 * Keeping a LocalStore inside its root on disk: key validation already rules out `..`, but a symbolic
 * link inside the root (a directory or a chunk file) can still point anywhere. Every operation resolves
 * the real path of what it touches and refuses when that lies outside the real root.
 */
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

/**
 * The real path of `path` (which names `key`), or undefined when it does not exist. Throws KeyError
 * when it resolves outside `realRoot`.
 */
export async function realInside(realRoot: string, key: string, path: string): Promise<string | undefined> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw error;
  }
  if (!isInside(realRoot, real)) throw escapeError(key, real, realRoot);
  return real;
}

/**
 * The real directory to write `key`'s file into: `dir` resolved through its deepest existing ancestor
 * (which must be inside `realRoot`), with the missing rest appended. The caller creates the missing
 * part under that checked real directory, so no link in the path can lead a write outside.
 */
export async function realDirFor(realRoot: string, root: string, key: string, dir: string): Promise<string> {
  let existing = dir;
  for (;;) {
    const real = await realInside(realRoot, key, existing);
    if (real !== undefined) return join(real, relative(existing, dir));
    if (existing === root) return join(realRoot, relative(root, dir));
    existing = dirname(existing);
  }
}
