/** Rules for the transitional bioformats2raw layout: the root's layout marker and the OME group's `series`. */
import { childPath, isRelativePath } from "../common/json.js";
import type { Context } from "./report.js";

export function checkLayout(value: unknown, path: string, ctx: Context): void {
  if (typeof value === "number" && value !== 3) {
    ctx.out.error(path, `is ${value}; "bioformats2raw.layout" MUST be 3`);
  }
}

export function checkSeries(value: unknown, path: string, ctx: Context): void {
  if (!Array.isArray(value)) return;
  value.forEach((entry, i) => {
    if (typeof entry === "string" && !isRelativePath(entry)) {
      ctx.out.error(childPath(path, i), `${JSON.stringify(entry)} is not a relative path to an image group`);
    }
  });
}
