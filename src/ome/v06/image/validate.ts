/**
 * Rules for 0.6 `multiscales`: coordinate systems, the one transformation of each dataset (its
 * array → the intrinsic coordinate system), the multiscale-level transformations (intrinsic →
 * other systems), resolution order, and the structure the official image schema checks.
 */
import { childPath, isObject, isRelativePath, jsonEqual, jsonTypeOf } from "../../common/json.js";
import {
  checkCoordinateSystems,
  checkReferenceShape,
  checkTransformation,
  checkUniqueNames,
  rule,
  type V06Context,
} from "../transformations/validate.js";

/** What the checks learn about one multiscale, for the hierarchy validator. */
export interface MultiscaleSummary {
  /** The name of the intrinsic coordinate system (the datasets' common output). */
  intrinsic?: string;
  /** Dimensionality of each coordinate system, by name. */
  systems: Map<string, number>;
  /** The dataset paths, in order. */
  paths: string[];
}

const DATASET_FORMS = `a single "scale", a single "identity", or a "sequence" of one "scale" and one "translation"`;

/** Checks the `input` (must name the array by path) and `output` (must name a system) of a dataset transformation. */
function checkDatasetEnds(t: Record<string, unknown>, p: string, ctx: V06Context): void {
  if (t.input === undefined)
    ctx.out.error(p, `missing required field "input" ({"path": <the dataset path>})`);
  else if (
    checkReferenceShape(t.input, childPath(p, "input"), ctx) &&
    (t.input as Record<string, unknown>).path === undefined
  )
    ctx.out.error(
      childPath(p, "input"),
      `missing required field "path"; a dataset transformation's input is the array, named by its path`,
    );
  if (t.output === undefined)
    ctx.out.error(p, `missing required field "output" ({"name": <the intrinsic coordinate system>})`);
  else if (
    checkReferenceShape(t.output, childPath(p, "output"), ctx) &&
    (t.output as Record<string, unknown>).name === undefined
  )
    ctx.out.error(
      childPath(p, "output"),
      `missing required field "name"; a dataset transformation's output is a coordinate system`,
    );
}

/** Structure of the one dataset transformation (what the image schema's oneOf allows). */
function checkDatasetTransformShape(t: unknown, p: string, ctx: V06Context): boolean {
  if (!isObject(t)) {
    ctx.out.error(p, `must be a transformation object, not ${jsonTypeOf(t)}`);
    return false;
  }
  if (t.type === "scale" || t.type === "identity") {
    checkDatasetEnds(t, p, ctx);
    return true;
  }
  if (t.type === "sequence") {
    checkDatasetEnds(t, p, ctx);
    const list = t.transformations;
    if (!Array.isArray(list)) return true; // checkTransformation reports it
    if (
      list.length !== 2 ||
      !list.every((s) => isObject(s) && (s.type === "scale" || s.type === "translation"))
    ) {
      ctx.out.error(
        childPath(p, "transformations"),
        `must be exactly two transformations, a "scale" and a "translation"; a dataset's transformation is ${DATASET_FORMS}`,
      );
      return false;
    }
    return true;
  }
  ctx.out.error(
    childPath(p, "type"),
    `${JSON.stringify(t.type)} is not allowed here; a dataset's transformation MUST be ${DATASET_FORMS}`,
  );
  return false;
}

/** The scale vector a dataset transformation applies (for the resolution order), when it has one. */
function scaleOf(t: Record<string, unknown>): number[] | undefined {
  if (t.type === "scale" && Array.isArray(t.scale)) return t.scale as number[];
  if (t.type === "sequence" && Array.isArray(t.transformations)) {
    const s = (t.transformations as unknown[]).find((x) => isObject(x) && x.type === "scale") as
      | Record<string, unknown>
      | undefined;
    if (s && Array.isArray(s.scale)) return s.scale as number[];
  }
  return undefined;
}

function checkDatasets(
  datasets: unknown,
  path: string,
  ctx: V06Context,
  systems: Map<string, Record<string, unknown>[]>,
  summary: MultiscaleSummary,
): void {
  if (!Array.isArray(datasets)) {
    ctx.out.error(path, `must be an array of datasets, not ${jsonTypeOf(datasets)}`);
    return;
  }
  if (datasets.length === 0) {
    ctx.out.error(path, "is empty; a multiscale MUST list at least one dataset (resolution level)");
    return;
  }
  const seenPaths = new Map<string, number>();
  let firstOutput: { name: string; index: number } | undefined;
  let previous: { scale: number[]; index: number } | undefined;
  datasets.forEach((dataset, i) => {
    const p = childPath(path, i);
    if (!isObject(dataset)) {
      ctx.out.error(
        p,
        `must be a dataset object ({"path", "coordinateTransformations"}), not ${jsonTypeOf(dataset)}`,
      );
      return;
    }
    if (dataset.path === undefined) ctx.out.error(p, `missing required field "path"`);
    else if (typeof dataset.path !== "string")
      ctx.out.error(childPath(p, "path"), `must be a string, not ${jsonTypeOf(dataset.path)}`);
    else {
      summary.paths.push(dataset.path);
      if (!isRelativePath(dataset.path)) {
        rule(
          ctx,
          childPath(p, "path"),
          `${JSON.stringify(dataset.path)} is not a relative path to an array in this group (no leading "/", empty, "." or ".." segments)`,
        );
      }
      const first = seenPaths.get(dataset.path);
      if (first !== undefined)
        rule(
          ctx,
          childPath(p, "path"),
          `"${dataset.path}" is also the path of datasets[${first}]; each resolution level MUST be its own array`,
        );
      else seenPaths.set(dataset.path, i);
    }
    const listPath = childPath(p, "coordinateTransformations");
    const list = dataset.coordinateTransformations;
    if (list === undefined) {
      ctx.out.error(p, `missing required field "coordinateTransformations"`);
      return;
    }
    if (!Array.isArray(list)) {
      ctx.out.error(listPath, `must be an array holding one transformation, not ${jsonTypeOf(list)}`);
      return;
    }
    if (list.length !== 1) {
      ctx.out.error(
        listPath,
        `has ${list.length} transformations; each dataset MUST have exactly one (${DATASET_FORMS})`,
      );
    }
    list.forEach((t, k) => {
      const tp = childPath(listPath, k);
      const shapeOk = checkDatasetTransformShape(t, tp, ctx);
      if (!isObject(t)) return;
      const output = isObject(t.output) && typeof t.output.name === "string" ? t.output.name : undefined;
      const input = isObject(t.input) && typeof t.input.path === "string" ? t.input.path : undefined;
      const outAxes = output !== undefined ? systems.get(output) : undefined;
      if (output !== undefined && !outAxes) {
        rule(
          ctx,
          childPath(childPath(tp, "output"), "name"),
          `"${output}" is not one of this multiscale's coordinateSystems; a dataset transformation MUST end in a coordinate system defined here`,
        );
      }
      if (input !== undefined && typeof dataset.path === "string" && input !== dataset.path) {
        rule(
          ctx,
          childPath(childPath(tp, "input"), "path"),
          `is "${input}" but the dataset path is "${dataset.path}"; a dataset transformation's input MUST be its own array`,
        );
      }
      if (output !== undefined) {
        if (!firstOutput) firstOutput = { name: output, index: i };
        else if (output !== firstOutput.name) {
          rule(
            ctx,
            childPath(childPath(tp, "output"), "name"),
            `is "${output}" but datasets[${firstOutput.index}] maps to "${firstOutput.name}"; every dataset of a multiscale MUST map to the same (intrinsic) coordinate system`,
          );
        }
      }
      // the array has one dimension per axis of the intrinsic system (checked against the array itself in the hierarchy)
      const n = outAxes?.length;
      checkTransformation(t, tp, ctx, { input: n, output: n });
      if (shapeOk && t.type === "sequence" && Array.isArray(t.transformations)) {
        const types = (t.transformations as Record<string, unknown>[]).map((s) => s.type);
        if (types[0] !== "scale" || types[1] !== "translation") {
          rule(
            ctx,
            childPath(tp, "transformations"),
            `is [${types.map((x) => JSON.stringify(x)).join(", ")}]; a dataset's sequence MUST be a "scale" followed by a "translation"`,
          );
        }
      }
      const scale = scaleOf(t);
      if (scale && previous && scale.length === previous.scale.length) {
        const finer = scale.flatMap((s, a) => (s < previous!.scale[a] ? [a] : []));
        if (finer.length > 0) {
          const names = finer.map((a) => (outAxes?.[a] ? `"${String(outAxes[a].name)}"` : `#${a}`));
          rule(
            ctx,
            tp,
            `scales finer than datasets[${previous.index}] on axis ${names.join(", ")} (${finer.map((a) => `${scale[a]} < ${previous!.scale[a]}`).join(", ")}); datasets MUST be ordered from the highest resolution to the lowest`,
          );
        }
      }
      if (scale) previous = { scale, index: i };
    });
  });
  summary.intrinsic = firstOutput?.name;
}

function checkMultiscaleTransforms(
  list: unknown,
  path: string,
  ctx: V06Context,
  systems: Map<string, Record<string, unknown>[]>,
  intrinsic: string | undefined,
): Set<string> {
  const reached = new Set<string>();
  if (!Array.isArray(list)) {
    ctx.out.error(path, `must be an array of transformations, not ${jsonTypeOf(list)}`);
    return reached;
  }
  if (list.length === 0) ctx.out.error(path, "is empty; leave it out or give at least one transformation");
  list.forEach((t, i) => {
    const p = childPath(path, i);
    if (!isObject(t)) {
      checkTransformation(t, p, ctx);
      return;
    }
    const names: Record<"input" | "output", string | undefined> = { input: undefined, output: undefined };
    // a reference with a path names a coordinate system of a child labels group (checked in the hierarchy)
    const elsewhere = { input: false, output: false };
    for (const side of ["input", "output"] as const) {
      const ref = t[side];
      if (ref === undefined) {
        ctx.out.error(p, `missing required field "${side}" ({"name": <coordinate system>})`);
        continue;
      }
      if (!isObject(ref)) continue; // checkTransformation reports the shape
      if (ref.name === undefined) ctx.out.error(childPath(p, side), `missing required field "name"`);
      else if (typeof ref.name === "string") names[side] = ref.name;
      if (typeof ref.path === "string" && ref.path !== "") elsewhere[side] = true;
    }
    if (
      names.input !== undefined &&
      !elsewhere.input &&
      intrinsic !== undefined &&
      names.input !== intrinsic
    ) {
      rule(
        ctx,
        childPath(childPath(p, "input"), "name"),
        `is "${names.input}" but the intrinsic coordinate system (the datasets' output) is "${intrinsic}"; the input of every multiscale transformation MUST be the intrinsic coordinate system`,
      );
    }
    if (names.output !== undefined && !elsewhere.output) {
      if (!systems.has(names.output)) {
        rule(
          ctx,
          childPath(childPath(p, "output"), "name"),
          `"${names.output}" is not one of this multiscale's coordinateSystems; a transformation MUST end in a defined coordinate system (or give "path" to the labels group defining it)`,
        );
      } else if (names.output === intrinsic && !elsewhere.input) {
        rule(
          ctx,
          childPath(childPath(p, "output"), "name"),
          `is the intrinsic coordinate system "${intrinsic}"; a multiscale transformation MUST map it to a different coordinate system`,
        );
      } else reached.add(names.output);
    }
    const dim = (side: "input" | "output") =>
      names[side] !== undefined && !elsewhere[side] ? systems.get(names[side]!)?.length : undefined;
    const nIn = dim("input");
    const nOut = dim("output");
    checkTransformation(t, p, ctx, { input: nIn, output: nOut });
  });
  checkUniqueNames(list, path, ctx);
  return reached;
}

/** Checks the value of `multiscales` (0.6); returns a summary of each multiscale for the hierarchy checks. */
export function checkMultiscales(value: unknown, path: string, ctx: V06Context): MultiscaleSummary[] {
  const summaries: MultiscaleSummary[] = [];
  if (!Array.isArray(value)) {
    ctx.out.error(path, `must be an array of multiscale images, not ${jsonTypeOf(value)}`);
    return summaries;
  }
  if (value.length === 0) {
    ctx.out.error(path, "is empty; an image MUST have at least one multiscale entry");
    return summaries;
  }
  value.forEach((ms, i) => {
    const p = childPath(path, i);
    const summary: MultiscaleSummary = { systems: new Map(), paths: [] };
    summaries.push(summary);
    if (!isObject(ms)) {
      ctx.out.error(p, `must be a multiscale object, not ${jsonTypeOf(ms)}`);
      return;
    }
    const duplicate = value.findIndex((other) => jsonEqual(other, ms));
    if (duplicate < i)
      ctx.out.error(p, `is identical to ${path}[${duplicate}]; multiscale entries must be unique`);
    if (ms.name !== undefined && typeof ms.name !== "string")
      ctx.out.error(childPath(p, "name"), `must be a string, not ${jsonTypeOf(ms.name)}`);
    if (ms.axes !== undefined && ms.coordinateSystems === undefined) {
      ctx.out.error(
        p,
        `has "axes" but no "coordinateSystems"; in OME-Zarr 0.6 the axes belong to named coordinate systems (this looks like 0.4/0.5 metadata)`,
      );
    }
    let systems = new Map<string, Record<string, unknown>[]>();
    if (ms.coordinateSystems === undefined) ctx.out.error(p, `missing required field "coordinateSystems"`);
    else
      systems = checkCoordinateSystems(ms.coordinateSystems, childPath(p, "coordinateSystems"), ctx, {
        minItems: 1,
        imageRules: true,
      });
    for (const [name, axes] of systems) summary.systems.set(name, axes.length);
    if (ms.datasets === undefined) ctx.out.error(p, `missing required field "datasets"`);
    else checkDatasets(ms.datasets, childPath(p, "datasets"), ctx, systems, summary);
    let reached = new Set<string>();
    if (ms.coordinateTransformations !== undefined) {
      reached = checkMultiscaleTransforms(
        ms.coordinateTransformations,
        childPath(p, "coordinateTransformations"),
        ctx,
        systems,
        summary.intrinsic,
      );
    }
    // Graph connectedness: every system is reachable from the intrinsic one. A scene can connect
    // the others too, which only a hierarchy shows, so this is a warning here.
    if (summary.intrinsic !== undefined && !ctx.schemaOnly) {
      for (const name of systems.keys()) {
        if (name !== summary.intrinsic && !reached.has(name)) {
          ctx.out.warn(
            childPath(p, "coordinateSystems"),
            `coordinate system "${name}" is not connected to the intrinsic system "${summary.intrinsic}" by any transformation of this multiscale; all coordinate systems MUST be connected (here or by a scene)`,
          );
        }
      }
    }
    if (ms.name === undefined) ctx.out.recommend(p, `has no "name"; each multiscale SHOULD have a name`);
    if (ms.type === undefined)
      ctx.out.recommend(p, `has no "type"; each multiscale SHOULD name its downscaling method`);
    if (ms.metadata === undefined)
      ctx.out.recommend(p, `has no "metadata"; each multiscale SHOULD describe its downscaling method`);
  });
  return summaries;
}
