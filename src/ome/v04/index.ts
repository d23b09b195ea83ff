/** `ome.v04`: OME-Zarr 0.4 (metadata in the `.zattrs` of Zarr v2 groups). */
import { type ValidateOptions, validateAttributes as validateAny } from "../validate/attributes.js";
import type { ValidationReport } from "../validate/report.js";

export { Axis, type AxisInput, type AxisType } from "../build/axes.js";
export {
  type BioFormats2RawOptions,
  BioFormats2RawV04 as BioFormats2Raw,
  type LabelsOptions,
  LabelsV04 as Labels,
  type PlateOptions,
  PlateV04 as Plate,
  type WellOptions,
  WellV04 as Well,
} from "../build/groups.js";
export {
  type ImageLabelOptions,
  ImageLabelV04 as ImageLabel,
  type ImageOptions,
  ImageV04 as Image,
} from "../build/image.js";
export type {
  Acquisition,
  Axis as AxisModel,
  CoordinateTransformation,
  Dataset,
  LabelColor,
} from "../common/models.js";
export * from "./models.js";

/** Validates a 0.4 `.zattrs` document (see `ome.validateAttributes`). */
export function validateAttributes(
  doc: unknown,
  options: Omit<ValidateOptions, "version"> = {},
): ValidationReport {
  return validateAny(doc, { ...options, version: "0.4" });
}
