/**
 * OME-Zarr 0.5 ↔ 0.6 attributes of one group, as pure functions over JSON. The only OME object
 * whose shape changes is `multiscales` (RFC-5): 0.6 moves the axes into a named coordinate system
 * and gives each dataset one transformation with `input` (its array) and `output` (that system).
 * 0.5's multiscale-level scale/translation are folded into each level's transformation — the same
 * mapping, as the 0.6 image builder does it. Everything else (omero, labels, image-label, plate,
 * well, bioformats2raw) keeps its shape; only `ome.version` changes.
 */
import { cloneJSON, isObject, type JSONObject } from "../common/json.js";
import { DEFAULT_SYSTEM } from "../v06/image/build.js";
import { isV06Version, VERSION as V06 } from "../v06/version.js";
import { NotRepresentableError } from "./errors.js";

type Vector = number[];

/** The scale and translation of a 0.5 transformation list (scale first, optional translation), or a reason it has none. */
function scaleAndTranslation(
  list: unknown,
  rank: number,
  where: string,
): { scale?: Vector; translation?: Vector } {
  const out: { scale?: Vector; translation?: Vector } = {};
  for (const [i, t] of (Array.isArray(list) ? list : []).entries()) {
    if (!isObject(t)) continue;
    if (t.type === "identity") continue;
    if ((t.type === "scale" || t.type === "translation") && t.path !== undefined)
      throw new NotRepresentableError(
        `${where}[${i}]: a ${t.type} stored in a binary array ("path") is not converted; give it inline`,
      );
    if (t.type === "scale") out.scale = t.scale as Vector;
    else if (t.type === "translation") out.translation = t.translation as Vector;
  }
  if (out.scale && out.scale.length !== rank) out.scale = undefined;
  return out;
}

function multiscale05to06(ms: JSONObject, where: string): JSONObject {
  const { axes, datasets, coordinateTransformations: global, version: _, ...rest } = ms;
  const rank = Array.isArray(axes) ? axes.length : 0;
  const g = scaleAndTranslation(global, rank, `${where}.coordinateTransformations`);
  const converted = (Array.isArray(datasets) ? datasets : []).map((ds, i) => {
    if (!isObject(ds)) return ds;
    const path = ds.path as string;
    const own = scaleAndTranslation(
      ds.coordinateTransformations,
      rank,
      `${where}.datasets[${i}].coordinateTransformations`,
    );
    let scale = own.scale ?? new Array(rank).fill(1);
    let translation = own.translation;
    if (g.scale) {
      scale = scale.map((s, k) => s * (g.scale as Vector)[k]);
      translation = translation?.map((t, k) => t * (g.scale as Vector)[k]);
    }
    if (g.translation)
      translation = (translation ?? new Array(rank).fill(0)).map((t, k) => t + (g.translation as Vector)[k]);
    const ends = { input: { path }, output: { name: DEFAULT_SYSTEM } };
    const transform = translation
      ? {
          type: "sequence",
          ...ends,
          transformations: [
            { type: "scale", scale },
            { type: "translation", translation },
          ],
        }
      : { type: "scale", scale, ...ends };
    const { coordinateTransformations: __, ...dsRest } = ds;
    return { ...dsRest, path, coordinateTransformations: [transform] };
  });
  return {
    ...rest,
    coordinateSystems: [{ name: DEFAULT_SYSTEM, axes: cloneJSON(axes) }],
    datasets: converted,
  };
}

/** The scale and translation of a 0.6 dataset transformation to `system`, or throws naming why 0.5 has none. */
function levelOf(
  t: unknown,
  path: string,
  system: string,
  where: string,
): { scale: Vector; translation?: Vector } {
  const fail = (why: string): never => {
    throw new NotRepresentableError(
      `${where}: ${why}; OME-Zarr 0.5 levels have a scale and an optional translation only`,
    );
  };
  if (!isObject(t)) return fail("is not a transformation");
  const input = t.input as JSONObject | undefined;
  const output = t.output as JSONObject | undefined;
  if (input?.path !== undefined && input.path !== path)
    fail(`input is ${JSON.stringify(input)}, not the dataset's array`);
  if (output?.name !== undefined && output.name !== system)
    fail(`output is ${JSON.stringify(output)}, not "${system}"`);
  if (t.type === "scale" && Array.isArray(t.scale)) return { scale: t.scale as Vector };
  if (t.type === "sequence" && Array.isArray(t.transformations)) {
    const [a, b, ...more] = t.transformations as JSONObject[];
    if (more.length === 0 && a?.type === "scale" && Array.isArray(a.scale)) {
      if (b === undefined) return { scale: a.scale as Vector };
      if (b.type === "translation" && Array.isArray(b.translation))
        return { scale: a.scale as Vector, translation: b.translation as Vector };
    }
    return fail("is a sequence other than [scale, translation]");
  }
  return fail(`is a "${String(t.type)}" transformation`);
}

function multiscale06to05(ms: JSONObject, where: string): JSONObject {
  const { coordinateSystems, datasets, coordinateTransformations, ...rest } = ms;
  const systems = Array.isArray(coordinateSystems) ? (coordinateSystems as JSONObject[]) : [];
  if (systems.length !== 1)
    throw new NotRepresentableError(
      `${where}.coordinateSystems: ${systems.length} coordinate systems (${systems.map((s) => JSON.stringify(s?.name)).join(", ")}); OME-Zarr 0.5 has exactly one set of axes`,
    );
  if (Array.isArray(coordinateTransformations) && coordinateTransformations.length > 0)
    throw new NotRepresentableError(
      `${where}.coordinateTransformations: transformations between coordinate systems have no OME-Zarr 0.5 form`,
    );
  const system = systems[0].name as string;
  const converted = (Array.isArray(datasets) ? datasets : []).map((ds, i) => {
    if (!isObject(ds)) return ds;
    const at = `${where}.datasets[${i}].coordinateTransformations`;
    const list = Array.isArray(ds.coordinateTransformations) ? ds.coordinateTransformations : [];
    if (list.length !== 1)
      throw new NotRepresentableError(
        `${at}: ${list.length} transformations; 0.6 gives each dataset one, 0.5 a scale and an optional translation`,
      );
    const { scale, translation } = levelOf(list[0], ds.path as string, system, `${at}[0]`);
    const transforms: JSONObject[] = [{ type: "scale", scale }];
    if (translation) transforms.push({ type: "translation", translation });
    return { ...ds, coordinateTransformations: transforms };
  });
  return { ...rest, axes: cloneJSON(systems[0].axes), datasets: converted };
}

/** Rewrites `ome` of an attributes document; groups without OME metadata are left alone. */
function withOme(attrs: JSONObject, version: string, fn: (ome: JSONObject) => JSONObject): JSONObject {
  const copy = cloneJSON(attrs);
  if (!isObject(copy.ome)) return copy;
  return { ...copy, ome: { ...fn(copy.ome), version } };
}

/** 0.5 `attributes` → 0.6: multiscales get a coordinate system and input/output transformations. */
export function attributes05to06(attrs: JSONObject, node: string): JSONObject {
  return withOme(attrs, V06, (ome) => {
    if (!Array.isArray(ome.multiscales)) return ome;
    const multiscales = ome.multiscales.map((ms, i) =>
      isObject(ms) ? multiscale05to06(ms, `${node}#ome.multiscales[${i}]`) : ms,
    );
    return { ...ome, multiscales };
  });
}

/** 0.6 `attributes` → 0.5, or NotRepresentableError naming what 0.5 cannot express (scenes, extra systems, other transformations). */
export function attributes06to05(attrs: JSONObject, node: string): JSONObject {
  return withOme(attrs, "0.5", (ome) => {
    if (!isV06Version(ome.version) && ome.version !== undefined) return ome;
    if (ome.scene !== undefined)
      throw new NotRepresentableError(
        `${node}#ome.scene: scenes are new in OME-Zarr 0.6 and have no 0.5 form`,
      );
    if (!Array.isArray(ome.multiscales)) return ome;
    const multiscales = ome.multiscales.map((ms, i) =>
      isObject(ms) ? multiscale06to05(ms, `${node}#ome.multiscales[${i}]`) : ms,
    );
    return { ...ome, multiscales };
  });
}
