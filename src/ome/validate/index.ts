/** OME-Zarr validation: single attributes documents and whole hierarchies. */
export {
  detectKind,
  detectVersion,
  type SchemaName,
  type ValidateOptions,
  validateAttributes,
} from "./attributes.js";
export {
  type HierarchyIssue,
  type HierarchyReport,
  type HierarchyValidateOptions,
  issuePath,
  validate,
} from "./hierarchy.js";
export type { OmeKind, OmeVersion, ValidationReport } from "./report.js";
