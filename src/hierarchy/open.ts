/**
 * Opening nodes: `open(store, path)` detects Zarr v3 (`zarr.json`) or v2 (`.zarray`/`.zgroup`) and
 * returns a ZarrArray or a Group; `open.array` / `open.group` insist on the kind.
 * Metadata written by other tools is read leniently (unknown keys ignored) but still validated.
 * Arrays of every data type, strings included, open as a ZarrArray.
 */
import { openArray, openGroup, openNode } from "./group.js";

export type { OpenOptions } from "./group.js";
export type { NodeHint } from "./metadata-io.js";

/** Opens the array or group at `path` (Zarr v2 or v3, detected). */
export const open = Object.assign(openNode, {
  array: openArray,
  group: openGroup,
});
