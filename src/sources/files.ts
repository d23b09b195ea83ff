/** Finding the files of an image stack: natural sort, simple globs, folders. */
import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { NotFoundError } from "../errors.js";

/** Compares names so that embedded numbers sort by value: "img2" before "img10". */
export function naturalCompare(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      // Compare digit runs by value without overflow: strip zeros, then length, then digits.
      const nx = x.replace(/^0+/, "");
      const ny = y.replace(/^0+/, "");
      if (nx.length !== ny.length) return nx.length - ny.length;
      if (nx !== ny) return nx < ny ? -1 : 1;
      continue; // same value, different zero padding: decided by the tie-break below
    }
    return x < y ? -1 : 1;
  }
  if (pa.length !== pb.length) return pa.length - pb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function naturalSort(paths: readonly string[]): string[] {
  return [...paths].sort((a, b) => naturalCompare(basename(a), basename(b)) || naturalCompare(a, b));
}

/** Whether `path` is a file-name pattern (`*` or `?` in its last part) rather than one path. */
export function isGlob(path: string): boolean {
  return /[*?]/.test(basename(path));
}

/** A regex for a file-name pattern with `*` (any run) and `?` (one character). */
export function globRegExp(pattern: string): RegExp {
  const body = [...pattern]
    .map((ch) => (ch === "*" ? "[^/]*" : ch === "?" ? "[^/]" : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`);
}

async function filesIn(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => join(dir, e.name));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new NotFoundError(`no such folder: ${dir}`);
    throw e;
  }
}

/** Files matching a pattern whose wildcards are in the file-name part only, naturally sorted. */
export async function expandGlob(pattern: string): Promise<string[]> {
  const dir = dirname(pattern);
  if (/[*?]/.test(dir))
    throw new NotFoundError(`pattern ${pattern}: wildcards are only supported in the file name`);
  const re = globRegExp(basename(pattern));
  const matches = (await filesIn(dir)).filter((p) => re.test(basename(p)));
  if (matches.length === 0) throw new NotFoundError(`no files match ${pattern}`);
  return naturalSort(matches);
}

const IMAGE_FILE = /\.(tiff?|png)$/i;

/** The TIFF and PNG files of a folder, naturally sorted (hidden files skipped). */
export async function imageFilesIn(dir: string): Promise<string[]> {
  const files = (await filesIn(dir)).filter((p) => IMAGE_FILE.test(p) && !basename(p).startsWith("."));
  if (files.length === 0) throw new NotFoundError(`folder ${dir} holds no .tif/.tiff/.png files`);
  return naturalSort(files);
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
