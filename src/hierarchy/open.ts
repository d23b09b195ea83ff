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
import { ZarrArray } from "../array/zarr-array.js";
import type { DataType } from "../dtype/index.js";
import { NotFoundError, SpecError, UnsupportedError } from "../errors.js";
import { ArraySpec as ArraySpecV2 } from "../spec/v2.js";
import { ArraySpec as ArraySpecV3 } from "../spec/v3.js";
import { normalizePath } from "../store/keys.js";
import type { Store } from "../store/types.js";
import { consolidatedFromV3, readConsolidatedV2, withConsolidated } from "./consolidated.js";
import { Group } from "./group.js";
import {
  type NodeHint,
  type NodeMetadata,
  readJSON,
  readNodeMetadata,
  readV2NodeMetadata,
  v3NodeMetadata,
} from "./metadata-io.js";

export interface OpenOptions {
  /** Use consolidated metadata at the opened path if present (default: true for groups). */
  consolidated?: boolean;
}

export type { NodeHint } from "./metadata-io.js";

function where(store: Store, path: string): string {
  const p = path === "" ? "/" : `/${path}`;
  return store.description ? `${store.description} at ${p}` : p;
}

function rethrowWithPath(e: unknown, store: Store, path: string): never {
  if (e instanceof SpecError) {
    throw new SpecError(`array metadata (${where(store, path)})`, e.issues);
  }
  throw e;
}

/** Builds the node object for metadata already read. */
export function nodeFromMetadata(store: Store, path: string, meta: NodeMetadata): ZarrArray | Group {
  if (isStringArrayMetadata(meta)) {
    throw new UnsupportedError(
      `${where(store, path)} is a string array (data type ${storedDTypeOf(meta)}); string arrays can be read, not written: open it with open.stringArray(store, path)`,
    );
  }
  try {
    if (meta.format === 3) {
      if (meta.kind === "array") {
        return new ZarrArray(store, path, ArraySpecV3.parse(meta.document, { strict: false }));
      }
      return new Group(store, path, 3, (meta.document.attributes ?? {}) as Record<string, unknown>);
    }
    if (meta.kind === "array") {
      return new ZarrArray(
        store,
        path,
        ArraySpecV2.parse({ ...meta.zarray, attributes: meta.attributes }, { strict: false }),
      );
    }
    return new Group(store, path, 2, meta.attributes);
  } catch (e) {
    rethrowWithPath(e, store, path);
  }
}

/**
 * Reads the node's metadata with as few requests as possible (each miss is a 404 over HTTP):
 * `zarr.json` once (it is the v3 node and holds v3 consolidated metadata); without it, `.zmetadata`
 * (when consolidated metadata is wanted) answers every v2 document at once; otherwise only the
 * expected v2 kind is probed first.
 */
async function readForOpen(
  store: Store,
  p: string,
  options: OpenOptions & NodeHint,
): Promise<{ view: Store; meta: NodeMetadata | undefined }> {
  const consolidated = options.consolidated !== false;
  if (options.format !== 2) {
    const v3 = (await readJSON(store, p, "zarr.json")) as Record<string, unknown> | undefined;
    if (v3) {
      const meta = v3NodeMetadata(p, v3);
      const docs = consolidated && meta.kind === "group" ? consolidatedFromV3(p, v3) : undefined;
      return { view: docs ? withConsolidated(store, docs, p) : store, meta };
    }
    if (options.format === 3) return { view: store, meta: undefined };
  }
  if (consolidated) {
    const docs = await readConsolidatedV2(store, p).catch(() => undefined);
    if (docs) {
      const view = withConsolidated(store, docs, p);
      return { view, meta: await readV2NodeMetadata(view, p, options.kind) };
    }
  }
  return { view: store, meta: await readV2NodeMetadata(store, p, options.kind) };
}

async function openNode(
  store: Store,
  path = "",
  options: OpenOptions & NodeHint = {},
): Promise<ZarrArray | Group> {
  const p = normalizePath(path);
  // a root is usually a group: its v2 document is probed first
  const { view, meta } = await readForOpen(store, p, { kind: "group", ...options });
  if (!meta) throw new NotFoundError(`no Zarr array or group at ${where(store, p)}`);
  return nodeFromMetadata(view, p, meta);
}

async function openArray<D extends DataType = DataType>(
  store: Store,
  path = "",
  hint: NodeHint = {},
): Promise<ZarrArray<D>> {
  const node = await openNode(store, path, { consolidated: false, kind: "array", ...hint });
  if (!(node instanceof ZarrArray))
    throw new NotFoundError(`${where(store, normalizePath(path))} is a group, not an array`);
  return node as ZarrArray<D>;
}

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

async function openGroup(store: Store, path = "", options: OpenOptions & NodeHint = {}): Promise<Group> {
  const node = await openNode(store, path, { kind: "group", ...options });
  if (!(node instanceof Group))
    throw new NotFoundError(`${where(store, normalizePath(path))} is an array, not a group`);
  return node;
}

/** Opens the array or group at `path` (Zarr v2 or v3, detected). */
export const open = Object.assign(openNode, {
  array: openArray,
  group: openGroup,
  stringArray: openStringArray,
  anyArray: openAnyArray,
});
