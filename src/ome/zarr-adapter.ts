/**
 * The one place where the OME layer touches the Zarr layer (`src/metadata`, `src/hierarchy`).
 *
 * Building metadata only needs an array's format, shape, data type and dimension names, which are
 * read from an ArraySpec instance or its JSON document alike, so `Image.new` works on plain JSON.
 * Writing goes through hierarchy's `createFromGroupSpec`; the metadata models themselves hold data only.
 */
import { DATA_TYPES, type DataType } from "../dtype/types.js";
import { parseV2DType } from "../dtype/v2-dtype.js";
import type { Issue } from "../errors.js";
import type { CreateOptions } from "../hierarchy/create.js";
import { createFromGroupSpec, type Group } from "../hierarchy/group.js";
import { GroupSpecV2, GroupSpecV3 } from "../metadata/group.js";
import type { ArraySpec as ArraySpecV2 } from "../metadata/v2.js";
import type { ArraySpec as ArraySpecV3 } from "../metadata/v3.js";
import type { Store } from "../store/types.js";
import { isObject, type JSONObject } from "./common/json.js";

export type { ArraySpecV2, ArraySpecV3, CreateOptions, Group, GroupSpecV2, GroupSpecV3 };
export type AnyArraySpec = ArraySpecV2 | ArraySpecV3;
export type AnyGroupSpec = GroupSpecV2 | GroupSpecV3;
/** An array spec as builders accept it: a `v2.ArraySpec` / `v3.ArraySpec` instance or its JSON document. */
export type ArraySpecLike<S extends AnyArraySpec = AnyArraySpec> = S | JSONObject;

/** What the OME layer needs to know about an array. */
export interface ArrayInfo {
  format: 2 | 3;
  shape: number[];
  dataType: DataType | undefined;
  dimensionNames: (string | null)[] | undefined;
}

const isDataType = (x: unknown): x is DataType =>
  typeof x === "string" && (DATA_TYPES as readonly string[]).includes(x);

function isSpecInstance(x: unknown): x is AnyArraySpec {
  return isObject(x) && typeof (x as { toJSON?: unknown }).toJSON === "function" && "zarr_format" in x;
}

/** Format, shape, data type and dimension names of an array spec (instance or JSON), or the issues that prevent reading them. */
export function arrayInfo(input: unknown, path: string): ArrayInfo | Issue[] {
  if (!isObject(input))
    return [{ path, message: "must be an array spec (a v2/v3 ArraySpec or its JSON document)" }];
  const doc = input as JSONObject & { dataType?: unknown };
  const issues: Issue[] = [];
  const format = doc.zarr_format ?? ("data_type" in doc ? 3 : 2);
  if (format !== 2 && format !== 3) issues.push({ path: `${path}.zarr_format`, message: "must be 2 or 3" });
  const shape = doc.shape;
  if (!Array.isArray(shape) || !shape.every((s) => Number.isInteger(s) && s >= 0)) {
    issues.push({ path: `${path}.shape`, message: "must be a list of non-negative integers" });
  }
  let dataType: DataType | undefined;
  if (isDataType(doc.dataType)) dataType = doc.dataType;
  else if (format === 3 && isDataType(doc.data_type)) dataType = doc.data_type;
  else if (format === 2 && typeof doc.dtype === "string")
    dataType = isDataType(doc.dtype) ? doc.dtype : parseV2DType(doc.dtype)?.dataType;
  const names = doc.dimension_names;
  if (issues.length > 0) return issues;
  return {
    format: format as 2 | 3,
    shape: shape as number[],
    dataType,
    dimensionNames: Array.isArray(names) ? (names as (string | null)[]) : undefined,
  };
}

/** A copy of a v3 spec (instance or JSON) with `dimension_names` set. */
export function withDimensionNames<S extends ArraySpecLike>(spec: S, names: string[]): S {
  if (isSpecInstance(spec) && spec.zarr_format === 3) return spec.with({ dimension_names: names }) as S;
  return { ...(spec as JSONObject), dimension_names: names } as S;
}

/** The JSON document of an array spec (instance or JSON). */
export function arraySpecJSON(spec: ArraySpecLike): JSONObject {
  return isSpecInstance(spec) ? (spec.toJSON() as unknown as JSONObject) : spec;
}

type Tree = { zarr_format: 2 | 3; attributes: JSONObject; members: Record<string, unknown> };

/**
 * The group spec of a group with `attributes` and, below it, `arrays` and `groups` keyed by relative
 * path; paths with "/" ("path/to/0") get intermediate groups without attributes. Array specs given
 * as JSON are parsed (and validated) here.
 */
export async function buildGroupSpec(
  format: 2 | 3,
  attributes: JSONObject,
  arrays: Record<string, ArraySpecLike> = {},
  groups: Record<string, AnyGroupSpec> = {},
): Promise<AnyGroupSpec> {
  const root: Tree = { zarr_format: format, attributes, members: {} };
  const place = (path: string, json: unknown) => {
    const parts = path.split("/");
    let node = root;
    for (const part of parts.slice(0, -1)) {
      node.members[part] ??= { zarr_format: format, attributes: {}, members: {} };
      node = node.members[part] as Tree;
    }
    node.members[parts[parts.length - 1]] = json;
  };
  for (const [path, spec] of Object.entries(arrays)) place(path, arraySpecJSON(spec));
  for (const [path, spec] of Object.entries(groups)) place(path, spec.toJSON());
  return format === 2 ? GroupSpecV2.parse(root) : GroupSpecV3.parse(root);
}

/** Writes a group spec (group, members and their metadata; no chunks) and returns the opened group. */
export function writeGroup(
  spec: AnyGroupSpec,
  store: Store,
  path: string,
  options: CreateOptions = {},
): Promise<Group> {
  return createFromGroupSpec(store, path, spec, options);
}

/** The spec of the array at `path` below `group`. */
export async function readArraySpec(group: Group, path: string): Promise<AnyArraySpec> {
  return (await group.array(path)).spec;
}
