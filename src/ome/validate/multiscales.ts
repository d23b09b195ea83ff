/** Rules for `multiscales` (image metadata), 0.4 and 0.5. */
import { childPath, isObject, isRelativePath, jsonEqual } from "../common/json.js";
import { checkAxes } from "./axes.js";
import type { Context } from "./report.js";
import {
  checkTransformations,
  checkVectorLengths,
  type TransformSummary,
  type VectorLength,
} from "./transforms.js";

function checkDatasets(
  datasets: unknown,
  ndim: number | undefined,
  axes: unknown,
  path: string,
  ctx: Context,
  lengths: VectorLength[],
): void {
  if (!Array.isArray(datasets)) return;
  const { out } = ctx;
  if (datasets.length === 0) {
    out.error(path, "is empty; a multiscale MUST list at least one dataset (resolution level)");
    return;
  }
  const paths = new Map<string, number>();
  let previous: (TransformSummary & { index: number }) | undefined;
  datasets.forEach((dataset, i) => {
    if (!isObject(dataset)) return;
    const p = childPath(path, i);
    if (typeof dataset.path === "string") {
      if (!isRelativePath(dataset.path)) {
        out.error(
          childPath(p, "path"),
          `${JSON.stringify(dataset.path)} is not a relative path to an array in this group (no leading "/", empty, "." or ".." segments)`,
        );
      }
      const first = paths.get(dataset.path);
      if (first !== undefined) {
        out.error(
          childPath(p, "path"),
          `"${dataset.path}" is also the path of datasets[${first}]; each resolution level MUST be its own array`,
        );
      } else paths.set(dataset.path, i);
    }
    const summary = checkTransformations(
      dataset.coordinateTransformations,
      ndim,
      childPath(p, "coordinateTransformations"),
      ctx,
      "each dataset",
      lengths,
    );
    // Resolution order: levels go from the highest resolution to the lowest, so no axis may get a
    // smaller scale (finer pixels) than it had on the level before.
    if (summary.scale && previous?.scale && summary.scale.length === previous.scale.length) {
      const finer = summary.scale.flatMap((s, a) => (s < previous!.scale![a] ? [a] : []));
      if (finer.length > 0) {
        const names = finer.map((a) => {
          const axis = Array.isArray(axes) ? axes[a] : undefined;
          return isObject(axis) && typeof axis.name === "string" ? `"${axis.name}"` : `#${a}`;
        });
        out.error(
          summary.scalePath!,
          `is finer than datasets[${previous.index}] on axis ${names.join(", ")} ` +
            `(${finer.map((a) => `${summary.scale![a]} < ${previous!.scale![a]}`).join(", ")}); ` +
            `datasets MUST be ordered from the highest resolution to the lowest`,
        );
      }
    }
    if (summary.scale) previous = { ...summary, index: i };
  });
}

/** Checks the value of `multiscales`. */
export function checkMultiscales(value: unknown, path: string, ctx: Context): void {
  if (!Array.isArray(value)) return;
  const { out } = ctx;
  if (value.length === 0) {
    out.error(path, "is empty; an image MUST have at least one multiscale entry");
    return;
  }
  value.forEach((ms, i) => {
    if (!isObject(ms)) return;
    const p = childPath(path, i);
    const duplicate = value.findIndex((other) => jsonEqual(other, ms));
    if (duplicate < i)
      out.error(p, `is identical to ${path}[${duplicate}]; multiscale entries MUST be unique`);

    const ndim = checkAxes(ms.axes, childPath(p, "axes"), ctx);
    const lengths: VectorLength[] = [];
    checkDatasets(ms.datasets, ndim, ms.axes, childPath(p, "datasets"), ctx, lengths);
    if (ms.coordinateTransformations !== undefined) {
      checkTransformations(
        ms.coordinateTransformations,
        ndim,
        childPath(p, "coordinateTransformations"),
        ctx,
        "the multiscale",
        lengths,
      );
    }
    checkVectorLengths(lengths, ndim, ctx);

    if (ms.name === undefined) out.recommend(p, `has no "name"; each multiscale SHOULD have a name`);
    if (ms.type === undefined)
      out.recommend(p, `has no "type"; each multiscale SHOULD name its downscaling method`);
    if (ms.metadata === undefined)
      out.recommend(p, `has no "metadata"; each multiscale SHOULD describe its downscaling method`);
    if (ctx.version === "0.4") {
      if (ms.version === undefined)
        out.recommend(p, `has no "version"; each 0.4 multiscale SHOULD give "version": "0.4"`);
      else if (typeof ms.version === "string" && ms.version !== "0.4") {
        out.error(
          childPath(p, "version"),
          `is ${JSON.stringify(ms.version)}; this is OME-Zarr 0.4 metadata, so it MUST be "0.4"`,
        );
      }
    }
  });
}
