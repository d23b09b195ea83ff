/** Rules for the `labels` list of a labels group and the `image-label` object of a label image. */
import { childPath, isInteger, isObject, isRelativePath, jsonTypeOf } from "../common/json.js";
import type { Context } from "./report.js";

/** Checks the value of `labels`: relative paths to the label images under the labels group. */
export function checkLabelsList(value: unknown, path: string, ctx: Context): void {
  if (!Array.isArray(value)) return;
  if (value.length === 0) ctx.out.warn(path, "is empty; a labels group SHOULD list its label images");
  const seen = new Set<string>();
  value.forEach((entry, i) => {
    if (typeof entry !== "string") return;
    const p = childPath(path, i);
    if (!isRelativePath(entry)) {
      ctx.out.error(
        p,
        `${JSON.stringify(entry)} is not a relative path to a label image inside the labels group`,
      );
    }
    if (seen.has(entry)) ctx.out.warn(p, `"${entry}" is listed twice`);
    seen.add(entry);
  });
}

function checkLabelValues(list: unknown, path: string, what: string, ctx: Context): void {
  if (!Array.isArray(list)) return;
  if (list.length === 0) {
    ctx.out.error(path, `is empty; if present, "${what}" MUST describe at least one label value`);
    return;
  }
  const seen = new Map<number, number>();
  list.forEach((entry, i) => {
    if (!isObject(entry)) return;
    const p = childPath(path, i);
    const value = entry["label-value"];
    if (typeof value !== "number") return;
    if (!Number.isInteger(value)) {
      ctx.out.error(
        childPath(p, "label-value"),
        `${value} is not an integer; label values MUST be integer pixel values`,
      );
      return;
    }
    const first = seen.get(value);
    if (first !== undefined) {
      ctx.out.error(
        childPath(p, "label-value"),
        `${value} is also described by ${what}[${first}]; label values MUST be unique within "${what}"`,
      );
    } else seen.set(value, i);
  });
}

/** Checks the value of `image-label`. */
export function checkImageLabel(value: unknown, path: string, ctx: Context): void {
  if (!isObject(value)) return;
  const { out } = ctx;
  if (value.colors === undefined) {
    out.recommend(path, `has no "colors"; a label image SHOULD give the display colors of its label values`);
  }
  checkLabelValues(value.colors, childPath(path, "colors"), "colors", ctx);
  if (Array.isArray(value.colors)) {
    value.colors.forEach((color, i) => {
      if (!isObject(color) || !Array.isArray(color.rgba)) return;
      const p = childPath(childPath(childPath(path, "colors"), i), "rgba");
      if (color.rgba.length !== 4) {
        out.error(p, `has ${color.rgba.length} values; "rgba" MUST be four integers between 0 and 255`);
      }
      color.rgba.forEach((c, k) => {
        if (!isInteger(c) || c < 0 || c > 255) {
          out.error(
            childPath(p, k),
            `${typeof c === "number" ? c : jsonTypeOf(c)} is not an integer between 0 and 255`,
          );
        }
      });
    });
  }
  checkLabelValues(value.properties, childPath(path, "properties"), "properties", ctx);
  if (ctx.version === "0.4") {
    if (value.version === undefined)
      out.recommend(path, `has no "version"; 0.4 image-label metadata SHOULD give "version": "0.4"`);
    else if (typeof value.version === "string" && value.version !== "0.4") {
      out.error(
        childPath(path, "version"),
        `is ${JSON.stringify(value.version)}; this is OME-Zarr 0.4 metadata, so it MUST be "0.4"`,
      );
    }
  }
}
