/**
 * `ome.v06`: OME-Zarr 0.6 (RFC-5): named coordinate systems, transformations with input/output,
 * the full transformation set, and scenes. Metadata under `attributes.ome` of Zarr v3 groups.
 *
 *   const image = ome.v06.Image.new({ arraySpecs, axes, scales, name: "heart" });
 *   ome.v06.transform.affine(matrix, { output: ome.v06.transform.cs("atlas") })
 */
import { type ValidateOptions, validateAttributes as validateAny } from "../validate/attributes.js";
import type { ValidationReport } from "../validate/report.js";

export { Axis, type AxisInput, type AxisType } from "../build/axes.js";
export { type BioFormats2RawOptions, BioFormats2RawV06 as BioFormats2Raw } from "./bioformats2raw/build.js";
export {
  DEFAULT_SYSTEM,
  type ImageLabelOptionsV06 as ImageLabelOptions,
  ImageLabelV06 as ImageLabel,
  type ImageOptionsV06 as ImageOptions,
  ImageV06 as Image,
} from "./image/build.js";
export { type ExtraSystems, parseExtraSystems } from "./image/extra.js";
export type { Dataset, Multiscale } from "./image/models.js";
export { type LabelsOptions, LabelsV06 as Labels } from "./labels/build.js";
export * from "./models.js";
export { type PlateOptions, PlateV06 as Plate } from "./plate/build.js";
export { type SceneOptions, SceneV06 as Scene } from "./scene/build.js";
export type { Scene as SceneModel } from "./scene/models.js";
export * as transform from "./transformations/build.js";
export {
  describeChain,
  describeScene,
  describeSystem,
  describeTransformation,
} from "./transformations/describe.js";
export type * from "./transformations/models.js";
export { validateTransformations } from "./validate.js";
export { isV06Version, RELEASE_CANDIDATE } from "./version.js";
export { type WellOptions, WellV06 as Well } from "./well/build.js";

/** Validates a 0.6 `attributes` object (see `ome.validateAttributes`). */
export function validateAttributes(
  doc: unknown,
  options: Omit<ValidateOptions, "version"> = {},
): ValidationReport {
  return validateAny(doc, { ...options, version: "0.6" });
}
