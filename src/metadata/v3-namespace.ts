/** `v3`: Zarr v3 specifications (pydantic_zarr.v3). */

export { type GroupSpecJSON, GroupSpecV3 as GroupSpec } from "./group.js";
export {
  ArraySpec,
  type ArraySpecInput,
  type ArraySpecJSON,
  type ArraySpecOptions,
  defaultCodecs,
} from "./v3.js";
