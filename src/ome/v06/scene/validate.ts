/**
 * Rules for 0.6 `scene` metadata: transformations between coordinate systems of the images below
 * the scene group (`{"name", "path"}`) and of the scene itself (`{"name"}`). References into
 * subgroups are resolved by the hierarchy validator; here, the structure and the local references.
 */
import { childPath, isObject, isRelativePath, jsonTypeOf } from "../../common/json.js";
import {
  checkCoordinateSystems,
  checkTransformation,
  checkUniqueNames,
  rule,
  type V06Context,
} from "../transformations/validate.js";

/** A reference of a scene transformation to a coordinate system in an image below the scene. */
export interface SceneReference {
  /** JSON path of the reference (`ome.scene.coordinateTransformations[0].input`). */
  json: string;
  name: string;
  path: string;
  /** The transformation it belongs to, and which end. */
  transform: number;
  side: "input" | "output";
}

export interface SceneSummary {
  references: SceneReference[];
  /** Dimensionality of the scene's own systems. */
  systems: Map<string, number>;
}

/** Checks the value of `scene`. */
export function checkScene(value: unknown, path: string, ctx: V06Context): SceneSummary {
  const summary: SceneSummary = { references: [], systems: new Map() };
  if (!isObject(value)) {
    ctx.out.error(path, `must be an object, not ${jsonTypeOf(value)}`);
    return summary;
  }
  let systems = new Map<string, Record<string, unknown>[]>();
  if (value.coordinateSystems !== undefined) {
    systems = checkCoordinateSystems(value.coordinateSystems, childPath(path, "coordinateSystems"), ctx, {
      minItems: 0,
      imageRules: false,
    });
  }
  for (const [name, axes] of systems) summary.systems.set(name, axes.length);
  const list = value.coordinateTransformations;
  const listPath = childPath(path, "coordinateTransformations");
  if (list === undefined) {
    ctx.out.error(path, `missing required field "coordinateTransformations"`);
    return summary;
  }
  if (!Array.isArray(list)) {
    ctx.out.error(listPath, `must be an array of transformations, not ${jsonTypeOf(list)}`);
    return summary;
  }
  if (list.length === 0) ctx.out.error(listPath, "is empty; a scene MUST give at least one transformation");
  list.forEach((t, i) => {
    const p = childPath(listPath, i);
    if (!isObject(t)) {
      checkTransformation(t, p, ctx);
      return;
    }
    const dims: { input?: number; output?: number } = {};
    for (const side of ["input", "output"] as const) {
      const ref = t[side];
      const rp = childPath(p, side);
      if (ref === undefined) {
        ctx.out.error(p, `missing required field "${side}" ({"name", "path"} of a coordinate system)`);
        continue;
      }
      if (!isObject(ref)) continue; // reported by checkTransformation
      for (const key of Object.keys(ref)) {
        if (key !== "name" && key !== "path")
          ctx.out.error(childPath(rp, key), `is not allowed; a scene reference has only "name" and "path"`);
      }
      if (ref.name === undefined) {
        ctx.out.error(rp, `missing required field "name"`);
        continue;
      }
      if (typeof ref.name !== "string") continue;
      if (typeof ref.path === "string" && ref.path !== "") {
        if (!isRelativePath(ref.path))
          rule(
            ctx,
            childPath(rp, "path"),
            `${JSON.stringify(ref.path)} is not a relative path to an image group below the scene`,
          );
        else summary.references.push({ json: rp, name: ref.name, path: ref.path, transform: i, side });
      } else if (!systems.has(ref.name)) {
        rule(
          ctx,
          childPath(rp, "name"),
          `"${ref.name}" is not one of the scene's coordinateSystems; without "path", a scene reference MUST name a coordinate system of the scene itself`,
        );
      } else dims[side] = systems.get(ref.name)!.length;
    }
    checkTransformation(t, p, ctx, dims);
  });
  checkUniqueNames(list, listPath, ctx);
  return summary;
}
