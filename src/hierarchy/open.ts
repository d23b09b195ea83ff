/**
 * Opening nodes: `open(store, path)` detects Zarr v3 (`zarr.json`) or v2 (`.zarray`/`.zgroup`) and
 * returns a ZarrArray or a Group; `open.array` / `open.group` insist on the kind.
 * Metadata written by other tools is read leniently (unknown keys ignored) but still validated.
 *
 * String arrays (v2 `<U`/`>U`/`|S`/`|O`, v3 `string`) are read-only StringArrays, opened with
 * `open.stringArray` (or `open.anyArray` when the kind is not known). `open` and `open.array` keep
 * returning ZarrArray | Group / ZarrArray — callers branch on `instanceof ZarrArray` and then use
 * the rest as a Group, so widening those return types would make every one of them wrong — and
 * for a string array they throw an UnsupportedError pointing to `open.stringArray`.
 */
import { isStringArrayMetadata, StringArray, storedDTypeOf } from "../array/string-array.js";
import type { ZarrArray } from "../array/zarr-array.js";
import { NotFoundError } from "../errors.js";
import { normalizePath } from "../store/keys.js";
import type { Store } from "../store/types.js";
import { nodeFromMetadata, openArray, openGroup, openNode, rethrowWithPath, where } from "./group.js";
import { type NodeMetadata, readNodeMetadata } from "./metadata-io.js";

export type { OpenOptions } from "./group.js";
export type { NodeHint } from "./metadata-io.js";

/** The metadata of the array at `path` (never consolidated: arrays are opened from their own documents). */
async function arrayMetadata(store: Store, path: string): Promise<{ p: string; meta: NodeMetadata }> {
  const p = normalizePath(path);
  const meta = await readNodeMetadata(store, p);
  if (!meta) throw new NotFoundError(`no Zarr array or group at ${where(store, p)}`);
  if (meta.kind !== "array") throw new NotFoundError(`${where(store, p)} is a group, not an array`);
  return { p, meta };
}

function stringArrayFrom(store: Store, p: string, meta: NodeMetadata): StringArray {
  try {
    return StringArray.fromMetadata(store, p, meta);
  } catch (e) {
    rethrowWithPath(e, store, p);
  }
}

/** Opens the string array at `path` (read-only); a numeric array is a NotFoundError pointing to `open.array`. */
async function openStringArray(store: Store, path = ""): Promise<StringArray> {
  const { p, meta } = await arrayMetadata(store, path);
  if (!isStringArrayMetadata(meta)) {
    throw new NotFoundError(
      `${where(store, p)} holds ${storedDTypeOf(meta)} values, not strings; open it with open.array(store, path)`,
    );
  }
  return stringArrayFrom(store, p, meta);
}

/** Opens the array at `path` whatever it holds: a ZarrArray for numbers, a StringArray for strings. */
async function openAnyArray(store: Store, path = ""): Promise<ZarrArray | StringArray> {
  const { p, meta } = await arrayMetadata(store, path);
  if (isStringArrayMetadata(meta)) return stringArrayFrom(store, p, meta);
  return nodeFromMetadata(store, p, meta) as ZarrArray;
}

/** Opens the array or group at `path` (Zarr v2 or v3, detected). */
export const open = Object.assign(openNode, {
  array: openArray,
  group: openGroup,
  stringArray: openStringArray,
  anyArray: openAnyArray,
});
