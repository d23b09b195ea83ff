/**
 * `ome`: OME-Zarr 0.4 / 0.5 / 0.6 metadata — typed models, validation of documents and stored
 * hierarchies, and builders for images, label images, labels groups, plates, wells and
 * bioformats2raw layouts.
 *
 *   const image = ome.v05.Image.new({ arraySpecs, paths, axes, scales, name: "heart" });
 *   await image.toZarr(new LocalStore("heart.ome.zarr"), "");
 *   const report = await ome.validate(store);            // every broken rule, with JSON paths
 */

export { Axis, type AxisInput, type AxisType } from "./build/axes.js";
export {
  normalizeUnit,
  SPACE_UNITS,
  type SpaceUnit,
  TIME_UNITS,
  type TimeUnit,
  type Unit,
  unitKind,
} from "./common/units.js";
export * as v04 from "./v04/index.js";
export * as v05 from "./v05/index.js";
export * as v06 from "./v06/index.js";
export {
  detectKind,
  detectVersion,
  type HierarchyIssue,
  type HierarchyReport,
  type HierarchyValidateOptions,
  issuePath,
  type OmeKind,
  type OmeVersion,
  type SchemaName,
  type ValidateOptions,
  type ValidationReport,
  validate,
  validateAttributes,
} from "./validate/index.js";
