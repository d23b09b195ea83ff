/** Creating arrays and groups in a store: claim the path, write parents, write metadata, open. */
import { ZarrArray } from "../array/zarr-array.js";
import type { DataType } from "../dtype/index.js";
import type { Attributes } from "../spec/shared.js";
import type { ArraySpec as ArraySpecV2 } from "../spec/v2.js";
import type { ArraySpec as ArraySpecV3 } from "../spec/v3.js";
import { normalizePath } from "../store/keys.js";
import type { Store } from "../store/types.js";
import {
  type CreateOptions,
  claimPath,
  ensureParents,
  writeArrayMetadata,
  writeGroupMetadata,
} from "./create.js";
import { Group } from "./group.js";

export async function createArray<D extends DataType = DataType>(
  store: Store,
  path: string,
  spec: ArraySpecV2 | ArraySpecV3,
  options: CreateOptions = {},
): Promise<ZarrArray<D>> {
  const p = normalizePath(path);
  await claimPath(store, p, options);
  await ensureParents(store, p, spec.zarr_format);
  await writeArrayMetadata(store, p, spec);
  return new ZarrArray<D>(store, p, spec);
}

export async function createGroup(
  store: Store,
  path: string,
  format: 2 | 3,
  attributes: Attributes = {},
  options: CreateOptions = {},
): Promise<Group> {
  const p = normalizePath(path);
  await claimPath(store, p, options);
  await ensureParents(store, p, format);
  await writeGroupMetadata(store, p, format, attributes);
  return new Group(store, p, format, attributes);
}
