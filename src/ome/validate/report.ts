/** Validation results: the report type and the collector validators write their findings to. */
import type { Issue } from "../../errors.js";

export type OmeVersion = "0.4" | "0.5" | "0.6";
export type OmeKind =
  | "image"
  | "labels"
  | "image-label"
  | "plate"
  | "well"
  | "bioformats2raw"
  | "scene"
  | "unknown";

export interface ValidationReport {
  /** No errors (warnings do not make a document invalid). */
  valid: boolean;
  /** The version the document was validated against (undefined when none could be determined). */
  version: OmeVersion | undefined;
  /** What the document describes. */
  kind: OmeKind;
  /** Broken MUST rules, each with the JSON path of the field and a sentence naming the rule. */
  errors: Issue[];
  /** Broken SHOULD rules and suspicious values. */
  warnings: Issue[];
}

/**
 * Collects errors and warnings. `recommend` is for the fields the specification recommends and
 * the official `strict_*` schemas require (multiscale name/type/metadata, plate name, label colors,
 * version fields in 0.4, ...): a warning normally, an error in strict mode.
 */
export class Findings {
  readonly errors: Issue[] = [];
  readonly warnings: Issue[] = [];
  readonly strict: boolean;

  constructor(strict = false) {
    this.strict = strict;
  }

  error(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  warn(path: string, message: string): void {
    this.warnings.push({ path, message });
  }

  recommend(path: string, message: string): void {
    (this.strict ? this.errors : this.warnings).push({ path, message });
  }

  addErrors(issues: Issue[]): void {
    this.errors.push(...issues);
  }
}

/** What every rule checker receives: the version's rules apply, findings go to `out`. */
export interface Context {
  version: OmeVersion;
  out: Findings;
  /** Only what the official JSON schemas express (see ValidateOptions.schemaOnly). */
  schemaOnly?: boolean;
}
