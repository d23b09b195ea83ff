/** Reading and writing the JSON metadata documents of Zarr nodes (.zarray/.zgroup/.zattrs, zarr.json). */
import { ZarrsmithError } from "../errors.js";
import { joinKey } from "../store/keys.js";
import type { Store } from "../store/types.js";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** The parsed JSON at `path/name`, or undefined when the key does not exist. */
export async function readJSON(store: Store, path: string, name: string): Promise<unknown> {
  const key = joinKey(path, name);
  const bytes = await store.get(key);
  if (!bytes) return undefined;
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch (e) {
    throw new ZarrsmithError("invalid_spec", `${key} is not valid JSON: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/** Writes `value` as indented JSON (as zarr-python does), with NaN/Infinity already encoded as strings. */
export async function writeJSON(store: Store, path: string, name: string, value: unknown): Promise<void> {
  if (!store.set) throw new ZarrsmithError("io", "the store is read-only");
  await store.set(joinKey(path, name), encoder.encode(`${JSON.stringify(value, null, 2)}\n`));
}

export type NodeMetadata =
  | { format: 2; kind: "array"; zarray: Record<string, unknown>; attributes: Record<string, unknown> }
  | { format: 2; kind: "group"; attributes: Record<string, unknown> }
  | { format: 3; kind: "array" | "group"; document: Record<string, unknown> };

/** What a caller already knows about a node, so that fewer keys are probed (each miss is a 404 over HTTP). */
export interface NodeHint {
  /** The Zarr format (a child's is its parent group's): only that format's keys are read. */
  format?: 2 | 3;
  /** The kind expected: its v2 document is read first, the other only if it is missing. */
  kind?: "array" | "group";
}

/** The node described by a `zarr.json` document. */
export function v3NodeMetadata(path: string, v3: Record<string, unknown>): NodeMetadata {
  const kind = v3.node_type;
  if (kind !== "array" && kind !== "group") {
    throw new ZarrsmithError(
      "invalid_spec",
      `${joinKey(path, "zarr.json")}: node_type must be "array" or "group"`,
    );
  }
  return { format: 3, kind, document: v3 };
}

/**
 * Finds the node at `path`: Zarr v3 (`zarr.json`) first, then v2 (`.zarray`, `.zgroup`). A `hint`
 * skips the other format's key and orders the v2 probes.
 */
export async function readNodeMetadata(
  store: Store,
  path: string,
  hint: NodeHint = {},
): Promise<NodeMetadata | undefined> {
  if (hint.format !== 2) {
    const v3 = (await readJSON(store, path, "zarr.json")) as Record<string, unknown> | undefined;
    if (v3) return v3NodeMetadata(path, v3);
    if (hint.format === 3) return undefined;
  }
  return readV2NodeMetadata(store, path, hint.kind);
}

/** The v2 node at `path` (`.zarray` or `.zgroup`, then `.zattrs`); `first` is probed first, alone. */
export async function readV2NodeMetadata(
  store: Store,
  path: string,
  first?: "array" | "group",
): Promise<NodeMetadata | undefined> {
  let zarray: unknown;
  let zgroup: unknown;
  if (first === "array") {
    zarray = await readJSON(store, path, ".zarray");
    if (!zarray) zgroup = await readJSON(store, path, ".zgroup");
  } else if (first === "group") {
    zgroup = await readJSON(store, path, ".zgroup");
    if (!zgroup) zarray = await readJSON(store, path, ".zarray");
  } else {
    [zarray, zgroup] = await Promise.all([
      readJSON(store, path, ".zarray"),
      readJSON(store, path, ".zgroup"),
    ]);
  }
  if (!zarray && !zgroup) return undefined;
  const attributes = ((await readJSON(store, path, ".zattrs")) ?? {}) as Record<string, unknown>;
  // A stored .zarray without dimension_separator uses "." (Zarr v2 spec); "/" is only our default for new arrays.
  if (zarray)
    return {
      format: 2,
      kind: "array",
      zarray: { dimension_separator: ".", ...(zarray as Record<string, unknown>) },
      attributes,
    };
  return { format: 2, kind: "group", attributes };
}

/** The metadata keys a node of either format may have. */
export const METADATA_KEYS = ["zarr.json", ".zarray", ".zgroup", ".zattrs"] as const;
