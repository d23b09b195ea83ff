/**
 * Creating nodes: refuses to replace an existing node unless `overwrite` is set (then the old node
 * and everything under it is deleted first), writes missing parent groups, then the metadata.
 */
import { ExistsError, ZarrsmithError } from "../errors.js";
import type { Attributes } from "../metadata/shared.js";
import type { ArraySpec as ArraySpecV2 } from "../metadata/v2.js";
import type { ArraySpec as ArraySpecV3 } from "../metadata/v3.js";
import { normalizePath } from "../store/keys.js";
import { requireWritable, type Store, type WritableStore } from "../store/types.js";
import { METADATA_KEYS, readNodeMetadata, writeJSON } from "./metadata-io.js";

export interface CreateOptions {
  /** Replace an existing node at the path, deleting it and everything under it. Default false. */
  overwrite?: boolean;
}

function where(store: Store, path: string): string {
  const p = path === "" ? "/" : `/${path}`;
  return store.description ? `${store.description} at ${p}` : p;
}

async function deleteNode(store: Store & WritableStore, path: string): Promise<void> {
  if (store.deletePrefix) return store.deletePrefix(path);
  if (store.list) {
    for (const key of await store.list(path)) await store.delete(key);
    return;
  }
  for (const name of METADATA_KEYS) await store.delete(path === "" ? name : `${path}/${name}`);
}

/** Throws ExistsError if a node exists at `path` (unless overwriting, when it is deleted). */
export async function claimPath(store: Store, path: string, options: CreateOptions = {}): Promise<void> {
  const writable = requireWritable(
    store,
    `cannot create a node in a read-only store (${where(store, path)})`,
  );
  let existing: { kind: string } | undefined;
  try {
    existing = await readNodeMetadata(store, path);
  } catch (e) {
    // only metadata that exists but does not parse makes a node "unreadable"; a bad key or a
    // failing disk (ENAMETOOLONG, EACCES) is reported as itself
    if (!(e instanceof ZarrsmithError) || e.code !== "invalid_spec") throw e;
    existing = { kind: "node with unreadable metadata" };
  }
  if (!existing) return;
  if (!options.overwrite) {
    throw new ExistsError(
      `${where(store, path)} already holds a Zarr ${existing.kind}; pass { overwrite: true } to replace it (its data will be deleted)`,
    );
  }
  await deleteNode(writable, path);
}

/** Writes group metadata for every ancestor of `path` that has no node yet, so readers can walk down to it. */
export async function ensureParents(store: Store, path: string, format: 2 | 3): Promise<void> {
  const parts = normalizePath(path).split("/").filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const parent = parts.slice(0, i).join("/");
    const node = await readNodeMetadata(store, parent);
    if (node?.kind === "array") {
      throw new ExistsError(
        `cannot create a node under ${where(store, parent)}: it is an array, not a group`,
      );
    }
    if (!node) await writeGroupMetadata(store, parent, format, {});
  }
}

export async function writeGroupMetadata(
  store: Store,
  path: string,
  format: 2 | 3,
  attributes: Attributes,
): Promise<void> {
  if (format === 2) {
    await writeJSON(store, path, ".zgroup", { zarr_format: 2 });
    await writeJSON(store, path, ".zattrs", attributes);
  } else {
    await writeJSON(store, path, "zarr.json", { zarr_format: 3, node_type: "group", attributes });
  }
}

export async function writeArrayMetadata(
  store: Store,
  path: string,
  spec: ArraySpecV2 | ArraySpecV3,
): Promise<void> {
  if (spec.zarr_format === 2) {
    await writeJSON(store, path, ".zarray", spec.toZarray());
    await writeJSON(store, path, ".zattrs", spec.attributes);
  } else {
    await writeJSON(store, path, "zarr.json", spec.toJSON());
  }
}
