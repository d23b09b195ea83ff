/**
 * `validateAttributes` for OME-Zarr 0.6: one group's `attributes` (`{"ome": {...}}`), checked per
 * node kind. Images and scenes use the 0.6 checkers (coordinate systems and transformations);
 * labels, plates, wells and bioformats2raw keep their 0.5 rules (the 0.6 schemas only widen well
 * paths). `schemaOnly` reports only what the official 0.6 JSON schemas check; the generic schema
 * accepts a document that matches any one kind, so schema-only mode does too.
 */
import type { z } from "zod";
import { childPath, isObject, type JSONObject } from "../common/json.js";
import {
  BF2RAW_KEY,
  bf2rawLayoutSchema,
  imageLabelBaseSchema,
  labelsSchema,
  plateBaseSchema,
  seriesSchema,
  wellBaseSchema,
} from "../common/models.js";
import { structureIssues } from "../common/structure.js";
import { omeroSchema } from "../v05/models.js";
import { checkLayout, checkSeries } from "../validate/bf2raw.js";
import { checkImageLabel, checkLabelsList } from "../validate/labels.js";
import { checkOmero } from "../validate/omero.js";
import { checkPlate } from "../validate/plate.js";
import { type Context, Findings, type OmeKind, type ValidationReport } from "../validate/report.js";
import { checkWell } from "../validate/well.js";
import { checkMultiscales, type MultiscaleSummary } from "./image/validate.js";
import { checkScene, type SceneSummary } from "./scene/validate.js";
import { checkTransformation, type V06Context } from "./transformations/validate.js";
import { isV06Version, RELEASE_CANDIDATE, VERSION } from "./version.js";

/** The official 0.6 schemas by file name (`image.schema`, `scene.schema`, ...). */
export type SchemaNameV06 = "image" | "label" | "plate" | "well" | "bf2raw" | "ome" | "scene";

export interface ValidateOptionsV06 {
  schema?: SchemaNameV06;
  strict?: boolean;
  schemaOnly?: boolean;
}

/** What the hierarchy validator needs beyond the report. */
export interface AttributesSummaryV06 {
  multiscales: MultiscaleSummary[];
  scene?: SceneSummary;
}

type Group = "image" | "label" | "plate" | "well" | "bf2raw" | "ome" | "scene";

interface KeyCheck {
  group: Group;
  /** Structure as zod sees it (for the keys whose 0.5 models are reused). */
  zod?: z.ZodType;
  check: (value: unknown, path: string, ctx: Context & V06Context, summary: AttributesSummaryV06) => void;
}

const KEYS: Record<string, KeyCheck> = {
  multiscales: {
    group: "image",
    check: (v, p, ctx, s) => {
      s.multiscales = checkMultiscales(v, p, ctx);
    },
  },
  omero: { group: "image", zod: omeroSchema, check: (v, p, ctx) => checkOmero(v, p, ctx) },
  "image-label": {
    group: "label",
    zod: imageLabelBaseSchema,
    check: (v, p, ctx) => checkImageLabel(v, p, ctx),
  },
  labels: { group: "image", zod: labelsSchema, check: (v, p, ctx) => checkLabelsList(v, p, ctx) },
  plate: { group: "plate", zod: plateBaseSchema, check: (v, p, ctx) => checkPlate(v, p, ctx) },
  well: { group: "well", zod: wellBaseSchema, check: (v, p, ctx) => checkWell(v, p, ctx) },
  [BF2RAW_KEY]: { group: "bf2raw", zod: bf2rawLayoutSchema, check: (v, p, ctx) => checkLayout(v, p, ctx) },
  series: { group: "ome", zod: seriesSchema, check: (v, p, ctx) => checkSeries(v, p, ctx) },
  scene: {
    group: "scene",
    check: (v, p, ctx, s) => {
      s.scene = checkScene(v, p, ctx);
    },
  },
};

export const OME_KEYS_V06 = Object.keys(KEYS);

/** The key each schema requires (the first) and the keys it covers. */
const SCHEMA_KEYS: Record<SchemaNameV06, string[]> = {
  image: ["multiscales", "omero"],
  label: ["image-label"],
  plate: ["plate"],
  well: ["well"],
  bf2raw: [BF2RAW_KEY],
  ome: ["series"],
  scene: ["scene"],
};

const SCHEMA_KIND: Record<SchemaNameV06, OmeKind> = {
  image: "image",
  label: "image-label",
  plate: "plate",
  well: "well",
  bf2raw: "bioformats2raw",
  ome: "bioformats2raw",
  scene: "scene",
};

/** What a 0.6 namespace describes (a plate before the bioformats2raw marker; a label image is an image). */
export function detectKindV06(ns: JSONObject): OmeKind {
  if ("plate" in ns) return "plate";
  if ("well" in ns) return "well";
  if ("scene" in ns) return "scene";
  if ("image-label" in ns) return "image-label";
  if ("multiscales" in ns) return "image";
  if ("labels" in ns) return "labels";
  if (BF2RAW_KEY in ns || "series" in ns) return "bioformats2raw";
  return "unknown";
}

function checkVersion(ns: JSONObject, out: Findings): void {
  if (ns.version === undefined) {
    out.error(
      "ome.version",
      `missing required field "version"; the ome object MUST give "version": "${VERSION}"`,
    );
  } else if (ns.version === RELEASE_CANDIDATE) {
    out.warn(
      "ome.version",
      `is "${RELEASE_CANDIDATE}", the release candidate; OME-Zarr 0.6 was released as "${VERSION}" with the same layout, so writers SHOULD write "${VERSION}"`,
    );
  } else if (!isV06Version(ns.version)) {
    out.error(
      "ome.version",
      `is ${JSON.stringify(ns.version)}; OME-Zarr 0.6 metadata MUST have "version": "${VERSION}"`,
    );
  }
}

/** Validates one 0.6 attributes document. */
export function validateAttributesV06(
  doc: unknown,
  options: ValidateOptionsV06 = {},
): ValidationReport & { summary: AttributesSummaryV06 } {
  const schemaOnly = options.schemaOnly ?? false;
  const summary: AttributesSummaryV06 = { multiscales: [] };
  const top = new Findings(options.strict ?? false);
  const done = (kind: OmeKind, errors = top.errors, warnings = top.warnings) => ({
    valid: errors.length === 0,
    version: "0.6" as const,
    kind,
    errors,
    warnings,
    summary,
  });
  if (!isObject(doc)) {
    top.error("", "attributes must be a JSON object");
    return done("unknown");
  }
  if (doc.ome === undefined) {
    top.error(
      "ome",
      `missing required field "ome"; OME-Zarr 0.6 metadata MUST be stored under attributes.ome`,
    );
    return done(options.schema ? SCHEMA_KIND[options.schema] : "unknown");
  }
  if (!isObject(doc.ome)) {
    top.error("ome", "must be an object holding the OME-Zarr metadata");
    return done("unknown");
  }
  const ns = doc.ome;
  checkVersion(ns, top);
  const keys = options.schema ? SCHEMA_KEYS[options.schema] : OME_KEYS_V06;
  const kind = options.schema ? SCHEMA_KIND[options.schema] : detectKindV06(ns);
  if (options.schema && !(keys[0] in ns)) {
    top.error(childPath("ome", keys[0]), `missing required field ${JSON.stringify(keys[0])}`);
  } else if (!options.schema && kind === "unknown") {
    top.error(
      "ome",
      `has no OME-Zarr metadata: expected one of ${OME_KEYS_V06.map((k) => JSON.stringify(k)).join(", ")}`,
    );
  }

  // findings per schema group, so that schema-only mode can accept a document matching any one kind
  const groups = new Map<Group, Findings>();
  for (const key of keys) {
    if (!(key in ns)) continue;
    const entry = KEYS[key];
    const out = groups.get(entry.group) ?? new Findings(options.strict ?? false);
    groups.set(entry.group, out);
    const ctx = { version: "0.6" as const, out, schemaOnly };
    const path = childPath("ome", key);
    if (entry.zod) out.addErrors(structureIssues(entry.zod, ns[key], path));
    entry.check(ns[key], path, ctx, summary);
  }
  // a labels group's `labels` list is its own kind, though it shares the image group's findings
  if (!schemaOnly && !options.schema && "image-label" in ns && !("multiscales" in ns)) {
    top.error(childPath("ome", "image-label"), `a label image MUST also contain "multiscales" metadata`);
  }

  const all = [...groups.values()];
  let errors = [...top.errors, ...all.flatMap((g) => g.errors)];
  const warnings = [...top.warnings, ...all.flatMap((g) => g.warnings)];
  if (schemaOnly && !options.schema && all.some((g) => g.errors.length === 0)) {
    // ome_zarr.schema is an anyOf: one kind that passes makes the document valid
    errors = [...top.errors];
    for (const g of all) warnings.push(...g.errors);
  }
  return done(kind, errors, warnings);
}

/**
 * Validates a document of coordinate systems and transformations between them,
 * `{"coordinateSystems": [...], "coordinateTransformations": [...]}` (the form of the
 * specification's transformation examples): every reference MUST name one of the systems, and
 * every transformation MUST fit their dimensionality. A single transformation object is accepted too.
 */
export function validateTransformations(
  doc: unknown,
  options: { schemaOnly?: boolean } = {},
): ValidationReport {
  const out = new Findings();
  const ctx = { out, schemaOnly: options.schemaOnly ?? false };
  if (isObject(doc) && typeof doc.type === "string" && doc.coordinateTransformations === undefined) {
    checkTransformation(doc, "", ctx);
  } else {
    checkScene(doc, "", ctx);
  }
  return {
    valid: out.errors.length === 0,
    version: "0.6",
    kind: "unknown",
    errors: out.errors,
    warnings: out.warnings,
  };
}
