/**
 * `validateAttributes`: every rule of the specification that one attributes document can break —
 * the structure the official JSON schemas check plus the rules they cannot express (axis order,
 * transformation order and lengths, resolution order, unique names, well paths, ...).
 */
import type { z } from "zod";
import { childPath, isObject, type JSONObject } from "../common/json.js";
import { BF2RAW_KEY } from "../common/models.js";
import { structureIssues } from "../common/structure.js";
import { keySchemas as keySchemas04 } from "../v04/models.js";
import { keySchemas as keySchemas05 } from "../v05/models.js";
import { validateAttributesV06 } from "../v06/validate.js";
import { checkLayout, checkSeries } from "./bf2raw.js";
import { detectKind, SCHEMA_KEYS, SCHEMA_KIND, type SchemaName } from "./kinds.js";
import { checkImageLabel, checkLabelsList } from "./labels.js";
import { checkMultiscales } from "./multiscales.js";
import { checkOmero } from "./omero.js";
import { checkPlate } from "./plate.js";
import { type Context, Findings, type OmeKind, type OmeVersion, type ValidationReport } from "./report.js";
import { checkWell } from "./well.js";

export { detectKind, type SchemaName };

export interface ValidateOptions {
  /** Validate against this version instead of detecting it (`ome` object → 0.5, otherwise 0.4). */
  version?: OmeVersion;
  /**
   * Check only the metadata one official schema covers, plus the specification's rules for it: e.g.
   * `"label"` checks an `image-label` object without asking for the `multiscales` its group must also
   * have. Default: the whole document as the attributes of one group.
   */
  schema?: SchemaName;
  /**
   * Treat the fields the specification recommends and the official `strict_*` schemas require
   * (multiscale name/type/metadata, plate name, acquisition name and maximumfieldcount, label colors,
   * 0.4 version fields) as required: missing ones become errors instead of warnings.
   */
  strict?: boolean;
  /**
   * Reproduce the verdicts of the official JSON schemas and their test suites instead of applying
   * every MUST rule of the specification text (the default). For 0.6: only what the schemas express
   * (structure, types, enums). For 0.4 and 0.5: the MUST rules the upstream suites contradict become
   * warnings — scale/translation vectors that all share a length other than the number of axes, and
   * 0.4 well paths written "<column>/<row>". `ome.validate` then checks the group's own document
   * only, without following references to other nodes.
   */
  schemaOnly?: boolean;
}

type Checker = (value: unknown, path: string, ctx: Context) => void;

const CHECKERS: Record<string, Checker> = {
  multiscales: checkMultiscales,
  omero: checkOmero,
  "image-label": checkImageLabel,
  labels: checkLabelsList,
  plate: checkPlate,
  well: checkWell,
  [BF2RAW_KEY]: checkLayout,
  series: checkSeries,
};

const OME_KEYS = Object.keys(CHECKERS);

/**
 * The version a document is written in: 0.5 and 0.6 keep everything under an `ome` object, whose
 * `version` tells them apart (any "0.6..." string is judged as 0.6, which names the right value).
 */
export function detectVersion(attributes: unknown): OmeVersion {
  if (!isObject(attributes) || !isObject(attributes.ome)) return "0.4";
  const v = attributes.ome.version;
  return typeof v === "string" && v.startsWith("0.6") ? "0.6" : "0.5";
}

/** The OME namespace of a document of the given version, checking the 0.5 envelope on the way. */
function namespaceOf(
  doc: JSONObject,
  version: OmeVersion,
  out: Findings,
): { ns: JSONObject | undefined; base: string } {
  if (version === "0.4") {
    if (isObject(doc.ome) && !OME_KEYS.some((k) => k in doc)) {
      out.error(
        "",
        `has OME metadata under "ome", which is the OME-Zarr 0.5 layout; 0.4 metadata MUST be at the top level of .zattrs`,
      );
      return { ns: undefined, base: "" };
    }
    return { ns: doc, base: "" };
  }
  if (doc.ome === undefined) {
    const hint = OME_KEYS.some((k) => k in doc) ? " (these attributes look like OME-Zarr 0.4 metadata)" : "";
    out.error(
      "ome",
      `missing required field "ome"; OME-Zarr 0.5 metadata MUST be stored under attributes.ome${hint}`,
    );
    return { ns: undefined, base: "ome" };
  }
  if (!isObject(doc.ome)) {
    out.error("ome", "must be an object holding the OME-Zarr metadata");
    return { ns: undefined, base: "ome" };
  }
  const ns = doc.ome;
  if (ns.version === undefined) {
    out.error("ome.version", `missing required field "version"; the ome object MUST give "version": "0.5"`);
  } else if (ns.version !== "0.5") {
    out.error(
      "ome.version",
      `is ${JSON.stringify(ns.version)}; OME-Zarr 0.5 metadata MUST have "version": "0.5"`,
    );
  }
  return { ns, base: "ome" };
}

/**
 * Validates one attributes document: a 0.4 `.zattrs` object or a 0.5 `zarr.json` `attributes`
 * object (`{ "ome": {...} }`). Collects every broken rule (errors for MUST, warnings for SHOULD),
 * each with the JSON path of the field.
 */
export function validateAttributes(doc: unknown, options: ValidateOptions = {}): ValidationReport {
  const out = new Findings(options.strict ?? false);
  if (!isObject(doc)) {
    out.error("", "attributes must be a JSON object");
    return report(out, options.version, "unknown");
  }
  const version = options.version ?? detectVersion(doc);
  if (version === "0.6") {
    const { summary: _summary, ...rest } = validateAttributesV06(doc, {
      schema: options.schema,
      strict: options.strict,
      schemaOnly: options.schemaOnly,
    });
    return rest;
  }
  const ctx: Context = { version, out, schemaOnly: options.schemaOnly };
  const { ns, base } = namespaceOf(doc, version, out);
  if (!ns) return report(out, version, options.schema ? SCHEMA_KIND[options.schema] : "unknown");

  const keys = options.schema ? SCHEMA_KEYS[options.schema] : OME_KEYS;
  const kind = options.schema ? SCHEMA_KIND[options.schema] : detectKind(ns);
  if (options.schema && !(keys[0] in ns)) {
    out.error(childPath(base, keys[0]), `missing required field ${JSON.stringify(keys[0])}`);
  } else if (kind === "unknown") {
    out.error(
      base,
      `has no OME-Zarr metadata: expected one of ${OME_KEYS.map((k) => JSON.stringify(k)).join(", ")}`,
    );
  }

  const schemas: Record<string, z.ZodType> = version === "0.4" ? keySchemas04 : keySchemas05;
  for (const key of keys) {
    if (!(key in ns)) continue;
    const path = childPath(base, key);
    out.addErrors(structureIssues(schemas[key], ns[key], path));
    CHECKERS[key](ns[key], path, ctx);
  }

  // Group-level rule (not part of the label schema): a label image is a multiscale image too.
  if (!options.schema && "image-label" in ns && !("multiscales" in ns)) {
    out.error(childPath(base, "image-label"), `a label image MUST also contain "multiscales" metadata`);
  }
  return report(out, version, kind);
}

export function report(out: Findings, version: OmeVersion | undefined, kind: OmeKind): ValidationReport {
  return { valid: out.errors.length === 0, version, kind, errors: out.errors, warnings: out.warnings };
}
