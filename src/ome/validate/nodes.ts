/**
 * A tiny reader of Zarr node metadata for the hierarchy validator: it only needs to know whether a
 * path holds a group or an array, the group's attributes and the array's shape, data type and
 * dimension names. Reading the JSON keys directly keeps validation independent of the array engine
 * (and lets it report broken array metadata instead of failing to open it).
 */
import { readJSON as readMetadataJSON } from "../../hierarchy/metadata-io.js";
import { joinKey } from "../../store/keys.js";
import type { Store } from "../../store/types.js";
import { isObject, type JSONObject } from "../common/json.js";

export type ZarrNode =
  | { kind: "group"; format: 2 | 3; attributes: JSONObject }
  | {
      kind: "array";
      format: 2 | 3;
      shape: number[] | undefined;
      /** The v3 data type name or the v2 dtype string, as stored. */
      dataType: string | undefined;
      /** v3 `dimension_names`, as stored (undefined when absent or v2). */
      dimensionNames: unknown;
    }
  | { kind: "broken"; format: 2 | 3; key: string; reason: string };

const INTEGER_TYPES = new Set(["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]);

/** Whether a stored data type (v3 name or v2 dtype string such as "<u2") is an integer type. */
export function isIntegerType(dataType: string | undefined): boolean {
  if (dataType === undefined) return false;
  return INTEGER_TYPES.has(dataType) || /^[<>|=]?[iu][1248]$/.test(dataType);
}

/**
 * The JSON document at `key`, parsed as every metadata reader parses it (NaN/Infinity, depth limit);
 * a parse error becomes a reason to report rather than an exception.
 */
async function readJSON(
  store: Store,
  key: string,
): Promise<{ doc?: unknown; error?: string; found: boolean }> {
  const slash = key.lastIndexOf("/");
  try {
    const doc = await readMetadataJSON(store, key.slice(0, Math.max(slash, 0)), key.slice(slash + 1));
    return doc === undefined ? { found: false } : { doc, found: true };
  } catch (e) {
    const message = (e as Error).message;
    return {
      error: message.startsWith(key) ? message.slice(key.length).replace(/^[:\s]+/, "") : message,
      found: true,
    };
  }
}

function shapeOf(doc: JSONObject): number[] | undefined {
  const s = doc.shape;
  return Array.isArray(s) && s.every((n) => typeof n === "number") ? (s as number[]) : undefined;
}

/** The node at `path`: Zarr v3 (`zarr.json`) first, then v2 (`.zarray` / `.zgroup` + `.zattrs`); undefined when there is none. */
export async function readNode(store: Store, path: string): Promise<ZarrNode | undefined> {
  const v3Key = joinKey(path, "zarr.json");
  const v3 = await readJSON(store, v3Key);
  if (v3.found) {
    if (v3.error || !isObject(v3.doc))
      return { kind: "broken", format: 3, key: v3Key, reason: v3.error ?? "is not a JSON object" };
    const doc = v3.doc;
    if (doc.node_type === "group") {
      return { kind: "group", format: 3, attributes: isObject(doc.attributes) ? doc.attributes : {} };
    }
    if (doc.node_type === "array") {
      const dataType = typeof doc.data_type === "string" ? doc.data_type : undefined;
      return { kind: "array", format: 3, shape: shapeOf(doc), dataType, dimensionNames: doc.dimension_names };
    }
    return {
      kind: "broken",
      format: 3,
      key: v3Key,
      reason: `has node_type ${JSON.stringify(doc.node_type)}; it must be "group" or "array"`,
    };
  }
  const zarrayKey = joinKey(path, ".zarray");
  const zarray = await readJSON(store, zarrayKey);
  if (zarray.found) {
    if (zarray.error || !isObject(zarray.doc)) {
      return { kind: "broken", format: 2, key: zarrayKey, reason: zarray.error ?? "is not a JSON object" };
    }
    const dtype = typeof zarray.doc.dtype === "string" ? zarray.doc.dtype : undefined;
    return {
      kind: "array",
      format: 2,
      shape: shapeOf(zarray.doc),
      dataType: dtype,
      dimensionNames: undefined,
    };
  }
  const zgroupKey = joinKey(path, ".zgroup");
  const zgroup = await readJSON(store, zgroupKey);
  if (!zgroup.found) return undefined;
  if (zgroup.error) return { kind: "broken", format: 2, key: zgroupKey, reason: zgroup.error };
  const attrsKey = joinKey(path, ".zattrs");
  const attrs = await readJSON(store, attrsKey);
  if (attrs.error) return { kind: "broken", format: 2, key: attrsKey, reason: attrs.error };
  return { kind: "group", format: 2, attributes: isObject(attrs.doc) ? attrs.doc : {} };
}
