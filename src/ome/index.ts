/**
 * `ome`: OME-Zarr 0.4 / 0.5 / 0.6 metadata — typed models, validation of documents and stored
 * hierarchies, and builders for images, label images, labels groups, plates, wells and
 * bioformats2raw layouts.
 *
 *   const image = ome.v05.Image.new({ arraySpecs, paths, axes, scales, name: "heart" });
 *   await image.toZarr(new LocalStore("heart.ome.zarr"), "");
 *   const report = await ome.validate(store);            // every broken rule, with JSON paths
 */

import type { Store } from "../store/types.js";
import type { UpgradeOptions, UpgradeResult } from "./upgrade/index.js";

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
export { type OmeAxis, type OmeImageInfo, type OmeLevel, omeImage, omeScene } from "./image-info.js";
export { NotRepresentableError } from "./upgrade/errors.js";
export type { UpgradeOptions, UpgradeResult } from "./upgrade/index.js";
export { UPGRADE_VERSIONS, type UpgradeVersion } from "./upgrade/versions.js";
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
export { type ViewerNote, type ViewerNoteTopic, viewerNotes } from "./viewer-notes.js";

/**
 * Converts the OME-Zarr hierarchy at `path` to another version by rewriting metadata only (chunks
 * are kept, or copied byte for byte into `options.out`); see `upgrade/index.ts`. The Zarr layer is
 * loaded on first call, so importing `ome` stays light.
 */
export async function upgrade(store: Store, path: string, options: UpgradeOptions): Promise<UpgradeResult> {
  const impl = await import("./upgrade/index.js");
  return impl.upgrade(store, path, options);
}
