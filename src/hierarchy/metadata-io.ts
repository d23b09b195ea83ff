/** Reading and writing the JSON metadata documents of Zarr nodes (.zarray/.zgroup/.zattrs, zarr.json). */
import { parseMetadataJSON, stringifyJSON } from "../dtype/json.js";
import { ZarrsmithError } from "../errors.js";
import { joinKey } from "../store/keys.js";
import { requireWritable, type Store } from "../store/types.js";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * How deeply metadata documents may nest. Real ones stay under 20 levels; the limit exists because
 * recursive code (JSON.stringify, schema checks, printing) overflows the stack on hostile documents
 * 10,000 levels deep, and that must be a clear error at the door, not a crash somewhere inside.
 */
export const MAX_JSON_DEPTH = 512;

/** The first place `value` nests deeper than MAX_JSON_DEPTH (as a JSON path), found without recursion. */
function tooDeep(value: unknown): string | undefined {
  const stack: Array<[unknown, number, string]> = [[value, 0, ""]];
  while (stack.length > 0) {
    const [v, depth, at] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth >= MAX_JSON_DEPTH) return at || "(root)";
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) stack.push([v[i], depth + 1, `${at}[${i}]`]);
    else for (const [k, x] of Object.entries(v)) stack.push([x, depth + 1, at ? `${at}.${k}` : k]);
  }
  return undefined;
}

/** The parsed JSON at `path/name`, or undefined when the key does not exist. */
export async function readJSON(store: Store, path: string, name: string): Promise<unknown> {
  const key = joinKey(path, name);
  const bytes = await store.get(key);
  if (!bytes) return undefined;
  let doc: unknown;
  try {
    doc = parseMetadataJSON(decoder.decode(bytes));
  } catch (e) {
    throw new ZarrsmithError("invalid_spec", `${key} is not valid JSON: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const deep = tooDeep(doc);
  if (deep !== undefined) {
    const at = deep.length > 80 ? `${deep.slice(0, 80)}...` : deep;
    throw new ZarrsmithError(
      "invalid_spec",
      `${key} nests deeper than ${MAX_JSON_DEPTH} levels (at ${at}); metadata this deep is refused`,
    );
  }
  return doc;
}

/** Writes `value` as indented JSON (as zarr-python does), with NaN/Infinity already encoded as strings. */
export async function writeJSON(store: Store, path: string, name: string, value: unknown): Promise<void> {
  await requireWritable(store).set(joinKey(path, name), encoder.encode(`${stringifyJSON(value, 2)}\n`));
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

/**
 * What an output location already holds, in words ("Zarr array", "Zarr node with unreadable
 * metadata"), or undefined when it is empty: how a writer that claims an output names what it
 * refuses to overwrite.
 */
export async function describeExistingNode(store: Store, path: string): Promise<string | undefined> {
  const node = await readNodeMetadata(store, path).catch(() => ({ kind: "node with unreadable metadata" }));
  return node && `Zarr ${node.kind}`;
}
