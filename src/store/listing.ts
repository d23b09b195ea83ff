/** Listing for stores that keep their keys in memory (memory, zip): prefix filtering and one-level views. */
import { normalizePath } from "./keys.js";

/**
 * Keys under a folder-like prefix: "a" matches "a/x" and "a/b/y", not "ab/x" nor "a" itself.
 * "" matches everything. Sorted, so listings are deterministic.
 */
export function keysUnder(keys: Iterable<string>, prefix = ""): string[] {
  const p = normalizePath(prefix);
  const head = p === "" ? "" : `${p}/`;
  const out: string[] = [];
  for (const key of keys) if (key.startsWith(head)) out.push(key);
  return out.sort();
}

/** Direct children of a prefix: files as `keys`, sub-folders as `prefixes`, both relative to it. */
export function childrenOf(keys: Iterable<string>, prefix = ""): { keys: string[]; prefixes: string[] } {
  const p = normalizePath(prefix);
  const head = p === "" ? "" : `${p}/`;
  const files = new Set<string>();
  const folders = new Set<string>();
  for (const key of keys) {
    if (!key.startsWith(head)) continue;
    const rest = key.slice(head.length);
    const slash = rest.indexOf("/");
    if (slash === -1) files.add(rest);
    else folders.add(rest.slice(0, slash));
  }
  return { keys: [...files].sort(), prefixes: [...folders].sort() };
}
