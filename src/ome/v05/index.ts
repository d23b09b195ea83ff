/** `ome.v05`: OME-Zarr 0.5 (metadata under `attributes.ome` of Zarr v3 groups). */
import { type ValidateOptions, validateAttributes as validateAny } from "../validate/attributes.js";
import type { ValidationReport } from "../validate/report.js";

export { Axis, type AxisInput, type AxisType } from "../build/axes.js";
export {
  type BioFormats2RawOptions,
  BioFormats2RawV05 as BioFormats2Raw,
  type LabelsOptions,
  LabelsV05 as Labels,
  type PlateOptions,
  PlateV05 as Plate,
  type WellOptions,
  WellV05 as Well,
} from "../build/groups.js";
export {
  type ImageLabelOptions,
  ImageLabelV05 as ImageLabel,
  type ImageOptions,
  ImageV05 as Image,
} from "../build/image.js";
export type {
  Acquisition,
  Axis as AxisModel,
  CoordinateTransformation,
  Dataset,
  LabelColor,
} from "../common/models.js";
export * from "./models.js";

/** Validates a 0.5 `attributes` object (see `ome.validateAttributes`). */
export function validateAttributes(
  doc: unknown,
  options: Omit<ValidateOptions, "version"> = {},
): ValidationReport {
  return validateAny(doc, { ...options, version: "0.5" });
}
