/** Rules for the coordinate transformations of multiscales and their datasets. */
import { childPath, isObject } from "../common/json.js";
import type { Context } from "./report.js";

/** The length of one scale or translation vector, collected so that the multiscale can judge them together. */
export interface VectorLength {
  path: string;
  key: "scale" | "translation";
  length: number;
}

export interface TransformSummary {
  /** The inline scale vector, when there is exactly one scale of the right length. */
  scale?: number[];
  /** Where that scale vector is, for messages. */
  scalePath?: string;
}

/**
 * Checks a `coordinateTransformations` list: only `scale` and `translation`; exactly one scale,
 * first; at most one translation, after the scale. The vectors' lengths are pushed to `lengths`
 * for `checkVectorLengths`, which compares them with the axes once the whole multiscale is seen.
 * `where` names the list's owner for messages ("each dataset", "the multiscale").
 */
export function checkTransformations(
  list: unknown,
  ndim: number | undefined,
  path: string,
  ctx: Context,
  where: string,
  lengths: VectorLength[],
): TransformSummary {
  if (!Array.isArray(list)) return {};
  const { out } = ctx;
  if (list.length === 0) {
    out.error(path, `is empty; ${where} MUST have exactly one "scale" transformation`);
    return {};
  }
  const scales: number[] = [];
  const translations: number[] = [];
  list.forEach((t, i) => {
    if (!isObject(t)) return;
    const p = childPath(path, i);
    if (t.type === "identity") {
      out.error(
        childPath(p, "type"),
        `"identity" is not allowed here; ${where} MUST only have "scale" and "translation" transformations`,
      );
      return;
    }
    if (t.type !== "scale" && t.type !== "translation") return; // the structural check reports it
    const key = t.type;
    (key === "scale" ? scales : translations).push(i);
    const vector = t[key];
    if (vector === undefined) {
      if (typeof t.path === "string") {
        out.error(
          p,
          `gives its ${key} by "path"; multiscales MUST give "${key}" as a list of numbers (the official schema requires it, and a stored vector cannot be checked against the axes)`,
        );
      } else out.error(p, `a "${key}" transformation MUST have a "${key}" vector`);
      return;
    }
    if (Array.isArray(vector)) lengths.push({ path: childPath(p, key), key, length: vector.length });
  });

  if (scales.length === 0) {
    out.error(path, `has no "scale"; ${where} MUST have exactly one "scale" transformation`);
  } else if (scales.length > 1) {
    out.error(
      childPath(path, scales[1]),
      `is a second "scale"; ${where} MUST have exactly one "scale" transformation (found ${scales.length})`,
    );
  }
  if (translations.length > 1) {
    out.error(
      childPath(path, translations[1]),
      `is a second "translation"; ${where} MAY have at most one "translation" (found ${translations.length})`,
    );
  }
  if (scales.length >= 1 && translations.length >= 1 && translations[0] < scales[0]) {
    out.error(
      childPath(path, translations[0]),
      `"translation" MUST be listed after "scale" (so that it is in physical units)`,
    );
  }

  if (scales.length !== 1) return {};
  const vector = (list[scales[0]] as Record<string, unknown>).scale;
  const scalePath = childPath(childPath(path, scales[0]), "scale");
  if (
    Array.isArray(vector) &&
    vector.every((v) => typeof v === "number") &&
    (ndim === undefined || vector.length === ndim)
  ) {
    return { scale: vector as number[], scalePath };
  }
  return {};
}

/**
 * Compares every scale and translation vector of one multiscale with the number of axes: the
 * specification (0.4 and 0.5) says their length MUST equal it, so every mismatch is an error.
 *
 * In schema-only mode (the verdicts of the official schema test suites) one mismatch is a warning:
 * all vectors agree with each other but not with the axes. A JSON schema cannot compare lengths, and
 * the 0.4 suite lists such a document as valid (image_suite/valid/mismatch_axes_units.json: 3 axes,
 * one 2-value scale). Vectors that disagree with each other cannot even be composed and stay errors.
 */
export function checkVectorLengths(lengths: VectorLength[], ndim: number | undefined, ctx: Context): void {
  if (ndim === undefined) return;
  const wrong = lengths.filter((v) => v.length !== ndim);
  if (wrong.length === 0) return;
  const consistent = lengths.every((v) => v.length === lengths[0].length);
  for (const v of wrong) {
    const rule = `has ${v.length} values but there are ${ndim} axes; the length of "${v.key}" MUST equal the number of axes`;
    if (ctx.schemaOnly && consistent) {
      ctx.out.warn(
        v.path,
        `${rule} (a warning in schema-only mode: no JSON schema can compare the lengths, and the official suite accepts this)`,
      );
    } else ctx.out.error(v.path, rule);
  }
}
