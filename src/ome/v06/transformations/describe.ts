/**
 * Transformations and coordinate systems in words, for `info`: "scale by [2, 2], then translate
 * by [0.5, 0.5]", "physical (y, x in micrometer)", "level 1 (array "1") → physical: ...".
 */
import { isObject } from "../../common/json.js";

const list = (v: unknown) => (Array.isArray(v) ? `[${v.join(", ")}]` : "?");
const ref = (r: unknown) => {
  if (!isObject(r)) return "?";
  if (typeof r.name === "string")
    return typeof r.path === "string" && r.path !== "" ? `${r.path}#${r.name}` : r.name;
  return typeof r.path === "string" ? `array "${r.path}"` : "?";
};

/** One transformation in words (recursing into sequences, bijections and byDimension). */
export function describeTransformation(t: unknown): string {
  if (!isObject(t)) return "(not a transformation)";
  const named = typeof t.name === "string" && t.name !== "" ? ` "${t.name}"` : "";
  const matrix = (m: unknown) =>
    Array.isArray(m) && Array.isArray(m[0]) ? `${m.length}×${(m[0] as unknown[]).length} matrix` : "matrix";
  let text: string;
  switch (t.type) {
    case "identity":
      text = "identity";
      break;
    case "scale":
      text = `scale by ${list(t.scale)}`;
      break;
    case "translation":
      text = `translate by ${list(t.translation)}`;
      break;
    case "affine":
      text =
        typeof t.path === "string" ? `affine (matrix stored at "${t.path}")` : `affine (${matrix(t.affine)})`;
      break;
    case "rotation":
      text =
        typeof t.path === "string"
          ? `rotation (matrix stored at "${t.path}")`
          : `rotation (${matrix(t.rotation)})`;
      break;
    case "mapAxis":
      text = `permute axes: output axis i is input axis ${list(t.mapAxis)}[i]`;
      break;
    case "projectAxis": {
      const parts: string[] = [];
      if (Array.isArray(t.droppedInputs)) parts.push(`drop input axes ${list(t.droppedInputs)}`);
      if (Array.isArray(t.createdOutputs)) parts.push(`create output axes ${list(t.createdOutputs)} (at 0)`);
      text = `project: ${parts.join(", ")}`;
      break;
    }
    case "sequence":
      text = Array.isArray(t.transformations)
        ? (t.transformations as unknown[]).map(describeTransformation).join(", then ")
        : "sequence";
      break;
    case "byDimension":
      text = `by dimension: ${
        Array.isArray(t.transformations)
          ? (t.transformations as unknown[])
              .map((item) =>
                isObject(item)
                  ? `${describeTransformation(item.transformation)} on axes ${list(item.inputAxes)} → ${list(item.outputAxes)}`
                  : "?",
              )
              .join("; ")
          : "?"
      }`;
      break;
    case "bijection":
      text = `bijection (forward: ${describeTransformation(t.forward)}; inverse: ${describeTransformation(t.inverse)})`;
      break;
    case "displacements":
    case "coordinates":
      text = `${t.type === "displacements" ? "displacement" : "coordinate"} field at "${String(t.path)}"${typeof t.interpolation === "string" ? ` (${t.interpolation} interpolation)` : ""}`;
      break;
    default:
      text = `unknown transformation ${JSON.stringify(t.type)}`;
  }
  return `${text}${named}`;
}

/** A coordinate system in words: `physical (z, y, x in micrometer; c channel)`. */
export function describeSystem(sys: unknown): string {
  if (!isObject(sys)) return "?";
  const axes = Array.isArray(sys.axes) ? sys.axes.filter(isObject) : [];
  const parts = axes.map((a) => {
    const extra = [a.type, a.unit].filter((x) => typeof x === "string").join(", ");
    return extra ? `${String(a.name)} (${extra})` : String(a.name);
  });
  return `${String(sys.name)}: ${parts.join(", ")}`;
}

/**
 * A 0.6 multiscale's coordinate systems and transformation chain, one line each: the systems, each
 * level's transformation to the intrinsic system, then the multiscale-level transformations.
 */
export function describeChain(multiscale: unknown): string[] {
  if (!isObject(multiscale)) return [];
  const lines: string[] = [];
  const systems = Array.isArray(multiscale.coordinateSystems) ? multiscale.coordinateSystems : [];
  for (const sys of systems) lines.push(`coordinate system ${describeSystem(sys)}`);
  const datasets = Array.isArray(multiscale.datasets) ? multiscale.datasets : [];
  datasets.forEach((d, i) => {
    if (!isObject(d) || !Array.isArray(d.coordinateTransformations)) return;
    for (const t of d.coordinateTransformations) {
      const target = isObject(t) ? ref(t.output) : "?";
      lines.push(`level ${i} (array "${String(d.path)}") → ${target}: ${describeTransformation(t)}`);
    }
  });
  const extra = Array.isArray(multiscale.coordinateTransformations)
    ? multiscale.coordinateTransformations
    : [];
  for (const t of extra) {
    if (!isObject(t)) continue;
    lines.push(`${ref(t.input)} → ${ref(t.output)}: ${describeTransformation(t)}`);
  }
  return lines;
}

/** A scene's transformations, one line each. */
export function describeScene(scene: unknown): string[] {
  if (!isObject(scene)) return [];
  const lines: string[] = [];
  for (const sys of Array.isArray(scene.coordinateSystems) ? scene.coordinateSystems : []) {
    lines.push(`scene coordinate system ${describeSystem(sys)}`);
  }
  for (const t of Array.isArray(scene.coordinateTransformations) ? scene.coordinateTransformations : []) {
    if (isObject(t)) lines.push(`${ref(t.input)} → ${ref(t.output)}: ${describeTransformation(t)}`);
  }
  return lines;
}
