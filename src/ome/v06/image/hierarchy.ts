/**
 * Hierarchy checks of 0.6 images that need other nodes: the arrays holding matrices (`affine`,
 * `rotation` by `path`) and the field groups of `displacements` / `coordinates` transformations.
 */
import { childPath, isObject, type JSONObject } from "../../common/json.js";
import { type HierarchyWalker, joinPath } from "../hierarchy-walker.js";

/** The axes of a multiscale's intrinsic coordinate system (the output of its first dataset's transformation). */
export function intrinsicAxes(ms: JSONObject): unknown[] | undefined {
  const datasets = Array.isArray(ms.datasets) ? ms.datasets : [];
  const first =
    isObject(datasets[0]) && Array.isArray(datasets[0].coordinateTransformations)
      ? datasets[0].coordinateTransformations[0]
      : undefined;
  const name = isObject(first) && isObject(first.output) ? first.output.name : undefined;
  const systems = Array.isArray(ms.coordinateSystems) ? ms.coordinateSystems : [];
  const sys = systems.find((s) => isObject(s) && s.name === name);
  return isObject(sys) && Array.isArray(sys.axes) ? sys.axes : undefined;
}

/** Every coordinate system of a group's multiscales, by name, as axes lists. */
export function systemsOf(ns: JSONObject): Map<string, JSONObject[]> {
  const out = new Map<string, JSONObject[]>();
  for (const ms of Array.isArray(ns.multiscales) ? ns.multiscales : []) {
    if (!isObject(ms) || !Array.isArray(ms.coordinateSystems)) continue;
    for (const sys of ms.coordinateSystems) {
      if (isObject(sys) && typeof sys.name === "string" && Array.isArray(sys.axes) && !out.has(sys.name))
        out.set(sys.name, sys.axes.filter(isObject));
    }
  }
  return out;
}

interface Site {
  t: JSONObject;
  json: string;
  /** Dimensionality of the transformation's input and output, where known (top-level transformations). */
  nIn?: number;
  nOut?: number;
}

/** The transformations of a list and everything nested in them. */
function flatten(
  list: unknown[],
  json: string,
  dims: (t: JSONObject) => { nIn?: number; nOut?: number },
): Site[] {
  const out: Site[] = [];
  const walk = (t: unknown, p: string, d: { nIn?: number; nOut?: number }) => {
    if (!isObject(t)) return;
    out.push({ t, json: p, ...d });
    if (Array.isArray(t.transformations)) {
      t.transformations.forEach((x, i) => {
        const child = isObject(x) && isObject(x.transformation) ? x.transformation : x;
        const cp =
          isObject(x) && isObject(x.transformation)
            ? childPath(childPath(childPath(p, "transformations"), i), "transformation")
            : childPath(childPath(p, "transformations"), i);
        const only = (t.transformations as unknown[]).length === 1 && t.type === "sequence";
        walk(child, cp, only ? d : {});
      });
    }
    if (t.forward !== undefined) walk(t.forward, childPath(p, "forward"), d);
    if (t.inverse !== undefined) walk(t.inverse, childPath(p, "inverse"), { nIn: d.nOut, nOut: d.nIn });
  };
  list.forEach((t, i) => {
    walk(t, childPath(json, i), isObject(t) ? dims(t) : {});
  });
  return out;
}

/**
 * Checks the arrays and groups that transformations of `list` store their parameters in, relative
 * to the group at `node`: a matrix is a 2D array (M×(N+1) for an affine, N×N for a rotation); a
 * field is a multiscale group (or an array) with one dimension per input axis plus one vector axis
 * of type "displacement"/"coordinate" whose length is the output dimensionality.
 */
export async function checkStoredParameters(
  w: HierarchyWalker,
  node: string,
  list: unknown[],
  json: string,
  dims: (t: JSONObject) => { nIn?: number; nOut?: number },
): Promise<void> {
  for (const { t, json: p, nIn, nOut } of flatten(list, json, dims)) {
    if (typeof t.path !== "string" || t.path === "") continue;
    const target = joinPath(node, t.path);
    const where = childPath(p, "path");
    if (t.type === "affine" || t.type === "rotation") {
      const found = await w.read(target);
      if (!found) {
        w.error(
          node,
          where,
          `the ${t.type} matrix "${t.path}" does not exist; it MUST be a 2D Zarr array`,
          target,
        );
        continue;
      }
      if (found.kind !== "array") {
        w.error(
          node,
          where,
          `the ${t.type} matrix "${t.path}" is ${found.kind === "group" ? "a group" : "unreadable"}; it MUST be a 2D Zarr array`,
          target,
        );
        continue;
      }
      const shape = found.shape;
      if (!shape || shape.length !== 2) {
        w.error(
          node,
          where,
          `the ${t.type} matrix "${t.path}" has shape [${shape?.join(", ") ?? "?"}]; it MUST be 2D`,
          target,
        );
        continue;
      }
      const [rows, cols] = shape;
      if (t.type === "affine") {
        if (nIn !== undefined && cols !== nIn + 1)
          w.error(
            node,
            where,
            `the affine matrix "${t.path}" is ${rows}×${cols} but the input has ${nIn} axes; it MUST have ${nIn + 1} columns`,
            target,
          );
        if (nOut !== undefined && rows !== nOut)
          w.error(
            node,
            where,
            `the affine matrix "${t.path}" is ${rows}×${cols} but the output has ${nOut} axes; it MUST have ${nOut} rows`,
            target,
          );
      } else {
        if (rows !== cols)
          w.error(
            node,
            where,
            `the rotation matrix "${t.path}" is ${rows}×${cols}; it MUST be square`,
            target,
          );
        else if (nIn !== undefined && rows !== nIn)
          w.error(
            node,
            where,
            `the rotation matrix "${t.path}" is ${rows}×${cols} but the input has ${nIn} axes; it MUST be ${nIn}×${nIn}`,
            target,
          );
      }
      continue;
    }
    if (t.type !== "displacements" && t.type !== "coordinates") continue;
    const vectorType = t.type === "displacements" ? "displacement" : "coordinate";
    const found = await w.read(target);
    if (!found) {
      w.error(
        node,
        where,
        `the ${vectorType} field "${t.path}" does not exist; it MUST be stored at this path`,
        target,
      );
      continue;
    }
    if (found.kind === "broken") {
      w.error(node, where, `the ${vectorType} field "${t.path}": ${found.key} ${found.reason}`, target);
      continue;
    }
    let ndim: number | undefined;
    let vectorLength: number | undefined;
    if (found.kind === "array") {
      ndim = found.shape?.length;
      vectorLength = found.shape?.[found.shape.length - 1];
    } else {
      await w.visit(target, found, ["image"]);
      const ome = found.attributes.ome;
      const ms =
        isObject(ome) && Array.isArray(ome.multiscales) && isObject(ome.multiscales[0])
          ? ome.multiscales[0]
          : undefined;
      const axes = ms ? intrinsicAxes(ms) : undefined;
      if (!ms || !axes) {
        w.error(
          node,
          where,
          `the ${vectorType} field "${t.path}" is a group without 0.6 multiscales; a field MUST be stored as a multiscale image`,
          target,
        );
        continue;
      }
      const vectorAxes = axes.flatMap((a, i) => (isObject(a) && a.type === vectorType ? [i] : []));
      if (vectorAxes.length !== 1) {
        w.error(
          node,
          where,
          `the ${vectorType} field "${t.path}" has ${vectorAxes.length} axes of type "${vectorType}"; its coordinate system MUST have exactly one`,
          target,
        );
        continue;
      }
      ndim = axes.length;
      const level0 = Array.isArray(ms.datasets) && isObject(ms.datasets[0]) ? ms.datasets[0].path : undefined;
      if (typeof level0 === "string") {
        const arr = await w.read(joinPath(target, level0));
        if (arr?.kind === "array" && arr.shape) vectorLength = arr.shape[vectorAxes[0]];
      }
    }
    if (nIn !== undefined && ndim !== undefined && ndim !== nIn + 1) {
      w.error(
        node,
        where,
        `the ${vectorType} field "${t.path}" has ${ndim} dimensions but the input has ${nIn} axes; it MUST have ${nIn + 1} (one per input axis plus the vector axis)`,
        target,
      );
    }
    if (nOut !== undefined && vectorLength !== undefined && vectorLength !== nOut) {
      w.error(
        node,
        where,
        `the ${vectorType} field "${t.path}" holds vectors of length ${vectorLength} but the output has ${nOut} axes; they MUST be equal`,
        target,
      );
    }
  }
}

/** The stored-parameter checks of an image group's multiscale-level transformations. */
export async function imageFieldChecks(w: HierarchyWalker, node: string, ns: JSONObject): Promise<void> {
  const systems = systemsOf(ns);
  const dim = (ref: unknown) =>
    isObject(ref) && typeof ref.name === "string" && !ref.path ? systems.get(ref.name)?.length : undefined;
  const multiscales = Array.isArray(ns.multiscales) ? ns.multiscales : [];
  for (const [i, ms] of multiscales.entries()) {
    if (!isObject(ms) || !Array.isArray(ms.coordinateTransformations)) continue;
    await checkStoredParameters(
      w,
      node,
      ms.coordinateTransformations,
      `ome.multiscales[${i}].coordinateTransformations`,
      (t) => ({ nIn: dim(t.input), nOut: dim(t.output) }),
    );
  }
}
