/**
 * Hierarchy checks of a 0.6 scene: every `{"name", "path"}` reference names an image group below
 * the scene that defines that coordinate system; each transformation's dimensionality is checked
 * against the systems it connects; the images are validated; stored parameters are checked.
 */
import { childPath, isObject, isRelativePath, type JSONObject } from "../../common/json.js";
import { Findings } from "../../validate/report.js";
import { type HierarchyWalker, joinPath } from "../hierarchy-walker.js";
import { checkStoredParameters, systemsOf } from "../image/hierarchy.js";
import { checkTransformation } from "../transformations/validate.js";

export async function sceneChecks(w: HierarchyWalker, node: string, ns: JSONObject): Promise<void> {
  const scene = ns.scene;
  if (!isObject(scene) || !Array.isArray(scene.coordinateTransformations)) return;
  const own = new Map<string, number>();
  for (const sys of Array.isArray(scene.coordinateSystems) ? scene.coordinateSystems : []) {
    if (isObject(sys) && typeof sys.name === "string" && Array.isArray(sys.axes))
      own.set(sys.name, sys.axes.length);
  }
  const images = new Map<string, Map<string, JSONObject[]> | null>();
  const listPath = "ome.scene.coordinateTransformations";
  const dimsOf = async (ref: unknown, json: string): Promise<number | undefined> => {
    if (!isObject(ref) || typeof ref.name !== "string") return undefined;
    if (typeof ref.path !== "string" || ref.path === "") return own.get(ref.name);
    if (!isRelativePath(ref.path)) return undefined;
    let systems = images.get(ref.path);
    if (systems === undefined) {
      const target = joinPath(node, ref.path);
      const group = await w.group(node, childPath(json, "path"), target, "scene image");
      systems = null;
      if (group) {
        await w.visit(target, group, ["image", "image-label"]);
        const ome = group.attributes.ome;
        if (isObject(ome)) systems = systemsOf(ome);
      }
      images.set(ref.path, systems);
    }
    if (systems === null) return undefined;
    const axes = systems.get(ref.name);
    if (!axes) {
      w.error(
        node,
        childPath(json, "name"),
        `"${ref.name}" is not a coordinate system of the image at "${ref.path}" (it has ${[...systems.keys()].map((n) => `"${n}"`).join(", ") || "none"}); a scene reference MUST name one of them`,
        joinPath(node, ref.path),
      );
      return undefined;
    }
    return axes.length;
  };
  const dims: { nIn?: number; nOut?: number }[] = [];
  for (const [i, t] of scene.coordinateTransformations.entries()) {
    const p = childPath(listPath, i);
    if (!isObject(t)) {
      dims.push({});
      continue;
    }
    const nIn = await dimsOf(t.input, childPath(p, "input"));
    const nOut = await dimsOf(t.output, childPath(p, "output"));
    dims.push({ nIn, nOut });
    const refsInImages = [t.input, t.output].some(
      (r) => isObject(r) && typeof r.path === "string" && r.path !== "",
    );
    if (refsInImages && (nIn !== undefined || nOut !== undefined)) {
      // the attribute-level check could not know these dimensions; check the rules again with them
      // (structure findings were reported then, so they go to a discarded collector)
      const ruleOut = new Findings();
      checkTransformation(
        t,
        p,
        { out: new Findings(), ruleOut, schemaOnly: false },
        { input: nIn, output: nOut },
      );
      for (const e of ruleOut.errors) w.error(node, e.path, e.message);
    }
  }
  const list: unknown[] = scene.coordinateTransformations;
  await checkStoredParameters(w, node, list, listPath, (t) => dims[list.indexOf(t)] ?? {});
}
