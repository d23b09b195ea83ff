/** `v2`: Zarr v2 specifications (pydantic_zarr.v2). */

export { type GroupSpecJSON, GroupSpecV2 as GroupSpec } from "./group.js";
export { ArraySpec, type ArraySpecInput, type ArraySpecJSON } from "./v2.js";
