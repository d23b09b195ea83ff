/**
 * Extra coordinate systems for an image, as a document (the `--transform FILE` of `convert`):
 *
 *   { "coordinateSystems": [{ "name": "atlas", "axes": [...] }],
 *     "coordinateTransformations": [{ "type": "affine", "affine": [[...]], "output": { "name": "atlas" } }] }
 *
 * Each transformation goes from the image's physical coordinate system (its `input` may be left
 * out) to one of the systems. Structure is checked here; the rules that need the image (the
 * dimensionality of each transformation) when the image metadata is built.
 */
import { SpecError } from "../../../errors.js";
import { childPath, cloneJSON, isObject, jsonTypeOf } from "../../common/json.js";
import { Findings } from "../../validate/report.js";
import type { CoordinateSystem, Transformation } from "../transformations/models.js";
import { checkCoordinateSystems, checkTransformation } from "../transformations/validate.js";

export interface ExtraSystems {
  coordinateSystems?: CoordinateSystem[];
  coordinateTransformations?: Transformation[];
}

/** Parses an extra-systems document; throws SpecError naming every problem by JSON path (`what` names the source, e.g. the file). */
export function parseExtraSystems(doc: unknown, what = "transform document"): ExtraSystems {
  const out = new Findings();
  const ctx = { out, schemaOnly: false };
  if (!isObject(doc)) {
    throw new SpecError(what, [
      {
        path: "",
        message: `must be an object with "coordinateSystems" and "coordinateTransformations", not ${jsonTypeOf(doc)}`,
      },
    ]);
  }
  for (const key of Object.keys(doc)) {
    if (key !== "coordinateSystems" && key !== "coordinateTransformations")
      out.error(
        key,
        `is not a field of a transform document (only "coordinateSystems" and "coordinateTransformations")`,
      );
  }
  if (doc.coordinateSystems !== undefined)
    checkCoordinateSystems(doc.coordinateSystems, "coordinateSystems", ctx, {
      minItems: 1,
      imageRules: true,
    });
  const list = doc.coordinateTransformations;
  if (list === undefined) out.error("", `missing required field "coordinateTransformations"`);
  else if (!Array.isArray(list) || list.length === 0)
    out.error("coordinateTransformations", "must be a non-empty array of transformations");
  else {
    list.forEach((t, i) => {
      const p = childPath("coordinateTransformations", i);
      checkTransformation(t, p, ctx);
      if (isObject(t) && !isObject(t.output))
        out.error(p, `needs "output": {"name": <one of the coordinate systems>}`);
    });
  }
  if (out.errors.length > 0) throw new SpecError(what, out.errors);
  return cloneJSON(doc) as ExtraSystems;
}
